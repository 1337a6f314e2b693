import { everyMessageOf, type QueueHandlers } from '@oms/messaging';
import type { WebhookDispatcher } from '../../application/webhook-delivery';

/**
 * The public events of `gateway.webhooks`: each becomes a delivery per matching subscription. The message is
 * acknowledged once the deliveries are stored; their attempts run on without it (retried by the sweep).
 */
export function webhookEventHandlers(dispatcher: WebhookDispatcher): QueueHandlers<'gateway.webhooks'> {
  return everyMessageOf('gateway.webhooks', async (message) => dispatcher.onEvent(message));
}
