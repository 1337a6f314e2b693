import http from 'node:http';
import request from 'supertest';
import { createHttpApp } from '@oms/http';
import { createLogger } from '@oms/logging';
import { TestStack } from '@oms/testing';
import { gatewayEnv } from '../../../services/gateway/test/gateway-env';
import { logLines, startChildService, type ChildService } from './child-service';

/** GET on a connection of its own: node:cluster hands each new connection to the next worker in turn. */
function getOnFreshConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** The value of `oms_http_requests_total` for one route and status in a Prometheus text exposition. */
function requestsCounted(exposition: string, route: string, status: number): number {
  const line = exposition
    .split('\n')
    .find((l) => l.startsWith('oms_http_requests_total{') && l.includes(`route="${route}"`) && l.includes(`status="${status}"`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** GET /metrics on a fresh connection (text with 200), status and body otherwise. */
function getMetrics(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/metrics`, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/**
 * One scrape, as Prometheus makes it: a 503 ("try again shortly": collecting from the workers took too long,
 * which a loaded CI machine can cause) is scraped again, up to three times, never counted as a sample.
 */
async function scrape(service: ChildService): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const { status, body } = await getMetrics(service.url);
    if (status === 200) return body;
    if (status !== 503 || attempt === 3) {
      const causes = logLines(service.output(), 'metrics unavailable').map((line) => line.err);
      throw new Error(`/metrics answered ${status}: ${body} (logged causes: ${JSON.stringify(causes)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

describe('/metrics of a service running as several processes (HTTP_WORKERS)', () => {
  let stack: TestStack;
  let gateway: ChildService | undefined;

  beforeAll(async () => {
    stack = await TestStack.create();
  }, 60_000);
  afterAll(async () => {
    if (gateway && gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    await stack?.cleanup();
  });

  it('counts the requests of every worker in each scrape, whichever worker answers it', async () => {
    gateway = await startChildService('gateway', { ...stack.env('gateway', gatewayEnv()), HTTP_WORKERS: '2' });
    const sent = 40;
    for (let i = 0; i < sent; i++) expect(await getOnFreshConnection(`${gateway.url}/healthz`)).toBe(200);

    // Each scrape on a fresh connection too, so the scrapes reach both workers. Each worker alone saw about
    // half of the requests: only the sum over the workers gives 40 every time.
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) counts.push(requestsCounted(await scrape(gateway), '/healthz', 200));
    expect(counts).toEqual(Array(6).fill(sent));
  }, 90_000);
});

describe('/metrics when the metrics cannot be collected', () => {
  it('answers 503 problem+json, not a partial or a 500', async () => {
    const app = createHttpApp({
      logger: createLogger('test', 'silent'),
      readiness: () => ({}),
      routes: () => undefined,
      metrics: () => Promise.reject(new Error('the primary process did not send the metrics within 10000 ms')),
    });
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
  });
});
