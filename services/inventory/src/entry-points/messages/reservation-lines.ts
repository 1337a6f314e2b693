import type { ReservationDoc, Models } from '../../data-access/models';

/**
 * The SKUs a reservation touches, read before locking so the right stock locks can be taken. A
 * reservation's lines never change after it is created, so reading them unlocked is safe.
 */
export async function reservationSkus(models: Models, orderId: string): Promise<string[] | undefined> {
  const found = await models.Reservations.findById(orderId, { lines: 1 }).lean<Pick<ReservationDoc, '_id' | 'lines'>>();
  return found ? [...new Set(found.lines.map((l) => l.sku))] : undefined;
}
