import { Refusal } from '@oms/errors';
import type { Message } from '@oms/messaging';
import type { FulfillmentUseCaseDeps } from './fulfillment-deps';

/** Where SKUs are stored at a location: the pick lists walk the location bin by bin. Ops, or the location's staff. */
export async function setBins({ bins }: FulfillmentUseCaseDeps, msg: Message<'fulfillment.set-bins.v1'>) {
  const { locationId, bins: given, actor, locations } = msg.data;
  if (locations && !locations.includes(locationId)) throw new Refusal('not_found', `location ${locationId}`);
  // The last of a SKU given twice stands, as in a file read top to bottom.
  const bySku = new Map(given.map((b) => [b.sku, b]));
  await bins.setAll(locationId, [...bySku.values()], actor);
  return { locationId, set: bySku.size };
}
