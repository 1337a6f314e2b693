import type { Message } from '@oms/messaging';
import { groupLinesByLocation, shipByOf } from '../domain/fulfillment';
import { fulfillmentId, queueFields } from '../data-access/fulfillment-model';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';

/**
 * Open one fulfillment per ship-from location of the order, in that location's open queue by its ship-by
 * time. Each is an aggregate of its own, changed on its own: a redelivery after a crash between two of them
 * opens only the missing ones, and one that exists already (the order sent again) stays as it is.
 */
export async function openFulfillment({ store, fulfillments, handlingHours }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.open.v1'>) {
  const { orderId, lines, shippingAddress, shippingMethod, orderedAt, pickup } = msg.data;
  const opened: string[] = [];
  for (const [locationId, locationLines] of groupLinesByLocation(lines)) {
    const id = fulfillmentId(orderId, locationId);
    opened.push(id);
    const now = new Date();
    const shipBy = shipByOf(orderedAt ? new Date(orderedAt) : now, shippingMethod, handlingHours, now);
    // Before it is stored: the active queues read only the days noted.
    await fulfillments.noteArrival(locationId, shipBy);
    await store.change(id, msg, (current) => {
      if (current) return {};
      return {
        create: {
          orderId,
          locationId,
          lines: locationLines,
          shippingAddress,
          shippingMethod,
          ...(pickup ? { pickup } : {}),
          shipBy,
          ...queueFields({ locationId, shipBy }, 'open'),
          createdAt: now,
        },
        correlationId: orderId,
        emit: [{ type: 'fulfillment.opened.v1', data: { orderId, fulfillmentId: id, locationId }, key: id }],
      };
    });
  }
  return { fulfillmentIds: opened };
}
