import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { Counter, Histogram, register } from 'prom-client';
import { AppError } from '@oms/errors';
import type { Logger } from '@oms/logging';

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
}

const httpRequests = new Counter({ name: 'oms_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'] });
const httpSeconds = new Histogram({
  name: 'oms_http_request_seconds',
  help: 'HTTP request latency',
  labelNames: ['method', 'route'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

export function sendProblem(res: Response, error: AppError): void {
  res.status(error.status).type('application/problem+json').json({ ...error.toProblem(), instance: res.req.originalUrl });
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
  app.locals.startDraining = () => (draining = true);

  app.use((req, res, next) => {
    const header = req.get('x-request-id');
    const requestId = header && /^[A-Za-z0-9._-]{1,100}$/.test(header) ? header : randomUUID();
    res.locals.requestId = requestId;
    res.locals.logger = options.logger.child({ requestId });
    res.setHeader('X-Request-Id', requestId);
    const end = httpSeconds.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      end({ method: req.method, route });
      httpRequests.inc({ method: req.method, route, status: res.statusCode });
      if (route !== '/healthz' && route !== '/readyz' && route !== '/metrics')
        res.locals.logger.info({ method: req.method, url: req.originalUrl, status: res.statusCode }, 'request');
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const checks = { ...options.readiness(), accepting: !draining };
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(register.contentType).send(await register.metrics());
  });

  // Keep the raw bytes too: signed webhooks are verified over the body exactly as it was sent.
  const keepRawBody = (req: unknown, _res: unknown, buf: Buffer) => void ((req as { rawBody?: Buffer }).rawBody = buf);
  app.use(express.json({ limit: options.jsonLimit ?? '1mb', type: ['application/json', 'application/*+json'], verify: keepRawBody }));
  options.routes(app);

  app.use((req, _res, next) => next(new AppError(404, 'Not Found', `No route for ${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
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
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return sendProblem(res, new AppError(e.status, 'Bad Request', 'The request could not be read'));
  logger?.error({ err }, 'unhandled error');
  sendProblem(res, new AppError(500, 'Internal Server Error', 'Something went wrong on our side; it has been logged'));
};
