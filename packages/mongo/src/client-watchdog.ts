import mongoose from 'mongoose';

export interface ClientWatchdogOptions {
  /** Whether the process's own client reaches the database now. */
  isConnected: () => boolean;
  /** Whether a fresh client reaches the database now (pingWithFreshClient). */
  probe: () => Promise<boolean>;
  /** Called once, when the client has stayed disconnected for `stuckAfterMs` and a fresh client connects. */
  onStuck: (disconnectedForMs: number) => void;
  stuckAfterMs: number;
  checkEveryMs: number;
}

/**
 * Watches for a database client that stays disconnected although the database answers. Seen here: FerretDB
 * restarted under load, and in one of seven services the driver's monitor kept waiting on a connection that
 * had closed, so the server stayed "Unknown" and every operation failed, minutes later still, until the
 * process restarted. Only a new client recovers from that, so the owner exits and its supervisor
 * (Kubernetes, compose, deploy/cluster.js) starts it again. A real outage does not count: while a fresh client
 * cannot connect either, the process waits for the database like any other.
 */
export function watchClient(options: ClientWatchdogOptions): { stop: () => void } {
  let disconnectedSince: number | undefined;
  let probing = false;
  let fired = false;
  const check = async () => {
    if (fired || probing) return;
    if (options.isConnected()) {
      disconnectedSince = undefined;
      return;
    }
    const now = Date.now();
    disconnectedSince ??= now;
    if (now - disconnectedSince < options.stuckAfterMs) return;
    probing = true;
    try {
      const reachable = await options.probe().catch(() => false);
      // Still disconnected after the probe, which can take seconds: the client did not recover meanwhile.
      if (reachable && !options.isConnected() && !fired) {
        fired = true;
        options.onStuck(Date.now() - disconnectedSince);
      }
    } finally {
      probing = false;
    }
  };
  const timer = setInterval(() => void check(), options.checkEveryMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Whether a new client (not the process's pool) can connect to `url` and get an answer to `ping`. */
export async function pingWithFreshClient(url: string, timeoutMs = 2000): Promise<boolean> {
  const connection = mongoose.createConnection(url, { serverSelectionTimeoutMS: timeoutMs, maxPoolSize: 1, autoIndex: false });
  try {
    await connection.asPromise();
    await connection.db!.admin().ping();
    return true;
  } catch {
    return false;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
