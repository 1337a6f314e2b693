import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalOrderSchema, currencyExponent, identifier } from '@oms/contracts';
import { AppError, zodFieldErrors } from '@oms/errors';
import { express } from '@oms/http';
import { z } from 'zod';
import { mapShopifyOrder, shopifyOrderSchema, shopifyPathOf } from '../../domain/channels/shopify-mapping';
import { apiRoute } from './api-route';
import type { GatewayDeps } from './deps';
import { acceptedOrderSchema, orderIntake } from './intake';

/** Shopify retries a webhook for up to 48 hours: remember delivered webhook ids at least that long. */
const WEBHOOK_ID_TTL_SECONDS = 72 * 3600;

const params = z.object({ channelId: identifier });

/** base64 HMAC-SHA256 of the raw body with the channel's secret, compared in constant time. */
export function shopifySignatureValid(rawBody: Buffer, secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const presented = Buffer.from(header.trim(), 'base64');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

const invalid = (detail: string, errors: Array<{ path: string; message: string }>) => new AppError(422, 'Validation Failed', detail, errors);

/**
 * Shopify's `orders/create` webhook, as Shopify sends it. Authenticated by its signature, not an API key
 * (mounted before the key check). A repeated delivery (same X-Shopify-Webhook-Id) is answered 200 at once;
 * a different delivery of an order we have answers 200 with that order (exactly once per channel order).
 */
export function shopifyWebhookRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();
  const intake = orderIntake(deps);

  apiRoute(router, {
    method: 'post',
    path: '/channels/:channelId/shopify/orders',
    summary: "Shopify orders/create webhook (signed with the channel's webhook secret: X-Shopify-Hmac-Sha256)",
    tags: ['channels'],
    auth: 'signature',
    params,
    body: z.record(z.string(), z.unknown()).describe("Shopify's REST Order resource, as the orders/create webhook sends it"),
    documentBodyOnly: true,
    responses: {
      202: { description: 'Accepted as a new order', schema: acceptedOrderSchema },
      200: {
        description: 'A repeat: the same webhook delivery (`duplicate: true`) or an order that exists (its id and status)',
        schema: z.object({ id: z.string().optional(), status: z.string().optional(), duplicate: z.boolean() }),
      },
    },
    errors: [409, 415],
    handler: async (req, res, { params: { channelId } }) => {
      const channel = await intake.channel(channelId);
      const raw = (req as { rawBody?: Buffer }).rawBody;
      if (!req.is('application/json')) throw new AppError(415, 'Unsupported Media Type', 'Shopify webhooks are application/json');
      if (!channel.webhookSecret || !shopifySignatureValid(raw ?? Buffer.alloc(0), channel.webhookSecret, req.get('x-shopify-hmac-sha256')))
        throw new AppError(401, 'Unauthorized', 'The X-Shopify-Hmac-Sha256 signature does not match this channel');

      const webhookId = req.get('x-shopify-webhook-id')?.slice(0, 200);
      const webhookKey = webhookId ? `shopify-webhook:${channelId}:${webhookId}` : undefined;
      if (webhookKey) {
        const first = await deps.redis.set(webhookKey, '1', 'EX', WEBHOOK_ID_TTL_SECONDS, 'NX').catch(() => {
          throw new AppError(503, 'Service Unavailable', 'The intake store is unavailable; try again shortly');
        });
        if (first !== 'OK') {
          res.status(200).json({ duplicate: true });
          return;
        }
      }
      try {
        const result = await accept(req.body, channelId, webhookId);
        res
          .status(result.outcome === 'created' ? 202 : 200)
          .location(`/v1/orders/${result.id}`)
          .json({ id: result.id, status: result.status, duplicate: result.outcome === 'duplicate' });
      } catch (err) {
        // Not accepted: Shopify retries the delivery, and that retry must be processed, not dropped.
        if (webhookKey) await deps.redis.del(webhookKey).catch(() => undefined);
        throw err;
      }
    },
  });

  async function accept(body: unknown, channelId: string, webhookId: string | undefined) {
    const parsed = shopifyOrderSchema.safeParse(body);
    if (!parsed.success) throw invalid('The Shopify order is invalid', zodFieldErrors(parsed.error));
    const exponent = currencyExponent(parsed.data.currency);
    if (exponent === undefined) throw invalid('The Shopify order is invalid', [{ path: 'currency', message: 'is not an ISO 4217 currency code' }]);
    const mapped = mapShopifyOrder(parsed.data, channelId, exponent, webhookId);
    if (!mapped.order) throw invalid('The Shopify order is invalid', mapped.problems);
    const order = canonicalOrderSchema.safeParse(mapped.order);
    if (!order.success)
      throw invalid(
        'The Shopify order cannot be taken as an order',
        zodFieldErrors(order.error).map((e) => ({ path: shopifyPathOf(e.path), message: e.message })),
      );
    return intake.submit(order.data, `channel:${channelId}:shopify-webhook`, { lookupStatus: true });
  }

  return router;
}
