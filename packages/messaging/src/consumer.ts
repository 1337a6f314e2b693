import type { Channel, ConsumeMessage } from 'amqplib';
import { Counter, Histogram } from 'prom-client';
import { queueDefinition, type Envelope, type MessageData, type MessageType, type QueueMessageType, type QueueName } from '@oms/contracts';
import { AppError } from '@oms/errors';
import type { Logger } from '@oms/logging';
import { traceConsume, type ConsumeSpan } from '@oms/tracing';
import { Broker, delayQueueArguments } from './broker';
import { InvalidMessageError, validateEnvelope } from './envelope';
import { refusalNotice } from './refusals';

export interface HandlerContext {
  logger: Logger;
  /** 1 on the first delivery, counting up with every retry. */
  attempt: number;
  /**
   * Whether this copy may have been handled before without its outcome being acknowledged: the broker
   * redelivered it (a consumer stopped or crashed holding it) or it is a retry.
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
  /** Deliveries before a failing message goes to `<queue>.dlq`. */
  maxAttempts: number;
  /** Delay before retry n (the last value repeats). */
  retryDelaysMs: number[];
}

export interface RpcReply {
  ok: boolean;
  result?: unknown;
  problem?: ReturnType<AppError['toProblem']>;
}

const ATTEMPT_HEADER = 'x-oms-attempt';
/** How long a stopping consumer waits for the broker to apply its last acknowledgements (see stop()). */
const ACK_SETTLE_MS = 300;

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

/** The retry queue of `queue` whose messages wait `ms`. */
export const delayQueueName = (queue: string, ms: number) => `${queue}.delay.${ms}ms`;

/**
 * Consumes one durable queue: manual ack after the handler stored its work, retries through delay queues
 * with growing delay, then the DLQ; messages that break the contracts go to the DLQ at once. Re-subscribes
 * by itself after a reconnect. `stop()` cancels the subscription and waits for in-flight handlers.
 */
export class QueueConsumer {
  private channel?: Channel;
  private consumerTag?: string;
  private stopped = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

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
      if (!this.stopped) await this.subscribe();
    });
    if (this.broker.isConnected()) await this.subscribe();
  }

  private async subscribe(): Promise<void> {
    const ch = await this.broker.createChannel();
    ch.on('error', (err) => this.broker.logger.warn({ err: err.message, queue: this.queue }, 'consumer channel error'));
    for (const ms of new Set(this.options.retryDelaysMs)) {
      await ch.assertQueue(delayQueueName(this.queue, ms), { durable: true, arguments: delayQueueArguments(this.queue, ms) });
    }
    await ch.prefetch(this.options.prefetch);
    this.channel = ch;
    const { consumerTag } = await ch.consume(this.queue, (msg) => {
      if (msg) void this.onMessage(ch, msg);
    });
    this.consumerTag = consumerTag;
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
    if (this.stopped) {
      // Delivered between stop() and the broker's cancel-ok: hand it back untouched for the next consumer.
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
      const ctx = { logger: log.child({ type }), attempt, repeated: msg.fields.redelivered || attempt > 1 };
      try {
        const result = await handler(envelope as Message<MessageType>, ctx);
        await this.reply(msg, { ok: true, result: result ?? null });
        this.count(type, 'ok', span);
      } catch (err) {
        if (err instanceof AppError && err.status < 500) {
          // A command the domain refused (not found, conflict): answer it, do not retry.
          ctx.logger.info({ status: err.status, detail: err.detail }, 'command rejected');
          if (msg.properties.replyTo) await this.reply(msg, { ok: false, problem: err.toProblem() });
          else await this.announceRefusal(msg, envelope, err, attempt);
          this.count(type, 'rejected', span);
        } else if (attempt < this.options.maxAttempts) {
          const delays = this.options.retryDelaysMs;
          const delay = delays[Math.min(attempt - 1, delays.length - 1)];
          ctx.logger.warn({ err: (err as Error).message, attempt, delay }, 'handler failed; retrying later');
          await this.republish(delayQueueName(this.queue, delay), msg, { [ATTEMPT_HEADER]: attempt + 1 });
          this.count(type, 'retried', span, err);
        } else {
          ctx.logger.error({ err: (err as Error).message, stack: (err as Error).stack, attempt }, 'handler failed for the last time; dead-lettered');
          await this.deadLetter(msg, (err as Error).message, attempt);
          this.count(type, 'dead_lettered', span, err);
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
      headers: { ...msg.properties.headers, ...headers },
      requireRoute: true,
    });
  }

  private async deadLetter(msg: ConsumeMessage, reason: string, attempt: number): Promise<void> {
    await this.republish(`${this.queue}.dlq`, msg, {
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
