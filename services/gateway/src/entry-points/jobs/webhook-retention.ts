import type { Logger } from '@oms/logging';
import { PeriodicPass } from '@oms/runtime';
import { removeExpiredDeliveries } from '../../application/webhook-retention';
import type { WebhookDeps } from '../../application/webhook-delivery';

/** Every interval, removes the webhook deliveries past WEBHOOK_DELIVERY_RETENTION_DAYS (webhook-retention.ts). */
export function webhookRetention({ deliveries }: Pick<WebhookDeps, 'deliveries'>, retentionDays: number, logger: Logger): PeriodicPass {
  return new PeriodicPass(
    'webhook retention',
    async () => {
      const { days, removed } = await removeExpiredDeliveries(deliveries, retentionDays);
      if (removed > 0) logger.info({ days, removed }, 'webhook deliveries past their retention removed');
    },
    logger,
  );
}
