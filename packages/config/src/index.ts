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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AMQP_PREFETCH: z.coerce.number().int().min(1).max(1000).default(50),
  AMQP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
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
