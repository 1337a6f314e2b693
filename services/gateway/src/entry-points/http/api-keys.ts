import { z } from 'zod';
import { express } from '@oms/http';
import type { ApiKeys } from '../../application/api-keys';
import { apiRoute } from './api-route';
import { requireOps } from './auth';

const scopedId = '[A-Za-z0-9._:-]{1,128}';
/** `ops`, `channel:<id>`, `partner:<id>` or `location:<id>`; ids as in the canonical order's `channel` and the locations' ids. */
export const roleSchema = z
  .string()
  .regex(
    new RegExp(`^(ops|channel:${scopedId}|partner:${scopedId}|location:${scopedId})$`),
    "a role is 'ops', 'channel:<id>', 'partner:<id>' or 'location:<id>'",
  )
  .openapi({ example: 'channel:webshop' });

const createKeyBody = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ example: 'Webshop storefront' }),
    roles: z.array(roleSchema).min(1).max(50),
  })
  .strict();

const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});

const createdKey = apiKeyView.extend({ key: z.string().describe('The API key; shown only in this answer, stored only as a hash') });
const keyParams = z.object({ id: z.string().min(1).max(100) });

/** Creating, listing and revoking API keys: ops only. */
export function apiKeysRoutes(keys: ApiKeys): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'post',
    path: '/api-keys',
    summary: 'Create an API key with roles; the key is shown once in the answer',
    tags: ['api-keys'],
    body: createKeyBody,
    responses: { 201: { description: 'Created; `key` is not shown again', schema: createdKey } },
    handler: async (_req, res, { body }) => {
      const principal = requireOps(res);
      const { view, key } = await keys.create(body.name, body.roles, principal.actor);
      res.status(201).location(`/v1/api-keys/${view.id}`).setHeader('Cache-Control', 'no-store');
      res.json({ ...view, key });
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/api-keys',
    summary: 'List API keys (never the keys or their hashes)',
    tags: ['api-keys'],
    responses: { 200: { description: 'Every stored key, revoked ones too', schema: z.array(apiKeyView) } },
    handler: async (_req, res) => {
      requireOps(res);
      res.json(await keys.list());
    },
  });

  apiRoute(router, {
    method: 'delete',
    path: '/api-keys/:id',
    summary: 'Revoke an API key: it is refused from now on',
    tags: ['api-keys'],
    params: keyParams,
    responses: { 204: { description: 'Revoked (also when it was revoked before)' } },
    handler: async (_req, res, { params }) => {
      const principal = requireOps(res);
      await keys.revoke(params.id, principal.actor);
      res.status(204).end();
    },
  });

  return router;
}
