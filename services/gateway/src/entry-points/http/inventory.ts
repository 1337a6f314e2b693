import { commands, locationSchema } from '@oms/contracts';
import { parseOrThrow } from '@oms/errors';
import { express } from '@oms/http';
import { z } from 'zod';
import { apiRoute, pathId } from './api-route';
import { requireOps } from './auth';
import { seg, sendCommand, type GatewayDeps } from './deps';

const locationParams = z.object({ id: commands['location.upsert.v1'].shape.locationId });
const locationBody = locationSchema;
const movementsSchema = commands['stock.record-movements.v1'].shape.movements;
const movement = movementsSchema.element;
const movementBatch = commands['stock.record-movements.v1'].pick({ movements: true });
const skuParams = z.object({ sku: pathId });

// Answers owned by the inventory service: documented loosely, their fields are its contract.
const locationView = z.object({}).loose().describe('The location as stored by the inventory service');
const movementsResult = z.object({}).loose().describe('The movements as recorded by the inventory service');
const stockView = z.object({}).loose().describe('Stock of the SKU per location: on hand, reserved, safety stock, available to promise');

export function inventoryRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  apiRoute(router, {
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
    handler: async (_req, res, { params, body }) => {
      const locationId = params.id;
      const outcome = await sendCommand(deps, 'location.upsert.v1', { locationId, ...body, actor: requireOps(res).actor }, locationId);
      if (outcome.status === 'done') res.json(outcome.result);
      else res.status(202).json({ id: locationId, status: 'upsert_requested' });
    },
  });

  // One movement, or a batch of up to 1000 under `movements`: both become one command. The handler tells
  // them apart by the `movements` key and validates the matching schema, so field errors keep their paths
  // (a zod union would only say "invalid input"); the document shows both shapes.
  apiRoute(router, {
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
    handler: async (req, res) => {
      const { actor } = requireOps(res);
      const isBatch = typeof req.body === 'object' && req.body !== null && 'movements' in req.body;
      const movements = isBatch ? parseOrThrow(movementBatch, req.body).movements : [parseOrThrow(movement, req.body, 'movement')];
      const outcome = await sendCommand(deps, 'stock.record-movements.v1', { movements, actor }, `movements:${movements[0].reference ?? movements[0].sku}`);
      if (outcome.status === 'done') res.status(201).json(outcome.result);
      else res.status(202).json({ status: 'accepted', count: movements.length });
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/locations',
    summary: 'Every stock location',
    tags: ['inventory'],
    responses: { 200: { description: 'The locations, by id', schema: z.object({ locations: z.array(locationView) }) } },
    handler: async (_req, res) => {
      requireOps(res);
      res.json(await deps.upstreams.inventory.get('/internal/locations'));
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
      res.json(await deps.upstreams.inventory.get(`/internal/locations/${seg(params.id)}`));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/inventory/:sku/movements',
    summary: 'The stock ledger of one SKU, newest first (at most 500 movements)',
    tags: ['inventory'],
    params: skuParams,
    responses: { 200: { description: 'The movements', schema: movementsResult } },
    handler: async (_req, res, { params }) => {
      requireOps(res);
      res.json(await deps.upstreams.inventory.get(`/internal/inventory/${seg(params.sku)}/movements`));
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
      res.json(await deps.upstreams.inventory.get(`/internal/inventory/${seg(params.sku)}`));
    },
  });

  return router;
}
