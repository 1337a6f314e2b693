import { unprocessable } from '@oms/errors';
import { deterministicId, type Handler } from '@oms/messaging';
import { belowReservedErrors, movementErrors } from '../../domain/movement-rules';
import { stockLock } from '../../data-access/lock-keys';
import type { MovementDoc } from '../../data-access/models';
import { insertMovementsOnce, movementsByIds } from '../../data-access/movements';
import { stockLevels } from '../../data-access/stock-levels';
import { movementView } from '../../data-access/views';
import type { HandlerDeps } from './deps';

export const recordMovements =
  ({ locks, models }: HandlerDeps): Handler<'stock.record-movements.v1'> =>
  async (msg) => {
    const { movements, actor } = msg.data;
    const locationIds = [...new Set(movements.map((m) => m.locationId))];
    const known = await models.Locations.find({ _id: { $in: locationIds } }, { _id: 1 }).lean<Array<{ _id: string }>>();
    const errors = movementErrors(movements, new Set(known.map((l) => l._id)));
    if (errors.length > 0) throw unprocessable('The stock movements were refused', errors);

    const at = new Date();
    const docs: MovementDoc[] = movements.map((m, i) => ({ _id: deterministicId(msg.id, 'movement', String(i)), ...m, actor, at }));
    const ids = docs.map((d) => d._id);
    const skus = [...new Set(movements.map((m) => m.sku))];
    return locks.withLocks(skus.map(stockLock), async () => {
      // A redelivery may find some or all of its movements stored already: those are not counted again.
      const stored = new Set((await movementsByIds(models, ids)).map((m) => m._id));
      const pending = docs.map((movement, index) => ({ index, movement })).filter(({ movement }) => !stored.has(movement._id));
      const refused = belowReservedErrors(pending, await stockLevels(models, skus));
      if (refused.length > 0) throw unprocessable('The stock movements would take reserved stock', refused);
      await insertMovementsOnce(
        models,
        pending.map((p) => p.movement),
      );
      return { movements: (await movementsByIds(models, ids)).map(movementView) };
    });
  };
