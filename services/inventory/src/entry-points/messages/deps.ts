import type { InsertBatcher } from '@oms/mongo';
import type { OutboxRelay } from '@oms/outbox';
import type { AggregateLocks } from '@oms/redis';
import type { LocationDirectory } from '../../data-access/location-directory';
import type { Models, ReservationDoc } from '../../data-access/models';
import type { ShortageFacts } from '../../data-access/shortage-facts';
import type { StockCounters } from '../../data-access/stock-counters';

/** What the command handlers work with. */
export interface HandlerDeps {
  locks: AggregateLocks;
  outbox: OutboxRelay;
  models: Models;
  counters: StockCounters;
  locations: LocationDirectory;
  shortageFacts: ShortageFacts;
  /** New reservations, written in batches with those of the other commands in flight. */
  newReservations: InsertBatcher<Omit<ReservationDoc, 'createdAt' | 'updatedAt'>>;
  /** Told when stock arrives, so waiting backorders are served. */
  backorders: { serveSoon(): void };
}
