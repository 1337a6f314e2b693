import type { Logger } from '@oms/logging';
import { PeriodicPass } from '@oms/runtime';
import type { FulfillmentUseCaseDeps } from '../../application/fulfillment-deps';

/** Every interval, drops the active work queues' past days that are empty (FulfillmentRepository.dropEmptyActiveDays). */
export function workQueueSweep({ fulfillments }: Pick<FulfillmentUseCaseDeps, 'fulfillments'>, logger: Logger): PeriodicPass {
  return new PeriodicPass(
    'work queue sweep',
    async () => {
      const dropped = await fulfillments.dropEmptyActiveDays();
      if (dropped > 0) logger.info({ dropped }, 'empty past days of the active work queues dropped');
    },
    logger,
  );
}
