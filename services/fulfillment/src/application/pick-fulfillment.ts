import type { Message } from '@oms/messaging';
import { decidePick } from '../domain/fulfillment';
import { queueFields } from '../data-access/fulfillment-model';
import { toFulfillmentView } from '../data-access/fulfillment-view';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';
import { assertInScope } from './location-scope';
import { shortPickChange } from './report-short-pick';

/**
 * The picker reports what was found of each line. All of it: picked, ready to pack. Less: a short pick
 * (the count is corrected and the rest sourced elsewhere, through the order). Work picked without a pick
 * list goes from open to picking here.
 */
export async function pickFulfillment(deps: FulfillmentUseCaseDeps, msg: Message<'fulfillment.pick.v1'>) {
  const { fulfillmentId: id, lines: picked, actor, locations } = msg.data;
  // A pick that finds nothing cancels the fulfillment: the cancelled queue's day first.
  await deps.fulfillments.noteQueueDay(id, 'cancelled');
  return deps.store.change(id, msg, (current) => {
    assertInScope(current, id, locations);
    const decision = decidePick(current, id, picked);
    const set = { ...queueFields(current, 'picking'), pickedAt: new Date(), pickedBy: actor };
    if (decision.kind === 'short') return shortPickChange(current, decision, actor, set);
    const lines = current.lines.map(({ sku, quantity }) => ({ sku, quantity }));
    return {
      update: { $set: set },
      correlationId: current.orderId,
      emit: [{ type: 'fulfillment.picked.v1', data: { orderId: current.orderId, fulfillmentId: id, locationId: current.locationId, lines, actor } }],
      result: toFulfillmentView({ ...current, ...set }),
    };
  });
}
