import type { Message } from '@oms/messaging';
import { toCarrierView } from '../data-access/carrier-view';
import type { CarrierUseCaseDeps } from './carrier-deps';

/** Set a carrier's webhook secret, creating the carrier when new. The answer never carries the secret. */
export async function configureCarrier({ carrierStore }: CarrierUseCaseDeps, msg: Message<'carrier.configure.v1'>) {
  const { carrierId, webhookSecret } = msg.data;
  return carrierStore.change(carrierId, msg, (current) => {
    const now = new Date();
    const result = toCarrierView({ _id: carrierId, updatedAt: now });
    if (current) return { update: { $set: { webhookSecret, updatedAt: now } }, result };
    return { create: { name: carrierId, webhookSecret, createdAt: now, updatedAt: now }, result };
  });
}
