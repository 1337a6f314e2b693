import type { ShortLineOptions } from '@oms/contracts';
import { availabilityOf } from '../domain/ledger';
import type { ReservationRequest } from '../domain/reservation';
import type { ShortLine } from '../domain/sourcing';
import type { InventoryDeps } from './inventory-deps';

/**
 * The customer's ways out for each short line: the SKU's configured substitutes with what can be promised
 * of them (where this order could be served from), stock on its way with its date, or dropping the line.
 */
export async function shortOptions(
  { counters, locations, shortageFacts }: Pick<InventoryDeps, 'counters' | 'locations' | 'shortageFacts'>,
  shortLines: ShortLine[],
  request: ReservationRequest,
): Promise<ShortLineOptions[]> {
  const substitutesPerLine = await Promise.all(shortLines.map((l) => shortageFacts.substitutesOf(l.sku)));
  const stock = availabilityOf(await counters.snapshot([...new Set(substitutesPerLine.flat())]));
  const serving = (await locations.all())
    .filter((l) => l.active && (request.pickupLocationId ? l.id === request.pickupLocationId : l.canShip))
    .map((l) => l.id);
  const promisable = (sku: string) => serving.reduce((sum, id) => sum + (stock.get(sku)?.get(id) ?? 0), 0);
  return Promise.all(
    shortLines.map(async (line, i) => {
      const incoming = await shortageFacts.openIncoming(line.sku);
      return {
        sku: line.sku,
        substitutes: substitutesPerLine[i].map((sku) => ({ sku, available: promisable(sku) })),
        incoming: incoming.map((x) => ({ locationId: x.locationId, quantity: x.quantity, expectedAt: x.expectedAt })),
        canCancelLine: true,
      };
    }),
  );
}
