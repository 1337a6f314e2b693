import { unprocessable } from '@oms/errors';
import { deterministicId, type Handler } from '@oms/messaging';
import { ledgerEntries, movementErrors } from '../../domain/movement-rules';
import { bookMovements } from '../../data-access/book-movements';
import { movementView } from '../../data-access/views';
import type { HandlerDeps } from './deps';

export const recordMovements =
  ({ models, counters }: HandlerDeps): Handler<'stock.record-movements.v1'> =>
  async (msg) => {
    const { movements, actor } = msg.data;
    const locationIds = [...new Set(movements.flatMap((m) => [m.locationId, ...(m.toLocationId ? [m.toLocationId] : [])]))];
    const known = await models.Locations.find({ _id: { $in: locationIds } }, { _id: 1 }).lean<Array<{ _id: string }>>();
    const errors = movementErrors(movements, new Set(known.map((l) => l._id)));
    if (errors.length > 0) throw unprocessable('The stock movements were refused', errors);

    const changes = ledgerEntries(movements);
    const ids = changes.map((_, i) => deterministicId(msg.id, 'movement', String(i)));
    const booked = await bookMovements(models, counters, msg.id, { ids, changes, actor, path: 'movements' });
    return { movements: booked.map(movementView) };
  };
