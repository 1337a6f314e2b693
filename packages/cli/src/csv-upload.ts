import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { SingleBar, Presets } from 'cli-progress';

export interface ImportOptions {
  url?: string;
  key?: string;
  channel?: string;
  progress?: boolean;
  /** Where messages go (tests capture them). */
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

/** The key: --key, else $OMS_KEY, else .run/api-key (written by `npm start`) in this directory or above. */
export function resolveKey(explicit?: string): string | undefined {
  if (explicit) return explicit;
  if (process.env.OMS_KEY) return process.env.OMS_KEY;
  let dir = process.cwd();
  for (;;) {
    const file = join(dir, '.run', 'api-key');
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    const parent = join(dir, '..');
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Streams the file to `path` on the gateway (never read whole into memory) with a progress bar of bytes
 * sent. Answers the gateway's JSON summary, or an exit code (1) after printing why the upload failed.
 */
export async function uploadCsv(file: string, path: string, options: ImportOptions): Promise<{ summary: unknown } | number> {
  const err = options.err ?? process.stderr;
  if (!existsSync(file)) {
    err.write(`oms: no such file: ${file}\n`);
    return 1;
  }
  const key = resolveKey(options.key);
  if (!key) {
    err.write('oms: no API key: pass --key, set OMS_KEY, or run from the repository after `npm start` (.run/api-key)\n');
    return 1;
  }
  const base = options.url ?? process.env.OMS_URL ?? 'http://127.0.0.1:8080';
  const url = new URL(path, base);
  const size = statSync(file).size;

  const bar =
    options.progress === false
      ? undefined
      : new SingleBar({ format: 'uploading {bar} {percentage}% | {value}/{total} bytes', stream: err as NodeJS.WriteStream }, Presets.shades_classic);
  bar?.start(size, 0);
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      bar?.update(sent);
      done(null, chunk);
    },
  });

  let res: IncomingMessage;
  let body: string;
  try {
    ({ res, body } = await new Promise<{ res: IncomingMessage; body: string }>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        { method: 'POST', headers: { 'content-type': 'text/csv', 'content-length': String(size), authorization: `Bearer ${key}` } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => resolve({ res: response, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      req.on('error', reject);
      createReadStream(file).on('error', reject).pipe(counter).pipe(req);
    }));
  } catch (e) {
    bar?.stop();
    err.write(`oms: the import failed: ${(e as Error).message}\n`);
    return 1;
  }
  bar?.stop();

  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = body;
  }
  if ((res.statusCode ?? 0) >= 400) {
    const problem = parsed as { title?: string; detail?: string; errors?: Array<{ path: string; message: string }> };
    err.write(`oms: the import was refused (${res.statusCode}): ${problem.detail ?? problem.title ?? body}\n`);
    for (const e of problem.errors ?? []) err.write(`  ${e.path}: ${e.message}\n`);
    return 1;
  }
  return { summary: parsed };
}
