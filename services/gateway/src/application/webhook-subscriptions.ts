import { AppError, notFound } from '@oms/errors';
import { LockTimeoutError } from '@oms/redis';
import { dayOf, type DeliveryDocument, type DeliveryStatus } from '../data-access/webhook-deliveries';
import { newWebhookSecret, toSubscriptionView, type SubscriptionDocument, type SubscriptionView } from '../data-access/webhook-subscriptions';
import type { Principal } from '../domain/access/principal';
import type { WebhookEventType } from '../domain/webhooks/event-types';
import { decideScope, mayManage, visibleScopes } from '../domain/webhooks/scope';
import { checkAddress, checkWebhookUrl } from '../domain/webhooks/url-policy';
import { deliveryLockKey, type WebhookDeps, type WebhookDispatcher } from './webhook-delivery';

export type { SubscriptionView } from '../data-access/webhook-subscriptions';
export type { DeliveryStatus } from '../data-access/webhook-deliveries';

export interface SubscribeInput {
  url: string;
  eventTypes: WebhookEventType[];
  /** At least 24 characters; absent: one is generated (and shown once). */
  secret?: string;
  scope?: string;
  description?: string;
}

/** The store cannot answer: the client may retry (503), never a 500. */
async function store<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(503, 'Service Unavailable', 'The webhook store is unavailable; try again shortly');
  }
}

const urlProblem = (message: string) => new AppError(422, 'Unprocessable Content', `url ${message}`, [{ path: 'url', message }]);

/**
 * A new subscription for the key's scope. The URL is checked now (form, and the addresses its host resolves
 * to) and again at every delivery. The secret is in this answer only.
 */
export async function subscribe(deps: WebhookDeps, principal: Principal, input: SubscribeInput): Promise<{ view: SubscriptionView; secret: string }> {
  const eventTypes = [...new Set(input.eventTypes)];
  const scope = decideScope(principal, input.scope, eventTypes);
  if (!scope.ok) throw new AppError(scope.status, scope.status === 403 ? 'Forbidden' : 'Unprocessable Content', scope.detail, scope.errors);
  const { policy } = deps.settings;
  const verdict = checkWebhookUrl(input.url, policy);
  if (!verdict.ok) throw urlProblem(verdict.message);
  if (!verdict.ipLiteral) {
    let addresses: string[];
    try {
      addresses = await deps.resolve(verdict.url.hostname);
    } catch {
      throw urlProblem(`host ${verdict.url.hostname} does not resolve`);
    }
    for (const address of addresses) {
      const check = checkAddress(address, policy);
      if (!check.allowed) throw urlProblem(`host ${verdict.url.hostname} resolves to ${check.reason}`);
    }
  }
  const secret = input.secret ?? newWebhookSecret();
  const doc = await store(() =>
    deps.subscriptions.create({
      scope: scope.scope,
      eventTypes,
      url: verdict.url.href,
      secret,
      ...(input.description ? { description: input.description } : {}),
      createdBy: principal.actor,
    }),
  );
  return { view: toSubscriptionView(doc), secret };
}

/** The key's own subscriptions (ops: all). */
export async function listSubscriptions(deps: WebhookDeps, principal: Principal): Promise<SubscriptionView[]> {
  return (await store(() => deps.subscriptions.list(visibleScopes(principal)))).map(toSubscriptionView);
}

/** One of the key's subscriptions; another tenant's, a deleted or an unknown one is 404 alike. */
async function ownSubscription(deps: WebhookDeps, principal: Principal, id: string): Promise<SubscriptionDocument> {
  const doc = await store(() => deps.subscriptions.get(id));
  if (!doc || !mayManage(principal, doc.scope)) throw notFound(`Webhook subscription ${id}`);
  return doc;
}

export async function getSubscription(deps: WebhookDeps, principal: Principal, id: string): Promise<SubscriptionView> {
  return toSubscriptionView(await ownSubscription(deps, principal, id));
}

/** Nothing more is delivered to it; its pending deliveries are cancelled at their next attempt. */
export async function deleteSubscription(deps: WebhookDeps, principal: Principal, id: string): Promise<void> {
  await ownSubscription(deps, principal, id);
  await store(() => deps.subscriptions.delete(id, principal.actor));
}

export interface DeliveryView {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  createdAt: string;
  attempts: DeliveryDocument['attempts'];
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  /** Until when it is retried (pending only): the end of its retry window. */
  retryUntil: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  redeliveries: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toDeliveryView(d: DeliveryDocument, windowMs: number): DeliveryView {
  return {
    id: d._id,
    subscriptionId: d.subscriptionId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    createdAt: d.createdAt,
    attempts: d.attempts.map(({ at, durationMs, statusCode, error, trigger }) => ({
      at,
      durationMs,
      trigger,
      ...(statusCode !== undefined && statusCode !== null ? { statusCode } : {}),
      ...(error ? { error } : {}),
    })),
    nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    retryUntil: d.status === 'pending' ? iso(d.windowStart + windowMs) : null,
    deliveredAt: d.deliveredAt ?? null,
    failedAt: d.failedAt ?? null,
    redeliveries: d.redeliveries ?? 0,
  };
}

/** How many days back the log reaches: each page reads at most this many days of one subscription's deliveries. */
export const LOG_DAYS = 30;
const DAY_MS = 24 * 3600_000;

const encodeCursor = (d: Pick<DeliveryDocument, 'createdAt' | '_id'>) => Buffer.from(JSON.stringify([d.createdAt, d._id])).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string') && !Number.isNaN(Date.parse(value[0])))
      return value as [string, string];
  } catch {
    // fall through
  }
  throw new AppError(400, 'Bad Request', 'The cursor is not one this API gave out', [{ path: 'cursor', message: 'invalid cursor' }]);
}

/**
 * The delivery log of one of the key's subscriptions, newest first, in pages: read one day at a time (an
 * equality query on subscription and day), going back at most LOG_DAYS days.
 */
export async function deliveryLog(
  deps: WebhookDeps,
  principal: Principal,
  subscriptionId: string,
  query: { status?: DeliveryStatus; cursor?: string; limit: number },
): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
  await ownSubscription(deps, principal, subscriptionId);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const now = Date.now();
  const oldestDay = dayOf(new Date(now - LOG_DAYS * DAY_MS).toISOString());
  const before = (d: DeliveryDocument) => !after || d.createdAt < after[0] || (d.createdAt === after[0] && d._id < after[1]);
  const items: DeliveryDocument[] = [];
  for (let t = after ? Date.parse(after[0]) : now; dayOf(new Date(t).toISOString()) >= oldestDay && items.length < query.limit; t -= DAY_MS) {
    const docs = await store(() => deps.deliveries.ofDay(subscriptionId, dayOf(new Date(t).toISOString())));
    const page = docs
      .filter((d) => (!query.status || d.status === query.status) && before(d))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b._id.localeCompare(a._id));
    items.push(...page.slice(0, query.limit - items.length));
  }
  const full = items.length === query.limit;
  return { items: items.map((d) => toDeliveryView(d, deps.settings.retry.windowMs)), nextCursor: full ? encodeCursor(items[items.length - 1]) : null };
}

/**
 * Send a delivery again, whatever became of it: pending, due now, with a new retry window; attempted at once.
 * 409 while an attempt of it is under way.
 */
export async function redeliver(
  deps: WebhookDeps,
  dispatcher: WebhookDispatcher,
  principal: Principal,
  subscriptionId: string,
  deliveryId: string,
): Promise<DeliveryView> {
  await ownSubscription(deps, principal, subscriptionId);
  const found = await store(() => deps.deliveries.get(deliveryId));
  if (!found || found.subscriptionId !== subscriptionId) throw notFound(`Delivery ${deliveryId}`);
  try {
    await deps.locks.withLock(deliveryLockKey(deliveryId), () => store(() => deps.deliveries.reschedule(deliveryId, Date.now())), {
      ttlMs: 10_000,
      waitMs: 1000,
    });
  } catch (err) {
    if (err instanceof LockTimeoutError) throw new AppError(409, 'Conflict', 'An attempt of this delivery is under way; try again in a moment');
    if (err instanceof AppError) throw err;
    throw new AppError(503, 'Service Unavailable', 'The delivery cannot be locked right now; try again shortly');
  }
  dispatcher.start(deliveryId, 'redelivery');
  const updated = await store(() => deps.deliveries.get(deliveryId));
  return toDeliveryView(updated ?? found, deps.settings.retry.windowMs);
}
