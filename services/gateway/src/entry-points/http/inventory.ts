import { commands } from '@oms/contracts';
import { parseOrThrow } from '@oms/errors';
import { express } from '@oms/http';
import { principalOf } from './auth';
import { seg, sendCommand, type GatewayDeps } from './deps';

const locationBody = commands['location.upsert.v1'].pick({ name: true, type: true });
const movementsSchema = commands['stock.record-movements.v1'].shape.movements;
const movement = movementsSchema.element;
const movementBatch = commands['stock.record-movements.v1'].pick({ movements: true });

export function inventoryRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  router.put('/locations/:id', async (req, res) => {
    const locationId = parseOrThrow(commands['location.upsert.v1'].shape.locationId, req.params.id, 'location id');
    const body = parseOrThrow(locationBody, req.body);
    const outcome = await sendCommand(deps, 'location.upsert.v1', { locationId, ...body, actor: principalOf(res).actor }, locationId);
    if (outcome.status === 'done') res.json(outcome.result);
    else res.status(202).json({ id: locationId, status: 'upsert_requested' });
  });

  // One movement, or a batch of up to 1000 under `movements`: both become one command.
  router.post('/inventory/movements', async (req, res) => {
    const isBatch = typeof req.body === 'object' && req.body !== null && 'movements' in req.body;
    const movements = isBatch ? parseOrThrow(movementBatch, req.body).movements : [parseOrThrow(movement, req.body, 'movement')];
    const outcome = await sendCommand(deps, 'stock.record-movements.v1', { movements, actor: principalOf(res).actor }, `movements:${movements[0].reference ?? movements[0].sku}`);
    if (outcome.status === 'done') res.status(201).json(outcome.result);
    else res.status(202).json({ status: 'accepted', count: movements.length });
  });

  router.get('/inventory/:sku', async (req, res) => {
    res.json(await deps.upstreams.inventory.get(`/internal/inventory/${seg(req.params.sku)}`));
  });

  return router;
}
