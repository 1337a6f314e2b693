import { conflict, notFound, unprocessable } from '@oms/errors';
import { deterministicId, type HandlerMap } from '@oms/messaging';
import { isDuplicateKeyError } from '@oms/mongo';
import type { OutboxRelay } from '@oms/outbox';
import type { AggregateLocks } from '@oms/redis';
import { applyShortPick, decidePack, groupLinesByLocation, isCancellable } from '../../domain/fulfillment';
import { fulfillmentId, fulfillmentLockKey, type FulfillmentDoc, type FulfillmentModel } from '../../data-access/fulfillment-model';
import { toFulfillmentView } from '../fulfillment-view';

export interface FulfillmentCommandDeps {
  locks: AggregateLocks;
  outbox: OutboxRelay;
  fulfillments: FulfillmentModel;
}

/**
 * Handlers of `fulfillment.commands`. Every change of a fulfillment happens under its lock, in one
 * update that also stores its event and the id of the message, then the outbox is flushed.
 */
export function fulfillmentCommandHandlers({ locks, outbox, fulfillments }: FulfillmentCommandDeps): HandlerMap {
  return {
    'fulfillment.open.v1': async (msg) => {
      const { orderId, lines, shippingAddress, shippingMethod } = msg.data;
      const opened: string[] = [];
      for (const [locationId, locationLines] of groupLinesByLocation(lines)) {
        const id = fulfillmentId(orderId, locationId);
        opened.push(id);
        await locks.withLock(fulfillmentLockKey(id), async () => {
          const existing = await fulfillments.findById(id, { _id: 1 }).lean();
          if (!existing) {
            const event = outbox.entry(
              'fulfillment.opened.v1',
              { orderId, fulfillmentId: id, locationId },
              { correlationId: orderId, causationId: msg.id, id: deterministicId(msg.id, 'fulfillment.opened.v1', id) },
            );
            try {
              await fulfillments.create({
                _id: id,
                orderId,
                locationId,
                lines: locationLines,
                shippingAddress,
                shippingMethod,
                status: 'open',
                createdAt: new Date(),
                processed: [msg.id],
                outbox: [event],
              });
            } catch (err) {
              // Unique (orderId, locationId): opened already, by an earlier delivery.
              if (!isDuplicateKeyError(err)) throw err;
            }
          }
          await outbox.flush(fulfillments, id);
        });
      }
      return { fulfillmentIds: opened };
    },

    'fulfillment.pack.v1': async (msg) => {
      const { fulfillmentId: id, actor } = msg.data;
      return locks.withLock(fulfillmentLockKey(id), async () => {
        const current = await fulfillments.findById(id, { outbox: 0, processed: 0 }).lean<FulfillmentDoc>();
        const decision = decidePack(current, id);
        if (decision.kind === 'pack' && current) {
          const { orderId, locationId } = current;
          const lines = current.lines.map(({ sku, quantity }) => ({ sku, quantity }));
          const event = outbox.entry(
            'fulfillment.packed.v1',
            { orderId, fulfillmentId: id, locationId, lines, actor },
            { correlationId: orderId, causationId: msg.id, id: deterministicId(msg.id, 'fulfillment.packed.v1') },
          );
          await fulfillments.updateOne({ _id: id }, { $set: { status: 'packed', packedAt: new Date(), packedBy: actor }, $push: { processed: msg.id, outbox: event } });
        }
        await outbox.flush(fulfillments, id);
        const after = await fulfillments.findById(id, { outbox: 0, processed: 0 }).lean<FulfillmentDoc>();
        return toFulfillmentView(after ?? (current as FulfillmentDoc));
      });
    },

    'fulfillment.report-short-pick.v1': async (msg) => {
      const { fulfillmentId: id, lines: missing, actor } = msg.data;
      return locks.withLock(fulfillmentLockKey(id), async () => {
        const current = await fulfillments.findById(id, { outbox: 0 }).lean<FulfillmentDoc>();
        if (!current) throw notFound(`fulfillment ${id}`);
        if (!current.processed.includes(msg.id)) {
          if (current.status !== 'open') throw conflict(`fulfillment ${id} is ${current.status}: a short pick can only be reported while it is open`);
          const { lines, errors } = applyShortPick(current.lines, missing);
          if (errors.length > 0) throw unprocessable('The short pick does not fit the fulfillment', errors);
          const emptied = lines.length === 0;
          const event = outbox.entry(
            'fulfillment.short-picked.v1',
            { orderId: current.orderId, fulfillmentId: id, locationId: current.locationId, lines: missing, emptied, actor },
            { correlationId: current.orderId, causationId: msg.id, id: deterministicId(msg.id, 'fulfillment.short-picked.v1') },
          );
          const set = emptied ? { lines, status: 'cancelled', cancelledAt: new Date() } : { lines };
          await fulfillments.updateOne({ _id: id }, { $set: set, $push: { processed: msg.id, outbox: event } });
        }
        await outbox.flush(fulfillments, id);
        return toFulfillmentView((await fulfillments.findById(id, { outbox: 0, processed: 0 }).lean<FulfillmentDoc>())!);
      });
    },

    'fulfillment.cancel.v1': async (msg) => {
      const { orderId } = msg.data;
      const candidates = await fulfillments.find({ orderId, status: 'open' }, { _id: 1 }).lean();
      const cancelled: string[] = [];
      for (const { _id: id } of candidates) {
        await locks.withLock(fulfillmentLockKey(id), async () => {
          // Read again under the lock: it may have been packed since the query above.
          const current = await fulfillments.findById(id, { status: 1 }).lean();
          if (current && isCancellable(current)) {
            const event = outbox.entry(
              'fulfillment.cancelled.v1',
              { orderId, fulfillmentIds: [id] },
              { correlationId: orderId, causationId: msg.id, id: deterministicId(msg.id, 'fulfillment.cancelled.v1', id) },
            );
            await fulfillments.updateOne({ _id: id }, { $set: { status: 'cancelled', cancelledAt: new Date() }, $push: { processed: msg.id, outbox: event } });
            cancelled.push(id);
          }
          await outbox.flush(fulfillments, id);
        });
      }
      return { cancelled };
    },
  };
}
