import type { Envelope, MessageData } from '@oms/contracts';
import { carrierLockKey, type CarrierDeps } from './deps';

/** Set a carrier's webhook secret, creating the carrier when new. The answer never carries the secret. */
export async function configureCarrier(deps: CarrierDeps, msg: Envelope<MessageData<'carrier.configure.v1'>>) {
  const { carrierId, webhookSecret } = msg.data;
  return deps.locks.withLock(carrierLockKey(carrierId), async () => {
    const now = new Date();
    await deps.Carriers.updateOne(
      { _id: carrierId },
      { $set: { webhookSecret, updatedAt: now }, $setOnInsert: { name: carrierId, createdAt: now } },
      { upsert: true },
    );
    return { id: carrierId, configured: true, updatedAt: now.toISOString() };
  });
}
