import { seg, type QueryDeps } from './deps';

/** The fulfillment service's answers, passed on as they are. */
export const fulfillmentsOfOrder = (deps: QueryDeps, orderId: string) => deps.upstreams.fulfillment.get(`/internal/fulfillments?orderId=${seg(orderId)}`);

export const fulfillmentById = (deps: QueryDeps, id: string) => deps.upstreams.fulfillment.get(`/internal/fulfillments/${seg(id)}`);
