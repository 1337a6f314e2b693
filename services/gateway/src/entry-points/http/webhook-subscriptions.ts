import { z } from 'zod';
import { express } from '@oms/http';
import type { WebhookDeps, WebhookDispatcher } from '../../application/webhook-delivery';
import { deleteSubscription, deliveryLog, getSubscription, listSubscriptions, redeliver, subscribe } from '../../application/webhook-subscriptions';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks/event-types';
import { MAX_URL_LENGTH } from '../../domain/webhooks/url-policy';
import { apiRoute, pathId } from './api-route';
import { principalOf } from './auth';

const scopedId = '[A-Za-z0-9._:-]{1,128}';

const subscribeBody = z
  .object({
    url: z.string().min(1).max(MAX_URL_LENGTH).openapi({
      example: 'https://shop.example.com/oms/webhooks',
      description: 'https (http only where the gateway allows it); never a private, loopback or link-local address',
    }),
    eventTypes: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1)
      .max(WEBHOOK_EVENT_TYPES.length * 2)
      .describe('Customer notifications for a channel key, shipment events for a partner key (docs/webhooks.md)'),
    secret: z
      .string()
      .min(24, 'must be at least 24 characters')
      .max(200)
      .optional()
      .describe('The HMAC secret deliveries are signed with; absent: one is generated and shown once'),
    scope: z
      .string()
      .regex(new RegExp(`^(all|channel:${scopedId}|partner:${scopedId})$`), "'all', 'channel:<id>' or 'partner:<id>'")
      .optional()
      .describe("Whose events: required only for a key with several channel or partner roles; ops may give any (default 'all')"),
    description: z.string().trim().max(200).optional(),
  })
  .strict();

const subscriptionView = z.object({
  id: z.string(),
  scope: z.string(),
  eventTypes: z.array(z.string()),
  url: z.string(),
  description: z.string().optional(),
  active: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
});
const createdSubscription = subscriptionView.extend({ secret: z.string().describe('The signing secret: shown only in this answer') });

const attemptView = z.object({
  at: z.string(),
  durationMs: z.number(),
  trigger: z.enum(['first', 'retry', 'redelivery']),
  statusCode: z.number().int().optional().describe('The receiver’s HTTP status, when it answered'),
  error: z.string().optional().describe('Why no answer came (timeout, connection error, refused address, open circuit breaker)'),
});
const deliveryView = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
  createdAt: z.string(),
  attempts: z.array(attemptView),
  nextAttemptAt: z.string().nullable(),
  retryUntil: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  redeliveries: z.number().int(),
});
const deliveryPage = z.object({ items: z.array(deliveryView), nextCursor: z.string().nullable() });

const subscriptionParams = z.object({ id: pathId });
const deliveryParams = z.object({ id: pathId, deliveryId: pathId });
const logQuery = z
  .object({
    status: z.enum(['pending', 'delivered', 'failed', 'cancelled']).optional(),
    cursor: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** Webhook subscriptions of the calling key (docs/webhooks.md): channel, partner and ops keys. */
export function webhookSubscriptionRoutes(deps: WebhookDeps, dispatcher: WebhookDispatcher): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'post',
    path: '/webhook-subscriptions',
    summary: 'Subscribe a URL to public events; deliveries are signed with OMS-Signature and retried for 24 h',
    tags: ['webhooks'],
    body: subscribeBody,
    responses: { 201: { description: 'Created; `secret` is not shown again', schema: createdSubscription } },
    handler: async (_req, res, { body }) => {
      const { view, secret } = await subscribe(deps, principalOf(res), body);
      res.status(201).location(`/v1/webhook-subscriptions/${view.id}`).setHeader('Cache-Control', 'no-store');
      res.json({ ...view, secret });
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/webhook-subscriptions',
    summary: 'The key’s own webhook subscriptions (ops: all), newest first',
    tags: ['webhooks'],
    responses: { 200: { description: 'Subscriptions (never their secrets)', schema: z.array(subscriptionView) } },
    handler: async (_req, res) => {
      res.json(await listSubscriptions(deps, principalOf(res)));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/webhook-subscriptions/:id',
    summary: 'One of the key’s webhook subscriptions',
    tags: ['webhooks'],
    params: subscriptionParams,
    responses: { 200: { description: 'The subscription (never its secret)', schema: subscriptionView } },
    handler: async (_req, res, { params }) => {
      res.json(await getSubscription(deps, principalOf(res), params.id));
    },
  });

  apiRoute(router, {
    method: 'delete',
    path: '/webhook-subscriptions/:id',
    summary: 'Delete a subscription: nothing more is delivered, pending deliveries are cancelled',
    tags: ['webhooks'],
    params: subscriptionParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async (_req, res, { params }) => {
      await deleteSubscription(deps, principalOf(res), params.id);
      res.status(204).end();
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/webhook-subscriptions/:id/deliveries',
    summary: 'The delivery log of a subscription (last 30 days), newest first: attempts with time, status code or error, next attempt',
    tags: ['webhooks'],
    params: subscriptionParams,
    query: logQuery,
    responses: { 200: { description: 'A page of deliveries; `nextCursor` fetches the next one', schema: deliveryPage } },
    handler: async (_req, res, { params, query }) => {
      res.json(await deliveryLog(deps, principalOf(res), params.id, query));
    },
  });

  apiRoute(router, {
    method: 'post',
    path: '/webhook-subscriptions/:id/deliveries/:deliveryId/redeliver',
    summary: 'Send a delivery again now (with a new 24 h retry window)',
    tags: ['webhooks'],
    params: deliveryParams,
    errors: [409],
    responses: { 202: { description: 'Scheduled and being attempted; follow it in the log', schema: deliveryView } },
    handler: async (_req, res, { params }) => {
      const view = await redeliver(deps, dispatcher, principalOf(res), params.id, params.deliveryId);
      res.status(202).location(`/v1/webhook-subscriptions/${params.id}/deliveries`).json(view);
    },
  });

  return router;
}
