import type { OutboxRelay } from '@oms/outbox';
import type { AggregateLocks } from '@oms/redis';
import type { LocationDirectory } from '../../data-access/location-directory';
import type { Models } from '../../data-access/models';
import type { StockCounters } from '../../data-access/stock-counters';

/** What the command handlers work with. */
export interface HandlerDeps {
  locks: AggregateLocks;
  outbox: OutboxRelay;
  models: Models;
  counters: StockCounters;
  locations: LocationDirectory;
  /** Told when stock arrives, so waiting backorders are served. */
  backorders: { serveSoon(): void };
}
