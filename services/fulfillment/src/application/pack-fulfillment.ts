import type { Message } from '@oms/messaging';
import { decidePack } from '../domain/fulfillment';
import { queueFields } from '../data-access/fulfillment-model';
import { toFulfillmentView } from '../data-access/fulfillment-view';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';
import { assertInScope } from './location-scope';

/**
 * Pack a fulfillment, in the parcels given (or one parcel of every line). The answer is the fulfillment as
 * packed: by the first packer, however often it is asked.
 */
export async function packFulfillment({ store }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.pack.v1'>) {
  const { fulfillmentId: id, parcels, actor, locations } = msg.data;
  return store.change(id, msg, (current) => {
    assertInScope(current, id, locations);
    if (decidePack(current, id, parcels).kind === 'already-packed') return { result: toFulfillmentView(current) };
    const packed = { ...queueFields(current, 'packed'), packedAt: new Date(), packedBy: actor, ...(parcels ? { parcels } : {}) };
    const lines = current.lines.map(({ sku, quantity }) => ({ sku, quantity }));
    return {
      update: { $set: packed },
      correlationId: current.orderId,
      emit: [
        {
          type: 'fulfillment.packed.v1',
          data: { orderId: current.orderId, fulfillmentId: id, locationId: current.locationId, lines, ...(parcels ? { parcels } : {}), actor },
        },
      ],
      result: toFulfillmentView({ ...current, ...packed }),
    };
  });
}
