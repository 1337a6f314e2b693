import type { Message } from '@oms/messaging';
import { toCarrierView } from '../data-access/carrier-view';
import type { CarrierUseCaseDeps } from './carrier-deps';

/** Set a carrier's settings (those given), creating the carrier when new. The answer never carries the secret. */
export async function configureCarrier({ carrierStore }: CarrierUseCaseDeps, msg: Message<'carrier.configure.v1'>) {
  const { carrierId, actor: _actor, ...given } = msg.data;
  const settings = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return carrierStore.change(carrierId, msg, (current) => {
    const now = new Date();
    if (current) {
      const result = toCarrierView({ ...current, ...settings, updatedAt: now });
      return { update: { $set: { ...settings, updatedAt: now } }, result };
    }
    const created = { name: carrierId, ...settings, createdAt: now, updatedAt: now };
    return { create: created, result: toCarrierView({ _id: carrierId, ...created }) };
  });
}
