import type { Message } from '@oms/messaging';
import { failureOf } from '../domain/return';
import type { ReturnUseCaseDeps } from './returns-deps';

/**
 * Another service refused a command about a return (its refund or its restock, sent by ingestion without
 * waiting): the return keeps the failure, so it shows that the refund or the restock did not happen and why.
 * Refusals of commands about no return (every refused command comes here) change nothing.
 */
export async function recordRefusal({ store }: ReturnUseCaseDeps, msg: Message<'command.refused.v1'>): Promise<void> {
  const { returnId } = msg.data;
  if (!returnId) return;
  await store.change(returnId, msg, async (current) => {
    // A refused open never made its return: there is nothing to mark (the order's timeline shows the refusal).
    if (!current && msg.data.command === 'return.open.v1') return {};
    // Any other command named a return this service opened: an unknown one is a bug elsewhere; retry, then DLQ.
    if (!current) throw new Error(`return ${returnId} of a refused ${msg.data.command} is unknown`);
    return { update: { $push: { failures: failureOf(msg.data, new Date(msg.occurredAt)) } } };
  });
}
