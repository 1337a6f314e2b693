import { z } from 'zod';
import { express } from '@oms/http';
import type { Users } from '../../application/users';
import { roleSchema } from './api-keys';
import { apiRoute } from './api-route';
import { requireOps } from './auth';

const usernameParams = z.object({ username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lower-case letters, digits, . _ -; 2 to 64') });
const userBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  roles: z.array(roleSchema).min(1).max(50),
  /** At least 12 characters: a passphrase, hashed with scrypt; absent keeps the current one. */
  password: z.string().min(12, 'at least 12 characters').max(200).optional(),
  locale: z.enum(['de', 'en']).optional(),
  disabled: z.boolean().optional(),
});
const userView = z
  .object({ username: z.string(), name: z.string(), roles: z.array(z.string()), disabled: z.boolean() })
  .loose()
  .describe('A console user (never the password or its hash)');

/** Console users: ops create them with the same roles as API keys (ops, channel:, partner:, location:). */
export function usersRoutes(users: Users): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'put',
    path: '/users/:username',
    summary: 'Create or change a console user: name, roles, password (required for a new user), locale, disabled (ops)',
    tags: ['console'],
    params: usernameParams,
    body: userBody,
    responses: { 200: { description: 'The user', schema: userView } },
    handler: async (_req, res, { params, body }) => {
      const { actor } = requireOps(res);
      res.json(await users.put(params.username, body, actor));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/users',
    summary: 'The console users (ops)',
    tags: ['console'],
    responses: { 200: { description: 'Every user', schema: z.object({ items: z.array(userView) }) } },
    handler: async (_req, res) => {
      requireOps(res);
      res.json({ items: await users.list() });
    },
  });

  return router;
}
