import { identifier, sku as skuSchema } from '@oms/contracts';
import { notFound, parseOrThrow } from '@oms/errors';
import type { Express } from '@oms/http';
import { summarizeSku } from '../../domain/stock-levels';
import type { LocationDoc, Models, MovementDoc, ReservationDoc } from '../../data-access/models';
import type { StockCounters } from '../../data-access/stock-counters';
import { locationView, movementView, reservationView } from '../../data-access/views';

/** Queries for the gateway. */
export const inventoryRoutes = (models: Models, counters: StockCounters) => (app: Express) => {
  app.get('/internal/inventory/:sku', async (req, res) => {
    const sku = parseOrThrow(skuSchema, req.params.sku, 'SKU');
    res.json(summarizeSku(sku, (await counters.snapshot([sku])).get(sku)));
  });

  // The ledger of one SKU, newest first: where its on hand comes from.
  app.get('/internal/inventory/:sku/movements', async (req, res) => {
    const sku = parseOrThrow(skuSchema, req.params.sku, 'SKU');
    const movements = await models.Movements.find({ sku }).sort({ at: -1, _id: 1 }).limit(500).lean<MovementDoc[]>();
    res.json({ sku, movements: movements.map(movementView) });
  });

  // Counters against the documents: what the invariant tests and ops check after an incident.
  app.get('/internal/inventory-audit', async (_req, res) => {
    res.json(await counters.audit());
  });

  app.get('/internal/locations', async (_req, res) => {
    const locations = await models.Locations.find().sort({ _id: 1 }).limit(1000).lean<LocationDoc[]>();
    res.json({ locations: locations.map(locationView) });
  });

  app.get('/internal/locations/:id', async (req, res) => {
    const id = parseOrThrow(identifier, req.params.id, 'location id');
    const location = await models.Locations.findById(id).lean<LocationDoc>();
    if (!location) throw notFound(`location ${id}`);
    res.json(locationView(location));
  });

  app.get('/internal/reservations/:orderId', async (req, res) => {
    const reservation = await models.Reservations.findById(req.params.orderId).lean<ReservationDoc>();
    if (!reservation) throw notFound(`reservation of order ${req.params.orderId}`);
    res.json(reservationView(reservation));
  });
};
