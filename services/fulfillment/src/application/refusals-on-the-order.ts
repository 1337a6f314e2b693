import { AppError } from '@oms/errors';
import type { Message } from '@oms/messaging';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';

type FulfillmentCommand = Message<
  | 'fulfillment.pick.v1'
  | 'fulfillment.pack.v1'
  | 'fulfillment.hand-over.v1'
  | 'fulfillment.mark-ready-for-pickup.v1'
  | 'fulfillment.collect.v1'
  | 'fulfillment.check-pickup.v1'
>;

/**
 * A command that names only its fulfillment (pick, pack, hand over, pickup) may be refused after the gateway
 * stopped waiting and answered 202: a pack sent while the order was being cancelled. Such a refusal must
 * show on the order's timeline (command.refused.v1), not in a DLQ, so the refusal names the fulfillment's
 * order (`extensions.orderId`). Never for a 404: an unknown fulfillment, or one out of the caller's scope,
 * has no order the caller may learn.
 */
export function refusalsOnTheOrder<M extends FulfillmentCommand, R>(
  { fulfillments }: FulfillmentUseCaseDeps,
  run: (msg: M) => Promise<R>,
): (msg: M) => Promise<R> {
  return async (msg) => {
    try {
      return await run(msg);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 404 || err.extensions.orderId) throw err;
      const known = await fulfillments.byId(msg.data.fulfillmentId);
      if (!known) throw err;
      throw new AppError(err.status, err.title, err.detail, err.errors, { ...err.extensions, orderId: known.orderId });
    }
  };
}
