import type { Message } from '@oms/messaging';
import type { Outgoing } from '@oms/contracts';
import type { Decision } from '@oms/outbox';
import type { FulfillmentLine } from '../domain/fulfillment';
import { decideShortPick, type MissingLine } from '../domain/short-pick';
import { queueFields, type FulfillmentDoc } from '../data-access/fulfillment-model';
import { toFulfillmentView, type FulfillmentView } from '../data-access/fulfillment-view';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';
import { assertInScope } from './location-scope';

/**
 * The change of a short pick: the missing units come off the lines, a fulfillment left with nothing to pick
 * is cancelled, and fulfillment.short-picked.v1 tells the order (which books the count and re-sources them).
 */
export function shortPickChange(
  current: FulfillmentDoc,
  short: { missing: MissingLine[]; lines: FulfillmentLine[]; emptied: boolean },
  actor: string,
  set: Record<string, unknown> = {},
): Decision<FulfillmentView> {
  const changed = short.emptied
    ? { ...set, lines: short.lines, ...queueFields(current, 'cancelled'), cancelledAt: new Date() }
    : { ...set, lines: short.lines };
  const event: Outgoing = {
    type: 'fulfillment.short-picked.v1',
    data: { orderId: current.orderId, fulfillmentId: current._id, locationId: current.locationId, lines: short.missing, emptied: short.emptied, actor },
  };
  return { update: { $set: changed }, correlationId: current.orderId, emit: [event], result: toFulfillmentView({ ...current, ...changed }) };
}

/**
 * The picker could not find some units: they come off the fulfillment, and a fulfillment left with nothing
 * to pick is cancelled. The answer is the fulfillment after the change.
 */
export async function reportShortPick(deps: FulfillmentUseCaseDeps, msg: Message<'fulfillment.report-short-pick.v1'>) {
  const { fulfillmentId: id, lines: missing, actor, locations } = msg.data;
  // The short pick may empty and so cancel it: the cancelled queue's day first.
  await deps.fulfillments.noteQueueDay(id, 'cancelled');
  return deps.store.change(id, msg, (current) => {
    assertInScope(current, id, locations);
    const { lines, emptied } = decideShortPick(current, id, missing);
    return shortPickChange(current, { missing, lines, emptied }, actor);
  });
}
