import type { NewMovement } from './movement-rules';
import type { AllocatedLine } from './sourcing';

export interface ReturnedLine {
  sku: string;
  quantity: number;
  condition: 'resellable' | 'damaged';
}

export interface RestockPlan {
  /** With ids derived from the return, so a repeated command inserts nothing twice. */
  movements: Array<NewMovement & { _id: string }>;
  restocked: AllocatedLine[];
  writtenOff: AllocatedLine[];
}

/**
 * Every returned unit comes back into the ledger; a damaged one is written off right after, so the ledger
 * shows both that it came back and that it left again.
 */
export function planRestock(returnId: string, locationId: string, lines: ReturnedLine[]): RestockPlan {
  const plan: RestockPlan = { movements: [], restocked: [], writtenOff: [] };
  lines.forEach((line, i) => {
    const { sku, quantity } = line;
    plan.movements.push({
      _id: `return_restock:${returnId}:${i}`,
      sku,
      locationId,
      quantity,
      type: 'return_restock',
      reference: returnId,
      reason: `returned ${line.condition}`,
    });
    if (line.condition === 'damaged') {
      plan.movements.push({
        _id: `write_off:${returnId}:${i}`,
        sku,
        locationId,
        quantity: -quantity,
        type: 'write_off',
        reference: returnId,
        reason: 'damaged on return',
      });
      plan.writtenOff.push({ sku, locationId, quantity });
    } else {
      plan.restocked.push({ sku, locationId, quantity });
    }
  });
  return plan;
}
