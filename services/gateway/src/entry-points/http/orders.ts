import { canonicalOrderSchema } from '@oms/contracts';
import { parseOrThrow } from '@oms/errors';
import { express } from '@oms/http';
import { deterministicId } from '@oms/messaging';
import { z } from 'zod';
import { principalOf } from './auth';
import { seg, sendCommand, type GatewayDeps } from './deps';

const cancelBody = z.object({ reason: z.string().min(1).max(500).optional() });

export function ordersRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  // Intake: the order is accepted once the broker confirmed the event; ingestion takes it from there.
  router.post('/orders', async (req, res) => {
    const order = parseOrThrow(canonicalOrderSchema, req.body, 'order');
    // The same channel order always maps to the same id, so a resend is recognised downstream.
    const orderId = deterministicId('order', order.channel, order.externalId);
    await deps.broker.publish(
      'order.received.v1',
      { orderId, order, receivedAt: new Date().toISOString(), actor: principalOf(res).actor },
      { correlationId: orderId, id: deterministicId(orderId, 'order.received.v1') },
      { requireRoute: true },
    );
    res.status(202).location(`/v1/orders/${orderId}`).json({ id: orderId, status: 'received' });
  });

  router.get('/orders/:id', async (req, res) => {
    res.json(await deps.upstreams.ingestion.get(`/internal/orders/${seg(req.params.id)}`));
  });

  router.post('/orders/:id/cancel', async (req, res) => {
    const body = parseOrThrow(cancelBody, req.body ?? {});
    const orderId = req.params.id;
    await deps.upstreams.ingestion.get(`/internal/orders/${seg(orderId)}`); // 404 for an unknown order
    const outcome = await sendCommand(
      deps,
      'order.cancel.v1',
      { orderId, reason: body.reason ?? 'cancelled by operator', actor: principalOf(res).actor },
      orderId,
    );
    if (outcome.status === 'done') res.json(outcome.result);
    else res.status(202).json({ id: orderId, status: 'cancel_requested' });
  });

  return router;
}
