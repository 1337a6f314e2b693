import { notFound } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { decideShortPick } from '../domain/short-pick';
import { toFulfillmentView } from '../data-access/fulfillment-view';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';

/**
 * The picker could not find some units: they come off the fulfillment, and a fulfillment left with nothing
 * to pick is cancelled. The answer is the fulfillment after the change.
 */
export async function reportShortPick({ store }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.report-short-pick.v1'>) {
  const { fulfillmentId: id, lines: missing, actor } = msg.data;
  return store.change(id, msg, (current) => {
    if (!current) throw notFound(`fulfillment ${id}`);
    const { lines, emptied } = decideShortPick(current, id, missing);
    const set = emptied ? { lines, status: 'cancelled' as const, cancelledAt: new Date() } : { lines };
    return {
      update: { $set: set },
      correlationId: current.orderId,
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
