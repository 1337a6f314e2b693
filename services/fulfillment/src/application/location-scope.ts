import { notFound } from '@oms/errors';

/**
 * A warehouse or store key works only at its own locations: another location's fulfillment is answered as
 * not found, so that its existence is not revealed. `locations` absent: ops, every location.
 */
export function assertInScope(fulfillment: { locationId: string } | null, id: string, locations?: string[]): asserts fulfillment is { locationId: string } {
  if (!fulfillment || (locations && !locations.includes(fulfillment.locationId))) throw notFound(`fulfillment ${id}`);
}
