import { z } from 'zod';
import { commands, incomingSchema, locationSchema, skuSettingsSchema, stockImportSummarySchema, stockLevelsSchema } from '@oms/contracts';
import { parseOrThrow } from '@oms/errors';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { importStockCsv } from '../../application/import-stock-csv';
import { inventoryQueries } from '../../application/inventory-queries';
import { apiRoute, pathId } from './api-route';
import { requireOps } from './auth';
import { commandRoute } from './command-route';
import { answerImportSummary, requireCsvBody } from './csv-import';
import { readCsvUpload } from './csv-stream';

const locationParams = z.object({ id: commands['location.upsert.v1'].shape.locationId });
const locationBody = locationSchema;
const movementsSchema = commands['stock.record-movements.v1'].shape.movements;
const movement = movementsSchema.element;
const movementBatch = commands['stock.record-movements.v1'].pick({ movements: true });
const skuParams = z.object({ sku: pathId });
const skuLocationParams = z.object({ sku: pathId, locationId: commands['location.upsert.v1'].shape.locationId });
const incomingBody = incomingSchema.extend({ sku: commands['stock.expect.v1'].shape.sku });
const listQuery = z.object({
  belowReorderPoint: z.enum(['true', 'false']).optional().describe('true: only SKU and location pairs at or under their reorder point'),
});
const planningQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).optional().describe('Sales window the velocity is measured over (default 30)'),
  reviewDays: z.coerce.number().int().min(0).max(365).optional().describe('Reorder cycle a suggestion covers beyond the lead time (default 7)'),
  sku: pathId.optional().describe('Only this SKU'),
});
const report = (description: string) => z.object({}).loose().describe(description);

// Answers owned by the inventory service: documented loosely, their fields are its contract.
const locationView = z.object({}).loose().describe('The location as stored by the inventory service');
const movementsResult = z
  .object({ sku: z.string(), movements: z.array(z.object({}).loose()), nextCursor: z.string().nullable() })
  .describe('One page of movements as recorded by the inventory service; nextCursor null on the last page');
const movementsQuery = z.strictObject({
  cursor: z.string().min(1).max(1000).optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('Page size, 1-500, default 500'),
});
const stockView = z.object({}).loose().describe('Stock of the SKU per location: on hand, reserved, safety stock, available to promise');

export function inventoryRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();
  const queries = inventoryQueries(deps);

  commandRoute(router, deps, {
    method: 'put',
    path: '/locations/:id',
    summary: 'Create or update a stock location (warehouse or store)',
    tags: ['inventory'],
    params: locationParams,
    body: locationBody,
    responses: {
      200: { description: 'The location', schema: locationView },
      202: { description: 'Upsert queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('upsert_requested') }) },
    },
    command: ({ params, body }, res) => ({
      type: 'location.upsert.v1',
      data: { locationId: params.id, ...body, actor: requireOps(res).actor },
      correlationId: params.id,
    }),
    pending: ({ locationId }) => ({ id: locationId, status: 'upsert_requested' }),
  });

  // One movement, or a batch of up to 1000 under `movements`: both become one command. The handler tells
  // them apart by the `movements` key and validates the matching schema, so field errors keep their paths
  // (a zod union would only say "invalid input"); the document shows both shapes.
  commandRoute(router, deps, {
    method: 'post',
    path: '/inventory/movements',
    summary: 'Record stock movements: one movement, or a batch under `movements`',
    tags: ['inventory'],
    body: z.union([movement, movementBatch]),
    documentBodyOnly: true,
    responses: {
      201: { description: 'Recorded', schema: movementsResult },
      202: { description: 'Queued; they will be recorded', schema: z.object({ status: z.literal('accepted'), count: z.number().int() }) },
    },
    command: (_input, res, req) => {
      const { actor } = requireOps(res);
      const isBatch = typeof req.body === 'object' && req.body !== null && 'movements' in req.body;
      const movements = isBatch ? parseOrThrow(movementBatch, req.body).movements : [parseOrThrow(movement, req.body, 'movement')];
      return { type: 'stock.record-movements.v1', data: { movements, actor }, correlationId: `movements:${movements[0].reference ?? movements[0].sku}` };
    },
    doneStatus: 201,
    pending: ({ movements }) => ({ status: 'accepted', count: movements.length }),
  });

  apiRoute(router, {
    method: 'get',
    path: '/locations',
    summary: 'Every stock location',
    tags: ['inventory'],
    responses: { 200: { description: 'The locations, by id', schema: z.object({ locations: z.array(locationView) }) } },
    handler: async (_req, res) => {
      requireOps(res);
      res.json(await queries.locations());
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/locations/:id',
    summary: 'One stock location',
    tags: ['inventory'],
    params: locationParams,
    responses: { 200: { description: 'The location', schema: locationView } },
    handler: async (_req, res, { params }) => {
      requireOps(res);
      res.json(await queries.location(params.id));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/inventory',
    summary: 'Stock totals of every SKU, or (belowReorderPoint=true) the SKU and location pairs at or under their reorder point',
    tags: ['inventory'],
    query: listQuery,
    responses: { 200: { description: 'The SKUs', schema: z.object({ items: z.array(report('Totals of one SKU, or one SKU at one location')) }) } },
    handler: async (_req, res, { query }) => {
      requireOps(res);
      res.json(await queries.stock(query));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/inventory/replenishment',
    summary: 'Suggested order quantities per SKU: sales velocity × (lead time + review days) + safety stock − (on hand − reserved + incoming)',
    tags: ['inventory'],
    query: planningQuery,
    responses: { 200: { description: 'SKUs to reorder, largest suggestion first', schema: report('The window used and one line per SKU') } },
    handler: async (_req, res, { query }) => {
      requireOps(res);
      res.json(await queries.replenishment(query));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/inventory/forecast',
    summary: 'Days of cover per SKU and the date it is expected to run out, with the sales velocity used',
    tags: ['inventory'],
    query: planningQuery,
    responses: { 200: { description: 'SKUs, soonest to run out first', schema: report('The window used and one line per SKU') } },
    handler: async (_req, res, { query }) => {
      requireOps(res);
      res.json(await queries.forecast(query));
    },
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/inventory/incoming',
    summary: 'Expect a receipt (a purchase or transfer document): shown as incoming until a receipt with the same reference arrives',
    tags: ['inventory'],
    body: incomingBody,
    responses: {
      201: { description: 'The expected receipt', schema: report('The expected receipt') },
      202: { description: 'Queued; it will be recorded', schema: z.object({ status: z.literal('accepted') }) },
    },
    command: ({ body }, res) => ({ type: 'stock.expect.v1', data: { ...body, actor: requireOps(res).actor }, correlationId: `incoming:${body.reference}` }),
    doneStatus: 201,
    pending: () => ({ status: 'accepted' }),
  });

  apiRoute(router, {
    method: 'post',
    path: '/inventory/import',
    summary: 'Import stock from CSV (sku, locationId, quantity[, type, reference, reason]; type count by default, which sets on hand); streamed, up to 100 MB',
    tags: ['inventory'],
    body: z.string().describe('CSV with a header row; see docs/inventory.md'),
    bodyContentType: 'text/csv',
    documentBodyOnly: true,
    responses: {
      200: { description: 'Counts, and every rejected row with its reason (the first 100 listed, the rest counted)', schema: stockImportSummarySchema },
    },
    errors: [415],
    handler: async (req, res) => {
      const { actor } = requireOps(res);
      requireCsvBody(req);
      answerImportSummary(res, await importStockCsv(deps, actor, (options) => readCsvUpload(req, options)));
    },
  });

  commandRoute(router, deps, {
    method: 'put',
    path: '/inventory/:sku/locations/:locationId',
    summary: 'Safety stock and reorder point of a SKU at a location',
    tags: ['inventory'],
    params: skuLocationParams,
    body: stockLevelsSchema,
    responses: {
      200: { description: 'The levels', schema: report('The levels as stored') },
      202: { description: 'Queued; they will be set', schema: z.object({ status: z.literal('accepted') }) },
    },
    command: ({ params, body }, res) => {
      const { actor } = requireOps(res);
      return { type: 'stock.set-levels.v1', data: { sku: params.sku, locationId: params.locationId, ...body, actor }, correlationId: `levels:${params.sku}` };
    },
    pending: () => ({ status: 'accepted' }),
  });

  commandRoute(router, deps, {
    method: 'put',
    path: '/inventory/:sku/settings',
    summary: 'Supplier lead time and substitutes (offered in this order when the SKU is short) of a SKU',
    tags: ['inventory'],
    params: skuParams,
    body: skuSettingsSchema,
    responses: {
      200: { description: 'The settings', schema: report('The settings as stored') },
      202: { description: 'Queued; they will be set', schema: z.object({ status: z.literal('accepted') }) },
    },
    command: ({ params, body }, res) => {
      const { actor } = requireOps(res);
      return { type: 'sku.configure.v1', data: { sku: params.sku, ...body, actor }, correlationId: `sku:${params.sku}` };
    },
    pending: () => ({ status: 'accepted' }),
  });

  apiRoute(router, {
    method: 'get',
    path: '/inventory/:sku/movements',
    summary: 'The stock ledger of one SKU, newest first, in cursor pages (a page may be short while nextCursor is not null)',
    tags: ['inventory'],
    params: skuParams,
    query: movementsQuery,
    responses: { 200: { description: 'The movements', schema: movementsResult } },
    handler: async (_req, res, { params, query }) => {
      requireOps(res);
      res.json(await queries.movementsOf(params.sku, query));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/inventory/:sku',
    summary: 'Stock of one SKU across locations',
    tags: ['inventory'],
    params: skuParams,
    responses: { 200: { description: 'The stock of the SKU', schema: stockView } },
    handler: async (_req, res, { params }) => {
      requireOps(res);
      res.json(await queries.stockOf(params.sku));
    },
  });

  return router;
}
