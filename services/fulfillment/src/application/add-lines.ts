import type { Message } from '@oms/messaging';
import { Refusal } from '@oms/errors';
import { groupLinesByLocation, shipByOf } from '../domain/fulfillment';
import { fulfillmentId, queueFields } from '../data-access/fulfillment-model';
import { toFulfillmentView } from '../data-access/fulfillment-view';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';

/**
 * More lines for the order's work at a location (a substitute the customer chose after a short pick): merged
 * into the fulfillment there while it is still to be picked, or it is opened (again, when a short pick had
 * emptied and cancelled it). Packed work takes nothing more: refused. Once per message.
 */
export async function addLines({ store, handlingHours }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.add-lines.v1'>) {
  const { orderId, locationId, lines, shippingAddress, shippingMethod } = msg.data;
  const id = fulfillmentId(orderId, locationId);
  const added = groupLinesByLocation(lines.map((l) => ({ ...l, locationId }))).get(locationId)!;
  return store.change(id, msg, (current) => {
    const opened = { type: 'fulfillment.opened.v1' as const, data: { orderId, fulfillmentId: id, locationId }, key: id };
    if (!current) {
      const now = new Date();
      const shipBy = shipByOf(now, shippingMethod, handlingHours);
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
      const reopened = { lines: added, ...queueFields(current, 'open') };
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
