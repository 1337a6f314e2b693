import { AppError } from '@oms/errors';
import { locateCustomer } from '../domain/geo';
import { availabilityOf } from '../domain/ledger';
import type { Correction } from '../domain/short-pick';
import { sourceOrder, type AllocatedLine } from '../domain/sourcing';
import type { InventoryDeps } from './inventory-deps';

/** Tries before giving up on a contended SKU (each conflict means another order just took the units). */
const MAX_ATTEMPTS = 10;

export interface Reallocation {
  /** Every line of the reservation after it: the lines before (in their places), then those added. */
  lines: AllocatedLine[];
  reason: string;
  unfilled: Array<{ sku: string; missing: number }>;
}

interface MissingUnits {
  orderId: string;
  /** The short pick's message: Redis extends the reservation once per operation. */
  operationId: string;
  /** The reservation's lines before the short pick, and after Redis took the missing units off. */
  before: AllocatedLine[];
  after: AllocatedLine[];
  corrected: Correction[];
  shipTo?: { country: string; postalCode: string };
  /** The locations that may not serve them: the short location and those with a fulfillment of the order. */
  excluded: Set<string>;
}

/**
 * Reserve the missing units again, all or none, at the best location not excluded. Lines beyond the
 * reservation's own mean an earlier delivery already did.
 */
export async function reallocateMissing(deps: Pick<InventoryDeps, 'counters' | 'locations'>, missing: MissingUnits): Promise<Reallocation> {
  const { before, after, corrected } = missing;
  if (after.length > before.length) return { lines: after, reason: 'missing units sourced again (by an earlier delivery)', unfilled: [] };
  if (corrected.length === 0) return { lines: after, reason: 'nothing to source again', unfilled: [] };
  const sourced = await sourceElsewhere(deps, {
    orderId: missing.orderId,
    operationId: missing.operationId,
    need: corrected.map((c) => ({ sku: c.sku, quantity: c.missing })),
    ...(missing.shipTo ? { shipTo: missing.shipTo } : {}),
    excluded: missing.excluded,
  });
  if (sourced) return { ...sourced, unfilled: [] };
  return {
    lines: after,
    reason: 'no other location without a fulfillment of this order holds the missing units',
    unfilled: corrected.map(({ sku, missing }) => ({ sku, missing })),
  };
}

/** More units for a reservation: what to source, for which operation, to where, and where not. */
export interface MoreUnits {
  orderId: string;
  operationId: string;
  need: Array<{ sku: string; quantity: number }>;
  shipTo?: { country: string; postalCode: string };
  excluded: Set<string>;
}

/**
 * Add `need` to the reservation, all or none, at the best location not excluded (Redis, once per
 * operation). Answers the reservation's lines after it, or undefined when no location can serve it all.
 */
export async function sourceElsewhere(
  { counters, locations }: Pick<InventoryDeps, 'counters' | 'locations'>,
  { orderId, operationId, need, shipTo, excluded }: MoreUnits,
): Promise<Omit<Reallocation, 'unfilled'> | undefined> {
  const customer = shipTo ? locateCustomer(shipTo.country, shipTo.postalCode) : undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const candidates = (await locations.all()).filter((l) => !excluded.has(l.id));
    const decision = sourceOrder(
      { lines: need, ...(customer ? { customer } : {}) },
      candidates,
      availabilityOf(await counters.snapshot(need.map((n) => n.sku))),
    );
    if (decision.status === 'short') return undefined;
    const extended = await counters.extend(orderId, operationId, decision.lines);
    if (extended.status === 'conflict') continue;
    if (extended.status !== 'ok' && extended.status !== 'done')
      throw new AppError(500, 'Internal Server Error', `reservation ${orderId} is ${extended.status} in Redis`);
    return { lines: extended.lines, reason: `missing units sourced again: ${decision.reason}` };
  }
  return undefined;
}
