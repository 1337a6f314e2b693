import { notFound } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { decidePack } from '../domain/fulfillment';
import { toFulfillmentView } from '../data-access/fulfillment-view';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';

/** Pack a fulfillment. The answer is the fulfillment as packed: by the first packer, however often it is asked. */
export async function packFulfillment({ store }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.pack.v1'>) {
  const { fulfillmentId: id, actor } = msg.data;
  return store.change(id, msg, (current) => {
    if (!current) throw notFound(`fulfillment ${id}`);
    if (decidePack(current, id).kind === 'already-packed') return { result: toFulfillmentView(current) };
    const packed = { status: 'packed' as const, packedAt: new Date(), packedBy: actor };
    const lines = current.lines.map(({ sku, quantity }) => ({ sku, quantity }));
    return {
      update: { $set: packed },
      correlationId: current.orderId,
      emit: [{ type: 'fulfillment.packed.v1', data: { orderId: current.orderId, fulfillmentId: id, locationId: current.locationId, lines, actor } }],
      result: toFulfillmentView({ ...current, ...packed }),
    };
  });
}
