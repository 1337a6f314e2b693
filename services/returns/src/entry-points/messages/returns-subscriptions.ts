import type { Subscriptions } from '@oms/messaging';
import { openReturn } from '../../application/open-return';
import { openReturnedParcel } from '../../application/open-returned-parcel';
import { receiveReturn } from '../../application/receive-return';
import { recordDeliveredOrder } from '../../application/record-delivered-order';
import { recordRefund } from '../../application/record-refund';
import { recordRefusal } from '../../application/record-refusal';
import type { ReturnUseCaseDeps } from '../../application/returns-deps';

/** Every subscription of returns: each message its queues receive, and the use case it runs. */
export function returnsSubscriptions(deps: ReturnUseCaseDeps): Subscriptions {
  return {
    'returns.commands': {
      'return.open.v1': (msg) => openReturn(deps, msg),
      'return.receive.v1': (msg) => receiveReturn(deps, msg),
    },
    'returns.delivered-orders': {
      'order.delivered.v1': (msg) => recordDeliveredOrder(deps, msg),
    },
    'returns.returned-parcels': {
      'order.returned-to-sender.v1': (msg) => openReturnedParcel(deps, msg),
    },
    'returns.command-refusals': {
      'command.refused.v1': (msg) => recordRefusal(deps, msg),
    },
    'returns.refunds': {
      'payment.refunded.v1': (msg) => recordRefund(deps, msg),
    },
  };
}
