import { notFound } from '@oms/errors';
import type { ReservationDoc } from '../data-access/reservation-model';
import { reservationView } from '../data-access/views';
import type { InventoryReads } from './inventory-deps';

export async function getReservation({ models }: InventoryReads, orderId: string) {
  const reservation = await models.Reservations.findById(orderId).lean<ReservationDoc>();
  if (!reservation) throw notFound(`reservation of order ${orderId}`);
  return reservationView(reservation);
}
