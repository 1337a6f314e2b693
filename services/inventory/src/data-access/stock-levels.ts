import type { StockLevel } from '../domain/stock-levels';
import type { Models } from './models';

interface Sum {
  _id: { sku: string; locationId: string };
  quantity: number;
}

/**
 * On hand (sum of the ledger) and reserved (sum of active reservation lines) per SKU and location, computed
 * from the documents every time: there is no counter that could drift. Callers that act on the figures hold
 * the SKUs' locks.
 */
export async function stockLevels(models: Models, skus: string[]): Promise<StockLevel[]> {
  if (skus.length === 0) return [];
  const [onHand, reserved] = await Promise.all([
    models.Movements.aggregate<Sum>([
      { $match: { sku: { $in: skus } } },
      { $group: { _id: { sku: '$sku', locationId: '$locationId' }, quantity: { $sum: '$quantity' } } },
    ]),
    models.Reservations.aggregate<Sum>([
      { $match: { status: 'active', 'lines.sku': { $in: skus } } },
      { $unwind: '$lines' },
      { $match: { 'lines.sku': { $in: skus } } },
      { $group: { _id: { sku: '$lines.sku', locationId: '$lines.locationId' }, quantity: { $sum: '$lines.quantity' } } },
    ]),
  ]);
  const levels = new Map<string, StockLevel>();
  const levelOf = ({ sku, locationId }: Sum['_id']) => {
    const key = `${sku}\u0000${locationId}`;
    const level = levels.get(key) ?? { sku, locationId, onHand: 0, reserved: 0 };
    levels.set(key, level);
    return level;
  };
  for (const row of onHand) levelOf(row._id).onHand += row.quantity;
  for (const row of reserved) levelOf(row._id).reserved += row.quantity;
  return [...levels.values()];
}
