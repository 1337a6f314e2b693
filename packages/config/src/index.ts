import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Read and validate configuration from the environment at start. A wrong value stops the service with a
 * message naming the variable (practica: fail fast).
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])] ?? null)})`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`,
  );

/** Settings every service shares. */
export const baseConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535),
  HOST: z.string().default('127.0.0.1'),
  AMQP_URL: url(['amqp:', 'amqps:']).default('amqp://guest:guest@127.0.0.1:5672'),
  MONGO_URL: url(['mongodb:', 'mongodb+srv:']),
  /**
   * Database connections of this process, which bounds its operations in flight. Small on purpose: FerretDB
   * 1.24 (development and CI) deadlocks when all services together run as many updates at once as it has
   * PostgreSQL connections (deploy/stack.sh gives it 80); MongoDB serves 10 per instance easily.
   */
  MONGO_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  /**
   * Exit (after a clean stop, so the supervisor restarts the process) when the database client has been
   * disconnected this long while a new client reaches the database: a driver that stopped recovering. 0: never.
   */
  DATABASE_STUCK_EXIT_MS: z.coerce.number().int().min(0).max(3600000).default(60000),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default('oms:'),
  /**
   * The shared service token every `/internal/*` route requires (Authorization: Bearer). Required whenever
   * HOST is not a loopback address (docs/security.md); the same value for every service.
   */
  INTERNAL_API_TOKEN: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)').optional(),
  /** A second token the /internal/* routes accept (never sent): for rotating INTERNAL_API_TOKEN without downtime. */
  INTERNAL_API_TOKEN_PREVIOUS: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AMQP_PREFETCH: z.coerce.number().int().min(1).max(1000).default(50),
  /** Failures with a non-transient error (a handler bug) before a message goes to its DLQ (docs/messaging.md). */
  AMQP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  /**
   * How long a message whose handler keeps failing with transient errors (a dependency down or busy) is
   * retried, from its first such failure, before it goes to its DLQ. 15 minutes by default.
   */
  AMQP_RETRY_WINDOW_MS: z.coerce.number().int().min(1000).max(86400000).default(900000),
  /** How often a service looks at its dependencies (and pings them while one is down): consuming pauses meanwhile. */
  DEPENDENCY_CHECK_MS: z.coerce.number().int().min(50).max(60000).default(1000),
  /**
   * Longest time a handler may hold an aggregate's lock: renewal stops then, the lock expires and the
   * holder's store writes are refused (a hung handler cannot keep its aggregate for ever).
   */
  LOCK_MAX_HOLD_MS: z.coerce.number().int().min(1000).max(3600000).default(120000),
  AMQP_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of milliseconds, e.g. 1000,5000,30000')
    .default('1000,5000,30000')
    .transform((s) => s.split(',').map(Number)),
  OUTBOX_SWEEP_MS: z.coerce.number().int().min(50).max(600000).default(2000),
  /** Deadline for the whole graceful shutdown after SIGTERM; past it the process exits 1 (docs/shutdown.md). */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600000).default(20000),
  /**
   * After SIGTERM, how long the service keeps listening with /readyz at 503 and `Connection: close` on every
   * answer before it closes its port, so load balancers and keep-alive clients move away first. 0: close at
   * once (Kubernetes' preStop sleep does that waiting before SIGTERM). Part of SHUTDOWN_TIMEOUT_MS.
   */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(300000).default(0),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;
export { z };
