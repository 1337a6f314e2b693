import type { Subscriptions } from '@oms/messaging';
import { addLines } from '../../application/add-lines';
import { cancelFulfillments } from '../../application/cancel-fulfillments';
import { createPickList } from '../../application/create-pick-list';
import type { FulfillmentUseCaseDeps } from '../../application/fulfillment-deps';
import { handOver } from '../../application/hand-over';
import { openFulfillment } from '../../application/open-fulfillment';
import { packFulfillment } from '../../application/pack-fulfillment';
import { pickFulfillment } from '../../application/pick-fulfillment';
import { checkPickup, collect, markReadyForPickup } from '../../application/pickup';
import { refusalsOnTheOrder } from '../../application/refusals-on-the-order';
import { reportShortPick } from '../../application/report-short-pick';
import { setBins } from '../../application/set-bins';
import { setOrderHold } from '../../application/set-order-hold';

/**
 * Every subscription of fulfillment: each message its queue receives, and the use case it runs. A refusal of
 * a command naming only its fulfillment names the fulfillment's order (refusalsOnTheOrder).
 */
export function fulfillmentSubscriptions(deps: FulfillmentUseCaseDeps): Subscriptions {
  return {
    'fulfillment.commands': {
      'fulfillment.open.v1': (msg) => openFulfillment(deps, msg),
      'fulfillment.add-lines.v1': (msg) => addLines(deps, msg),
      'fulfillment.set-order-hold.v1': (msg) => setOrderHold(deps, msg),
      'fulfillment.set-bins.v1': (msg) => setBins(deps, msg),
      'fulfillment.create-pick-list.v1': (msg) => createPickList(deps, msg),
      'fulfillment.pick.v1': refusalsOnTheOrder(deps, (msg) => pickFulfillment(deps, msg)),
      'fulfillment.pack.v1': refusalsOnTheOrder(deps, (msg) => packFulfillment(deps, msg)),
      'fulfillment.hand-over.v1': refusalsOnTheOrder(deps, (msg) => handOver(deps, msg)),
      'fulfillment.mark-ready-for-pickup.v1': refusalsOnTheOrder(deps, (msg) => markReadyForPickup(deps, msg)),
      'fulfillment.collect.v1': refusalsOnTheOrder(deps, (msg) => collect(deps, msg)),
      'fulfillment.check-pickup.v1': refusalsOnTheOrder(deps, (msg) => checkPickup(deps, msg)),
      'fulfillment.report-short-pick.v1': (msg) => reportShortPick(deps, msg),
      'fulfillment.cancel.v1': (msg) => cancelFulfillments(deps, msg),
    },
  };
}
