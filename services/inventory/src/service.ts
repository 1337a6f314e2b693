import { DayIndex, InsertBatcher } from '@oms/mongo';
import type { ServiceDefinition } from '@oms/runtime';
import type { InventoryDeps, InventoryRepositories } from './application/inventory-deps';
import { configSchema, SERVICE_NAME } from './config';
import { IncomingRepository } from './data-access/incoming-repository';
import { reservationLock, stockAlertLock } from './data-access/lock-keys';
import { LocationDirectory } from './data-access/location-directory';
import { registerModels } from './data-access/models';
import { MovementRepository } from './data-access/movement-repository';
import type { ReservationDoc } from './data-access/reservation-model';
import { ReservationRepository } from './data-access/reservation-repository';
import { ShortageFacts } from './data-access/shortage-facts';
import { SkuSettingRepository } from './data-access/sku-setting-repository';
import { StockAlertRepository } from './data-access/stock-alert-repository';
import { StockCounters } from './data-access/stock-counters';
import { StockSettingRepository } from './data-access/stock-setting-repository';
import { reservationView } from './data-access/views';
import { inventoryRoutes } from './entry-points/http/routes';
import { BackorderTimer } from './entry-points/jobs/backorders';
import { inventorySubscriptions } from './entry-points/messages/inventory-subscriptions';

/** Locations, the stock ledger and reservations: availability and where an order ships from. */
/** How long a reservation's lock outlives a holder that died (renewed while the holder works). */
const RESERVATION_LOCK_TTL_MS = 5000;

export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup: async (ctx) => {
    const models = registerModels(ctx.db);
    const counters = new StockCounters(ctx.redis, models, ctx.logger, ctx.config.INVENTORY_LEASE_MS);
    // Counters whole before the first command: after a Redis loss this is where they are rebuilt.
    await counters.ready();
    counters.watchNewest();
    // A short lock: when an instance dies holding one, the redelivered command goes on after 5 s, not 30.
    const store = ctx.aggregates<ReservationDoc>({
      model: models.Reservations,
      lockKey: reservationLock,
      view: reservationView,
      lockTtlMs: RESERVATION_LOCK_TTL_MS,
    });
    const repositories: InventoryRepositories = {
      locations: new LocationDirectory(models),
      reservations: new ReservationRepository(models.Reservations),
      movements: new MovementRepository(models.Movements, new DayIndex(ctx.db, 'movement_days')),
      incoming: new IncomingRepository(models.Incoming),
      skuSettings: new SkuSettingRepository(models.SkuSettings),
      stockSettings: new StockSettingRepository(models.StockSettings),
      stockAlerts: new StockAlertRepository(models.StockAlerts),
    };
    // In the background: older ledger entries appear in the movement pages as they get their day.
    void repositories.movements
      .backfillDays(ctx.logger)
      .catch((err) => ctx.logger.warn({ err: (err as Error).message }, 'movement day backfill stopped; it starts again with the next start'));
    const deps: InventoryDeps = {
      ...repositories,
      store,
      // Stored as built (no mongoose document each): reserve-stock.ts builds every field.
      newReservations: new InsertBatcher(models.Reservations, { asGiven: true }),
      outbox: ctx.outbox,
      locks: ctx.locks,
      counters,
      shortageFacts: new ShortageFacts(models),
      backorders: { serveSoon: () => backorders.serveSoon() },
    };
    const backorders = new BackorderTimer(deps, ctx.logger);
    backorders.start(ctx.config.INVENTORY_BACKORDER_SWEEP_MS);
    return {
      onStop: async () => {
        counters.stop();
        await backorders.stop();
      },
      routes: inventoryRoutes({ ...repositories, counters }),
      consumers: inventorySubscriptions(deps),
      // Insert-only, written by one use case: the lock keeps its flush and the sweep apart.
      outbox: [{ model: models.StockAlerts, lockKey: stockAlertLock }],
    };
  },
};
