import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Connection } from 'mongoose';
import type { z } from 'zod';
import { baseConfigSchema, ConfigError, loadConfig } from '@oms/config';
import { createHttpApp, type Express } from '@oms/http';
import { createLogger, type Logger } from '@oms/logging';
import { Broker, CommandClient, QueueConsumer, type HandlerMap } from '@oms/messaging';
import { connectMongo, isMongoConnected, syncIndexes } from '@oms/mongo';
import { OutboxRelay, type OutboxSource } from '@oms/outbox';
import { AggregateLocks, createRedis, type Redis } from '@oms/redis';
import { createShutdown, exitOnSignals } from '@oms/shutdown';
import { startTracing, type Tracing } from '@oms/tracing';

export type BaseConfigSchema = typeof baseConfigSchema;

export interface ServiceContext<C> {
  name: string;
  config: C;
  logger: Logger;
  broker: Broker;
  db: Connection;
  redis: Redis;
  locks: AggregateLocks;
  outbox: OutboxRelay;
  commands: CommandClient;
  /** Off unless an OTLP endpoint is configured (docs/observability.md). */
  tracing: Tracing;
}

export interface ServiceParts {
  routes?: (app: Express) => void;
  /** Handlers per queue this service consumes (queues are named in @oms/contracts QUEUES). */
  consumers?: Record<string, HandlerMap>;
  /** Models whose documents carry an outbox. */
  outbox?: OutboxSource[];
  /** Extra work at stop (after consumers stopped, before connections close). */
  onStop?: () => Promise<void>;
}

export interface ServiceDefinition<S extends z.ZodObject> {
  name: string;
  /** The service's configuration schema, extending baseConfigSchema. */
  configSchema: S;
  /** Register models on `ctx.db` and return the service's routes, consumers and outbox sources. */
  setup: (ctx: ServiceContext<z.infer<S>>) => Promise<ServiceParts> | ServiceParts;
}

export interface RunningService<C> {
  ctx: ServiceContext<C>;
  url: string;
  port: number;
  server: Server;
  app: Express;
  stop: () => Promise<void>;
}

/**
 * The composition every service shares: validated config, logger, database, Redis, broker with the whole
 * topology, HTTP app, consumers, outbox relay and graceful stop. A service's main.ts only names its parts.
 */
export async function startService<S extends z.ZodObject>(definition: ServiceDefinition<S>, env: NodeJS.ProcessEnv = process.env): Promise<RunningService<z.infer<S>>> {
  const config = loadConfig(definition.configSchema, env) as z.infer<S> & z.infer<BaseConfigSchema>;
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const tracing = startTracing(definition.name, env, logger);
  const db = await connectMongo(config.MONGO_URL, logger, { poolSize: config.MONGO_POOL_SIZE });
  const redis = createRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX);
  const broker = new Broker({ url: config.AMQP_URL, service: definition.name, logger, tracing });
  const locks = new AggregateLocks(redis);
  const outbox = new OutboxRelay(definition.name, broker, locks, logger);
  const commands = new CommandClient(broker);
  const ctx: ServiceContext<z.infer<S>> = { name: definition.name, config, logger, broker, db, redis, locks, outbox, commands, tracing };

  const parts = await definition.setup(ctx);
  await syncIndexes(db);
  for (const source of parts.outbox ?? []) outbox.addSource(source);

  await broker.connect();
  await commands.start();
  const consumers = Object.entries(parts.consumers ?? {}).map(
    ([queue, handlers]) =>
      new QueueConsumer(broker, queue, handlers, { prefetch: config.AMQP_PREFETCH, maxAttempts: config.AMQP_MAX_ATTEMPTS, retryDelaysMs: config.AMQP_RETRY_DELAYS_MS }),
  );
  for (const consumer of consumers) await consumer.start();
  outbox.start(config.OUTBOX_SWEEP_MS);
  void outbox.sweep().catch(() => undefined);

  const app = createHttpApp({
    logger,
    readiness: () => ({ broker: broker.isConnected(), database: isMongoConnected(db), redis: redis.status === 'ready' }),
    routes: (a) => parts.routes?.(a),
    tracing,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  server.keepAliveTimeout = 5000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}`;
  logger.info({ url }, `${definition.name} started`);

  const stop = createShutdown(
    logger,
    [
      { name: 'readiness off', run: async () => app.locals.startDraining() },
      { name: 'stop consuming and finish in-flight messages', run: async () => void (await Promise.all(consumers.map((c) => c.stop()))) },
      { name: 'close HTTP', run: () => closeServer(server) },
      { name: 'service stop hook', run: async () => parts.onStop?.() },
      { name: 'outbox relay', run: () => outbox.stop() },
      { name: 'broker', run: async () => (await commands.close(), await broker.close()) },
      { name: 'database', run: () => db.close() },
      { name: 'redis', run: async () => void (await redis.quit().catch(() => redis.disconnect())) },
      { name: 'export the last spans', run: () => tracing.shutdown() },
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
  return { ctx, url, port, server, app, stop };
}

/** Stop accepting connections, let requests in flight finish, then close idle keep-alive sockets. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 10000).unref();
  });
}

/** For main.ts: start, stop cleanly on SIGTERM/SIGINT, and fail fast with a readable message on bad config. */
export function runMain<S extends z.ZodObject>(definition: ServiceDefinition<S>): void {
  const workers = Number(process.env.HTTP_WORKERS ?? 1);
  if (Number.isInteger(workers) && workers > 1 && cluster.isPrimary) return superviseWorkers(definition.name, workers);
  startService(definition)
    .then((running) => exitOnSignals(running.ctx.logger, running.stop))
    .catch((err) => {
      if (err instanceof ConfigError) console.error(`${definition.name}: ${err.message}`);
      else console.error(`${definition.name} failed to start:`, err);
      process.exit(1);
    });
}

/**
 * `HTTP_WORKERS=N`: N processes of the service share its port (node:cluster), for a stateless HTTP service
 * (the gateway) whose single event loop is the limit on a small machine. The primary only supervises:
 * it restarts a worker that dies and passes SIGTERM/SIGINT on, exiting once every worker has drained.
 */
function superviseWorkers(name: string, count: number): void {
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < count; i++) fork();
  cluster.on('exit', (worker, code) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    // A worker that fails at once (bad configuration) would fail again: stop rather than loop.
    if (code === 1) {
      console.error(`${name}: worker ${worker.process.pid} could not start; stopping`);
      process.exit(1);
    }
    console.error(`${name}: worker ${worker.process.pid} exited (${code}); starting another`);
    fork();
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    });
  }
}

export { baseConfigSchema };
