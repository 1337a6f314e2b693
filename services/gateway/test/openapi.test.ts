import type { Express } from '@oms/http';
import { buildAsyncApiDocument } from '@oms/contracts';
import { TestStack, type RunningService } from '@oms/testing';
import { definition } from '../src/service';
import { gatewayEnv } from './gateway-env';

type Layer = {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  name?: string;
  matchers?: Array<(path: string) => unknown>;
};

/** Every route express actually serves under /v1, as `METHOD /v1/path/{param}`. */
function servedRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          out.push(`${method.toUpperCase()} ${prefix}${layer.route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack, prefix);
    }
  };
  const root = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  // The router mounted at /v1 matches /v1/... and nothing else.
  const v1 = root.filter((l) => l.handle?.stack && l.matchers?.[0]?.('/v1/x') && !l.matchers[0]('/x'));
  for (const layer of v1) walk(layer.handle!.stack!, '/v1');
  return [...new Set(out)].filter((r) => r.includes(' /v1/')).sort();
}

/** The parts of the OpenAPI document the assertions read. */
type OpenApiDoc = { openapi: string; paths: Record<string, Record<string, any>> };
const fetchDocument = async (url: string) => (await (await fetch(`${url}/openapi.json`)).json()) as OpenApiDoc;

describe('OpenAPI document', () => {
  let stack: TestStack;
  let gateway: RunningService<unknown>;
  beforeAll(async () => {
    stack = await TestStack.create();
    gateway = (await stack.start(definition, gatewayEnv())) as RunningService<unknown>;
  });
  afterAll(async () => stack.cleanup());

  it('when /openapi.json is fetched, then it is OpenAPI 3.1 and documents every route the gateway serves', async () => {
    const doc = await fetchDocument(gateway.url);
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = servedRoutes(gateway.app);
    expect(served.length).toBeGreaterThan(10);
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it('when a route takes a body, then its schema, its success answer and its problem answers are documented', async () => {
    const doc = await fetchDocument(gateway.url);
    const post = doc.paths['/v1/orders'].post;
    expect(post.requestBody.content['application/json'].schema).toBeDefined();
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '413', '422', '503']));
    expect(post.responses['422'].content['application/problem+json']).toBeDefined();
  });

  it('when /asyncapi.json is fetched without a key, then it is the AsyncAPI document of the contracts', async () => {
    const res = await fetch(`${gateway.url}/asyncapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(buildAsyncApiDocument());
  });

  it('when /docs is opened, then the interactive documentation is served', async () => {
    const res = await fetch(`${gateway.url}/docs/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui');
  });
});
