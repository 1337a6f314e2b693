import { deterministicId, type Message } from '@oms/messaging';
import { orderReturnsLockKey } from '../data-access/return-model';
import { toReturnView } from '../data-access/return-view';
import type { ReturnUseCaseDeps } from './returns-deps';

/** The reason on the lines of a parcel that came back to the sender. */
export const RETURNED_TO_SENDER = 'returned to sender';

/**
 * A parcel came back to the sender undelivered: its return is opened by itself (one per parcel, its id
 * derived from the shipment), so the warehouse receives it like any other: restocked per condition and
 * refunded at the prices paid, or, with RETURNED_TO_SENDER_RESOLUTION `reship` (decided when it is opened),
 * refunded nothing: the goods go out again. The order's prices are remembered as for a delivered order (insert-only:
 * an order delivered before keeps its record).
 */
export async function openReturnedParcel(
  { store, returns, deliveredOrders, returnedToSender }: ReturnUseCaseDeps,
  msg: Message<'order.returned-to-sender.v1'>,
) {
  const { orderId, channel, currency, lines, shipmentId, orderLines, shippingPaid } = msg.data;
  // The whole order, when told (a split order's delivered parcels stay returnable); this parcel's lines are
  // taken by its own return below.
  await deliveredOrders.record(orderId, {
    channel,
    currency,
    lines: orderLines ?? lines,
    ...(shippingPaid !== undefined ? { shippingPaid } : {}),
    deliveredAt: new Date(msg.occurredAt),
  });
  const returnId = deterministicId('returned-to-sender', shipmentId);
  return store.change(
    returnId,
    msg,
    async (current) => {
      if (current) return { result: toReturnView(current) };
      const createdAt = new Date();
      const opened = {
        orderId,
        status: 'requested' as const,
        lines: lines.map(({ sku, quantity }) => ({ sku, quantity, reason: RETURNED_TO_SENDER })),
        currency,
        ...(returnedToSender === 'reship' ? { reship: true } : {}),
        createdBy: `carrier:${msg.data.trackingNumber}`,
        createdAt,
        ...(await returns.listFieldsFor(createdAt)),
      };
      return {
        create: opened,
        correlationId: orderId,
        emit: [{ type: 'return.opened.v1', data: { orderId, returnId, lines: opened.lines } }],
        result: toReturnView({ _id: returnId, ...opened }),
      };
    },
    { alsoLock: [orderReturnsLockKey(orderId)] },
  );
}
