import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { carrierOf, contextFromHeaders, type TraceCarrier } from './propagation';
import type { Tracing } from './setup';

/*
 * Messaging semantic conventions (https://opentelemetry.io/docs/specs/semconv/messaging/rabbitmq/). They are
 * still "development" status, so the names are kept here rather than imported from the package's
 * incubating entry point, whose exports may change between minor versions.
 */
export const MESSAGING_ATTRIBUTES = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destinationName: 'messaging.destination.name',
  subscriptionName: 'messaging.destination.subscription.name',
  routingKey: 'messaging.rabbitmq.destination.routing_key',
  deliveryTag: 'messaging.rabbitmq.message.delivery_tag',
  messageId: 'messaging.message.id',
  conversationId: 'messaging.message.conversation_id',
  bodySize: 'messaging.message.body.size',
  /** Ours: the envelope's message type (`order.received.v1`). */
  messageType: 'oms.message.type',
  /** Ours: 1 on the first delivery, counting up with every retry. */
  attempt: 'oms.message.attempt',
  /** Ours: what the consumer did with the message (ok, rejected, retried, dead_lettered, unacknowledged). */
  outcome: 'oms.message.outcome',
} as const;

/** RabbitMQ's name for the default exchange (publishing straight to a queue). */
const DEFAULT_EXCHANGE = 'amq.default';

export interface PublishDetails {
  exchange: string;
  routingKey: string;
  messageId: string;
  type?: string;
  correlationId?: string;
  bodySize: number;
}

/**
 * Publish inside a PRODUCER span and hand `send` the trace headers that make the consumer's span its
 * child. The span's parent is `parent` when given (an outbox event's stored context), else the active
 * span; with neither, the publish starts a trace of its own (a timer job's message).
 */
export async function tracePublish(
  tracing: Tracing,
  details: PublishDetails,
  parent: TraceCarrier | undefined,
  send: (traceHeaders: TraceCarrier | undefined) => Promise<void>,
): Promise<void> {
  const parentContext = parent ? contextFromHeaders({ ...parent }) : context.active();
  // Replies go to a private queue with a generated name: not a name to put in a span name.
  const destination = details.exchange === '' && !details.type ? 'reply' : details.routingKey;
  const span = tracing.tracer.startSpan(
    `publish ${destination}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [MESSAGING_ATTRIBUTES.system]: 'rabbitmq',
        [MESSAGING_ATTRIBUTES.operationType]: 'send',
        [MESSAGING_ATTRIBUTES.operationName]: 'publish',
        [MESSAGING_ATTRIBUTES.destinationName]: details.exchange || DEFAULT_EXCHANGE,
        [MESSAGING_ATTRIBUTES.routingKey]: details.routingKey,
        [MESSAGING_ATTRIBUTES.messageId]: details.messageId,
        [MESSAGING_ATTRIBUTES.bodySize]: details.bodySize,
        ...optional(MESSAGING_ATTRIBUTES.conversationId, details.correlationId),
        ...optional(MESSAGING_ATTRIBUTES.messageType, details.type),
      },
    },
    parentContext,
  );
  try {
    await send(carrierOf(trace.setSpan(parentContext, span)));
  } catch (err) {
    markFailed(span, err);
    throw err;
  } finally {
    span.end();
  }
}

export interface ConsumeDetails {
  queue: string;
  exchange: string;
  routingKey: string;
  messageId?: string;
  type?: string;
  correlationId?: string;
  deliveryTag: number;
  bodySize: number;
  attempt: number;
  headers: Record<string, unknown> | undefined;
}

/** The CONSUMER span of one delivery; the consumer reports what it did with the message. */
export interface ConsumeSpan {
  /** `error` marks the span failed (a retry, a dead letter); a refused command is an answer, not a failure. */
  outcome(outcome: string, error?: unknown): void;
}

/**
 * Handle a delivery inside a CONSUMER span that is the child of the span in its `traceparent` header
 * (a new trace when it has none), with the span active, so the handler's publishes and stored outbox
 * events continue the trace.
 */
export async function traceConsume<T>(tracing: Tracing, details: ConsumeDetails, handle: (span: ConsumeSpan) => Promise<T>): Promise<T> {
  const parentContext = contextFromHeaders(details.headers);
  const span = tracing.tracer.startSpan(
    `process ${details.queue}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        [MESSAGING_ATTRIBUTES.system]: 'rabbitmq',
        [MESSAGING_ATTRIBUTES.operationType]: 'process',
        [MESSAGING_ATTRIBUTES.operationName]: 'process',
        [MESSAGING_ATTRIBUTES.destinationName]: details.exchange || DEFAULT_EXCHANGE,
        [MESSAGING_ATTRIBUTES.subscriptionName]: details.queue,
        [MESSAGING_ATTRIBUTES.routingKey]: details.routingKey,
        [MESSAGING_ATTRIBUTES.deliveryTag]: details.deliveryTag,
        [MESSAGING_ATTRIBUTES.bodySize]: details.bodySize,
        [MESSAGING_ATTRIBUTES.attempt]: details.attempt,
        ...optional(MESSAGING_ATTRIBUTES.messageId, details.messageId),
        ...optional(MESSAGING_ATTRIBUTES.conversationId, details.correlationId),
        ...optional(MESSAGING_ATTRIBUTES.messageType, details.type),
      },
    },
    parentContext,
  );
  const reporter: ConsumeSpan = {
    outcome: (outcome, error) => {
      span.setAttribute(MESSAGING_ATTRIBUTES.outcome, outcome);
      if (error !== undefined) markFailed(span, error);
    },
  };
  try {
    return await context.with(trace.setSpan(parentContext, span), () => handle(reporter));
  } catch (err) {
    markFailed(span, err);
    throw err;
  } finally {
    span.end();
  }
}

function markFailed(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setAttribute(ATTR_ERROR_TYPE, error.name || 'Error');
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

const optional = (key: string, value: string | undefined): Attributes => (value ? { [key]: value } : {});
