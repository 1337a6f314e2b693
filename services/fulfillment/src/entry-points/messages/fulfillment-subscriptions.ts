import type { Subscriptions } from '@oms/messaging';
import { cancelFulfillments } from '../../application/cancel-fulfillments';
import type { FulfillmentUseCaseDeps } from '../../application/fulfillment-deps';
import { openFulfillment } from '../../application/open-fulfillment';
import { packFulfillment } from '../../application/pack-fulfillment';
import { reportShortPick } from '../../application/report-short-pick';

/** Every subscription of fulfillment: each message its queue receives, and the use case it runs. */
export function fulfillmentSubscriptions(deps: FulfillmentUseCaseDeps): Subscriptions {
  return {
    'fulfillment.commands': {
      'fulfillment.open.v1': (msg) => openFulfillment(deps, msg),
      'fulfillment.pack.v1': (msg) => packFulfillment(deps, msg),
      'fulfillment.report-short-pick.v1': (msg) => reportShortPick(deps, msg),
      'fulfillment.cancel.v1': (msg) => cancelFulfillments(deps, msg),
    },
  };
}
