import type { Subscriptions } from '@oms/messaging';
import { bookShipment } from '../../application/book-shipment';
import type { CarrierUseCaseDeps } from '../../application/carrier-deps';
import { configureCarrier } from '../../application/configure-carrier';
import { cancelShipment } from '../../application/cancel-shipment';
import { handOver } from '../../application/hand-over';
import { provisionPartner } from '../../application/provision-partner';
import { recordTracking } from '../../application/record-tracking';
import { setSkuAttributes } from '../../application/set-sku-attributes';

/** Every subscription of carrier: each message its queue receives, and the use case it runs. */
export function carrierSubscriptions(deps: CarrierUseCaseDeps): Subscriptions {
  return {
    'carrier.commands': {
      'shipment.book.v1': (msg) => bookShipment(deps, msg),
      'shipment.record-tracking.v1': (msg) => recordTracking(deps, msg),
      'shipment.hand-over.v1': (msg) => handOver(deps, msg),
      'shipment.cancel.v1': (msg) => cancelShipment(deps, msg),
      'carrier.configure.v1': (msg) => configureCarrier(deps, msg),
      'sku.set-attributes.v1': (msg) => setSkuAttributes(deps, msg),
      'partner.provision.v1': (msg) => provisionPartner(deps, msg),
    },
  };
}
