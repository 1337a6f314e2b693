import { orderIdOf, type CanonicalOrder, type Fact, type MessageData } from '@oms/contracts';
import type { OrderChange, OrderState } from './order';
import { entry } from './order-steps';

/** How a replacement order pays: nothing is due, so payment-check approves it without a provider call. */
export const REPLACEMENT_PAYMENT = { method: 'replacement', provider: 'oms' } as const;

/**
 * The goods of a parcel that came back to the sender go out again (returns' RETURNED_TO_SENDER_RESOLUTION
 * `reship`): a replacement order at no charge, in the same channel, to the order's address as it is now
 * (ops correct it first when it was the reason), with the lines that came back. It goes through intake like
 * any order (order.received.v1): reserved, picked, packed, booked and tracked on its own, its `source`
 * naming the order it replaces. Its id follows from the return, so the same receipt never ships twice.
 */
export function reshipReturnedParcel(order: OrderState, fact: Fact<'return.received.v1'>, change: OrderChange): void {
  const { returnId, lines } = fact.data;
  const externalId = `${order.externalId.slice(0, 100)}-reship-${returnId.slice(0, 8)}`;
  const replacementId = orderIdOf(order.channel, externalId);
  const nameOf = (sku: string) => order.lines.find((l) => l.sku === sku)?.name;
  const replacement: CanonicalOrder = {
    channel: order.channel,
    externalId,
    currency: order.currency,
    customer: { email: order.customer.email, name: order.customer.name, ...(order.customer.phone ? { phone: order.customer.phone } : {}) },
    shippingAddress: order.shippingAddress,
    ...(order.billingAddress ? { billingAddress: order.billingAddress } : {}),
    lines: mergedBySku(lines).map(({ sku, quantity }) => ({ sku, quantity, unitPrice: 0, ...(nameOf(sku) ? { name: nameOf(sku) } : {}) })),
    ...(order.taxesIncluded !== undefined ? { taxesIncluded: order.taxesIncluded } : {}),
    shipping: { method: order.shipping.method, price: 0 },
    payment: { ...REPLACEMENT_PAYMENT, reference: `reship:${order.id}:${returnId}`, amount: 0 },
    source: { replacementFor: order.id, returnId, reason: 'returned to sender' },
  };
  const received: MessageData<'order.received.v1'> = { orderId: replacementId, order: replacement, receivedAt: fact.occurredAt, actor: 'oms:reship' };
  change.send.push({ type: 'order.received.v1', data: received });
  change.timeline.push(entry(fact, 'reshipped', `the goods of return ${returnId} go out again as order ${replacementId} (${externalId}), at no charge`));
}

/** A receipt lists a SKU once per condition; the replacement ships each SKU once. */
function mergedBySku(lines: Array<{ sku: string; quantity: number }>): Array<{ sku: string; quantity: number }> {
  const bySku = new Map<string, number>();
  for (const l of lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.quantity);
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
}
