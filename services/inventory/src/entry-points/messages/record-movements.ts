import { unprocessable } from '@oms/errors';
import { deterministicId, type Handler } from '@oms/messaging';
import { ledgerEntries, movementErrors, type RequestedMovement } from '../../domain/movement-rules';
import { bookMovements } from '../../data-access/book-movements';
import type { Models } from '../../data-access/models';
import { announceLowStock } from '../../data-access/stock-alerts';
import { movementView } from '../../data-access/views';
import type { HandlerDeps } from './deps';

export const recordMovements =
  ({ models, counters, outbox, backorders, locks }: HandlerDeps): Handler<'stock.record-movements.v1'> =>
  async (msg) => {
    const { movements, actor } = msg.data;
    const locationIds = [...new Set(movements.flatMap((m) => [m.locationId, ...(m.toLocationId ? [m.toLocationId] : [])]))];
    const known = await models.Locations.find({ _id: { $in: locationIds } }, { _id: 1 }).lean<Array<{ _id: string }>>();
    const errors = movementErrors(movements, new Set(known.map((l) => l._id)));
    if (errors.length > 0) throw unprocessable('The stock movements were refused', errors);

    const changes = ledgerEntries(movements);
    const ids = changes.map((_, i) => deterministicId(msg.id, 'movement', String(i)));
    const booked = await bookMovements(models, counters, msg.id, { ids, changes, actor, path: 'movements' });
    await closeIncoming(models, movements);
    await announceLowStock({ models, outbox, locks }, booked.low, msg.id);
    if (booked.movements.some((m) => m.quantity > 0)) backorders.serveSoon();
    return { movements: booked.movements.map(movementView) };
  };

/** A receipt with the reference of an expected receipt (same SKU and location) closes it. */
async function closeIncoming(models: Models, movements: RequestedMovement[]): Promise<void> {
  for (const m of movements) {
    if (m.type !== 'receipt' || m.reference === undefined) continue;
    await models.Incoming.updateOne({ _id: `${m.reference}:${m.sku}:${m.locationId}` }, { $set: { status: 'received' } });
  }
}
