import type { BlocklistKind } from '@oms/contracts';
import { queryString, seg, type QueryDeps } from './deps';

/** Fraud screening's rules and blocklists, owned by payment-check (ops only; the routes check the key). */
export const fraudRules = (deps: QueryDeps) => deps.upstreams.paymentCheck.get('/internal/fraud/rules');

export const blocklistPage = (deps: QueryDeps, query: { kind: BlocklistKind; limit: number; cursor?: string }) =>
  deps.upstreams.paymentCheck.get(`/internal/fraud/blocklist?${queryString(query)}`);

export const blocklistEntry = (deps: QueryDeps, kind: BlocklistKind, value: string) =>
  deps.upstreams.paymentCheck.get(`/internal/fraud/blocklist/${seg(kind)}/${seg(value)}`);
