import type { ServiceDefinition } from '@oms/runtime';
import { InsertBatcher } from '@oms/mongo';
import { configSchema, SERVICE_NAME } from './config';
import { reservationLock } from './data-access/lock-keys';
import { LocationDirectory } from './data-access/location-directory';
import { registerModels } from './data-access/models';
import { stockAlertLock } from './data-access/stock-alerts';
import { ShortageFacts } from './data-access/shortage-facts';
import { StockCounters } from './data-access/stock-counters';
import { inventoryRoutes } from './entry-points/http/routes';
import { BackorderQueue } from './entry-points/jobs/backorders';
import { inventoryCommands } from './entry-points/messages/inventory-commands';

/** Locations, the stock ledger and reservations: availability and where an order ships from. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup: async (ctx) => {
    const models = registerModels(ctx.db);
    const counters = new StockCounters(ctx.redis, models, ctx.logger, ctx.config.INVENTORY_LEASE_MS);
    // Counters whole before the first command: after a Redis loss this is where they are rebuilt.
    await counters.ready();
    const backorderNotice = { serveSoon: () => backorders.serveSoon() };
    const deps = { locks: ctx.locks, outbox: ctx.outbox, models, counters, locations: new LocationDirectory(models), shortageFacts: new ShortageFacts(models), newReservations: new InsertBatcher(models.Reservations, { asGiven: true }), backorders: backorderNotice };
    const backorders = new BackorderQueue(deps, ctx.logger);
    backorders.start(ctx.config.INVENTORY_BACKORDER_SWEEP_MS);
    return {
      onStop: () => backorders.stop(),
      routes: inventoryRoutes(models, counters),
      consumers: { 'inventory.commands': inventoryCommands(deps) },
      outbox: [
        { model: models.Reservations, lockKey: reservationLock },
        // Insert-only, written by one handler: the lock keeps the handler's flush and the sweep apart.
        { model: models.StockAlerts, lockKey: stockAlertLock },
      ],
    };
  },
};
