import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '@oms/logging';

export { mongoose };

/**
 * A private mongoose connection (each service, and each test, has its own database). Retries until the
 * server answers, then builds the indexes of every model registered on it.
 */
export async function connectMongo(url: string, logger: Logger, options: { retries?: number; poolSize?: number } = {}): Promise<Connection> {
  const retries = options.retries ?? 30;
  for (let attempt = 1; ; attempt++) {
    // The pool bounds this process's operations in flight (one per connection); see MONGO_POOL_SIZE.
    const connection = mongoose.createConnection(url, { serverSelectionTimeoutMS: 2000, maxPoolSize: options.poolSize ?? 10, autoIndex: false });
    try {
      await connection.asPromise();
      return connection;
    } catch (err) {
      await connection.close().catch(() => undefined);
      if (attempt >= retries) throw err;
      logger.warn({ err: (err as Error).message, attempt }, 'database connection failed; retrying');
      await new Promise((r) => setTimeout(r, Math.min(attempt * 200, 2000)));
    }
  }
}

/** Create the indexes of every model on the connection (unique natural keys are our last line of defence). */
export async function syncIndexes(connection: Connection): Promise<void> {
  for (const model of Object.values(connection.models)) await model.createIndexes();
}

export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/**
 * Whether an unordered insertMany failed only because some documents exist already (each write error a
 * duplicate key): then every other document was stored. A connection lost mid-way is a bulk write error
 * too, but with no write errors at all, and then nothing is known.
 */
export function isOnlyDuplicateKeyErrors(err: unknown): boolean {
  const writeErrors = (err as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> } | undefined)?.writeErrors;
  return isDuplicateKeyError(err) && Array.isArray(writeErrors) && writeErrors.length > 0 && writeErrors.every((e) => (e.code ?? e.err?.code) === 11000);
}

export function isMongoConnected(connection: Connection): boolean {
  return connection.readyState === 1;
}
export { InsertBatcher, type InsertBatcherOptions, type InsertOutcome } from './insert-batcher';
export { watchClient, pingWithFreshClient, type ClientWatchdogOptions } from './client-watchdog';
export * from './day-index';
export { TimeBuckets, BUSY_AFTER } from './time-buckets';
