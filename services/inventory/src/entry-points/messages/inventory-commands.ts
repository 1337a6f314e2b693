import type { HandlerMap } from '@oms/messaging';
import { consumeStock } from './consume';
import type { HandlerDeps } from './deps';
import { recordMovements } from './record-movements';
import { releaseStock } from './release';
import { reserveStock } from './reserve';
import { restockReturn } from './restock';
import { shortPick } from './short-pick';
import { configureSku, expectStock, setStockLevels } from './planning-settings';
import { upsertLocation } from './upsert-location';

/** The queue `inventory.commands`: every command this service carries out. */
export const inventoryCommands = (deps: HandlerDeps): HandlerMap => ({
  'location.upsert.v1': upsertLocation(deps),
  'stock.record-movements.v1': recordMovements(deps),
  'stock.reserve.v1': reserveStock(deps),
  'stock.release.v1': releaseStock(deps),
  'stock.consume.v1': consumeStock(deps),
  'stock.short-pick.v1': shortPick(deps),
  'stock.restock.v1': restockReturn(deps),
  'stock.set-levels.v1': setStockLevels(deps),
  'sku.configure.v1': configureSku(deps),
  'stock.expect.v1': expectStock(deps),
});
