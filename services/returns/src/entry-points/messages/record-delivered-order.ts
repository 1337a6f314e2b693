import type { Envelope, MessageData } from '@oms/contracts';
import { isDuplicateKeyError } from '@oms/mongo';
import type { ReturnsDeps } from './deps';

/** Remember what was delivered (and at which prices): returns can only be opened against this. */
export async function recordDeliveredOrder(deps: ReturnsDeps, msg: Envelope<MessageData<'order.delivered.v1'>>): Promise<void> {
  const { orderId, channel, currency, lines } = msg.data;
  try {
    // Insert-only: a redelivered or duplicated event changes nothing.
    await deps.DeliveredOrders.updateOne(
      { _id: orderId },
      { $setOnInsert: { channel, currency, lines, deliveredAt: new Date(msg.occurredAt) } },
      { upsert: true },
    );
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err; // a concurrent duplicate inserted it first
  }
}
