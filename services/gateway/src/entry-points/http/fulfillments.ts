import { parseOrThrow } from '@oms/errors';
import { express } from '@oms/http';
import { principalOf } from './auth';
import { byOrderQuery, seg, sendCommand, type GatewayDeps } from './deps';

export function fulfillmentsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  router.get('/fulfillments', async (req, res) => {
    const { orderId } = parseOrThrow(byOrderQuery, req.query, 'query');
    res.json(await deps.upstreams.fulfillment.get(`/internal/fulfillments?orderId=${seg(orderId)}`));
  });

  router.get('/fulfillments/:id', async (req, res) => {
    res.json(await deps.upstreams.fulfillment.get(`/internal/fulfillments/${seg(req.params.id)}`));
  });

  router.post('/fulfillments/:id/pack', async (req, res) => {
    const fulfillmentId = req.params.id;
    const outcome = await sendCommand(deps, 'fulfillment.pack.v1', { fulfillmentId, actor: principalOf(res).actor }, fulfillmentId);
    if (outcome.status === 'done') res.json(outcome.result);
    else res.status(202).json({ id: fulfillmentId, status: 'pack_requested' });
  });

  return router;
}
