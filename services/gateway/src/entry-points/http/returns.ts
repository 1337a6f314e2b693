import { randomUUID } from 'node:crypto';
import { commands } from '@oms/contracts';
import { parseOrThrow } from '@oms/errors';
import { express } from '@oms/http';
import { principalOf } from './auth';
import { seg, sendCommand, type GatewayDeps } from './deps';

const openBody = commands['return.open.v1'].pick({ orderId: true, lines: true });
const receiveBody = commands['return.receive.v1'].pick({ locationId: true, lines: true });

export function returnsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  router.post('/returns', async (req, res) => {
    const body = parseOrThrow(openBody, req.body);
    await deps.upstreams.ingestion.get(`/internal/orders/${seg(body.orderId)}`); // 404 for an unknown order
    const returnId = randomUUID();
    const outcome = await sendCommand(deps, 'return.open.v1', { returnId, ...body, actor: principalOf(res).actor }, body.orderId);
    res.location(`/v1/returns/${returnId}`);
    if (outcome.status === 'done') res.status(201).json({ id: returnId, status: 'requested', ...(outcome.result as object) });
    else res.status(202).json({ id: returnId, status: 'requested' });
  });

  router.post('/returns/:id/receive', async (req, res) => {
    const body = parseOrThrow(receiveBody, req.body);
    const returnId = req.params.id;
    const outcome = await sendCommand(deps, 'return.receive.v1', { returnId, ...body, actor: principalOf(res).actor }, returnId);
    if (outcome.status === 'done') res.json(outcome.result);
    else res.status(202).json({ id: returnId, status: 'receive_requested' });
  });

  router.get('/returns/:id', async (req, res) => {
    res.json(await deps.upstreams.returns.get(`/internal/returns/${seg(req.params.id)}`));
  });

  return router;
}
