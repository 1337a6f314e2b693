import { conflict, notFound } from '@oms/errors';
import type { Message } from '@oms/messaging';
import type { PartnerRecord } from '../data-access/carrier-model';
import { toPartnerView } from '../data-access/partner-view';
import type { CarrierUseCaseDeps } from './carrier-deps';

/** Why provisioning refuses when the broker's management API is not configured (the gateway says the same, 501). */
export const PROVISIONING_NOT_CONFIGURED =
  'Partner provisioning is not configured: set RABBITMQ_MANAGEMENT_URL on the carrier service, or provision the partner by manifests (docs/partners.md)';

/**
 * A 3PL partner's event feed: its queue, the queue's binding to its own events and its broker user, made or
 * repaired on the broker (the carrier's lock held, so two requests for one partner never interleave), then
 * recorded on the carrier. The answer holds the password when one was generated (a new user, or
 * `rotatePassword`); it is in this answer only. A redelivered command answers the carrier's view instead
 * (AggregateStore), and the password stays unknown: ops rotate it then.
 */
export async function provisionPartner({ carrierStore, brokerManagement }: CarrierUseCaseDeps, msg: Message<'partner.provision.v1'>) {
  const { partnerId, name, rotatePassword, actor } = msg.data;
  if (!brokerManagement) throw conflict(PROVISIONING_NOT_CONFIGURED);
  return carrierStore.change(partnerId, msg, async (current) => {
    // A partner is a carrier: a feed for an unknown one would never receive an event.
    if (!current) throw notFound(`Carrier ${partnerId}`);
    const feed = await brokerManagement.provision(partnerId, { rotatePassword });
    const now = new Date();
    const partner: PartnerRecord = {
      name,
      user: feed.user,
      queue: feed.queue,
      vhost: feed.vhost,
      provisionedAt: current.partner?.provisionedAt ?? now,
      provisionedBy: actor,
      ...(feed.password ? { passwordSetAt: now } : current.partner?.passwordSetAt ? { passwordSetAt: current.partner.passwordSetAt } : {}),
    };
    return {
      update: { $set: { partner, updatedAt: now } },
      result: { ...toPartnerView(partnerId, partner), ...(feed.password ? { password: feed.password } : {}) },
    };
  });
}
