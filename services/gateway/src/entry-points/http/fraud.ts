import { z } from 'zod';
import { BLOCKLIST_KINDS, blocklistEntrySchema, fraudRulesSchema } from '@oms/contracts';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { blocklistEntry, blocklistPage, fraudRules } from '../../application/fraud-queries';
import { apiRoute } from './api-route';
import { requireOps } from './auth';
import { commandRoute } from './command-route';

const rulesView = z
  .object({ rules: fraudRulesSchema, updatedAt: z.string().optional(), updatedBy: z.string().optional() })
  .describe('The rules in force (the defaults until first put), with who changed them last');
const entryParams = z.object({
  kind: z.enum(BLOCKLIST_KINDS),
  value: z
    .string()
    .min(1)
    .max(300)
    .describe('An email, a phone number, an IP address, or an address written COUNTRY:POSTALCODE:street (e.g. DE:10115:Invalidenstraße 1), URL-encoded'),
});
const entryView = z
  .object({ kind: z.enum(BLOCKLIST_KINDS), value: z.string(), reason: z.string().optional(), addedBy: z.string(), addedAt: z.string() })
  .describe('A blocklist entry; value as normalized (lower-case email, phone as + and digits...)');
const listQuery = z.strictObject({
  kind: z.enum(BLOCKLIST_KINDS),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(400).optional(),
});

/** Fraud screening's configuration (ops): the rules with their weights and thresholds, and the blocklists. */
export function fraudRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'get',
    path: '/fraud/rules',
    summary: 'The fraud screening rules in force: weights, thresholds, windows (ops)',
    tags: ['fraud'],
    responses: { 200: { description: 'The rules', schema: rulesView } },
    handler: async (_req, res) => {
      requireOps(res);
      res.json(await fraudRules(deps));
    },
  });

  commandRoute(router, deps, {
    method: 'put',
    path: '/fraud/rules',
    summary:
      'Replace the fraud screening rules (ops): every rule with enabled and weight, the review and reject thresholds; new orders are screened with them within FRAUD_RULES_CACHE_MS',
    tags: ['fraud'],
    body: fraudRulesSchema,
    responses: {
      200: { description: 'The rules now in force', schema: rulesView },
      202: { description: 'Queued; it will be carried out', schema: z.object({ status: z.literal('rules_requested') }) },
    },
    command: ({ body }, res) => ({ type: 'fraud.set-rules.v1', data: { rules: body, actor: requireOps(res).actor }, correlationId: 'fraud-rules' }),
    pending: () => ({ status: 'rules_requested' }),
  });

  apiRoute(router, {
    method: 'get',
    path: '/fraud/blocklist',
    summary: 'One page of a blocklist (ops), in value order; pass nextCursor as cursor for the next page',
    tags: ['fraud'],
    query: listQuery,
    responses: { 200: { description: 'The entries', schema: z.object({ items: z.array(entryView), nextCursor: z.string().nullable() }) } },
    handler: async (_req, res, { query }) => {
      requireOps(res);
      res.json(await blocklistPage(deps, query));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/fraud/blocklist/:kind/:value',
    summary: 'Whether a value is blocklisted (ops): the entry, or 404',
    tags: ['fraud'],
    params: entryParams,
    valueParams: ['value'],
    errors: [404],
    responses: { 200: { description: 'The entry', schema: entryView } },
    handler: async (_req, res, { params }) => {
      requireOps(res);
      res.json(await blocklistEntry(deps, params.kind, params.value));
    },
  });

  commandRoute(router, deps, {
    method: 'put',
    path: '/fraud/blocklist/:kind/:value',
    summary: "Put an email, phone, address or IP on the blocklist (ops): orders with it score the blocklist rule's weight (by default, a rejection)",
    tags: ['fraud'],
    params: entryParams,
    valueParams: ['value'],
    body: blocklistEntrySchema,
    errors: [422],
    responses: {
      200: { description: 'The entry', schema: entryView },
      202: { description: 'Queued; it will be carried out', schema: z.object({ status: z.literal('block_requested') }) },
    },
    command: ({ params, body }, res) => ({
      type: 'fraud.block.v1',
      data: { kind: params.kind, value: params.value, ...(body.reason ? { reason: body.reason } : {}), actor: requireOps(res).actor },
      correlationId: `blocklist:${params.kind}`,
    }),
    pending: () => ({ status: 'block_requested' }),
  });

  commandRoute(router, deps, {
    method: 'delete',
    path: '/fraud/blocklist/:kind/:value',
    summary: 'Take a value off the blocklist (ops)',
    tags: ['fraud'],
    params: entryParams,
    valueParams: ['value'],
    errors: [404, 422],
    responses: {
      200: { description: 'Removed', schema: z.object({ kind: z.enum(BLOCKLIST_KINDS), value: z.string(), removed: z.literal(true) }) },
      202: { description: 'Queued; it will be carried out', schema: z.object({ status: z.literal('unblock_requested') }) },
    },
    command: ({ params }, res) => ({
      type: 'fraud.unblock.v1',
      data: { kind: params.kind, value: params.value, actor: requireOps(res).actor },
      correlationId: `blocklist:${params.kind}`,
    }),
    pending: () => ({ status: 'unblock_requested' }),
  });

  return router;
}
