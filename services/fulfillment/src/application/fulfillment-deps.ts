import type { Model } from 'mongoose';
import type { Redis } from '@oms/redis';
import type { AggregateStore } from '@oms/outbox';
import type { BinRepository } from '../data-access/bin-model';
import type { FulfillmentDoc } from '../data-access/fulfillment-model';
import type { FulfillmentRepository } from '../data-access/fulfillment-repository';
import type { PickListDoc } from '../data-access/pick-list-model';

/** What fulfillment's use cases work with: the fulfillment store (the one way to change one), its reads, the pick lists. */
export interface FulfillmentUseCaseDeps {
  store: AggregateStore<FulfillmentDoc>;
  fulfillments: FulfillmentRepository;
  pickLists: Model<PickListDoc>;
  bins: BinRepository;
  handlingHours: Record<string, number>;
  /** Counts wrong pickup codes (a lockout against guessing). */
  redis: Redis;
  /** PICKUP_REMIND_AFTER_DAYS and PICKUP_CANCEL_AFTER_DAYS. */
  pickupDays: { remind: number; cancel: number };
}
