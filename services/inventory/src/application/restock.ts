import type { Message } from '@oms/messaging';
import { unknownLocation } from '../domain/location';
import { planRestock } from '../domain/restock';
import { announceStockLevels } from './announce-stock-levels';
import { bookMovements } from './book-movements';
import type { InventoryDeps } from './inventory-deps';

/**
 * Returned goods back into the ledger (damaged ones written off again), announced once per return. The
 * event rides on the order's reservation, the aggregate with an outbox here; for stock that never went
 * through a reservation here (an order older than this service) a minimal reservation carries it.
 */
export async function restock(deps: InventoryDeps, msg: Message<'stock.restock.v1'>) {
  const { store, locations, backorders } = deps;
  const { orderId, returnId, locationId, lines } = msg.data;
  if (!(await locations.exists(locationId))) throw unknownLocation(locationId);
  const plan = planRestock(returnId, locationId, lines);
  const restocked = { orderId, returnId, restocked: plan.restocked, writtenOff: plan.writtenOff };
  await store.change(orderId, msg, async (current) => {
    const booked = await bookMovements(deps, `restock:${returnId}`, {
      ids: plan.movements.map((m) => m._id),
      changes: plan.movements.map(({ _id, ...movement }, index) => ({ index, kind: 'add' as const, movement })),
      actor: msg.producer,
      path: 'lines',
    });
    await announceStockLevels(deps, booked, msg.id);
    if (current?.restockedReturns?.includes(returnId)) return {};
    const emit = [{ type: 'stock.restocked.v1' as const, data: restocked }];
    if (!current) return { create: { status: 'consumed', lines: [], restockedReturns: [returnId] }, emit };
    return { update: { $push: { restockedReturns: returnId } }, emit };
  });
  if (plan.restocked.length > 0) backorders.serveSoon();
  return restocked;
}
