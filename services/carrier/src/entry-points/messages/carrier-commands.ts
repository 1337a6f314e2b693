import type { HandlerMap } from '@oms/messaging';
import { bookShipment } from './book-shipment';
import { configureCarrier } from './configure-carrier';
import type { CarrierDeps } from './deps';
import { recordTracking } from './record-tracking';

/** Queue `carrier.commands`. */
export const carrierCommandHandlers = (deps: CarrierDeps): HandlerMap => ({
  'shipment.book.v1': (msg) => bookShipment(deps, msg),
  'shipment.record-tracking.v1': (msg) => recordTracking(deps, msg),
  'carrier.configure.v1': (msg) => configureCarrier(deps, msg),
});
