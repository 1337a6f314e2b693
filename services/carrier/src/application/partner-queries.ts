import { notFound } from '@oms/errors';
import type { BrokerManagement } from '../data-access/broker-management';
import type { CarrierRepository } from '../data-access/carrier-repository';
import { toPartnerView } from '../data-access/partner-view';

/** What the gateway asks about partners' feeds. */
export function partnerQueries(carriers: CarrierRepository, brokerManagement: BrokerManagement | undefined) {
  return {
    /**
     * The partner's record and what the broker holds of its feed right now (queue depth, consumers, binding,
     * user and permissions). `provisioning: false` when the management API is not configured: the gateway
     * then refuses to provision (501), and the broker's side is not shown.
     */
    async get(id: string) {
      const carrier = await carriers.byId(id);
      if (!carrier) throw notFound(`Carrier ${id}`);
      return {
        id,
        provisioning: Boolean(brokerManagement),
        ...(carrier.partner ? { partner: toPartnerView(id, carrier.partner) } : {}),
        ...(brokerManagement ? { broker: await brokerManagement.state(id) } : {}),
      };
    },
  };
}

export type PartnerQueries = ReturnType<typeof partnerQueries>;
