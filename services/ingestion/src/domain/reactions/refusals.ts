import { entry } from '../order-steps';
import type { Reaction } from './reaction';

/**
 * Another service refused a command the order sent without waiting for the answer (a refund, a restock, a
 * reservation...): nothing was done there. The refusal goes on the timeline with the command and the reason,
 * for ops (and a later task) to act on; a refused refund also marks the order's return `refund_failed`.
 */
export const commandRefused: Reaction<'command.refused.v1'> = (order, fact, change) => {
  const { command, returnId, status, detail } = fact.data;
  const about = returnId ? ` (return ${returnId})` : '';
  change.timeline.push(entry(fact, 'command_refused', `${command} refused${about}: ${status} ${detail}`));
  if (command !== 'payment.refund.v1' || !returnId) return;
  // A refund that went through after all (a retry by ops) stays refunded.
  if (!order.returns.some((r) => r.id === returnId && r.status !== 'refunded')) return;
  change.set.returns = order.returns.map((r) => (r.id === returnId ? { ...r, status: 'refund_failed' as const } : r));
};
