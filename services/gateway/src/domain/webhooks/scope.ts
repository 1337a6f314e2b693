import type { Principal } from '../access/principal';
import { isOps } from '../access/principal';
import { WEBHOOK_EVENTS, type Audience, type WebhookEventType } from './event-types';

/**
 * Whose events a subscription receives, stored with it: `all` (ops only), `channel:<id>` (the channel's
 * orders) or `partner:<carrier id>` (the carrier's shipments). Taken from the key at subscription time.
 */
export type Scope = string;

export type ScopeDecision = { ok: true; scope: Scope } | { ok: false; status: 403 | 422; detail: string; errors?: Array<{ path: string; message: string }> };

/** The key's tenant roles: the scopes a non-ops key may subscribe for. */
const tenantRoles = (p: Principal) => p.roles.filter((r) => r.startsWith('channel:') || r.startsWith('partner:'));

/**
 * The scope of a new subscription: the one asked for if the key holds it (ops: any), else the key's only
 * channel or partner role. A key with several must say which (422); a key with none may not subscribe (403).
 * Every event type must be one its scope can receive: customer notifications for a channel, shipment events
 * for a partner (422 naming each that is not).
 */
export function decideScope(principal: Principal, requested: string | undefined, eventTypes: readonly WebhookEventType[]): ScopeDecision {
  let scope: Scope;
  if (isOps(principal)) scope = requested ?? 'all';
  else {
    const own = tenantRoles(principal);
    if (requested !== undefined) {
      if (!own.includes(requested)) return { ok: false, status: 403, detail: `This key may not subscribe for ${requested}` };
      scope = requested;
    } else if (own.length === 1) scope = own[0];
    else if (own.length === 0) return { ok: false, status: 403, detail: 'Webhook subscriptions need a channel, partner or ops key' };
    else
      return {
        ok: false,
        status: 422,
        detail: 'This key has several channel or partner roles: say which one the subscription is for',
        errors: [{ path: 'scope', message: `required: one of ${own.join(', ')}` }],
      };
  }
  const audience = scope === 'all' ? undefined : (scope.slice(0, scope.indexOf(':')) as 'channel' | 'partner');
  const errors = eventTypes.flatMap((type, i) =>
    audience && WEBHOOK_EVENTS[type].audience !== audience
      ? [
          {
            path: `eventTypes.${i}`,
            message: `${type} is not an event of a ${audience} (a ${audience} subscription may ask for ${typesFor(audience).join(', ')})`,
          },
        ]
      : [],
  );
  if (errors.length) return { ok: false, status: 422, detail: `Event types the scope ${scope} does not receive`, errors };
  return { ok: true, scope };
}

const typesFor = (audience: Audience) => Object.entries(WEBHOOK_EVENTS).flatMap(([type, e]) => (e.audience === audience ? [type] : []));

/** Whether the key may see and manage a subscription of this scope (another tenant's is answered 404). */
export const mayManage = (principal: Principal, scope: Scope) => isOps(principal) || principal.roles.includes(scope);

/** The scopes whose subscriptions a key lists: 'all' for ops. */
export const visibleScopes = (principal: Principal): 'all' | string[] => (isOps(principal) ? 'all' : tenantRoles(principal));

/** Whether a subscription of `scope` receives an event of `tenant` (tenantOf). */
export const scopeReceives = (scope: Scope, tenant: string | undefined) => scope === 'all' || (tenant !== undefined && scope === tenant);
