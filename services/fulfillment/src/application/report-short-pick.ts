import { notFound } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { decideShortPick } from '../domain/short-pick';
import { toFulfillmentView } from '../data-access/fulfillment-view';
import { inOrderConversation, type FulfillmentUseCaseDeps } from './fulfillment-deps';

/**
 * The picker could not find some units: they come off the fulfillment, and a fulfillment left with nothing
 * to pick is cancelled. The answer is the fulfillment after the change.
 */
export async function reportShortPick({ store, fulfillments }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.report-short-pick.v1'>) {
  const { fulfillmentId: id, lines: missing, actor } = msg.data;
  const orderId = await fulfillments.orderIdOf(id);
  if (!orderId) throw notFound(`fulfillment ${id}`);
  return store.change(id, inOrderConversation(msg, orderId), (current) => {
    if (!current) throw notFound(`fulfillment ${id}`);
    const { lines, emptied } = decideShortPick(current, id, missing);
    const set = emptied ? { lines, status: 'cancelled' as const, cancelledAt: new Date() } : { lines };
    return {
      update: { $set: set },
      emit: [
        {
          type: 'fulfillment.short-picked.v1',
          data: { orderId: current.orderId, fulfillmentId: id, locationId: current.locationId, lines: missing, emptied, actor },
        },
      ],
      result: toFulfillmentView({ ...current, ...set }),
    };
  });
}
