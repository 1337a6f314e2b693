import { AppError } from '@oms/errors';

/**
 * Whether a handler's error says that a dependency (the store, Redis, the broker, a provider behind a
 * circuit breaker) is unreachable or busy, rather than that the handler or the message is wrong. Such a
 * failure is retried for a bounded TIME (QueueConsumer's `retryWindowMs`, 15 minutes by default), however
 * many quick attempts that takes; any other error is retried a bounded NUMBER of times (`maxAttempts`).
 *
 * Decided by the error's identity only (name, code, error labels, the Redis reply), never by its message
 * text alone, and down the `cause` chain. The runtime adds a second test: an error this does not
 * recognise still counts as transient when a dependency probe fails right after it (DependencyGate).
 */
export function isTransientError(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isTransientItself(e as ErrorLike)) return true;
  }
  return false;
}

interface ErrorLike {
  name?: string;
  code?: unknown;
  message?: string;
  errorLabels?: unknown;
  errorLabelSet?: unknown;
}

/** The driver's and the kit's own names for "could not reach it / it is not there right now". */
const TRANSIENT_NAMES = new Set([
  // mongodb driver and mongoose
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MongoWaitQueueTimeoutError',
  'MongoWriteConcernError',
  // ioredis
  'MaxRetriesPerRequestError',
  // @oms/messaging
  'BrokerUnavailableError',
  'PublishNotConfirmedError',
  // @oms/redis: a lock held elsewhere for longer than we wait, or lost (a successor may write): try later
  'LockTimeoutError',
  'LockLostError',
  // @oms/resilience: a third party (payment provider, carrier) answered 5xx, or throttled us: it is down or busy
  'UpstreamError',
]);

/** opossum's refusals while a third party is failing: the breaker is open, or its call slots are full. */
const BREAKER_CODES = new Set(['EOPENBREAKER', 'ESEMLOCKED']);

/** Socket-level failures (Node's system error codes). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * MongoDB server error codes that mean "not now" (a node shutting down or stepping down, a network
 * problem inside the cluster): the driver's own retryable set.
 */
const MONGO_TRANSIENT_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** Redis replies that mean "not now": loading its data, out of memory (maxmemory), no primary, read-only replica, busy script. */
const REDIS_TRANSIENT_REPLY = /^(LOADING|OOM|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN|BUSY|NOREPLICAS)\b/;

function isTransientItself(e: ErrorLike): boolean {
  if (e instanceof AppError) return e.status === 502 || e.status === 503 || e.status === 504;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || BREAKER_CODES.has(e.code))) return true;
  if (typeof e.code === 'number' && e.name?.startsWith('Mongo') && MONGO_TRANSIENT_CODES.has(e.code)) return true;
  if (hasLabel(e, 'RetryableWriteError') || hasLabel(e, 'ResetPool')) return true;
  if (e.name === 'ReplyError' && REDIS_TRANSIENT_REPLY.test(e.message ?? '')) return true;
  // ioredis rejects commands of a closed connection with a plain Error of this text (no name or code).
  if (e.message === 'Connection is closed.' || e.message?.startsWith("Stream isn't writeable")) return true;
  // mongoose: an operation buffered while the connection is down, timed out.
  if (e.name === 'MongooseError' && /buffering timed out/.test(e.message ?? '')) return true;
  return false;
}

function hasLabel(e: ErrorLike, label: string): boolean {
  if (Array.isArray(e.errorLabels)) return e.errorLabels.includes(label);
  if (e.errorLabelSet instanceof Set) return e.errorLabelSet.has(label);
  return false;
}
