import { notFound } from '@oms/errors';
import { reservationView } from '../data-access/views';
import type { InventoryReads } from './inventory-deps';

export async function getReservation({ reservations }: InventoryReads, orderId: string) {
  const reservation = await reservations.byId(orderId);
  if (!reservation) throw notFound(`reservation of order ${orderId}`);
  return reservationView(reservation);
}
