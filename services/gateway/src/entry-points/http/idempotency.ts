import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { AppError } from '@oms/errors';
import type { Request, RequestHandler, Response } from '@oms/http';
import type { Logger } from '@oms/logging';
import type { IdempotencyRecords, StoredAnswer } from '../../application/idempotency';
import { registry } from './api-route';
import { principalOf } from './auth';

const MAX_KEY_LENGTH = 255;
/**
 * What one Idempotency-Key may hold in Redis (docs/limits.md): the answer's body as stored (deflated when
 * over 1 KiB) is at most this; with the fingerprint, status, headers and key name a record stays under
 * IDEMPOTENCY_RECORD_BYTES. A larger answer is kept as the route's summary (`keepSummaryForReplay`: a batch
 * keeps each order's status and id, no problems); a route without one keeps nothing and a retry runs again.
 */
export const MAX_STORED_BODY_BYTES = 32 * 1024;
/** The bound on one key's Redis value (body, fingerprint, status, replayed headers, JSON). */
export const IDEMPOTENCY_RECORD_BYTES = MAX_STORED_BODY_BYTES + 1024;
/** Bodies smaller than this are stored as they are: deflating a 100-byte intake answer costs more than it saves. */
const DEFLATE_FROM_BYTES = 1024;
/** A replayed header is cut here (a Location is a path of ids: far shorter). */
const MAX_REPLAYED_HEADER_CHARS = 256;
/** Headers of the first answer that a replay repeats. */
const REPLAYED_HEADERS = ['content-type', 'location', 'content-location'];
/** A request still running after this long stops extending its claim (a handler that never answers). */
const MAX_CLAIM_LIFETIME_MS = 15 * 60_000;

/** The header as an OpenAPI component (`#/components/parameters/IdempotencyKey`), for POST operations to reference. */
export const idempotencyKeyParameter = registry.registerParameter(
  'IdempotencyKey',
  z
    .string()
    .min(1)
    .max(MAX_KEY_LENGTH)
    .optional()
    .openapi({
      param: { name: 'Idempotency-Key', in: 'header' },
      description:
        'Unique key per request (IETF draft "The Idempotency-Key HTTP Header Field"), kept 24 h per API key: a retry with the same key and body ' +
        'replays the first answer (`Idempotent-Replayed: true`); a different body is 422; while the first request runs, 409. ' +
        "An answer over 32 KiB (deflated) is replayed as its summary (`Idempotent-Replayed-Summary: true`; a batch: each order's status and id), see docs/limits.md.",
      example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"',
    }),
);

/**
 * `Idempotency-Key` on POST, as the IETF draft "The Idempotency-Key HTTP Header Field" specifies: the first
 * answer (2xx or 4xx) to a key is kept for the TTL and replayed for the same request (`Idempotent-Replayed:
 * true`); the same key with a different request is 422; the same key while the first request still runs is
 * 409. A 5xx is not kept, so the client may retry with the same key. Keys are scoped to the API key that sent
 * them: two clients cannot see or block each other's answers.
 *
 * Generic by design: it captures whatever the route writes (res.write/res.end, which res.json and res.send
 * end in), so every POST route, including routes added later, is covered without knowing about this.
 * If Redis cannot be reached it answers 503: accepting the request without the guarantee could double it.
 */
export function idempotency(store: IdempotencyRecords, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'POST') return next();
    const header = req.get('idempotency-key');
    if (header === undefined) return next();
    const key = parseKey(header);
    const scope = principalOf(res).actor;
    const fingerprint = fingerprintOf(req);

    let claim;
    try {
      claim = await store.claim(scope, key, fingerprint);
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'idempotency store unavailable');
      return next(new AppError(503, 'Service Unavailable', 'Idempotency keys cannot be checked right now; try again shortly'));
    }

    if (!claim.claimed) {
      const { record } = claim;
      if (record.fingerprint !== fingerprint)
        return next(new AppError(422, 'Idempotency Key Reused', 'This Idempotency-Key was used for a different request; use a new key for a new request'));
      if (record.state === 'in_progress')
        return next(new AppError(409, 'Request In Progress', 'A request with this Idempotency-Key is still being processed; retry later'));
      return replay(res, record.answer);
    }

    const { token } = claim;
    const started = Date.now();
    const heartbeat = setInterval(
      () => {
        if (Date.now() - started > MAX_CLAIM_LIFETIME_MS) return clearInterval(heartbeat);
        store.extend(scope, key, token).catch(() => undefined);
      },
      Math.max(1000, Math.floor(store.claimMs / 3)),
    );
    heartbeat.unref();

    captureAnswer(res, async (answer) => {
      clearInterval(heartbeat);
      try {
        const kept = answer.status < 500 ? answerToKeep(answer, res.locals[SUMMARY_LOCAL]) : undefined;
        if (kept) await store.complete(scope, key, token, fingerprint, kept);
        else {
          if (answer.status < 500)
            logger.info({ status: answer.status }, 'answer too large to keep for its Idempotency-Key, and no summary: a retry runs again');
          await store.release(scope, key, token);
        }
      } catch (err) {
        // The answer still goes out; the claim expires by itself and a retry then runs the request again.
        logger.warn({ err: (err as Error).message }, 'idempotency record could not be stored');
      }
    });
    next();
  };
}

const SUMMARY_LOCAL = 'idempotencySummary';

/**
 * A route whose answer can be large gives here what a replay should answer when the full answer is over
 * MAX_STORED_BODY_BYTES: its outcome, smaller (the batch: each order's status and id, no problems).
 */
export function keepSummaryForReplay(res: Response, summary: unknown): void {
  res.locals[SUMMARY_LOCAL] = summary;
}

/** The answer as it is kept: itself when small enough, else the route's summary when that is, else nothing. */
function answerToKeep(answer: { status: number; headers: Record<string, string>; body: Buffer }, summary: unknown): StoredAnswer | undefined {
  const headers = Object.fromEntries(Object.entries(answer.headers).map(([name, value]) => [name, value.slice(0, MAX_REPLAYED_HEADER_CHARS)]));
  const full = packBody(answer.body);
  if (full.body.length <= MAX_STORED_BODY_BYTES) return { status: answer.status, headers, ...full };
  if (summary === undefined) return undefined;
  const packed = packBody(Buffer.from(JSON.stringify(summary)));
  if (packed.body.length > MAX_STORED_BODY_BYTES) return undefined;
  return { status: answer.status, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' }, ...packed, summary: true };
}

function packBody(body: Buffer): Pick<StoredAnswer, 'body' | 'deflated'> {
  if (body.length < DEFLATE_FROM_BYTES) return { body };
  return { body: deflateRawSync(body), deflated: true };
}

/** The draft defines the value as a structured-field string ("..."); a bare token is accepted as well. */
function parseKey(header: string): string {
  const trimmed = header.trim();
  const key = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
  if (key.length === 0) throw new AppError(400, 'Invalid Idempotency Key', 'The Idempotency-Key header is empty');
  if (key.length > MAX_KEY_LENGTH) throw new AppError(400, 'Invalid Idempotency Key', `The Idempotency-Key header is longer than ${MAX_KEY_LENGTH} characters`);
  return key;
}

/**
 * What makes two requests "the same": method, URL and body. JSON bodies count by content (keys sorted, so
 * whitespace and key order do not matter). Bodies the gateway does not parse (a streamed CSV import) cannot
 * be read here without buffering them; they count by content type, length and a Content-Digest/Repr-Digest
 * header if the client sends one.
 */
function fingerprintOf(req: Request): string {
  const hash = createHash('sha256').update(`${req.method} ${req.originalUrl}\n`);
  if (req.body !== undefined && (req as { rawBody?: Buffer }).rawBody) hash.update(canonicalJson(req.body));
  else for (const name of ['content-type', 'content-length', 'content-digest', 'repr-digest']) hash.update(`${name}: ${req.get(name) ?? ''}\n`);
  return hash.digest('hex');
}

/** JSON with object keys sorted at every level; iterative, so a deeply nested body cannot overflow the stack. */
export function canonicalJson(value: unknown): string {
  type Item = { raw: string } | { value: unknown };
  const out: string[] = [];
  const stack: Item[] = [{ value }];
  while (stack.length) {
    const item = stack.pop()!;
    if ('raw' in item) {
      out.push(item.raw);
      continue;
    }
    const v = item.value;
    const parts: Item[] = [];
    if (Array.isArray(v)) {
      parts.push({ raw: '[' });
      v.forEach((element, i) => parts.push(...(i ? [{ raw: ',' }] : []), { value: element }));
      parts.push({ raw: ']' });
    } else if (v !== null && typeof v === 'object') {
      parts.push({ raw: '{' });
      Object.keys(v)
        .sort()
        .forEach((k, i) => parts.push({ raw: `${i ? ',' : ''}${JSON.stringify(k)}:` }, { value: (v as Record<string, unknown>)[k] }));
      parts.push({ raw: '}' });
    } else {
      out.push(JSON.stringify(v) ?? 'null');
      continue;
    }
    for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
  }
  return out.join('');
}

function replay(res: Response, answer: StoredAnswer): void {
  res.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader('Idempotent-Replayed', 'true');
  // The first answer was too large to keep whole: this is its summary (docs/limits.md).
  if (answer.summary) res.setHeader('Idempotent-Replayed-Summary', 'true');
  res.end(answer.deflated ? inflateRawSync(answer.body) : answer.body);
}

type EndArgs = [chunk?: unknown, encoding?: unknown, callback?: unknown];

const toBuffer = (chunk: unknown, encoding: unknown): Buffer | undefined => {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return undefined;
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  return Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
};

/**
 * Wraps res.write/res.end to collect the answer; when the route ends the response, `onAnswer` runs first
 * (the record is stored before the client sees the answer, so a retry right after it finds the record).
 */
function captureAnswer(res: Response, onAnswer: (answer: { status: number; headers: Record<string, string>; body: Buffer }) => Promise<void>): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (...args: EndArgs) => boolean;
  const end = res.end.bind(res) as (...args: EndArgs) => Response;
  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const buffer = toBuffer(chunk, encoding);
    if (buffer) chunks.push(buffer);
    return write(chunk, encoding, callback);
  }) as Response['write'];
  let ended = false;
  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    if (ended) return res;
    ended = true;
    const buffer = toBuffer(chunk, encoding);
    if (buffer) chunks.push(buffer);
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = res.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    void onAnswer({ status: res.statusCode, headers, body: Buffer.concat(chunks) }).finally(() => end(chunk, encoding, callback));
    return res;
  }) as Response['end'];
}
