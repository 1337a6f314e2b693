import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Connection } from 'mongoose';
import { register } from 'prom-client';
import type { z } from 'zod';
import { baseConfigSchema, ConfigError, loadConfig } from '@oms/config';
import { createHttpApp, createHttpServer, type Express } from '@oms/http';
import { createLogger, type Logger } from '@oms/logging';
import { Broker, CommandClient, QueueConsumer, type HandlerMap, type Subscriptions } from '@oms/messaging';
import { connectMongo, isMongoConnected, pingWithFreshClient, syncIndexes, watchClient } from '@oms/mongo';
import { AggregateStore, OutboxRelay, type AggregateDocument, type AggregateSpec, type OutboxSource } from '@oms/outbox';
import { AggregateLocks, createRedis, type Redis } from '@oms/redis';
import { createShutdown, exitOnSignals, type Shutdown } from '@oms/shutdown';
import { startTracing, type Tracing } from '@oms/tracing';
import { clusterMetricsFromPrimary, serveClusterMetrics } from './cluster-metrics';
import { DependencyGate, type DependencyProbe } from './dependency-gate';

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
  /** The store through which use cases change one kind of aggregate; its outbox is swept too. */
  aggregates: <Doc extends AggregateDocument>(spec: AggregateSpec<Doc>) => AggregateStore<Doc>;
  /** Off unless an OTLP endpoint is configured (docs/observability.md). */
  tracing: Tracing;
}

export interface ServiceParts {
  routes?: (app: Express) => void;
  /** Handlers per queue this service consumes, every message of each queue (@oms/contracts QUEUES). */
  consumers?: Subscriptions;
  /** Messages in hand for a queue whose handlers want a different number than AMQP_PREFETCH. */
  prefetch?: Record<string, number>;
  /** Models whose documents carry an outbox, besides those of `ctx.aggregates` (registered there). */
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
  stop: Shutdown;
}

/**
 * The composition every service shares: validated config, logger, database, Redis, broker with the whole
 * topology, HTTP app, consumers, outbox relay and graceful stop. A service's main.ts only names its parts.
 */
export async function startService<S extends z.ZodObject>(
  definition: ServiceDefinition<S>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningService<z.infer<S>>> {
  const config = loadConfig(definition.configSchema, env) as z.infer<S> & z.infer<BaseConfigSchema>;
  if (config.SHUTDOWN_DRAIN_DELAY_MS >= config.SHUTDOWN_TIMEOUT_MS)
    throw new ConfigError(
      `invalid configuration:\n  SHUTDOWN_DRAIN_DELAY_MS: must be less than SHUTDOWN_TIMEOUT_MS (${config.SHUTDOWN_TIMEOUT_MS}), which it is part of (got ${config.SHUTDOWN_DRAIN_DELAY_MS})`,
    );
  // A service reachable from other machines never serves /internal/* without the shared token.
  if (!config.INTERNAL_API_TOKEN && !isLoopback(config.HOST))
    throw new ConfigError(
      `invalid configuration:\n  INTERNAL_API_TOKEN: required when HOST is not a loopback address (got HOST ${JSON.stringify(config.HOST)})`,
    );
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  // Every metric carries the service's name, whatever the scrape configuration (the dashboard filters on it).
  register.setDefaultLabels({ service: definition.name });
  const tracing = startTracing(definition.name, env, logger);
  const db = await connectMongo(config.MONGO_URL, logger, { poolSize: config.MONGO_POOL_SIZE });
  const redis = createRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX);
  const broker = new Broker({ url: config.AMQP_URL, service: definition.name, logger, tracing });
  const locks = new AggregateLocks(redis, { maxHoldMs: config.LOCK_MAX_HOLD_MS });
  const outbox = new OutboxRelay(definition.name, broker, locks, logger);
  const commands = new CommandClient(broker);
  const aggregates = <Doc extends AggregateDocument>(spec: AggregateSpec<Doc>) => {
    outbox.addSource({ model: spec.model, lockKey: spec.lockKey });
    return new AggregateStore<Doc>(spec, { locks, redis, relay: outbox, logger });
  };
  const ctx: ServiceContext<z.infer<S>> = { name: definition.name, config, logger, broker, db, redis, locks, outbox, commands, aggregates, tracing };

  const parts = await definition.setup(ctx);
  await syncIndexes(db);
  for (const source of parts.outbox ?? []) outbox.addSource(source);

  await broker.connect();
  await commands.start();
  const consumers: QueueConsumer[] = [];
  const gate = new DependencyGate(dependencyProbes(broker, db, redis), {
    logger,
    checkEveryMs: config.DEPENDENCY_CHECK_MS,
    pingTimeoutMs: 5000,
    onDown: async () => void (await Promise.all(consumers.map((c) => c.pause()))),
    onUp: async () => void (await Promise.all(consumers.map((c) => c.resume()))),
  });
  for (const [queue, handlers] of Object.entries(parts.consumers ?? {})) {
    consumers.push(
      new QueueConsumer(broker, queue, handlers as HandlerMap, {
        prefetch: parts.prefetch?.[queue] ?? config.AMQP_PREFETCH,
        maxAttempts: config.AMQP_MAX_ATTEMPTS,
        retryDelaysMs: config.AMQP_RETRY_DELAYS_MS,
        retryWindowMs: config.AMQP_RETRY_WINDOW_MS,
        classifyFailure: (err) => gate.classify(err),
        dependenciesDown: () => !gate.healthy,
      }),
    );
  }
  for (const consumer of consumers) await consumer.start();
  gate.start();
  outbox.start(config.OUTBOX_SWEEP_MS);
  void outbox.sweep().catch(() => undefined);

  const app = createHttpApp({
    logger,
    // Red while a dependency is down (consuming is paused meanwhile) or a queue has no subscription. The
    // store by the gate's pings: the driver's own state can stay "disconnected" for seconds after it is back.
    readiness: () => ({
      broker: broker.isConnected(),
      database: gate.isUp('database'),
      redis: redis.status === 'ready' && gate.isUp('redis'),
      consuming: consumers.every((c) => c.isSubscribed()),
    }),
    routes: (a) => parts.routes?.(a),
    tracing,
    metrics: cluster.isWorker ? clusterMetricsFromPrimary() : undefined,
    internalToken: config.INTERNAL_API_TOKEN,
    internalTokenPrevious: config.INTERNAL_API_TOKEN_PREVIOUS,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createHttpServer(app);
    // A port already taken is a failed start ("failed to start: ... EADDRINUSE"), not an uncaught error event.
    s.once('error', reject);
    s.listen(config.PORT, config.HOST, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
  server.keepAliveTimeout = 5000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}`;
  logger.info({ url }, `${definition.name} started`);

  const stop = createShutdown(
    logger,
    [
      { name: 'readiness off', run: async () => (gate.stop(), app.locals.startDraining()) },
      {
        // Consumers drain while load balancers take this instance out (readiness is 503 from now on).
        name: 'stop consuming and finish in-flight messages; drain delay',
        run: async () => void (await Promise.all([...consumers.map((c) => c.stop()), sleep(config.SHUTDOWN_DRAIN_DELAY_MS)])),
      },
      { name: 'close HTTP', run: () => closeServer(server, logger, Math.max(500, (config.SHUTDOWN_TIMEOUT_MS - config.SHUTDOWN_DRAIN_DELAY_MS) / 2)) },
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

/** What the dependency gate watches: the broker's connection, the store and Redis, each with a ping. */
function dependencyProbes(broker: Broker, db: Connection, redis: Redis): DependencyProbe[] {
  return [
    { name: 'broker', connected: () => broker.isConnected(), ping: async () => broker.ready(0) },
    { name: 'database', connected: () => isMongoConnected(db), ping: () => db.db!.command({ ping: 1 }) },
    { name: 'redis', connected: () => redis.status === 'ready', ping: () => redis.ping() },
  ];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Stop accepting connections and close the idle keep-alive ones (server.close() does both); requests in
 * flight finish, and their answers carry `Connection: close` (@oms/http, draining), so each connection
 * closes after its answer. Connections still open after `forceAfterMs` are cut, so that the broker and
 * database still get closed before the overall deadline.
 */
function closeServer(server: Server, logger: Logger, forceAfterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      logger.warn({ forceAfterMs }, 'HTTP requests still open at the deadline; closing their connections');
      server.closeAllConnections();
    }, forceAfterMs).unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** For main.ts: start, stop cleanly on SIGTERM/SIGINT, and fail fast with a readable message on bad config. */
export function runMain<S extends z.ZodObject>(definition: ServiceDefinition<S>): void {
  const workers = Number(process.env.HTTP_WORKERS ?? 1);
  if (Number.isInteger(workers) && workers > 1 && cluster.isPrimary) return superviseWorkers(definition.name, workers);
  startService(definition)
    .then((running) => {
      const watchdog = exitWhenDatabaseClientStuck(running.ctx as ServiceContext<z.infer<BaseConfigSchema>>, running.stop);
      exitOnSignals(
        running.ctx.logger,
        Object.assign(() => (watchdog?.stop(), running.stop()), { timedOut: running.stop.timedOut }),
      );
    })
    .catch((err) => {
      if (err instanceof ConfigError) console.error(`${definition.name}: ${err.message}`);
      else console.error(`${definition.name} failed to start:`, err);
      process.exit(1);
    });
}

/**
 * Exit 1, after a clean stop, when the database client stays disconnected for DATABASE_STUCK_EXIT_MS while a
 * new client reaches the database (watchClient in @oms/mongo says why): the supervisor then starts a fresh
 * process. While the database itself is down, nothing happens.
 */
function exitWhenDatabaseClientStuck(ctx: ServiceContext<z.infer<BaseConfigSchema>>, stop: Shutdown) {
  const stuckAfterMs = ctx.config.DATABASE_STUCK_EXIT_MS;
  if (stuckAfterMs === 0) return undefined;
  return watchClient({
    isConnected: () => isMongoConnected(ctx.db),
    probe: () => pingWithFreshClient(ctx.config.MONGO_URL),
    stuckAfterMs,
    checkEveryMs: Math.min(5000, stuckAfterMs),
    onStuck: (disconnectedForMs) => {
      ctx.logger.error({ disconnectedForMs }, 'database client stuck: a new client reaches the database, this one does not; restarting');
      void stop().then(() => process.exit(1));
    },
  });
}

/**
 * `HTTP_WORKERS=N`: N processes of the service share its port (node:cluster), for a stateless HTTP service
 * (the gateway) whose single event loop is the limit on a small machine. The primary only supervises:
 * it restarts a worker that dies and passes SIGTERM/SIGINT on, exiting once every worker has drained
 * (1 if one of them did not drain cleanly), and sums the workers' metrics for /metrics (cluster-metrics.ts).
 */
function superviseWorkers(name: string, count: number): void {
  let stopping = false;
  let unclean = 0;
  const fork = () => cluster.fork();
  const workersLeft = () => Object.keys(cluster.workers ?? {}).length;
  serveClusterMetrics();
  for (let i = 0; i < count; i++) fork();
  cluster.on('exit', (worker, code) => {
    if (stopping) {
      if (code !== 0) unclean++;
      if (workersLeft() === 0) process.exit(unclean ? 1 : 0);
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
    // `on`, not `once`: a second signal (Ctrl-C reaches the whole process group) must not kill the primary
    // while its workers drain; the workers ignore a repeated signal the same way (exitOnSignals).
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      if (workersLeft() === 0) process.exit(0);
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    });
  }
}

export { baseConfigSchema };
export { DependencyGate, type DependencyProbe, type DependencyGateOptions } from './dependency-gate';
export { PeriodicPass } from './periodic-pass';
