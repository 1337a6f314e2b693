import type { Fact, MessageType } from '@oms/contracts';
import type { OrderChange, OrderState } from '../order';
import { entry } from '../order-steps';

/** Reports about a reservation or payment check, keyed by the check key they were asked with (check-keys.ts). */
const STOCK_CHECK_EVENTS: readonly string[] = [
  'stock.reserved.v1',
  'stock.short.v1',
  'stock.backordered.v1',
  'stock.reallocated.v1',
  'stock.released.v1',
  'stock.consumed.v1',
];
const PAYMENT_CHECK_EVENTS: readonly string[] = ['payment.approved.v1', 'payment.awaiting.v1', 'payment.declined.v1', 'payment.voided.v1'];

/** A report about a reservation or payment check the order has since replaced (its lines or amount changed). */
export function isSuperseded(order: OrderState, fact: Fact<MessageType>): boolean {
  const key = (fact.data as { orderId?: string }).orderId;
  if (STOCK_CHECK_EVENTS.includes(fact.type)) return key !== order.checkKeys.stock;
  if (PAYMENT_CHECK_EVENTS.includes(fact.type)) return key !== order.checkKeys.payment;
  return false;
}

/**
 * The old check answered after the order changed. It no longer decides anything; what it still holds is
 * given back (a reservation made after its release was asked for, an authorization approved after its void).
 */
export function onSupersededCheck(fact: Fact<MessageType>, change: OrderChange): void {
  const key = (fact.data as { orderId: string }).orderId;
  const note = (type: string, detail: string) => change.timeline.push(entry(fact, type, `${detail} (superseded check ${key})`));
  switch (fact.type) {
    case 'stock.reserved.v1':
      note('stock_reserved', 'a reservation for the lines before the change: released again');
      change.send.push({ type: 'stock.release.v1', data: { orderId: key } });
      break;
    case 'payment.approved.v1':
      note('payment_approved', 'an authorization for the amount before the change: voided again');
      change.send.push({ type: 'payment.void.v1', data: { orderId: key } });
      break;
    case 'stock.released.v1':
      note('stock_released', 'the reservation for the lines before the change was released');
      break;
    case 'payment.voided.v1':
      note('payment_voided', 'the authorization for the amount before the change was voided');
      break;
    default:
      note(fact.type.replace(/\.v\d+$/, '').replace(/[.-]/g, '_'), 'ignored');
  }
}
