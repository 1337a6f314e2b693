import { everyMessageOf, type Subscriptions } from '@oms/messaging';
import { acceptReceivedOrder } from '../../application/accept-order';
import { applyOrderEvent } from '../../application/apply-order-event';
import { runOrderCommand } from '../../application/order-commands';
import type { OrderUseCaseDeps } from '../../application/orders';
import { cancelOrder } from '../../domain/cancel-order';
import { amendOrder, releaseHold } from '../../domain/order-amend';
import { decideOnShortage } from '../../domain/order-decide';
import { recordPayment } from '../../domain/record-payment';
import { rejectOrder } from '../../domain/reject-order';
import { retryRefund } from '../../domain/retry-refund';

/** Every subscription of ingestion: each message its queues receive, and the use case it runs. */
export function orderSubscriptions(deps: OrderUseCaseDeps): Subscriptions {
  return {
    'ingestion.order-intake': {
      'order.received.v1': (msg, { repeated }) => acceptReceivedOrder(deps, msg, { repeated }),
    },
    'ingestion.commands': {
      'order.cancel.v1': (msg) => runOrderCommand(deps, cancelOrder, msg),
      'order.amend.v1': (msg) => runOrderCommand(deps, (order, fact) => amendOrder(order, fact, deps.coverage), msg),
      'order.release-hold.v1': (msg) => runOrderCommand(deps, releaseHold, msg),
      'order.reject.v1': (msg) => runOrderCommand(deps, rejectOrder, msg),
      'order.retry-refund.v1': (msg) => runOrderCommand(deps, retryRefund, msg),
      'order.decide.v1': (msg) => runOrderCommand(deps, decideOnShortage, msg),
      'order.record-payment.v1': (msg) => runOrderCommand(deps, recordPayment, msg),
    },
    // Every event of the queue has its reaction in REACTIONS, which the compiler checks against the queue.
    'ingestion.order-progress': everyMessageOf('ingestion.order-progress', (msg) => applyOrderEvent(deps, msg)),
  };
}
