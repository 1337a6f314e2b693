import type { Logger } from '@oms/logging';
import { PeriodicPass } from '@oms/runtime';
import type { WebhookDispatcher } from '../../application/webhook-delivery';

/** Every interval, attempts the webhook deliveries that are due (in every gateway process; each attempt once). */
export function webhookRetries(dispatcher: WebhookDispatcher, logger: Logger): PeriodicPass {
  return new PeriodicPass(
    'webhook retries',
    async () => {
      const attempted = await dispatcher.sweep();
      if (attempted > 0) logger.debug({ attempted }, 'webhook deliveries retried');
    },
    logger,
  );
}
