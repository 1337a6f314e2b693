import type { InsertBatcher } from '@oms/mongo';
import type { AggregateStore, OutboxRelay } from '@oms/outbox';
import type { AggregateLocks } from '@oms/redis';
import type { LocationDirectory } from '../data-access/location-directory';
import type { Models } from '../data-access/models';
import type { NewReservationDoc, ReservationDoc } from '../data-access/reservation-model';
import type { ShortageFacts } from '../data-access/shortage-facts';
import type { StockCounters } from '../data-access/stock-counters';

/** Told when stock arrives, so waiting backorders are served. */
export interface BackorderNotice {
  serveSoon(): void;
}

/** What inventory's use cases work with. */
export interface InventoryDeps {
  /** Reservations: the one way to change one (lock, load, skip a repeat, decide, one write, publish). */
  store: AggregateStore<ReservationDoc>;
  /** New reservations, written in batches with those of the other commands in flight. */
  newReservations: InsertBatcher<NewReservationDoc>;
  /** Envelopes and the durable outbox, for changes no message causes (backorders) and for alerts. */
  outbox: OutboxRelay;
  locks: AggregateLocks;
  models: Models;
  counters: StockCounters;
  locations: LocationDirectory;
  shortageFacts: ShortageFacts;
  backorders: BackorderNotice;
}

/** What the queries (the internal HTTP routes) read. */
export interface InventoryReads {
  models: Models;
  counters: StockCounters;
}
