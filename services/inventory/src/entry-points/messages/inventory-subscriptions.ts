import type { Subscriptions } from '@oms/messaging';
import { configureSku } from '../../application/configure-sku';
import { consumeStock } from '../../application/consume-stock';
import { expectStock } from '../../application/expect-stock';
import type { InventoryDeps } from '../../application/inventory-deps';
import { recordMovements } from '../../application/record-movements';
import { releaseStock } from '../../application/release-stock';
import { reserveStock } from '../../application/reserve-stock';
import { restock } from '../../application/restock';
import { setStockLevels } from '../../application/set-stock-levels';
import { shortPick } from '../../application/short-pick';
import { supplementReservation } from '../../application/supplement-reservation';
import { upsertLocation } from '../../application/upsert-location';

/** Every subscription of inventory: each command its queue receives, and the use case it runs. */
export function inventorySubscriptions(deps: InventoryDeps): Subscriptions {
  return {
    'inventory.commands': {
      'location.upsert.v1': (msg) => upsertLocation(deps, msg),
      'stock.record-movements.v1': (msg) => recordMovements(deps, msg),
      'stock.reserve.v1': (msg, { repeated }) => reserveStock(deps, msg, { repeated }),
      'stock.release.v1': (msg) => releaseStock(deps, msg),
      'stock.consume.v1': (msg) => consumeStock(deps, msg),
      'stock.short-pick.v1': (msg) => shortPick(deps, msg),
      'stock.supplement.v1': (msg) => supplementReservation(deps, msg),
      'stock.restock.v1': (msg) => restock(deps, msg),
      'stock.set-levels.v1': (msg) => setStockLevels(deps, msg),
      'sku.configure.v1': (msg) => configureSku(deps, msg),
      'stock.expect.v1': (msg) => expectStock(deps, msg),
    },
  };
}
