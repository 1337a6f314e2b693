import type { MessageData } from '@oms/contracts';
import { AppError, notFound } from '@oms/errors';
import { channelsOf, isOps, partnersOf, type Principal } from '../domain/access/principal';
import { queryString, seg, type QueryDeps } from './deps';
import { trackingCommand } from './record-tracking';
import type { Command } from './send-command';
import { assertMayReadOrder } from './order-access';

export interface ShipmentView {
  id: string;
  orderId: string;
  carrierId: string;
  [field: string]: unknown;
}

const readShipment = (deps: QueryDeps, id: string) => deps.upstreams.carrier.get<ShipmentView>(`/internal/shipments/${seg(id)}`);

/** A partner key sees the shipments of its own carrier; channel keys those of their orders; ops all. */
async function assertMayReadShipment(deps: QueryDeps, principal: Principal, shipment: ShipmentView): Promise<void> {
  if (isOps(principal) || partnersOf(principal).includes(shipment.carrierId)) return;
  if (channelsOf(principal).length === 0) throw notFound(`Shipment ${shipment.id}`);
  await assertMayReadOrder(deps, principal, shipment.orderId);
}

/** The shipments of an order; a partner key without ops or channel roles gets its own carrier's only. */
export async function shipmentsOfOrder(deps: QueryDeps, principal: Principal, orderId: string): Promise<ShipmentView[]> {
  const partners = partnersOf(principal);
  const all = () => deps.upstreams.carrier.get<ShipmentView[]>(`/internal/shipments?orderId=${seg(orderId)}`);
  if (!isOps(principal) && channelsOf(principal).length === 0 && partners.length > 0) return (await all()).filter((s) => partners.includes(s.carrierId));
  await assertMayReadOrder(deps, principal, orderId);
  return all();
}

export async function shipmentById(deps: QueryDeps, principal: Principal, id: string): Promise<ShipmentView> {
  const shipment = await readShipment(deps, id);
  await assertMayReadShipment(deps, principal, shipment);
  return shipment;
}

/**
 * A scan a 3PL partner records with its key on one of its own shipments (the signed carrier webhook's
 * alternative): the same command as the webhook's, for the shipment's carrier and tracking number. Another
 * carrier's shipment is not found, as for reading it.
 */
export async function partnerTrackingCommand(
  deps: QueryDeps,
  principal: Principal,
  id: string,
  update: Pick<MessageData<'shipment.record-tracking.v1'>, 'status' | 'occurredAt' | 'location'>,
): Promise<Command<'shipment.record-tracking.v1'>> {
  if (!isOps(principal) && partnersOf(principal).length === 0)
    throw new AppError(403, 'Forbidden', 'Recording tracking needs an ops key or a partner key (partner:<id>)');
  const shipment = await readShipment(deps, id);
  if (!isOps(principal) && !partnersOf(principal).includes(shipment.carrierId)) throw notFound(`Shipment ${id}`);
  return trackingCommand(shipment.carrierId, { trackingNumber: String(shipment.trackingNumber), ...update });
}

/** The label PDF. Ops need no look at the shipment first; other keys may only have their own. */
export async function shipmentLabel(deps: QueryDeps, principal: Principal, id: string) {
  if (!isOps(principal)) await assertMayReadShipment(deps, principal, await readShipment(deps, id));
  return deps.upstreams.carrier.getPdf(`/internal/shipments/${seg(id)}/label`);
}

export interface CarrierShipmentsRequest {
  /** Required for ops and for a key of several partners; a key of one partner lists its own. */
  carrierId?: string;
  status?: string;
  updatedSince?: string;
  cursor?: string;
  limit?: number;
}

/**
 * A carrier's shipments by their last change, oldest first, in cursor pages (a 3PL partner's sync): a partner
 * key its own carrier's only (another carrier's is 403: the key names it itself, nothing is revealed), ops
 * any carrier they name.
 */
export function carrierShipments(deps: QueryDeps, principal: Principal, request: CarrierShipmentsRequest) {
  const partners = partnersOf(principal);
  let carrierId = request.carrierId;
  if (!isOps(principal)) {
    if (partners.length === 0)
      throw new AppError(403, 'Forbidden', 'Listing shipments needs an ops key or a partner key (partner:<id>); other keys list an order’s (orderId)');
    if (carrierId === undefined && partners.length === 1) carrierId = partners[0];
    if (carrierId !== undefined && !partners.includes(carrierId))
      throw new AppError(403, 'Forbidden', `This key may not list the shipments of carrier ${carrierId}`);
  }
  if (carrierId === undefined)
    throw new AppError(422, 'Unprocessable Content', 'The query string is invalid', [
      { path: 'carrierId', message: 'give orderId, or carrierId (required for ops and for keys of several partners)' },
    ]);
  return deps.upstreams.carrier.get(`/internal/shipments?${queryString({ ...request, carrierId }).toString()}`);
}

/** What a handover command may touch: absent for ops (any carrier), else the key's own carriers; other keys 403. */
export function partnerScope(principal: Principal): { partners?: string[] } {
  if (isOps(principal)) return {};
  const partners = partnersOf(principal);
  if (partners.length === 0) throw new AppError(403, 'Forbidden', 'This needs an ops key or a partner key (partner:<id>)');
  return { partners };
}

/** The carriers with their tariffs (the carrier service never answers a secret). */
export const carrierList = (deps: QueryDeps) => deps.upstreams.carrier.get('/internal/carriers');

export const carrierById = (deps: QueryDeps, id: string) => deps.upstreams.carrier.get(`/internal/carriers/${seg(id)}`);
