import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { Counter, Histogram, register } from 'prom-client';
import { AppError, boundedProblem } from '@oms/errors';
import type { Logger } from '@oms/logging';
import { recordErrorOnActiveSpan, startHttpServerSpan, type HttpServerSpan, type Tracing } from '@oms/tracing';

export { express };
export type { Express, Request, Response, NextFunction, RequestHandler };

export type ReadinessCheck = () => Record<string, boolean>;

export interface HttpAppOptions {
  logger: Logger;
  /** Named checks for /readyz (broker, database, redis...); all must be true. */
  readiness: ReadinessCheck;
  /** Mount the service's routes. */
  routes: (app: Express) => void;
  /** Body parsers are mounted by routes themselves when they need the raw body (webhooks). */
  jsonLimit?: string;
  /** A SERVER span per request (not for the probes and /metrics), continuing an incoming `traceparent`. */
  tracing?: Tracing;
  /**
   * The text /metrics answers: this process's registry unless given. A worker of `HTTP_WORKERS` gives the
   * sum over all workers (@oms/runtime), so that one scrape sees the whole service.
   */
  metrics?: () => Promise<string>;
  /**
   * The shared service token (INTERNAL_API_TOKEN): when set, every `/internal/*` request must carry it as
   * `Authorization: Bearer <token>` (internalAuthHeaders), or it is refused with 401.
   */
  internalToken?: string;
  /** A second token accepted as well during a rotation (INTERNAL_API_TOKEN_PREVIOUS). */
  internalTokenPrevious?: string;
}

/** Requests scraped or probed every few seconds: a span each would bury the traces worth reading. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const httpRequests = new Counter({ name: 'oms_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'] });
const httpSeconds = new Histogram({
  name: 'oms_http_request_seconds',
  help: 'HTTP request latency',
  labelNames: ['method', 'route'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

/** Every problem answer of every service goes out here, bounded in size (PROBLEM_LIMITS of @oms/errors). */
export function sendProblem(res: Response, error: AppError): void {
  res
    .status(error.status)
    .type('application/problem+json')
    .json({ ...boundedProblem(error.toProblem()), instance: res.req.originalUrl.slice(0, 500) });
}

/**
 * The express 5 app every service uses: request ids, access logs, health and readiness, Prometheus
 * metrics, and one error handler that answers RFC 9457 problem+json and never leaks internals.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  let draining = false;
  // Responses not yet started: when the drain begins they get `Connection: close` too (see below).
  const unanswered = new Set<Response>();
  app.locals.startDraining = () => {
    draining = true;
    for (const res of unanswered) if (!res.headersSent) res.setHeader('Connection', 'close');
  };

  app.use((req, res, next) => {
    // Draining (shutting down): every answer closes its connection, so a keep-alive client moves to another
    // instance after its answer instead of sending its next request on a socket we are about to close.
    if (draining) res.setHeader('Connection', 'close');
    else {
      unanswered.add(res);
      res.once('close', () => unanswered.delete(res));
    }
    const header = req.get('x-request-id');
    const requestId = header && /^[A-Za-z0-9._-]{1,100}$/.test(header) ? header : randomUUID();
    res.locals.requestId = requestId;
    res.locals.logger = options.logger.child({ requestId });
    res.setHeader('X-Request-Id', requestId);
    const end = httpSeconds.startTimer();
    const span: HttpServerSpan | undefined = options.tracing?.enabled && !UNTRACED_PATHS.has(req.path) ? startHttpServerSpan(options.tracing, req) : undefined;
    if (span) res.on('close', () => span.abort()); // after 'finish' when the response was sent: then a no-op
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      span?.end(req.route?.path ? route : undefined, res.statusCode);
      const seconds = end({ method: req.method, route });
      httpRequests.inc({ method: req.method, route, status: res.statusCode });
      if (route === '/healthz' || route === '/readyz' || route === '/metrics') return;
      // Every request is counted and timed in /metrics; the log gets the ones worth reading at info (errors,
      // refusals, slow answers), the rest at debug, so that logging does not eat the intake's CPU.
      const worthReading = res.statusCode >= 400 || seconds > 1;
      res.locals.logger[worthReading ? 'info' : 'debug'](
        { method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(seconds * 1000) },
        'request',
      );
    });
    // Everything after this middleware runs in the span's context (raw-body keeps it across the body's events).
    if (span) span.run(next);
    else next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const checks = { ...options.readiness(), accepting: !draining };
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  const metrics = options.metrics ?? (() => register.metrics());
  app.get('/metrics', async (_req, res) => {
    let text: string;
    try {
      text = await metrics();
    } catch (err) {
      // A partial answer would make counters jump back and forth between scrapes: better no sample at all.
      options.logger.warn({ err: (err as Error).message }, 'metrics unavailable');
      throw new AppError(503, 'Service Unavailable', 'The metrics could not be collected; try again shortly');
    }
    res.type(register.contentType).send(text);
  });

  // Keep the raw bytes too: signed webhooks are verified over the body exactly as it was sent.
  const keepRawBody = (req: unknown, _res: unknown, buf: Buffer) => void ((req as { rawBody?: Buffer }).rawBody = buf);
  app.use(express.json({ limit: options.jsonLimit ?? '1mb', type: ['application/json', 'application/*+json'], verify: keepRawBody }));
  app.use(rejectOperatorKeys);
  if (options.internalToken) app.use('/internal', requireInternalToken(options.internalToken, options.internalTokenPrevious));
  options.routes(app);

  app.use((req, _res, next) => next(new AppError(404, 'Not Found', `No route for ${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}

/** The headers a caller of another service's `/internal/*` routes sends (the gateway's upstream clients). */
export function internalAuthHeaders(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Every `/internal/*` route of a service is for the other services only: the caller proves it is one with
 * the shared token. Compared in constant time (both sides hashed first, so their lengths match and
 * timingSafeEqual applies), so the time of an answer tells nothing about how much of a guess was right.
 */
export function requireInternalToken(token: string, previous?: string): RequestHandler {
  const accepted = [token, ...(previous ? [previous] : [])].map(digest);
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const presented = header.startsWith('Bearer ') ? digest(header.slice(7)) : undefined;
    // Every accepted token is compared, always: which one matched (or that none did) takes the same time.
    const matches = presented ? accepted.map((expected) => timingSafeEqual(presented, expected)) : [];
    if (matches.includes(true)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="oms-internal"');
    next(new AppError(401, 'Unauthorized', 'Internal routes need the service token'));
  };
}

/**
 * The HTTP server for an express app (the services' apps come from createHttpApp). Its requests and
 * responses are created with the app's own prototypes from the start. Express otherwise switches the
 * prototype of each request and response when it takes them (`Object.setPrototypeOf` in `app.handle`). V8
 * then drops the optimised shape of both objects, and node's own HTTP code that reads and writes them slows
 * down too. Express still sets the prototype; it is the one the objects already have, which costs nothing.
 * Measured on the 2-core machine (docs/benchmarks/2026-11-27-intake-express-prototype-switch.md): half the CPU per request for an app with the gateway's
 * layers and a trivial route, and about a fifth less CPU per order for the gateway's intake.
 */
export function createHttpServer(app: Express): Server {
  // Node's IncomingMessage and ServerResponse are constructor functions, so subtypes whose prototype is the
  // app's own are plain functions that call them. (Reflect.construct with the subtype as new.target, which a
  // class would need, was slower here than no change at all.)
  function AppRequest(this: IncomingMessage, ...args: unknown[]) {
    (IncomingMessage as unknown as (...a: unknown[]) => void).apply(this, args);
  }
  AppRequest.prototype = app.request;
  function AppResponse(this: ServerResponse, ...args: unknown[]) {
    (ServerResponse as unknown as (...a: unknown[]) => void).apply(this, args);
  }
  AppResponse.prototype = app.response;
  return createServer(
    { IncomingMessage: AppRequest as unknown as typeof IncomingMessage, ServerResponse: AppResponse as unknown as typeof ServerResponse },
    app,
  );
}

const MAX_LISTED_KEYS = 100;
/**
 * Deeper JSON than this is refused: no body of this system nests anywhere near it, while serialisers and
 * validators recurse (JSON.stringify overflows the stack at a few thousand levels) and MongoDB refuses
 * documents nested deeper than 100 levels, which would surface as a 5xx long after the request was accepted.
 */
export const MAX_BODY_DEPTH = 64;

/**
 * A JSON body with a key that starts with `$` or contains `.`, at any depth, is refused (400, every offending
 * path listed). Such keys are MongoDB operators and field paths: a body that reaches a filter or an update
 * could otherwise inject `$where`, `$gt` or `a.b` into a query. Checked here, right after the JSON parser,
 * so every service (and every route, including signed webhooks) gets it without thinking about it; no
 * legitimate body of this system needs such keys. Bodies nested deeper than MAX_BODY_DEPTH are refused too.
 */
export const rejectOperatorKeys: RequestHandler = (req, _res, next) => {
  const { operatorKeys, nulStrings, tooDeepAt } = inspectBody(req.body);
  if (tooDeepAt !== undefined)
    return next(
      new AppError(400, 'Too Deeply Nested', `JSON bodies may nest at most ${MAX_BODY_DEPTH} levels`, [
        { path: tooDeepAt, message: `nested deeper than ${MAX_BODY_DEPTH} levels` },
      ]),
    );
  if (nulStrings.length > 0)
    return next(
      new AppError(
        400,
        'Forbidden Characters',
        'Text may not contain the NUL character (U+0000)',
        nulStrings.map((path) => ({ path, message: 'contains U+0000' })),
      ),
    );
  if (operatorKeys.length === 0) return next();
  next(
    new AppError(
      400,
      'Forbidden Keys',
      'Keys starting with "$" or containing "." are not accepted',
      operatorKeys.map((path) => ({ path, message: 'keys may not start with "$" or contain "."' })),
    ),
  );
};

/** Paths (dot-joined, as in validation errors) of every key that starts with `$` or contains `.`; at most 100. */
export function operatorKeyPaths(body: unknown): string[] {
  return inspectBody(body, Infinity).operatorKeys;
}

/**
 * One iterative walk (deep nesting cannot overflow the stack): the operator keys found, and where the body
 * first nests deeper than `maxDepth`, if it does (the walk stops there).
 */
export function inspectBody(body: unknown, maxDepth = MAX_BODY_DEPTH): { operatorKeys: string[]; nulStrings: string[]; tooDeepAt?: string } {
  // Each node points at its parent; a path is only built when reported, so the walk stays linear.
  type Node = { value: unknown; key: string; parent: Node | undefined; depth: number };
  const pathOf = (node: Node | undefined, key?: string) => {
    const parts = key === undefined ? [] : [key];
    for (let n = node; n?.parent; n = n.parent) parts.push(n.key);
    return parts.reverse().join('.') || '(root)';
  };
  const found: string[] = [];
  const nulStrings: string[] = [];
  const isContainer = (v: unknown) => v !== null && typeof v === 'object';
  if (!isContainer(body)) return { operatorKeys: found, nulStrings: typeof body === 'string' && body.includes('\u0000') ? ['(root)'] : [] };
  const stack: Node[] = [{ value: body, key: '', parent: undefined, depth: 1 }];
  while (stack.length && found.length < MAX_LISTED_KEYS) {
    const node = stack.pop()!;
    if (node.depth > maxDepth) return { operatorKeys: found, nulStrings, tooDeepAt: pathOf(node) };
    const entries = Array.isArray(node.value) ? node.value.map((v, i) => [String(i), v] as const) : Object.entries(node.value as object);
    if (!Array.isArray(node.value)) for (const [key] of entries) if (key.startsWith('$') || key.includes('.')) found.push(pathOf(node, key));
    // PostgreSQL (under FerretDB) cannot store U+0000 in text: refuse it here rather than fail later.
    for (const [key, value] of entries)
      if (nulStrings.length < MAX_LISTED_KEYS && ((typeof value === 'string' && value.includes('\u0000')) || key.includes('\u0000')))
        nulStrings.push(pathOf(node, key));
    for (let i = entries.length - 1; i >= 0; i--)
      if (isContainer(entries[i][1])) stack.push({ value: entries[i][1], key: entries[i][0], parent: node, depth: node.depth + 1 });
  }
  return { operatorKeys: found.slice(0, MAX_LISTED_KEYS), nulStrings };
}

/** Map body-parser errors to 4xx, AppErrors to their problem, everything else to an opaque 500 (and a log). */
export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const logger: Logger | undefined = res.locals.logger;
  if (err instanceof AppError) return sendProblem(res, err);
  const e = err as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.too.large') return sendProblem(res, new AppError(413, 'Content Too Large', 'The request body is larger than allowed'));
  if (e.type === 'entity.parse.failed') return sendProblem(res, new AppError(400, 'Malformed JSON', 'The request body is not valid JSON'));
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
    return sendProblem(res, new AppError(415, 'Unsupported Media Type', 'Unsupported content encoding or charset'));
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
    return sendProblem(res, new AppError(e.status, 'Bad Request', 'The request could not be read'));
  logger?.error({ err }, 'unhandled error');
  recordErrorOnActiveSpan(err);
  sendProblem(res, new AppError(500, 'Internal Server Error', 'Something went wrong on our side; it has been logged'));
};
