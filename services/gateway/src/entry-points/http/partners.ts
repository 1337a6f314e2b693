import { z } from 'zod';
import { commands } from '@oms/contracts';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { assertMayProvision, partnerState } from '../../application/partner-queries';
import { apiRoute } from './api-route';
import { requireOps } from './auth';
import { commandRoute } from './command-route';

const partnerParams = z.object({ id: commands['partner.provision.v1'].shape.partnerId });
const provisionBody = commands['partner.provision.v1'].pick({ name: true, rotatePassword: true }).strict();
const partnerView = z
  .object({ id: z.string(), provisioning: z.boolean() })
  .loose()
  .describe(
    'The partner’s feed: its record (AMQP user, queue, vhost, when provisioned) and what the broker holds (queue depth, consumers, binding, permissions); never a password',
  );
const provisioned = z
  .object({
    id: z.string(),
    amqp: z.object({ user: z.string(), queue: z.string(), vhost: z.string() }),
    password: z
      .string()
      .optional()
      .describe('The AMQP password: in this answer only, when the user was created or its password rotated; stored nowhere by the OMS'),
  })
  .loose();

/**
 * 3PL partners' event feeds over AMQP (docs/partners.md), ops only. The carrier service owns them (it holds
 * the broker's management credentials, which the public-facing gateway never sees): provisioning is a command
 * to it, and the password it generates comes back in the answer once.
 */
export function partnersRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  commandRoute(router, deps, {
    method: 'put',
    path: '/partners/:id',
    summary:
      'Create or repair a 3PL partner’s event feed (the partner id is its carrier id): queue partner.<id> bound to the events of its own shipments, and a RabbitMQ user partner-<id> that may read that queue only. The password is answered once: for a new user, or with rotatePassword',
    tags: ['partners'],
    params: partnerParams,
    body: provisionBody,
    errors: [501],
    responses: {
      200: { description: 'Provisioned; `password` only when one was generated (not shown again)', schema: provisioned },
      202: {
        description: 'Queued; it will be carried out, but a password generated then is not shown: PUT again with rotatePassword once it is done',
        schema: z.object({ id: z.string(), status: z.literal('provision_requested') }),
      },
    },
    command: async ({ params, body }, res) => {
      const principal = requireOps(res);
      await assertMayProvision(deps, params.id);
      // The answer may hold a password: no cache keeps it.
      res.setHeader('Cache-Control', 'no-store');
      return { type: 'partner.provision.v1', data: { partnerId: params.id, ...body, actor: principal.actor }, correlationId: params.id };
    },
    pending: ({ partnerId }) => ({ id: partnerId, status: 'provision_requested' }),
  });

  apiRoute(router, {
    method: 'get',
    path: '/partners/:id',
    summary: 'A 3PL partner’s event feed: its AMQP user and queue, the queue’s depth and consumers, its binding and permissions (ops)',
    tags: ['partners'],
    params: partnerParams,
    responses: { 200: { description: 'The partner’s feed', schema: partnerView } },
    handler: async (_req, res, { params }) => {
      requireOps(res);
      res.json(await partnerState(deps, params.id));
    },
  });

  return router;
}
