import type { Logger } from '@oms/logging';
import type { Broker } from '@oms/messaging';
import { PeriodicPass } from '@oms/runtime';
import type { FulfillmentUseCaseDeps } from '../../application/fulfillment-deps';
import { sweepPickups } from '../../application/pickup';

/** Every interval, asks to remind about or expire the pickups waiting too long (pickup.ts: checkPickup). */
export function pickupSweep(deps: Pick<FulfillmentUseCaseDeps, 'fulfillments' | 'pickupDays'>, broker: Broker, logger: Logger): PeriodicPass {
  return new PeriodicPass(
    'pickup sweep',
    async () => {
      const sent = await sweepPickups(deps, (fulfillmentId) =>
        broker.publish('fulfillment.check-pickup.v1', { fulfillmentId }, { correlationId: fulfillmentId }).then(() => undefined),
      );
      if (sent > 0) logger.info({ sent }, 'pickups waiting too long: reminder or expiry asked for');
    },
    logger,
  );
}
