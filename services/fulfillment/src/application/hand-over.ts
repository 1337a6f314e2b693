import type { Message } from '@oms/messaging';
import { decideHandOver } from '../domain/fulfillment';
import { queueFields } from '../data-access/fulfillment-model';
import { toFulfillmentView } from '../data-access/fulfillment-view';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';
import { assertInScope } from './location-scope';

/** The packed parcels left with the carrier: the fulfillment is done. Idempotent, like packing. */
export async function handOver({ store, fulfillments }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.hand-over.v1'>) {
  const { fulfillmentId: id, actor, locations } = msg.data;
  await fulfillments.noteQueueDay(id, 'handed_over');
  return store.change(id, msg, (current) => {
    assertInScope(current, id, locations);
    if (decideHandOver(current, id) === 'already-handed-over') return { result: toFulfillmentView(current) };
    const done = { ...queueFields(current, 'handed_over'), handedOverAt: new Date(), handedOverBy: actor };
    return {
      update: { $set: done },
      correlationId: current.orderId,
      emit: [
        {
          type: 'fulfillment.handed-over.v1',
          data: { orderId: current.orderId, fulfillmentId: id, locationId: current.locationId, actor, ...shipByOf(current) },
        },
      ],
      result: toFulfillmentView({ ...current, ...done }),
    };
  });
}

/** The ship-by time the hand-over met or missed (reports count on-time hand-overs); absent on a document without one. */
const shipByOf = (f: { shipBy?: Date }) => (f.shipBy ? { shipBy: new Date(f.shipBy).toISOString() } : {});
