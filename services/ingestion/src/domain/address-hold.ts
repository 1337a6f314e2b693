import type { Fact, MessageType, ShippingCoverage } from '@oms/contracts';
import { checkAddress } from './address-check';
import type { Hold, OrderState, TimelineEntry } from './order';
import { entry } from './order-steps';

/**
 * The address check as the order records it: a timeline entry with the verdict and the time it took, and the
 * order's holds with an `address_invalid` hold (reasons and suggested correction) when the address cannot be
 * delivered to, without one when it can.
 */
export function addressChecked(
  order: Pick<OrderState, 'shippingAddress' | 'shipping' | 'holds'>,
  coverage: ShippingCoverage,
  fact: Pick<Fact<MessageType>, 'occurredAt' | 'producer'>,
): { timeline: TimelineEntry; holds: Hold[] } {
  const started = performance.now();
  const verdict = checkAddress(order.shippingAddress, order.shipping, coverage);
  const took = `checked in ${(performance.now() - started).toFixed(2)} ms`;
  const others = order.holds.filter((h) => h.reason !== 'address_invalid');
  if (verdict.deliverable)
    return { timeline: entry(fact, 'address_checked', `deliverable by ${order.shipping.method}; ${took}`, { service: 'ingestion' }), holds: others };
  const detail = verdict.reasons.join('; ');
  const hold: Hold = { reason: 'address_invalid', detail, at: fact.occurredAt, ...(verdict.suggestion ? { suggestion: verdict.suggestion } : {}) };
  return { timeline: entry(fact, 'address_checked', `not deliverable: ${detail}; ${took}`, { service: 'ingestion' }), holds: [...others, hold] };
}
