import type { Logger } from '@oms/logging';

export type ShutdownStep = { name: string; run: () => Promise<void> };

/** Runs the shutdown once; `timedOut()` tells afterwards whether the deadline cut it short. */
export type Shutdown = (() => Promise<void>) & { timedOut: () => boolean };

/**
 * Run the shutdown steps in order (readiness off, stop consuming, finish in-flight work, close HTTP,
 * broker, database, Redis), each at most once, with an overall deadline.
 */
export function createShutdown(logger: Logger, steps: ShutdownStep[], timeoutMs: number): Shutdown {
  let running: Promise<void> | undefined;
  let timedOut = false;
  const run = async () => {
    for (const step of steps) {
      const started = Date.now();
      try {
        await step.run();
        logger.debug({ step: step.name, ms: Date.now() - started }, 'shutdown step done');
      } catch (err) {
        logger.warn({ step: step.name, err: (err as Error).message }, 'shutdown step failed');
      }
    }
  };
  const shutdown = (): Promise<void> => {
    running ??= Promise.race([
      run(),
      new Promise<void>((resolve) =>
        setTimeout(() => {
          timedOut = true;
          logger.error({ timeoutMs }, 'shutdown timed out');
          resolve();
        }, timeoutMs).unref(),
      ),
    ]);
    return running;
  };
  return Object.assign(shutdown, { timedOut: () => timedOut });
}

/**
 * On SIGTERM or SIGINT: shut down, then exit 0, or 1 if the deadline cut the shutdown short. A second signal
 * (Ctrl-C reaches every process of the terminal's group, and a supervisor passes its own signal on) must
 * not kill the process mid-drain, so the handlers stay installed and join the shutdown already running.
 */
export function exitOnSignals(logger: Logger, shutdown: (() => Promise<void>) & { timedOut?: () => boolean }): void {
  let signalled = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (signalled) return logger.info({ signal }, 'already shutting down');
      signalled = true;
      logger.info({ signal }, 'shutting down');
      void shutdown().then(() => process.exit(shutdown.timedOut?.() ? 1 : 0));
    });
  }
}
