import { AppError, notFound } from '@oms/errors';
import { locationsOf, mayWorkAt, type Principal } from '../domain/access/principal';
import { queryString, seg, type QueryDeps } from './deps';

interface FulfillmentView {
  id: string;
  locationId: string;
  [field: string]: unknown;
}

/** A key that works at no location (and is not ops) has no fulfillment work to see or do. */
export function assertWarehouseKey(principal: Principal): void {
  const locations = locationsOf(principal);
  if (locations !== 'all' && locations.length === 0) throw new AppError(403, 'Forbidden', 'This needs an ops key or a location key (location:<id>)');
}

/** A location's queue and pick lists: ops, or staff of that location (403 for any other key). */
export function assertMayWorkAt(principal: Principal, locationId: string): void {
  assertWarehouseKey(principal);
  if (!mayWorkAt(principal, locationId)) throw new AppError(403, 'Forbidden', `This key may not work at location ${locationId}`);
}

/** The locations a command may touch: absent for ops (any), else the key's own. */
export function locationScope(principal: Principal): { locations?: string[] } {
  assertWarehouseKey(principal);
  const locations = locationsOf(principal);
  return locations === 'all' ? {} : { locations };
}

/** The fulfillment service's answers, passed on as they are. */
export const fulfillmentsOfOrder = (deps: QueryDeps, orderId: string) => deps.upstreams.fulfillment.get(`/internal/fulfillments?orderId=${seg(orderId)}`);

export interface QueueRequest {
  locationId: string;
  status?: string;
  sort?: string;
  cursor?: string;
  limit?: number;
}

/** One page of a location's work queue. */
export function fulfillmentQueue(deps: QueryDeps, principal: Principal, request: QueueRequest) {
  assertMayWorkAt(principal, request.locationId);
  return deps.upstreams.fulfillment.get(`/internal/fulfillments?${queryString({ ...request })}`);
}

/** One fulfillment; another location's is answered as not found (its existence is not revealed). */
export async function fulfillmentById(deps: QueryDeps, principal: Principal, id: string): Promise<FulfillmentView> {
  assertWarehouseKey(principal);
  const f = await deps.upstreams.fulfillment.get<FulfillmentView>(`/internal/fulfillments/${seg(id)}`);
  if (!mayWorkAt(principal, f.locationId)) throw notFound(`fulfillment ${id}`);
  return f;
}

export async function packingSlip(deps: QueryDeps, principal: Principal, id: string) {
  await fulfillmentById(deps, principal, id);
  return deps.upstreams.fulfillment.getPdf(`/internal/fulfillments/${seg(id)}/packing-slip`);
}

export async function pickListById(deps: QueryDeps, principal: Principal, id: string): Promise<FulfillmentView> {
  assertWarehouseKey(principal);
  const list = await deps.upstreams.fulfillment.get<FulfillmentView>(`/internal/pick-lists/${seg(id)}`);
  if (!mayWorkAt(principal, list.locationId)) throw notFound(`pick list ${id}`);
  return list;
}

export async function pickListPdf(deps: QueryDeps, principal: Principal, id: string) {
  await pickListById(deps, principal, id);
  return deps.upstreams.fulfillment.getPdf(`/internal/pick-lists/${seg(id)}/pdf`);
}
