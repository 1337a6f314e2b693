import type { Message } from '@oms/messaging';
import type { ReturnUseCaseDeps } from './returns-deps';

/**
 * Remember what was delivered (and at which prices): returns can only be opened against this. A projection
 * written once, with no events: an insert that ignores a copy, with no lock or store bookkeeping.
 */
export async function recordDeliveredOrder({ deliveredOrders }: ReturnUseCaseDeps, msg: Message<'order.delivered.v1'>): Promise<void> {
  const { orderId, channel, currency, lines, shippingPaid } = msg.data;
  await deliveredOrders.record(orderId, {
    channel,
    currency,
    lines,
    ...(shippingPaid === undefined ? {} : { shippingPaid }),
    deliveredAt: new Date(msg.occurredAt),
  });
}
