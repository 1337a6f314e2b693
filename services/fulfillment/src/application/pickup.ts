import { Refusal } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { decideCollect, decideReadyForPickup, pickupDue } from '../domain/fulfillment';
import { codeMatches, hashPickupCode, MAX_WRONG_CODES, newPickupCode } from '../domain/pickup-code';
import { queueFields } from '../data-access/fulfillment-model';
import { toFulfillmentView } from '../data-access/fulfillment-view';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';
import { assertInScope } from './location-scope';

const wrongCodesKey = (fulfillmentId: string) => `pickup-wrong-codes:${fulfillmentId}`;

/**
 * Click & collect: the goods are put out for the customer and a new pickup code is issued (the event carries
 * it to the channel, which tells the customer; only its hash is kept). Asked again, a new code replaces the
 * last one and the count of wrong codes starts over.
 */
export async function markReadyForPickup({ store, redis }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.mark-ready-for-pickup.v1'>) {
  const { fulfillmentId: id, actor, locations } = msg.data;
  const view = await store.change(id, msg, (current) => {
    assertInScope(current, id, locations);
    decideReadyForPickup(current, id);
    const code = newPickupCode();
    const readyAt = new Date();
    const ready = { ...queueFields(current, 'ready_for_pickup'), readyAt, readyBy: actor, pickupCodeHash: hashPickupCode(id, code) };
    return {
      update: { $set: ready, $unset: { pickupRemindedAt: '' } },
      correlationId: current.orderId,
      emit: [
        {
          type: 'fulfillment.ready-for-pickup.v1',
          data: { orderId: current.orderId, fulfillmentId: id, locationId: current.locationId, pickupCode: code, readyAt: readyAt.toISOString(), actor },
        },
      ],
      result: toFulfillmentView({ ...current, ...ready }),
    };
  });
  await redis.del(wrongCodesKey(id));
  return view;
}

/**
 * The customer collects: the code they show must match the last one issued. Wrong codes are counted (in
 * Redis, a day long); after MAX_WRONG_CODES collecting is refused until a new code is issued.
 */
export async function collect({ store, fulfillments, redis }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.collect.v1'>) {
  const { fulfillmentId: id, code, actor, locations } = msg.data;
  await fulfillments.noteQueueDay(id, 'collected');
  const wrong = Number((await redis.get(wrongCodesKey(id))) ?? 0);
  return store.change(id, msg, async (current) => {
    assertInScope(current, id, locations);
    if (decideCollect(current, id) === 'already-collected') return { result: toFulfillmentView(current) };
    if (wrong >= MAX_WRONG_CODES)
      throw new Refusal('conflict', `${MAX_WRONG_CODES} wrong pickup codes: issue a new code (ready-for-pickup) before the order is collected`);
    if (!codeMatches(id, code, current.pickupCodeHash)) {
      await redis.multi().incr(wrongCodesKey(id)).expire(wrongCodesKey(id), 86_400).exec();
      throw new Refusal('invalid', 'The pickup code does not match', [{ path: 'code', message: 'does not match the code issued for this order' }]);
    }
    const collected = { ...queueFields(current, 'collected'), collectedAt: new Date(), collectedBy: actor };
    return {
      update: { $set: collected },
      correlationId: current.orderId,
      emit: [{ type: 'fulfillment.collected.v1', data: { orderId: current.orderId, fulfillmentId: id, locationId: current.locationId, actor } }],
      result: toFulfillmentView({ ...current, ...collected }),
    };
  });
}

/**
 * Sent by the pickup sweep: a pickup waiting PICKUP_REMIND_AFTER_DAYS gets a reminder event (once), one
 * waiting PICKUP_CANCEL_AFTER_DAYS an expiry event (the order is then cancelled, the goods go back to the
 * shelf). Decided on the fulfillment as it is, so a repeat or a late command changes nothing.
 */
export async function checkPickup({ store, pickupDays }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.check-pickup.v1'>) {
  const { fulfillmentId: id } = msg.data;
  return store.change(id, msg, (current) => {
    if (!current || current.status !== 'ready_for_pickup' || !current.readyAt) return {};
    const readyAt = new Date(current.readyAt);
    const due = pickupDue(readyAt, new Date(), pickupDays, { reminded: Boolean(current.pickupRemindedAt) });
    if (!due) return {};
    const data = { orderId: current.orderId, fulfillmentId: id, locationId: current.locationId, readyAt: readyAt.toISOString() };
    if (due === 'remind')
      return {
        update: { $set: { pickupRemindedAt: new Date() } },
        correlationId: current.orderId,
        emit: [{ type: 'fulfillment.pickup-overdue.v1', data: { ...data, days: pickupDays.remind } }],
      };
    // The order's cancel cancels this fulfillment (fulfillment.cancel.v1); expiring says so once.
    if (current.pickupExpiredAt) return {};
    return {
      update: { $set: { pickupExpiredAt: new Date() } },
      correlationId: current.orderId,
      emit: [{ type: 'fulfillment.pickup-expired.v1', data: { ...data, days: pickupDays.cancel } }],
    };
  });
}

/** The pickups waiting long enough for a reminder or an expiry: a command each (checkPickup decides). */
export async function sweepPickups(
  { fulfillments, pickupDays }: Pick<FulfillmentUseCaseDeps, 'fulfillments' | 'pickupDays'>,
  publish: (id: string) => Promise<void>,
  now = Date.now(),
): Promise<number> {
  let sent = 0;
  for (const f of await fulfillments.waitingForPickup()) {
    if (!f.readyAt || !pickupDue(new Date(f.readyAt), new Date(now), pickupDays, { reminded: Boolean(f.pickupRemindedAt) })) continue;
    if (f.pickupExpiredAt) continue;
    await publish(f._id);
    sent++;
  }
  return sent;
}
