import { parseOrThrow } from '@oms/errors';
import { express } from '@oms/http';
import { byOrderQuery, seg, type GatewayDeps } from './deps';

export function shipmentsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  router.get('/shipments', async (req, res) => {
    const { orderId } = parseOrThrow(byOrderQuery, req.query, 'query');
    res.json(await deps.upstreams.carrier.get(`/internal/shipments?orderId=${seg(orderId)}`));
  });

  router.get('/shipments/:id', async (req, res) => {
    res.json(await deps.upstreams.carrier.get(`/internal/shipments/${seg(req.params.id)}`));
  });

  router.get('/shipments/:id/label', async (req, res) => {
    const label = await deps.upstreams.carrier.getPdf(`/internal/shipments/${seg(req.params.id)}/label`);
    res.type('application/pdf');
    if (label.contentDisposition) res.setHeader('Content-Disposition', label.contentDisposition);
    res.send(label.bytes);
  });

  return router;
}
