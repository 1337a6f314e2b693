import { z } from 'zod';
import { canonicalOrderSchema } from '@oms/contracts';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { orderIntake } from '../../application/order-intake';
import { apiRoute } from './api-route';
import { assertMayWriteChannel } from './auth';

export const acceptedOrderSchema = z.object({ id: z.string(), status: z.string() });

/**
 * Order intake from the native API; also the path of the phone and social channels (ops keys). The busiest
 * route: validate, then the intake claims the order's marker and publishes order.received.v1, and the
 * answer goes out once the broker confirmed it.
 */
export function intakeRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();
  const intake = orderIntake(deps);

  apiRoute(router, {
    method: 'post',
    path: '/orders',
    summary: 'Submit an order (canonical JSON); 202 once the broker has it, 200 with the existing order for a resend within 10 minutes',
    tags: ['orders'],
    body: canonicalOrderSchema,
    responses: {
      202: {
        description:
          'Accepted; Location points at the order. A resend more than 10 minutes after the first is answered 202 with the same id too: nothing new is created (docs/intake.md, Exactly once)',
        schema: acceptedOrderSchema,
      },
      200: { description: 'A resend of a channel order accepted in the last 10 minutes: its id and current status', schema: acceptedOrderSchema },
    },
    errors: [409],
    handler: async (_req, res, { body: order }) => {
      const principal = assertMayWriteChannel(res, order.channel);
      const result = await intake.submit(order, principal.actor, { lookupStatus: true });
      res
        .status(result.outcome === 'created' ? 202 : 200)
        .location(`/v1/orders/${result.id}`)
        .json({ id: result.id, status: result.status });
    },
  });

  return router;
}
