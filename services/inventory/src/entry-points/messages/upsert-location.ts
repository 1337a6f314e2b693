import type { Handler } from '@oms/messaging';
import { locationLock } from '../../data-access/lock-keys';
import type { HandlerDeps } from './deps';

export const upsertLocation =
  ({ locks, models }: HandlerDeps): Handler<'location.upsert.v1'> =>
  async (msg) => {
    const { locationId, name, type } = msg.data;
    await locks.withLock(locationLock(locationId), () => models.Locations.updateOne({ _id: locationId }, { $set: { name, type } }, { upsert: true }));
    return { id: locationId, name, type };
  };
