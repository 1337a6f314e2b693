import { identifier, sku as skuSchema } from '@oms/contracts';
import { notFound, parseOrThrow } from '@oms/errors';
import type { Express } from '@oms/http';
import { z } from 'zod';
import { availableToPromise, type Counter } from '../../domain/ledger';
import { forecast, replenishment } from '../../domain/planning';
import { summarizeSku } from '../../domain/stock-levels';
import type { IncomingDoc, LocationDoc, Models, MovementDoc, ReservationDoc, SkuSettingDoc, StockSettingDoc } from '../../data-access/models';
import { skuPositions } from '../../data-access/planning-data';
import type { StockCounters } from '../../data-access/stock-counters';
import { incomingView, locationView, movementView, reservationView } from '../../data-access/views';

const listQuery = z.object({ belowReorderPoint: z.enum(['true', 'false']).optional().transform((v) => v === 'true') });
const planningQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
  reviewDays: z.coerce.number().int().min(0).max(365).default(7),
  sku: skuSchema.optional(),
});

/** Queries for the gateway. */
export const inventoryRoutes = (models: Models, counters: StockCounters) => (app: Express) => {
  app.get('/internal/inventory/:sku', async (req, res) => {
    const sku = parseOrThrow(skuSchema, req.params.sku, 'SKU');
    const [stock, incoming, settings] = await Promise.all([
      counters.snapshot([sku]),
      models.Incoming.find({ sku, status: 'open' }).sort({ expectedAt: 1, _id: 1 }).lean<IncomingDoc[]>(),
      models.SkuSettings.findById(sku).lean<SkuSettingDoc>(),
    ]);
    res.json({
      ...summarizeSku(sku, stock.get(sku)),
      incoming: incoming.map(incomingView),
      leadTimeDays: settings?.leadTimeDays ?? 0,
      substitutes: settings?.substitutes ?? [],
    });
  });

  // Without a filter: every SKU's totals; belowReorderPoint=true: the SKU and location pairs at or under
  // their reorder point, lowest available first.
  app.get('/internal/inventory', async (req, res) => {
    const { belowReorderPoint } = parseOrThrow(listQuery, req.query, 'query');
    if (belowReorderPoint) {
      const settings = await models.StockSettings.find({}, { sku: 1, locationId: 1, reorderPoint: 1 }).lean<StockSettingDoc[]>();
      const stock = await counters.snapshot([...new Set(settings.map((s) => s.sku))]);
      const low = settings
        .map((s) => ({ sku: s.sku, locationId: s.locationId, counter: stock.get(s.sku)?.get(s.locationId) }))
        .filter((s): s is { sku: string; locationId: string; counter: Counter & { reorderPoint: number } } => s.counter?.reorderPoint !== undefined)
        .map(({ sku, locationId, counter: c }) => ({ sku, locationId, onHand: c.onHand, reserved: c.reserved, safetyStock: c.safetyStock, available: availableToPromise(c), reorderPoint: c.reorderPoint }))
        .filter((l) => l.available <= l.reorderPoint)
        .sort((a, b) => a.available - b.available || (a.sku < b.sku ? -1 : 1));
      res.json({ items: low });
      return;
    }
    const skus = (await counters.knownSkus()).sort().slice(0, 5000);
    const stock = await counters.snapshot(skus);
    res.json({ items: skus.map((sku) => { const { locations: _l, ...totals } = summarizeSku(sku, stock.get(sku)); return totals; }) });
  });

  app.get('/internal/inventory-replenishment', async (req, res) => {
    const { days, reviewDays, sku } = parseOrThrow(planningQuery, req.query, 'query');
    const window = { days, reviewDays };
    const lines = (await skuPositions(models, counters, window, sku)).map((p) => replenishment(p, window));
    res.json({ days, reviewDays, items: lines.filter((l) => sku || l.suggestedQuantity > 0).sort((a, b) => b.suggestedQuantity - a.suggestedQuantity) });
  });

  app.get('/internal/inventory-forecast', async (req, res) => {
    const { days, reviewDays, sku } = parseOrThrow(planningQuery, req.query, 'query');
    const window = { days, reviewDays };
    const today = new Date();
    const lines = (await skuPositions(models, counters, window, sku)).map((p) => forecast(p, window, today));
    // Soonest to run out first; nothing sold (no run-out in sight) last.
    lines.sort((a, b) => (a.daysOfCover ?? Infinity) - (b.daysOfCover ?? Infinity) || (a.sku < b.sku ? -1 : 1));
    res.json({ days, items: lines });
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
