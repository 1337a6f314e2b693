import type { AllocatedLine } from '../domain/sourcing';
import type { StockCounters } from '../data-access/stock-counters';

/**
 * Release or consume an active reservation's units in Redis. 'done' in the wanted state means an earlier
 * delivery got this far before it stopped. No marker for a reservation the documents call active means
 * the counters no longer match the documents (Redis lost keys without losing the epoch): they are rebuilt,
 * which restores the marker, and the step is tried again.
 */
export async function finishInRedis(counters: StockCounters, reservationId: string, lines: AllocatedLine[], state: 'released' | 'consumed'): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const outcome = await counters.finish(reservationId, lines, state);
    if (outcome.status === 'ok' || (outcome.status === 'done' && outcome.state === state)) return;
    if (outcome.status === 'done') throw new Error(`reservation ${reservationId} is ${outcome.state} in Redis but active in the store`);
    await counters.rebuild(`reservation ${reservationId} is active but Redis has no marker for it`);
  }
  throw new Error(`reservation ${reservationId}: Redis has no marker even after a rebuild`);
}
