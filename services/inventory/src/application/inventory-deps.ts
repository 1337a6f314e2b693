import type { InsertBatcher } from '@oms/mongo';
import type { AggregateStore, OutboxRelay } from '@oms/outbox';
import type { AggregateLocks } from '@oms/redis';
import type { IncomingRepository } from '../data-access/incoming-repository';
import type { LocationDirectory } from '../data-access/location-directory';
import type { MovementRepository } from '../data-access/movement-repository';
import type { ReservationRepository } from '../data-access/reservation-repository';
import type { NewReservationDoc, ReservationDoc } from '../data-access/reservation-model';
import type { ShortageFacts } from '../data-access/shortage-facts';
import type { SkuSettingRepository } from '../data-access/sku-setting-repository';
import type { StockAlertRepository } from '../data-access/stock-alert-repository';
import type { StockCounters } from '../data-access/stock-counters';
import type { StockSettingRepository } from '../data-access/stock-setting-repository';

/** Told when stock arrives, so waiting backorders are served. */
export interface BackorderNotice {
  serveSoon(): void;
}

/** The repositories: every read and write of the documents that does not go through `store` or `newReservations`. */
export interface InventoryRepositories {
  locations: LocationDirectory;
  reservations: ReservationRepository;
  movements: MovementRepository;
  incoming: IncomingRepository;
  skuSettings: SkuSettingRepository;
  stockSettings: StockSettingRepository;
  stockAlerts: StockAlertRepository;
}

/** What inventory's use cases work with. */
export interface InventoryDeps extends InventoryRepositories {
  /** Reservations: the one way to change one (lock, load, skip a repeat, decide, one write, publish). */
  store: AggregateStore<ReservationDoc>;
  /** New reservations, written in batches with those of the other commands in flight. */
  newReservations: InsertBatcher<NewReservationDoc>;
  /** Envelopes and the durable outbox, for changes no message causes (backorders) and for alerts. */
  outbox: OutboxRelay;
  locks: AggregateLocks;
  counters: StockCounters;
  shortageFacts: ShortageFacts;
  backorders: BackorderNotice;
}

/** What the queries (the internal HTTP routes) read. */
export interface InventoryReads extends Omit<InventoryRepositories, 'stockAlerts'> {
  counters: StockCounters;
}
