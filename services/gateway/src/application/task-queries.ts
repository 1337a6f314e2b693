import type { Principal } from '../domain/access/principal';
import { seg, type QueryDeps } from './deps';
import { locationScope } from './fulfillment-queries';
import { assertMayReadOrder } from './order-access';

export interface TaskListRequest {
  status?: string;
  assignee?: string;
  due?: string;
  day?: string;
  cursor?: string;
  limit?: number;
}

/** `locations=a,b` for a location key (its own tasks only); nothing for ops. */
function scopeQuery(principal: Principal): Record<string, string> {
  const { locations } = locationScope(principal);
  return locations ? { locations: locations.join(',') } : {};
}

/** The inbox: ops see every task, a location key the tasks at its locations. */
export function taskList(deps: QueryDeps, principal: Principal, request: TaskListRequest) {
  const params = new URLSearchParams(scopeQuery(principal));
  for (const [key, value] of Object.entries(request)) if (value !== undefined) params.set(key, String(value));
  return deps.upstreams.tasks.get(`/internal/tasks?${params}`);
}

export function taskById(deps: QueryDeps, principal: Principal, id: string) {
  return deps.upstreams.tasks.get(`/internal/tasks/${seg(id)}?${new URLSearchParams(scopeQuery(principal))}`);
}

export const redFlagList = (deps: QueryDeps) => deps.upstreams.tasks.get('/internal/red-flags');
export const ruleList = (deps: QueryDeps) => deps.upstreams.tasks.get('/internal/rules');
export const ruleById = (deps: QueryDeps, id: string) => deps.upstreams.tasks.get(`/internal/rules/${seg(id)}`);

/** The tasks and red flags a rule raised about an order, for a key that may read the order. */
export async function tasksOfOrder(deps: QueryDeps, principal: Principal, orderId: string) {
  await assertMayReadOrder(deps, principal, orderId);
  return deps.upstreams.tasks.get(`/internal/orders/${seg(orderId)}/tasks`);
}
