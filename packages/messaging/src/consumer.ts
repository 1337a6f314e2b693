import type { Channel, ConsumeMessage } from 'amqplib';
import { Counter, Histogram } from 'prom-client';
import { queueDefinition, type Envelope, type MessageData, type MessageType, type QueueMessageType, type QueueName } from '@oms/contracts';
import { AppError } from '@oms/errors';
import type { Logger } from '@oms/logging';
import { traceConsume, type ConsumeSpan } from '@oms/tracing';
import { Broker, delayQueueArguments } from './broker';
import { InvalidMessageError, validateEnvelope } from './envelope';
import { refusalNotice } from './refusals';
import { isTransientError } from './transient-errors';

export interface HandlerContext {
  logger: Logger;
  /** 1 on the first delivery, counting up with every retry. */
  attempt: number;
  /**
   * Whether this copy may have been handled before without its outcome being acknowledged: the broker
   * redelivered it (a consumer stopped or crashed holding it), it is a retry, or an operator replayed it
   * from the DLQ (`oms dlq replay`: whatever failed may have come after the store write).
   */
  repeated: boolean;
}

/** A message of type `T` as a handler receives it: validated against that type's schema. */
export type Message<T extends MessageType> = Envelope<MessageData<T>> & { type: T };
export type Handler<T extends MessageType> = (message: Message<T>, ctx: HandlerContext) => Promise<unknown>;
export type HandlerMap = { [T in MessageType]?: Handler<T> };
/** A handler for every message queue `Q` receives (per @oms/contracts QUEUES): the compiler finds one missing. */
export type QueueHandlers<Q extends QueueName> = { [T in QueueMessageType<Q>]: Handler<T> };
/** A service's subscriptions: the queues it consumes, each with all its handlers. */
export type Subscriptions = { [Q in QueueName]?: QueueHandlers<Q> };

/** The same handler for every message queue `Q` receives (one use case that dispatches on the type itself). */
export function everyMessageOf<Q extends QueueName>(
  queue: Q,
  handler: <T extends QueueMessageType<Q>>(message: Message<T>, ctx: HandlerContext) => Promise<unknown>,
): QueueHandlers<Q> {
  const { commands = [], events = [] } = queueDefinition(queue);
  return Object.fromEntries([...commands, ...events].map((type) => [type, handler])) as QueueHandlers<Q>;
}

export interface ConsumerOptions {
  prefetch: number;
  /**
   * Failures with an error that is not transient (a handler bug) before the message goes to `<queue>.dlq`.
   * Transient failures (a dependency down) do not count here: they are bounded by `retryWindowMs`.
   */
  maxAttempts: number;
  /** Delay before retry n (the last value repeats). */
  retryDelaysMs: number[];
  /**
   * How long, from its first transient failure, a message is retried while its handler keeps failing with
   * transient errors, before it goes to `<queue>.dlq`. Default 15 minutes.
   */
  retryWindowMs?: number;
  /**
   * Whether a handler's failure is transient (a dependency is down or busy). Told of every failure, so the
   * runtime can pause consuming while a dependency is down. Default: isTransientError.
   */
  classifyFailure?: (err: unknown) => boolean | Promise<boolean>;
  /**
   * Whether a dependency of the service is known to be down now (the runtime's dependency gate, which pauses
   * consuming meanwhile). A transient failure during such an outage does not use up the message's retry
   * window: its clock starts again after the outage. Asked after `classifyFailure`.
   */
  dependenciesDown?: () => boolean;
}

export interface RpcReply {
  ok: boolean;
  result?: unknown;
  problem?: ReturnType<AppError['toProblem']>;
}

const ATTEMPT_HEADER = 'x-oms-attempt';
/** Failures with a non-transient error so far (compared with maxAttempts). */
const ERRORS_HEADER = 'x-oms-errors';
/** When (epoch ms) the message first failed with a transient error: the start of its retry window. */
const FIRST_TRANSIENT_HEADER = 'x-oms-first-transient-failure';
/** Set by `oms dlq replay` (packages/cli): the copy may have been handled before. */
const REPLAYS_HEADER = 'x-oms-replays';
export const DEFAULT_RETRY_WINDOW_MS = 15 * 60 * 1000;
/** How long a stopping consumer waits for the broker to apply its last acknowledgements (see stop()). */
const ACK_SETTLE_MS = 300;
/** Pause before subscribing again after the broker closed the channel (and between failed tries). */
const REOPEN_DELAY_MS = 500;
const MAX_REOPEN_DELAY_MS = 10_000;

const handled = new Counter({
  name: 'oms_messages_handled_total',
  help: 'Messages handled, by queue, type and outcome (ok, rejected, retried, dead_lettered)',
  labelNames: ['queue', 'type', 'outcome'],
});
const handlingSeconds = new Histogram({
  name: 'oms_message_handling_seconds',
  help: 'Time spent handling a message',
  labelNames: ['queue', 'type'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

const attemptOf = (msg: ConsumeMessage) => Number(msg.properties.headers?.[ATTEMPT_HEADER] ?? 1);
const numericHeader = (msg: ConsumeMessage, name: string) => {
  const value = Number(msg.properties.headers?.[name]);
  return Number.isFinite(value) ? value : undefined;
};
/**
 * Epoch ms until which the sender of a command waits for its answer (CommandClient sets it). A refusal
 * after that reaches a reply queue nobody reads (the client was told 202, queued), so it is announced like
 * a refusal without a reply queue. A second of margin covers clocks that differ between pods: a refusal at
 * the edge is then both answered and announced, never neither.
 */
export const REPLY_BY_HEADER = 'x-oms-reply-by';
const REPLY_BY_MARGIN_MS = 1000;
const requesterWaits = (msg: ConsumeMessage): boolean => {
  if (!msg.properties.replyTo) return false;
  const replyBy = numericHeader(msg, REPLY_BY_HEADER);
  // A sender that did not say how long it waits (an older release) is taken to wait.
  return replyBy === undefined || Date.now() < replyBy - REPLY_BY_MARGIN_MS;
};
/** Redelivered by the broker, a retry, or replayed from the DLQ: its work may be stored but not yet announced. */
const isRepeated = (msg: ConsumeMessage) => msg.fields.redelivered || attemptOf(msg) > 1 || (numericHeader(msg, REPLAYS_HEADER) ?? 0) > 0;

/** The retry queue of `queue` whose messages wait `ms`. */
export const delayQueueName = (queue: string, ms: number) => `${queue}.delay.${ms}ms`;

/**
 * Consumes one durable queue: manual ack after the handler stored its work, retries through delay queues
 * with growing delay, then the DLQ; messages that break the contracts go to the DLQ at once. Re-subscribes
 * by itself after a reconnect, and on a new channel when the broker closes its channel or cancels its
 * subscription (a channel error, `consumer_timeout`, the queue deleted). `pause()` stops taking messages
 * while a dependency is down, `resume()` takes them again. `stop()` cancels the subscription and waits
 * for in-flight handlers.
 */
export class QueueConsumer {
  private channel?: Channel;
  private consumerTag?: string;
  private stopped = false;
  private paused = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  /** One (re)subscription at a time: the reconnect hook, a re-open after a channel loss and resume() may meet. */
  private subscribing?: Promise<void>;
  private reopenTimer?: NodeJS.Timeout;
  /** Grows while subscribing keeps failing (a queue that is missing or declared otherwise), back to the minimum once it works. */
  private reopenDelayMs = REOPEN_DELAY_MS;

  constructor(
    private readonly broker: Broker,
    readonly queue: string,
    private readonly handlers: HandlerMap,
    private readonly options: ConsumerOptions,
  ) {
    queueDefinition(queue); // fail fast on a queue missing from the topology
  }

  /** Subscribe now and after every reconnect. */
  async start(): Promise<void> {
    this.broker.onConnect(async () => {
      // A new connection: the old channel went with the old one.
      this.channel = undefined;
      this.consumerTag = undefined;
      if (!this.stopped) await this.subscribe();
    });
    if (this.broker.isConnected()) await this.subscribe();
  }

  /** Whether messages reach this consumer now: subscribed on an open channel, not paused or stopped (readiness). */
  isSubscribed(): boolean {
    return !this.stopped && !this.paused && this.channel !== undefined && this.consumerTag !== undefined;
  }

  /**
   * Stop taking messages (a dependency is down): the subscription is cancelled, handlers in hand finish,
   * and messages delivered meanwhile go back to the queue untouched. They wait there, not in retries.
   */
  async pause(): Promise<void> {
    if (this.paused || this.stopped) return;
    this.paused = true;
    const ch = this.channel;
    const tag = this.consumerTag;
    this.consumerTag = undefined;
    if (ch && tag) await ch.cancel(tag).catch(() => undefined);
  }

  /** Take messages again after pause(). */
  async resume(): Promise<void> {
    if (!this.paused || this.stopped) return;
    this.paused = false;
    if (this.broker.isConnected()) await this.subscribe().catch((err) => this.lostSubscription(this.channel, err));
  }

  /** A channel with its retry queues declared, and the subscription unless paused; reuses an open channel. */
  private subscribe(): Promise<void> {
    const run = async () => {
      if (this.stopped) return;
      let ch = this.channel;
      if (!ch) {
        ch = await this.broker.createChannel();
        const opened = ch;
        opened.on('error', (err) => this.broker.logger.warn({ err: err.message, queue: this.queue }, 'consumer channel error'));
        opened.on('close', () => this.lostSubscription(opened));
        for (const ms of new Set(this.options.retryDelaysMs)) {
          await opened.assertQueue(delayQueueName(this.queue, ms), { durable: true, arguments: delayQueueArguments(this.queue, ms) });
        }
        await opened.prefetch(this.options.prefetch);
        this.channel = opened;
      }
      if (this.paused || this.stopped || this.consumerTag) return;
      const subscribed = ch;
      const { consumerTag } = await subscribed.consume(this.queue, (msg) => {
        if (msg) void this.onMessage(subscribed, msg);
        // null: the broker cancelled the subscription (the queue was deleted, a node went away).
        else this.lostSubscription(subscribed);
      });
      // Paused or stopped while the subscription was on its way: take it back.
      if (this.paused || this.stopped) await subscribed.cancel(consumerTag).catch(() => undefined);
      else {
        this.consumerTag = consumerTag;
        this.reopenDelayMs = REOPEN_DELAY_MS;
      }
    };
    const next = (this.subscribing ?? Promise.resolve()).then(run);
    // The queue of subscriptions never rejects (the caller of this one gets its failure).
    const settled = next.catch(() => undefined);
    this.subscribing = settled;
    void settled.then(() => {
      if (this.subscribing === settled) this.subscribing = undefined;
    });
    return next;
  }

  /**
   * The channel closed or the subscription was cancelled from the broker's side: subscribe again on a new
   * channel. A lost connection is left to the broker's reconnect hook (it subscribes again); a channel the
   * broker closed on a live connection (a channel error, `consumer_timeout` after a hung handler) would
   * otherwise leave this queue without a consumer for good, readiness green.
   */
  private lostSubscription(ch: Channel | undefined, err?: unknown): void {
    if (ch && this.channel === ch) {
      this.channel = undefined;
      this.consumerTag = undefined;
      ch.close().catch(() => undefined);
    }
    if (this.stopped) return;
    if (err) this.broker.logger.warn({ err: (err as Error).message, queue: this.queue }, 'could not subscribe; trying again');
    else this.broker.logger.warn({ queue: this.queue }, 'consumer channel closed by the broker; subscribing again');
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => {
      // A reconnect in between subscribed already, or the connection is down: its hook will.
      if (this.stopped || this.channel || !this.broker.isConnected()) return;
      this.subscribe().catch((e) => this.lostSubscription(this.channel, e));
    }, this.reopenDelayMs);
    this.reopenDelayMs = Math.min(this.reopenDelayMs * 2, MAX_REOPEN_DELAY_MS);
    this.reopenTimer.unref();
  }

  private async onMessage(ch: Channel, msg: ConsumeMessage): Promise<void> {
    const tracing = this.broker.tracing;
    if (!tracing.enabled || this.stopped) return this.handleMessage(ch, msg);
    const { fields, properties } = msg;
    const details = {
      queue: this.queue,
      exchange: fields.exchange,
      routingKey: fields.routingKey,
      messageId: properties.messageId,
      type: properties.type,
      correlationId: properties.correlationId,
      deliveryTag: fields.deliveryTag,
      bodySize: msg.content.length,
      attempt: attemptOf(msg),
      headers: properties.headers,
    };
    await traceConsume(tracing, details, (span) => this.handleMessage(ch, msg, span));
  }

  private async handleMessage(ch: Channel, msg: ConsumeMessage, span?: ConsumeSpan): Promise<void> {
    if (this.stopped || this.paused) {
      // Delivered between stop() or pause() and the broker's cancel-ok: hand it back untouched.
      try {
        ch.nack(msg, false, true);
      } catch {
        // channel already gone: the broker requeues it by itself
      }
      return;
    }
    this.inFlight++;
    const attempt = attemptOf(msg);
    let type = String(msg.properties.type ?? 'unknown');
    const log = this.broker.logger.child({ queue: this.queue, messageId: msg.properties.messageId, correlationId: msg.properties.correlationId });
    const timer = handlingSeconds.startTimer({ queue: this.queue, type });
    try {
      let envelope: Envelope;
      try {
        envelope = validateEnvelope(JSON.parse(msg.content.toString('utf8')));
        type = envelope.type;
      } catch (err) {
        const reason = err instanceof InvalidMessageError ? err.message : `unparseable message: ${(err as Error).message}`;
        log.error({ reason }, 'invalid message sent to the DLQ');
        await this.deadLetter(msg, reason, attempt);
        this.count(type, 'dead_lettered', span, err);
        ch.ack(msg);
        return;
      }
      const handler = this.handlers[envelope.type as MessageType] as Handler<MessageType> | undefined;
      if (!handler) {
        const reason = `no handler for ${envelope.type} on ${this.queue}`;
        await this.deadLetter(msg, reason, attempt);
        this.count(type, 'dead_lettered', span, new Error(reason));
        ch.ack(msg);
        return;
      }
      const ctx = { logger: log.child({ type }), attempt, repeated: isRepeated(msg) };
      try {
        const result = await handler(envelope as Message<MessageType>, ctx);
        await this.reply(msg, { ok: true, result: result ?? null });
        this.count(type, 'ok', span);
      } catch (err) {
        if (err instanceof AppError && err.status < 500) {
          // A command the domain refused (not found, conflict): answer it, do not retry.
          ctx.logger.info({ status: err.status, detail: err.detail }, 'command rejected');
          if (msg.properties.replyTo) await this.reply(msg, { ok: false, problem: err.toProblem() });
          if (!requesterWaits(msg)) await this.announceRefusal(msg, envelope, err, attempt);
          this.count(type, 'rejected', span);
        } else {
          await this.retryOrDeadLetter(msg, err, ctx, type, span);
        }
      }
      ch.ack(msg);
    } catch (err) {
      // Could not ack or republish (connection lost): the broker redelivers the message; handlers are idempotent.
      log.warn({ err: (err as Error).message }, 'message left unacknowledged; it will be redelivered');
      span?.outcome('unacknowledged', err);
    } finally {
      timer();
      this.inFlight--;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  /**
   * A failed handler: a transient failure (a dependency down) is retried until `retryWindowMs` has passed
   * since the message's first transient failure, however many attempts that takes; any other failure (a
   * bug) is retried until it has failed `maxAttempts` times, so it reaches the DLQ within a bounded time too.
   */
  private async retryOrDeadLetter(msg: ConsumeMessage, err: unknown, ctx: HandlerContext, type: string, span?: ConsumeSpan): Promise<void> {
    const attempt = ctx.attempt;
    const transient = await Promise.resolve((this.options.classifyFailure ?? isTransientError)(err)).catch(() => false);
    const outage = transient && (this.options.dependenciesDown?.() ?? false);
    const now = Date.now();
    const firstTransient = numericHeader(msg, FIRST_TRANSIENT_HEADER) ?? now;
    const errors = (numericHeader(msg, ERRORS_HEADER) ?? 0) + (transient ? 0 : 1);
    const windowMs = this.options.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS;
    const retry = outage || (transient ? now - firstTransient < windowMs : errors < this.options.maxAttempts);
    const message = (err as Error)?.message ?? String(err);
    if (retry) {
      const delays = this.options.retryDelaysMs;
      const delay = delays[Math.min(attempt - 1, delays.length - 1)];
      ctx.logger.warn({ err: message, attempt, delay, transient, outage }, 'handler failed; retrying later');
      await this.republish(delayQueueName(this.queue, delay), msg, {
        [ATTEMPT_HEADER]: attempt + 1,
        [ERRORS_HEADER]: errors,
        // During a known outage the window starts again afterwards (consuming is paused meanwhile).
        ...(transient ? { [FIRST_TRANSIENT_HEADER]: outage ? undefined : firstTransient } : {}),
      });
      this.count(type, 'retried', span, err);
      return;
    }
    const reason = transient ? `${message} (transient failures for ${Math.round((now - firstTransient) / 1000)} s)` : message;
    ctx.logger.error({ err: message, stack: (err as Error)?.stack, attempt, transient }, 'handler failed for the last time; dead-lettered');
    await this.deadLetter(msg, reason, attempt, { [ERRORS_HEADER]: errors });
    this.count(type, 'dead_lettered', span, err);
  }

  private count(type: string, outcome: string, span: ConsumeSpan | undefined, error?: unknown) {
    handled.inc({ queue: this.queue, type, outcome });
    span?.outcome(outcome, error);
  }

  private async republish(queue: string, msg: ConsumeMessage, headers: Record<string, unknown>): Promise<void> {
    await this.broker.publishRaw('', queue, msg.content, {
      messageId: String(msg.properties.messageId ?? ''),
      type: msg.properties.type,
      correlationId: msg.properties.correlationId,
      replyTo: msg.properties.replyTo,
      headers: Object.fromEntries(Object.entries({ ...msg.properties.headers, ...headers }).filter(([, value]) => value !== undefined)),
      requireRoute: true,
    });
  }

  private async deadLetter(msg: ConsumeMessage, reason: string, attempt: number, counts: Record<string, number> = {}): Promise<void> {
    await this.republish(`${this.queue}.dlq`, msg, {
      ...counts,
      'x-oms-error': reason.slice(0, 1000),
      'x-oms-failed-at': new Date().toISOString(),
      [ATTEMPT_HEADER]: attempt,
    });
  }

  /**
   * A refusal nobody waits for must not vanish (docs/messaging.md, refusals of asynchronous commands): it
   * becomes command.refused.v1 on the order, or, with no order to show it on, a DLQ entry with its reason.
   * A failed publish throws: the command stays unacknowledged and is refused again on redelivery.
   */
  private async announceRefusal(msg: ConsumeMessage, envelope: Envelope, err: AppError, attempt: number): Promise<void> {
    const notice = refusalNotice(envelope, err);
    if (notice) await this.broker.publish('command.refused.v1', notice.data, notice.meta);
    else await this.deadLetter(msg, `refused (${err.status}): ${err.detail ?? err.title}`, attempt);
  }

  private async reply(msg: ConsumeMessage, reply: RpcReply): Promise<void> {
    if (!msg.properties.replyTo) return;
    try {
      await this.broker.publishRaw('', msg.properties.replyTo, Buffer.from(JSON.stringify(reply)), {
        messageId: `reply-${msg.properties.messageId}`,
        correlationId: msg.properties.messageId,
        requireRoute: false,
      });
    } catch (err) {
      // The requester has gone (its reply queue is deleted) or timed out: the work itself is done.
      this.broker.logger.warn({ err: (err as Error).message }, 'could not send reply');
    }
  }

  /** Stop taking new messages and wait until the ones in hand are finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reopenTimer);
    await this.subscribing;
    const ch = this.channel;
    if (ch && this.consumerTag) await ch.cancel(this.consumerTag).catch(() => undefined);
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    // A quorum queue applies acknowledgements asynchronously: acks sent just before the channel closes
    // were seen not to be applied (their messages came back as redeliveries, dropped as duplicates). A
    // round trip on the channel, then a short pause, lets the broker settle them first.
    if (ch) await ch.checkQueue(this.queue).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, ACK_SETTLE_MS));
    if (ch) await ch.close().catch(() => undefined);
  }
}
