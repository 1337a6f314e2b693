import { notFound } from '@oms/errors';
import { verifySignature, type SignatureCheck } from '../domain/signature';
import type { CarrierRepository } from '../data-access/carrier-repository';
import { toCarrierView } from '../data-access/carrier-view';

/** What the gateway asks of carriers. */
export function carrierQueries(carriers: CarrierRepository) {
  return {
    /** The gateway holds a webhook's raw body, the secret stays here: so the signature is checked here. */
    async list() {
      return (await carriers.all()).map(toCarrierView);
    },

    async get(id: string) {
      const carrier = await carriers.byId(id);
      if (!carrier) throw notFound(`Carrier ${id}`);
      return toCarrierView(carrier);
    },

    async verifySignature(carrierId: string, header: string, rawBody: string): Promise<SignatureCheck> {
      const carrier = await carriers.webhookSecretOf(carrierId);
      if (!carrier) throw notFound(`Carrier ${carrierId}`);
      return verifySignature({ header, rawBody, secret: carrier.webhookSecret });
    },
  };
}

export type CarrierQueries = ReturnType<typeof carrierQueries>;
