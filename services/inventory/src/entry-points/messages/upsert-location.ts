import type { Handler } from '@oms/messaging';
import { locationLock } from '../../data-access/lock-keys';
import type { LocationDoc } from '../../data-access/models';
import { locationView } from '../../data-access/views';
import type { HandlerDeps } from './deps';

/** PUT semantics: the location becomes exactly what was sent (defaults for what was left out). */
export const upsertLocation =
  ({ locks, models, locations }: HandlerDeps): Handler<'location.upsert.v1'> =>
  async (msg) => {
    const { locationId, actor: _actor, address, canPickup, ...fields } = msg.data;
    const set = { ...fields, canPickup: canPickup ?? fields.type === 'store' };
    await locks.withLock(locationLock(locationId), () =>
      models.Locations.updateOne({ _id: locationId }, address ? { $set: { ...set, address } } : { $set: set, $unset: { address: 1 } }, { upsert: true }),
    );
    locations.forget();
    return locationView((await models.Locations.findById(locationId).lean<LocationDoc>())!);
  };
