import type { Logger } from '@oms/logging';
import type { Broker } from '@oms/messaging';
import { PeriodicPass } from '@oms/runtime';
import type { CarrierUseCaseDeps } from '../../application/carrier-deps';
import { pollTracking } from '../../application/poll-tracking';

/** Every interval, asks the carriers whose tracking is polled for the scans of the parcels on their way. */
export function trackingPoll(deps: Pick<CarrierUseCaseDeps, 'carriers' | 'shipments' | 'adapters'>, broker: Broker, logger: Logger): PeriodicPass {
  return new PeriodicPass(
    'tracking poll',
    async () => {
      const sent = await pollTracking(
        deps,
        async (data, id) => {
          await broker.publish('shipment.record-tracking.v1', data, { correlationId: data.trackingNumber, id });
        },
        (carrierId, err) => logger.warn({ err: (err as Error).message, carrierId }, 'tracking poll of a carrier failed; asked again next pass'),
      );
      if (sent > 0) logger.debug({ sent }, 'polled scans sent on');
    },
    logger,
  );
}
