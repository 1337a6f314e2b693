import { extendZodWithOpenApi, OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { AppError, parseOrThrow } from '@oms/errors';
import { express, type Request, type Response } from '@oms/http';

/**
 * Every public route is declared through `apiRoute`: the zod schemas that validate the request are the
 * ones the OpenAPI document is generated from, so the document cannot drift from the code. A route added
 * with plain `router.get` would be missing from the document, and the coverage test fails.
 */
extendZodWithOpenApi(z);
export const registry = new OpenAPIRegistry();

export const problemSchema = registry.register(
  'Problem',
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.number().int(),
      detail: z.string().optional(),
      instance: z.string().optional(),
      errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    })
    .describe('RFC 9457 problem details; `errors` lists every field error with its path'),
);

registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' });

const COMMON_ERRORS: Record<number, string> = {
  400: 'Malformed request (invalid JSON, forbidden keys, an id in the path that is not one)',
  401: 'Missing or invalid credentials',
  403: 'The key may not do this',
  404: 'Not found (or not visible to this key)',
  413: 'Body larger than 1 MB',
  422: 'Validation failed; every field error is listed',
  429: 'Rate limit exceeded; see Retry-After',
  503: 'A dependency is unavailable; retry after Retry-After',
};

/**
 * The one pattern every id taken from a path must match (checked for every path parameter of every route
 * before its own schema; 400 otherwise): the characters of the system's ids (identifiers, SKUs, UUIDs), and
 * never `.` or `..` alone. An id is passed on to a service inside a URL path, where `..` would climb a level
 * (`/internal/orders/..` is `/internal/`) and `/`, `?`, `#` or `%` would change what is asked for.
 */
export const PATH_ID_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9._:-]{1,200}$/;

/** An id taken from the path and passed on to a service: PATH_ID_PATTERN. */
export const pathId = z.string().regex(PATH_ID_PATTERN, 'letters, digits, dot, colon, dash and underscore only (at most 200), and not . or ..');

/**
 * Every path parameter against PATH_ID_PATTERN: 400 problem naming each one that does not match. A route's
 * `valueParams` are values, not ids (a blocklisted email or address): their own schema checks them, and they
 * are only refused here as `.` or `..`, which would climb a level if passed on in a URL even when encoded.
 */
export function assertPathIds(params: Record<string, string>, valueParams: readonly string[] = []): void {
  const bad = Object.entries(params).filter(([name, value]) => (valueParams.includes(name) ? /^\.{1,2}$/.test(value) : !PATH_ID_PATTERN.test(value)));
  if (bad.length)
    throw new AppError(
      400,
      'Invalid Path Parameter',
      'Ids in the path are letters, digits, dot, colon, dash and underscore only (at most 200), and not . or ..',
      bad.map(([name]) => ({ path: name, message: 'does not match the id pattern' })),
    );
}

/** `?orderId=` on the list queries of other services' objects: required, one value, an id as in a path. */
export const byOrderQuery = z.object({ orderId: pathId });

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The validated request: body, query and path parameters, each as its schema parsed it. */
export interface RouteInput<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  body: z.infer<B>;
  query: z.infer<Q>;
  params: z.infer<P>;
}

export interface ApiRouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: Method;
  /** Express path relative to /v1, e.g. `/orders/:id`. */
  path: string;
  summary: string;
  tags: string[];
  /** `apiKey` (default): bearer key; `signature`: HMAC-signed webhook, no key; `none`: public. */
  auth?: 'apiKey' | 'signature' | 'none';
  body?: B;
  /** Media type of the body in the document (default application/json). */
  bodyContentType?: string;
  /**
   * Document `body` but do not validate it here: the handler validates it itself, e.g. a signed webhook
   * whose body may only be read after its signature was verified, or a body of several shapes that the
   * handler tells apart to give precise field errors. `input.body` is then the unvalidated `req.body`.
   */
  documentBodyOnly?: boolean;
  query?: Q;
  params?: P;
  /** Path parameters that are values, not ids (see assertPathIds): passed on only URL-encoded (`seg`) or in a message. */
  valueParams?: readonly string[];
  /** Success responses: status → description and optional schema (JSON) or content type. */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  /** Extra error statuses this route answers besides the common ones. */
  errors?: number[];
  handler: (req: Request, res: Response, input: RouteInput<B, Q, P>) => Promise<void> | void;
}

const documented = new Set<string>();
const toOpenApiPath = (path: string) => `/v1${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;

export function apiRoute<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, P extends z.ZodType = z.ZodUnknown>(
  router: express.Router,
  spec: ApiRouteSpec<B, Q, P>,
): void {
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    responses[status] = r.schema
      ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema } } }
      : r.contentType
        ? { description: r.description, content: { [r.contentType]: { schema: { type: 'string', format: 'binary' } } } }
        : { description: r.description };
  }
  const errorStatuses = new Set([400, 404, 422, 503, ...(spec.errors ?? [])]);
  if ((spec.auth ?? 'apiKey') !== 'none') errorStatuses.add(401);
  if ((spec.auth ?? 'apiKey') === 'apiKey') [403, 429].forEach((s) => errorStatuses.add(s));
  if (spec.body) errorStatuses.add(413);
  for (const status of errorStatuses)
    responses[status] ??= { description: COMMON_ERRORS[status] ?? 'Error', content: { 'application/problem+json': { schema: problemSchema } } };

  // The gateway may be built more than once in one process (tests): document each route once.
  const key = `${spec.method} ${spec.path}`;
  if (!documented.has(key)) {
    documented.add(key);
    const auth = spec.auth ?? 'apiKey';
    registry.registerPath({
      method: spec.method,
      path: toOpenApiPath(spec.path),
      summary: spec.summary,
      tags: spec.tags,
      security: auth === 'apiKey' ? [{ apiKey: [] }] : [],
      request: {
        ...(spec.body ? { body: { required: true, content: { [spec.bodyContentType ?? 'application/json']: { schema: spec.body } } } } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.params ? { params: spec.params as never } : {}),
      },
      responses,
    });
  }

  router[spec.method](spec.path, async (req, res) => {
    assertPathIds(req.params as Record<string, string>, spec.valueParams);
    const input = {
      body: spec.body && !spec.documentBodyOnly ? parseOrThrow(spec.body, req.body ?? {}, 'request body') : req.body,
      query: spec.query ? parseOrThrow(spec.query, req.query, 'query string') : req.query,
      params: spec.params ? parseOrThrow(spec.params, req.params, 'path') : req.params,
    };
    await spec.handler(req, res, input as never);
  });
}

/** Paths of the document, as `METHOD /v1/path/{param}`: for the coverage test. */
export function documentedRoutes(): string[] {
  return [...documented].map((k) => {
    const [method, path] = k.split(' ');
    return `${method.toUpperCase()} ${toOpenApiPath(path)}`;
  });
}
