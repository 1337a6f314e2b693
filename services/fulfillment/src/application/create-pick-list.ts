import { Refusal } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { isDuplicateKeyError } from '@oms/mongo';
import { canJoinPickList } from '../domain/fulfillment';
import { chooseForPickList, pickListLines } from '../domain/pick-list';
import { queueFields } from '../data-access/fulfillment-model';
import { toPickListView, type PickListDoc } from '../data-access/pick-list-model';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';

/**
 * A wave: the location's open fulfillments whose parcels must leave first (not those of held orders) go
 * to picking under this pick list, each under its own lock, so that two lists made at once never take the
 * same one. The list is written last, from the fulfillments it took; a redelivery after a crash takes up
 * where it stopped and writes the same list.
 */
export async function createPickList({ store, fulfillments, pickLists, bins }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.create-pick-list.v1'>) {
  const { pickListId, locationId, maxFulfillments, actor, locations } = msg.data;
  if (locations && !locations.includes(locationId)) throw new Refusal('not_found', `location ${locationId}`);
  const existing = await pickLists.findById(pickListId).lean<PickListDoc>();
  if (existing) return toPickListView(existing);
  const candidates = await fulfillments.pickListCandidates(locationId, pickListId, maxFulfillments);
  const chosen = chooseForPickList(
    candidates.filter((f) => f.pickListId === pickListId || canJoinPickList(f)),
    maxFulfillments,
  );
  for (const { _id: id } of chosen) {
    await store.change(id, msg, (current) => {
      if (!current || !canJoinPickList(current)) return {};
      return {
        update: { $set: { ...queueFields(current, 'picking'), pickListId } },
        correlationId: current.orderId,
        emit: [{ type: 'fulfillment.picking.v1', data: { orderId: current.orderId, fulfillmentId: id, locationId, pickListId, actor } }],
      };
    });
  }
  // By ship-by time, whatever order the store answers in: the list and each line's split read the same way.
  const taken = chooseForPickList(await fulfillments.inPickList(pickListId), Number.MAX_SAFE_INTEGER);
  if (taken.length === 0) throw new Refusal('conflict', `Nothing to pick at ${locationId}: no open fulfillment whose order is not on hold`);
  const doc: PickListDoc = {
    _id: pickListId,
    locationId,
    fulfillmentIds: taken.map((f) => f._id),
    lines: pickListLines(
      taken,
      await bins.binsOf(
        locationId,
        taken.flatMap((f) => f.lines.map((l) => l.sku)),
      ),
    ),
    createdAt: new Date(),
    createdBy: actor,
  };
  try {
    await pickLists.create(doc);
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    return toPickListView((await pickLists.findById(pickListId).lean<PickListDoc>())!);
  }
  return toPickListView(doc);
}
