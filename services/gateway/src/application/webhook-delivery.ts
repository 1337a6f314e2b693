import type { Envelope, MessageData } from '@oms/contracts';
import type { Logger } from '@oms/logging';
import { deterministicId } from '@oms/messaging';
import type { OutboxEntry, OutboxRelay } from '@oms/outbox';
import { LockTimeoutError, type AggregateLocks } from '@oms/redis';
import { dayOf, minuteOf, type AttemptOutcome, type DeliveryDocument, type DeliveryRepository } from '../data-access/webhook-deliveries';
import type { SubscriptionDocument, SubscriptionRepository } from '../data-access/webhook-subscriptions';
import type { WebhookTransport } from '../data-access/webhook-transport';
import { publicEvent, tenantOf, type WebhookEventType } from '../domain/webhooks/event-types';
import { nextAttemptAt, type RetryPolicy } from '../domain/webhooks/retry-schedule';
import { scopeReceives } from '../domain/webhooks/scope';
import { SIGNATURE_HEADER, signWebhook } from '../domain/webhooks/signature';
import { checkAddress, checkWebhookUrl, type UrlPolicy } from '../domain/webhooks/url-policy';

export interface WebhookSettings {
  policy: UrlPolicy;
  retry: RetryPolicy;
  /** How long one attempt waits for the receiver's answer. */
  timeoutMs: number;
  /** Attempts one gateway process makes at once; more wait for the next sweep. */
  maxInFlight: number;
}

export interface WebhookDeps {
  subscriptions: SubscriptionRepository;
  deliveries: DeliveryRepository;
  transport: WebhookTransport;
  locks: AggregateLocks;
  /** Publishes what a given-up delivery stores in its outbox (webhook.delivery-failed.v1). */
  outbox: OutboxRelay;
  /** The host name's addresses now (data-access/webhook-transport.ts resolveHost; a test may answer itself). */
  resolve: (hostname: string) => Promise<string[]>;
  logger: Logger;
  settings: WebhookSettings;
}

type Trigger = 'first' | 'retry' | 'redelivery';

/** Minutes the sweep keeps reading behind the current one: covers clocks of gateway processes that differ a little. */
const SKEW_MINUTES = 2;
/** Minutes one sweep pass reads at most: catching up after a long stop goes an hour per pass. */
const MINUTES_PER_PASS = 60;

export const deliveryIdOf = (subscriptionId: string, eventId: string) => deterministicId('webhook-delivery', subscriptionId, eventId);
export const deliveryLockKey = (deliveryId: string) => `webhook-delivery:${deliveryId}`;

/**
 * Delivers the public events to their subscriptions (docs/webhooks.md). For each event and each matching
 * subscription a delivery is inserted once (its id derives from both, so an event that arrives again makes no
 * second one), then attempted at once; failures are retried by the sweep with growing delays for the retry
 * window, then given up. Every attempt happens under the delivery's Redis lock and re-reads it first, so with
 * several gateway processes each attempt is made once.
 */
export class WebhookDispatcher {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: WebhookDeps) {}

  /** An event from `gateway.webhooks`: a delivery per matching subscription, attempted right away. */
  async onEvent(event: Envelope & { type: WebhookEventType }): Promise<number> {
    const tenant = tenantOf(event.type, event.data);
    const candidates = [...(await this.deps.subscriptions.activeOf('all')), ...(tenant ? await this.deps.subscriptions.activeOf(tenant) : [])];
    const matching = candidates.filter((s) => s.eventTypes.includes(event.type) && scopeReceives(s.scope, tenant));
    if (matching.length === 0) return 0;
    const body = JSON.stringify(publicEvent(event));
    let created = 0;
    for (const subscription of matching) {
      const now = Date.now();
      const createdAt = new Date(now).toISOString();
      const delivery: DeliveryDocument = {
        _id: deliveryIdOf(subscription._id, event.id),
        subscriptionId: subscription._id,
        eventId: event.id,
        eventType: event.type,
        body,
        status: 'pending',
        attempts: [],
        createdAt,
        day: dayOf(createdAt),
        windowStart: now,
        nextAttemptAt: now,
        dueMinute: minuteOf(now),
        redeliveries: 0,
      };
      // A delivery that exists already was made by an earlier copy of this event: the sweep owns it now.
      if (await this.deps.deliveries.insert(delivery)) {
        created++;
        this.start(delivery._id, 'first');
      }
    }
    return created;
  }

  /** Attempt in the background (the caller does not wait); past maxInFlight the sweep takes it instead. */
  start(deliveryId: string, trigger: Trigger): void {
    if (this.inFlight.size >= this.deps.settings.maxInFlight) return;
    const run = this.attempt(deliveryId, trigger)
      .catch((err) => this.deps.logger.warn({ err: (err as Error).message, deliveryId }, 'webhook attempt failed; the sweep retries it'))
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  /**
   * One attempt, if the delivery is still pending and due, under its lock: `busy` when another process holds
   * it (that one is attempting it now).
   */
  async attempt(deliveryId: string, trigger: Trigger): Promise<'attempted' | 'skipped' | 'busy'> {
    try {
      return await this.deps.locks.withLock(deliveryLockKey(deliveryId), () => this.attemptHeld(deliveryId, trigger), {
        ttlMs: this.deps.settings.timeoutMs + 30_000,
        waitMs: 0,
      });
    } catch (err) {
      if (err instanceof LockTimeoutError) return 'busy';
      throw err;
    }
  }

  private async attemptHeld(deliveryId: string, trigger: Trigger): Promise<'attempted' | 'skipped'> {
    const { deliveries, subscriptions } = this.deps;
    const delivery = await deliveries.get(deliveryId);
    if (!delivery || delivery.status !== 'pending' || delivery.nextAttemptAt === null || delivery.nextAttemptAt > Date.now()) return 'skipped';
    const subscription = await subscriptions.get(delivery.subscriptionId);
    if (!subscription?.active) {
      await deliveries.cancel(deliveryId);
      return 'attempted';
    }
    const started = Date.now();
    const result = await this.send(subscription, delivery);
    const attempt = { at: new Date(started).toISOString(), durationMs: Date.now() - started, trigger, ...result };
    if ('statusCode' in result && result.statusCode >= 200 && result.statusCode < 300) {
      // Given up before, redelivered and taken now: the receiver works again (the task the failure opened
      // closes itself).
      const recovered = delivery.failedAt
        ? [
            this.announcement(delivery, 'recovered', 'webhook.delivery-recovered.v1', {
              subscriptionId: subscription._id,
              deliveryId,
              eventType: delivery.eventType,
              url: subscription.url,
              deliveredAt: attempt.at,
            }),
          ]
        : [];
      await this.record(deliveryId, { attempt, status: 'delivered', nextAttemptAt: null }, recovered);
      return 'attempted';
    }
    // Failures in a row within the current window (a redelivery starts a new window).
    const failures = delivery.attempts.filter((a) => Date.parse(a.at) >= delivery.windowStart).length + 1;
    const next = nextAttemptAt(this.deps.settings.retry, failures, started, delivery.windowStart);
    if (next !== undefined) {
      await this.record(deliveryId, { attempt, status: 'pending', nextAttemptAt: next });
      return 'attempted';
    }
    // Given up: announced for a task for ops (docs/tasks.md).
    const failed = this.announcement(delivery, 'failed', 'webhook.delivery-failed.v1', {
      subscriptionId: subscription._id,
      deliveryId,
      eventType: delivery.eventType,
      url: subscription.url,
      attempts: failures,
      failedAt: attempt.at,
      lastOutcome: 'statusCode' in result ? `HTTP ${result.statusCode}` : result.error.slice(0, 500),
    });
    await this.record(deliveryId, { attempt, status: 'failed', nextAttemptAt: null }, [failed]);
    this.deps.logger.info({ deliveryId, subscriptionId: subscription._id, attempts: failures }, 'webhook delivery given up');
    return 'attempted';
  }

  /** An event about a delivery: once per delivery, retry window and `what` (a repeat is the same event). */
  private announcement<T extends 'webhook.delivery-failed.v1' | 'webhook.delivery-recovered.v1'>(
    delivery: DeliveryDocument,
    what: string,
    type: T,
    data: MessageData<T>,
  ): OutboxEntry {
    return this.deps.outbox.entry(type, data, {
      correlationId: delivery.subscriptionId,
      id: deterministicId(delivery._id, what, String(delivery.windowStart)),
    });
  }

  /**
   * Record an attempt with the events it announces in the same write (the delivery's outbox), then send them:
   * under the delivery's lock (the relay's single writer); what the broker does not confirm, the sweep sends.
   */
  private async record(deliveryId: string, outcome: Omit<AttemptOutcome, 'outbox'>, announced: OutboxEntry[] = []): Promise<void> {
    const { deliveries, outbox } = this.deps;
    await deliveries.recordAttempt(deliveryId, { ...outcome, outbox: announced });
    if (announced.length > 0) await outbox.flush(deliveries.model, deliveryId, announced).catch(() => undefined);
  }

  /** Check the URL and every address its host has now, sign, and POST to the checked address. */
  private async send(subscription: SubscriptionDocument, delivery: DeliveryDocument): Promise<{ statusCode: number } | { error: string }> {
    const { policy } = this.deps.settings;
    const verdict = checkWebhookUrl(subscription.url, policy);
    if (!verdict.ok) return { error: `refused: the URL ${verdict.message}` };
    let addresses: string[];
    if (verdict.ipLiteral) addresses = [verdict.ipLiteral];
    else {
      try {
        addresses = await this.deps.resolve(verdict.url.hostname);
      } catch (err) {
        return { error: `could not resolve ${verdict.url.hostname} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
      }
      if (addresses.length === 0) return { error: `${verdict.url.hostname} has no address` };
    }
    for (const address of addresses) {
      const check = checkAddress(address, policy);
      if (!check.allowed) return { error: `refused: ${verdict.url.hostname} resolves to ${check.reason}` };
    }
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'oms-webhooks/1',
      [SIGNATURE_HEADER]: signWebhook(subscription.secret, delivery.body),
      'OMS-Event-Id': delivery.eventId,
      'OMS-Event-Type': delivery.eventType,
      'OMS-Delivery-Id': delivery._id,
    };
    try {
      const answer = await this.deps.transport.post({ url: verdict.url, address: addresses[0], body: delivery.body, headers });
      return { statusCode: answer.status };
    } catch (err) {
      return { error: describeFailure(err) };
    }
  }

  /**
   * Attempt the deliveries that are due: the pending ones of every minute from the shared cursor to now
   * (equality queries by minute, never a scan of the history). The cursor moves past a minute only once a pass
   * finds nothing pending in it, so a delivery whose attempt was cut short (a crash under its lock) is found again.
   */
  async sweep(): Promise<number> {
    const { deliveries, settings } = this.deps;
    const now = Date.now();
    const current = minuteOf(now);
    const from = (await deliveries.sweepCursor()) ?? (await this.startingMinute(now));
    const to = Math.min(current, from + MINUTES_PER_PASS - 1);
    let firstUncleared: number | undefined;
    let attempted = 0;
    for (let minute = from; minute <= to; minute++) {
      const pending = await deliveries.pendingIn(minute);
      if (pending.length === 0) continue;
      firstUncleared ??= minute;
      const due = pending.filter((d) => d.nextAttemptAt !== null && d.nextAttemptAt <= Date.now());
      for (let i = 0; i < due.length; i += settings.maxInFlight) {
        const outcomes = await Promise.all(due.slice(i, i + settings.maxInFlight).map((d) => this.attempt(d._id, 'retry')));
        attempted += outcomes.filter((o) => o === 'attempted').length;
      }
    }
    await deliveries.setSweepCursor(Math.min(firstUncleared ?? to + 1, current - SKEW_MINUTES));
    return attempted;
  }

  /**
   * Where a sweep starts without a cursor (first start, or Redis lost it): a whole retry window back if any
   * delivery is pending (one equality query), else just behind now.
   */
  private async startingMinute(now: number): Promise<number> {
    if (await this.deps.deliveries.anyPending()) return minuteOf(now - this.deps.settings.retry.windowMs) - 60;
    return minuteOf(now) - SKEW_MINUTES;
  }

  /** Wait for the attempts under way (at stop). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

/** What the log says about an attempt that got no answer. */
function describeFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EOPENBREAKER') return 'not sent: the receiver failed repeatedly, its circuit breaker is open';
  if (e?.code === 'ETIMEDOUT' || /no answer within/.test(e?.message ?? '')) return `no answer in time (${e.message})`;
  return `${e?.code ? `${e.code}: ` : ''}${(e?.message ?? String(err)).slice(0, 300)}`;
}
