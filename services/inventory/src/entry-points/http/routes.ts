import { z } from 'zod';
import { identifier, sku as skuSchema } from '@oms/contracts';
import { parseOrThrow, unprocessable } from '@oms/errors';
import { decodeTimeCursor } from '@oms/mongo';
import type { Express } from '@oms/http';
import type { InventoryReads } from '../../application/inventory-deps';
import { getLocation, listLocations } from '../../application/location-queries';
import { forecastReport, replenishmentReport } from '../../application/planning-queries';
import { getReservation } from '../../application/reservation-queries';
import { auditCounters, belowReorderPoint, movementsOf, stockOfSku, stockTotals } from '../../application/stock-queries';

const listQuery = z.object({
  belowReorderPoint: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});
const planningQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
  reviewDays: z.coerce.number().int().min(0).max(365).default(7),
  sku: skuSchema.optional(),
});
/** A page of a SKU's ledger: 500 entries unless asked for fewer (what the route answered before it had pages). */
const movementsQuery = z.strictObject({
  cursor: z.string().min(1).max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(500),
});

/** Queries for the gateway. */
export const inventoryRoutes = (reads: InventoryReads) => (app: Express) => {
  app.get('/internal/inventory/:sku', async (req, res) => {
    res.json(await stockOfSku(reads, parseOrThrow(skuSchema, req.params.sku, 'SKU')));
  });

  // Without a filter: every SKU's totals; belowReorderPoint=true: the SKU and location pairs at or under
  // their reorder point.
  app.get('/internal/inventory', async (req, res) => {
    const { belowReorderPoint: below } = parseOrThrow(listQuery, req.query, 'query');
    res.json({ items: below ? await belowReorderPoint(reads) : await stockTotals(reads) });
  });

  app.get('/internal/inventory-replenishment', async (req, res) => {
    const { days, reviewDays, sku } = parseOrThrow(planningQuery, req.query, 'query');
    res.json({ days, reviewDays, items: await replenishmentReport(reads, { days, reviewDays }, sku) });
  });

  app.get('/internal/inventory-forecast', async (req, res) => {
    const { days, reviewDays, sku } = parseOrThrow(planningQuery, req.query, 'query');
    res.json({ days, items: await forecastReport(reads, { days, reviewDays }, sku, new Date()) });
  });

  app.get('/internal/inventory/:sku/movements', async (req, res) => {
    const sku = parseOrThrow(skuSchema, req.params.sku, 'SKU');
    const { cursor, limit } = parseOrThrow(movementsQuery, req.query, 'query string');
    const after = cursor === undefined ? undefined : decodeTimeCursor(cursor);
    if (cursor !== undefined && !after) throw unprocessable('The query string is invalid', [{ path: 'cursor', message: 'is not a cursor from this list' }]);
    res.json(await movementsOf(reads, sku, limit, after));
  });

  app.get('/internal/inventory-audit', async (_req, res) => {
    res.json(await auditCounters(reads));
  });

  app.get('/internal/locations', async (_req, res) => {
    res.json({ locations: await listLocations(reads) });
  });

  app.get('/internal/locations/:id', async (req, res) => {
    res.json(await getLocation(reads, parseOrThrow(identifier, req.params.id, 'location id')));
  });

  app.get('/internal/reservations/:orderId', async (req, res) => {
    res.json(await getReservation(reads, req.params.orderId));
  });
};
