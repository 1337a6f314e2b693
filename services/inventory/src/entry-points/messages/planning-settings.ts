import { unprocessable } from '@oms/errors';
import type { Handler } from '@oms/messaging';
import { settingsLock } from '../../data-access/lock-keys';
import type { HandlerDeps } from './deps';

const levelsId = (sku: string, locationId: string) => `${sku}|${locationId}`;

async function assertLocation(deps: HandlerDeps, locationId: string, path = 'locationId'): Promise<void> {
  if (!(await deps.models.Locations.exists({ _id: locationId }))) throw unprocessable(`location ${locationId} does not exist`, [{ path, message: `location ${locationId} does not exist` }]);
}

/** Safety stock and reorder point of a SKU at a location: stored, then applied to the counters. */
export const setStockLevels =
  (deps: HandlerDeps): Handler<'stock.set-levels.v1'> =>
  async (msg) => {
    const { sku, locationId, safetyStock, reorderPoint } = msg.data;
    await assertLocation(deps, locationId);
    await deps.locks.withLock(settingsLock(sku, locationId), async () => {
      await deps.models.StockSettings.updateOne({ _id: levelsId(sku, locationId) }, { $set: { sku, locationId, safetyStock, reorderPoint } }, { upsert: true });
      await deps.counters.setLevels(sku, locationId, safetyStock, reorderPoint);
    });
    return { sku, locationId, safetyStock, reorderPoint };
  };

/** Supplier lead time and substitutes of a SKU. */
export const configureSku =
  ({ locks, models }: HandlerDeps): Handler<'sku.configure.v1'> =>
  async (msg) => {
    const { sku, leadTimeDays, substitutes } = msg.data;
    if (substitutes.includes(sku)) throw unprocessable('A SKU cannot substitute itself', [{ path: 'substitutes', message: `${sku} cannot substitute itself` }]);
    await locks.withLock(settingsLock(sku), () => models.SkuSettings.updateOne({ _id: sku }, { $set: { leadTimeDays, substitutes } }, { upsert: true }));
    return { sku, leadTimeDays, substitutes };
  };

/**
 * An expected receipt. The same reference, SKU and location again updates it (a changed date or
 * quantity); one already received stays received.
 */
export const expectStock =
  (deps: HandlerDeps): Handler<'stock.expect.v1'> =>
  async (msg) => {
    const { sku, locationId, quantity, expectedAt, reference, actor } = msg.data;
    await assertLocation(deps, locationId);
    const id = `${reference}:${sku}:${locationId}`;
    await deps.locks.withLock(settingsLock(sku, locationId), async () => {
      const existing = await deps.models.Incoming.findById(id, { status: 1 }).lean();
      if (existing?.status === 'received') return;
      await deps.models.Incoming.updateOne(
        { _id: id },
        { $set: { sku, locationId, quantity, expectedAt, reference, actor, status: 'open' } },
        { upsert: true },
      );
    });
    const doc = (await deps.models.Incoming.findById(id).lean())!;
    return { id, sku, locationId, quantity: doc.quantity, expectedAt: doc.expectedAt, reference, status: doc.status };
  };
