import type { ServiceDefinition } from '@oms/runtime';
import { configSchema, SERVICE_NAME } from './config';
import { reservationLock } from './data-access/lock-keys';
import { registerModels } from './data-access/models';
import { inventoryRoutes } from './entry-points/http/routes';
import { inventoryCommands } from './entry-points/messages/inventory-commands';

/** Locations, the stock ledger and reservations: availability and where an order ships from. */
export const definition: ServiceDefinition<typeof configSchema> = {
  name: SERVICE_NAME,
  configSchema,
  setup: (ctx) => {
    const models = registerModels(ctx.db);
    return {
      routes: inventoryRoutes(models),
      consumers: { 'inventory.commands': inventoryCommands({ locks: ctx.locks, outbox: ctx.outbox, models }) },
      outbox: [{ model: models.Reservations, lockKey: reservationLock }],
    };
  },
};
