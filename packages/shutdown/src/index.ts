import type { Logger } from '@oms/logging';

export type ShutdownStep = { name: string; run: () => Promise<void> };

/**
 * Run the shutdown steps in order (readiness off, stop consuming, finish in-flight work, close HTTP,
 * broker, database, Redis), each at most once, with an overall deadline.
 */
export function createShutdown(logger: Logger, steps: ShutdownStep[], timeoutMs: number) {
  let running: Promise<void> | undefined;
  const run = async () => {
    for (const step of steps) {
      try {
        await step.run();
        logger.debug({ step: step.name }, 'shutdown step done');
      } catch (err) {
        logger.warn({ step: step.name, err: (err as Error).message }, 'shutdown step failed');
      }
    }
  };
  return (): Promise<void> => {
    running ??= Promise.race([
      run(),
      new Promise<void>((resolve) =>
        setTimeout(() => {
          logger.error({ timeoutMs }, 'shutdown timed out');
          resolve();
        }, timeoutMs).unref(),
      ),
    ]);
    return running;
  };
}

/** Exit 0 after a clean shutdown on SIGTERM or SIGINT. */
export function exitOnSignals(logger: Logger, shutdown: () => Promise<void>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      void shutdown().then(() => process.exit(0));
    });
  }
}
