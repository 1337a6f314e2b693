import { AppError } from '@oms/errors';
import { canonicalFromShopify } from '../domain/channels/shopify-mapping';
import type { GatewayDeps } from './deps';
import type { IntakeResult, OrderIntake } from './order-intake';

/** Shopify retries a webhook for up to 48 hours: remember delivered webhook ids at least that long. */
const WEBHOOK_ID_TTL_SECONDS = 72 * 3600;

/** The answer to a delivery Shopify made before (the same X-Shopify-Webhook-Id). */
export const REPEATED_DELIVERY = 'repeated-delivery';

/**
 * An order from Shopify's orders/create webhook, whose signature the caller verified: a delivery seen before
 * is dropped, the Shopify order is mapped to the canonical order (422 naming Shopify's fields) and taken in
 * like any other (a different delivery of an order we have answers that order: exactly once per channel order).
 */
export async function receiveShopifyOrder(
  deps: Pick<GatewayDeps, 'redis'>,
  intake: OrderIntake,
  channelId: string,
  webhookId: string | undefined,
  body: unknown,
): Promise<IntakeResult | typeof REPEATED_DELIVERY> {
  const webhookKey = webhookId ? `shopify-webhook:${channelId}:${webhookId}` : undefined;
  if (webhookKey) {
    const first = await deps.redis.set(webhookKey, '1', 'EX', WEBHOOK_ID_TTL_SECONDS, 'NX').catch(() => {
      throw new AppError(503, 'Service Unavailable', 'The intake store is unavailable; try again shortly');
    });
    if (first !== 'OK') return REPEATED_DELIVERY;
  }
  try {
    const mapped = canonicalFromShopify(body, channelId, webhookId);
    if (!mapped.order) throw new AppError(422, 'Validation Failed', mapped.detail, mapped.problems);
    return await intake.submit(mapped.order, `channel:${channelId}:shopify-webhook`, { lookupStatus: true });
  } catch (err) {
    // Not accepted: Shopify retries the delivery, and that retry must be processed, not dropped.
    if (webhookKey) await deps.redis.del(webhookKey).catch(() => undefined);
    throw err;
  }
}
