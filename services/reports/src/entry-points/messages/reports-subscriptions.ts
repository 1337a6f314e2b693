import type { Subscriptions } from '@oms/messaging';
import { recordHandOver, recordOrder, recordParcel, recordReturn, recordStatusChange } from '../../application/record-fact';
import type { ReportsDeps } from '../../application/reports-deps';

/** Every event of `reports.facts` becomes a fact (domain/facts.ts); a redelivered one is stored once. */
export function reportsSubscriptions(deps: ReportsDeps): Subscriptions {
  return {
    'reports.facts': {
      'order.received.v1': (msg) => recordOrder(deps, msg),
      'order.status-changed.v1': (msg) => recordStatusChange(deps, msg),
      'shipment.booked.v1': (msg) => recordParcel(deps, msg),
      'fulfillment.handed-over.v1': (msg) => recordHandOver(deps, msg),
      'return.opened.v1': (msg) => recordReturn(deps, msg),
    },
  };
}
