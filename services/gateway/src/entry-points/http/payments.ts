import { parseOrThrow } from '@oms/errors';
import { express } from '@oms/http';
import { byOrderQuery, seg, type GatewayDeps } from './deps';

export function paymentsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  router.get('/payments', async (req, res) => {
    const { orderId } = parseOrThrow(byOrderQuery, req.query, 'query');
    res.json(await deps.upstreams.paymentCheck.get(`/internal/payments?orderId=${seg(orderId)}`));
  });

  return router;
}
