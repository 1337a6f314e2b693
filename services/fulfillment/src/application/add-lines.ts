import type { Message } from '@oms/messaging';
import { Refusal } from '@oms/errors';
import { groupLinesByLocation, laterOf, shipByOf } from '../domain/fulfillment';
import { fulfillmentId, queueFields } from '../data-access/fulfillment-model';
import { toFulfillmentView } from '../data-access/fulfillment-view';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';

/**
 * More lines for the order's work at a location (a substitute the customer chose after a short pick): merged
 * into the fulfillment there while it is still to be picked, or it is opened (again, when a short pick had
 * emptied and cancelled it). Packed work takes nothing more: refused. Once per message.
 */
export async function addLines({ store, fulfillments, handlingHours }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.add-lines.v1'>) {
  const { orderId, locationId, lines, shippingAddress, shippingMethod } = msg.data;
  const id = fulfillmentId(orderId, locationId);
  const added = groupLinesByLocation(lines.map((l) => ({ ...l, locationId }))).get(locationId)!;
  const now = new Date();
  const newShipBy = shipByOf(now, shippingMethod, handlingHours, now);
  // Before it is stored: new work is listed on its ship-by day (work opened again: below).
  await fulfillments.noteArrival(locationId, newShipBy);
  return store.change(id, msg, async (current) => {
    const opened = { type: 'fulfillment.opened.v1' as const, data: { orderId, fulfillmentId: id, locationId }, key: id };
    if (!current) {
      const shipBy = newShipBy;
      const created = {
        orderId,
        locationId,
        lines: added,
        shippingAddress,
        shippingMethod,
        shipBy,
        ...queueFields({ locationId, shipBy }, 'open'),
        createdAt: now,
      };
      return { create: created, correlationId: orderId, emit: [opened], result: toFulfillmentView({ _id: id, ...created }) };
    }
    if (current.status === 'cancelled') {
      // Due at once if its ship-by time has passed meanwhile (shipByOf): work enters the queues from today on.
      const shipBy = laterOf(new Date(current.shipBy), now);
      await fulfillments.noteArrival(locationId, shipBy);
      const reopened = { lines: added, shipBy, ...queueFields({ locationId, shipBy }, 'open') };
      return {
        update: { $set: reopened, $unset: { cancelledAt: '' } },
        correlationId: orderId,
        emit: [opened],
        result: toFulfillmentView({ ...current, ...reopened, cancelledAt: undefined }),
      };
    }
    if (current.status !== 'open' && current.status !== 'picking')
      throw new Refusal('conflict', `fulfillment ${id} is ${current.status}: it takes no more lines`);
    const merged = groupLinesByLocation([...current.lines, ...added].map((l) => ({ ...l, locationId }))).get(locationId)!;
    return { update: { $set: { lines: merged } }, result: toFulfillmentView({ ...current, lines: merged }) };
  });
}
