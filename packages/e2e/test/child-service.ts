import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eventually, freePort } from '@oms/testing';

/** A service started from its built dist/main.js as its own process, as Kubernetes or deploy/cluster.js runs it. */
export interface ChildService {
  child: ChildProcess;
  port: number;
  url: string;
  /** Everything it wrote to stdout and stderr so far (pino JSON lines). */
  output: () => string;
  /** Its exit code (null when killed by a signal) and when it exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Start `services/<name>/dist/main.js` on a free port and wait until /readyz answers 200. */
export async function startChildService(name: string, env: NodeJS.ProcessEnv): Promise<ChildService> {
  const port = await freePort();
  const mainJs = join(__dirname, `../../../services/${name}/dist/main.js`);
  const child = spawn(process.execPath, [mainJs], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const url = `http://127.0.0.1:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  await eventually(async () => {
    if (gone) throw new Error(`${name} exited while starting:\n${output}`);
    return (await fetch(`${url}/readyz`).catch(() => undefined))?.ok;
  }, 45_000);
  return { child, port, url, output: () => output, exited };
}

/** The JSON log lines a child wrote whose `msg` is `message`. */
export function logLines(output: string, message: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === message);
}
