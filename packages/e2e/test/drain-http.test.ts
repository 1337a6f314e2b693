import http from 'node:http';
import { MongoClient } from 'mongodb';
import { TestStack, eventually, sampleOrder, type RunningService } from '@oms/testing';
import { definition as ingestion } from '../../../services/ingestion/src/service';
import { gatewayEnv, TEST_BOOTSTRAP_KEY } from '../../../services/gateway/test/gateway-env';
import { logLines, startChildService, type ChildService } from './child-service';

/**
 * Graceful shutdown of the gateway under HTTP load, as Kubernetes does it: SIGTERM to the process while
 * ~50 clients keep posting orders. Nothing a client sent may be cut off, and every order that was answered
 * 202 must be stored by ingestion.
 */
const CONCURRENCY = 50;
const SHUTDOWN_TIMEOUT_MS = 15_000;
/** Readiness is 503 this long before the listener closes (the test can see it; see docs/shutdown.md). */
const DRAIN_DELAY_MS = 2_500;

type Outcome =
  | { externalId: string; at: number; status: number; id?: string; complete: boolean; connection?: string }
  | { externalId: string; at: number; error: string; code?: string; syscall?: string; reusedSocket: boolean; gotResponse: boolean };

/** POST one order on a kept-alive connection; a transport error is recorded, never thrown. */
function postOrder(agent: http.Agent, port: number, externalId: string): Promise<Outcome> {
  const payload = JSON.stringify(sampleOrder({ externalId }));
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: '/v1/orders',
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${TEST_BOOTSTRAP_KEY}` },
    });
    let gotResponse = false;
    const failed = (err: NodeJS.ErrnoException) =>
      resolve({ externalId, at: Date.now(), error: err.message, code: err.code, syscall: err.syscall, reusedSocket: req.reusedSocket, gotResponse });
    req.on('error', failed);
    req.setTimeout(30_000, () => req.destroy(new Error('client timeout')));
    req.on('response', (res) => {
      gotResponse = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('error', failed);
      res.on('end', () => {
        let id: string | undefined;
        try {
          id = (JSON.parse(body) as { id?: string }).id;
        } catch {
          // a truncated or non-JSON body: `complete` and `id` tell
        }
        resolve({ externalId, at: Date.now(), status: res.statusCode ?? 0, id, complete: res.complete, connection: res.headers.connection });
      });
    });
    req.end(payload);
  });
}

/**
 * /readyz on a fresh connection each time: '200', '503', 'closed' if no connection could be made, 'reset' if the
 * connection was reset before any answer began, or the error.
 */
function probeReadiness(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
      res.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.syscall === 'connect') resolve('closed');
      else resolve(err.code === 'ECONNRESET' ? 'reset' : (err.code ?? err.message));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('probe timeout')));
  });
}

describe('gateway: SIGTERM under HTTP load', () => {
  let stack: TestStack;
  let ing: RunningService<unknown>;
  let gateway: ChildService | undefined;
  let mongo: MongoClient;

  beforeAll(async () => {
    stack = await TestStack.create();
    ing = (await stack.start(ingestion)) as RunningService<unknown>;
    mongo = await MongoClient.connect(stack.mongoUrl('ingestion'));
  }, 60_000);
  afterAll(async () => {
    if (gateway && gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    await mongo?.close();
    await stack?.cleanup();
  });

  // HTTP_WORKERS=2 is how deploy/cluster.js runs the gateway: the primary passes SIGTERM on and waits.
  it.each([1, 2])(
    'when the gateway (HTTP_WORKERS=%i) gets SIGTERM while 50 clients post orders, then readiness turns 503 first, every request sent gets its whole answer, new connections are refused, it exits 0 in time, and every 202 order is stored',
    async (workers) => {
      gateway = await startChildService('gateway', {
        ...stack.env('gateway', gatewayEnv({ INGESTION_URL: ing.url })),
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        SHUTDOWN_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
        HTTP_WORKERS: String(workers),
        LOG_LEVEL: 'info',
      });
      const { port } = gateway;
      const channel = await fetch(`${gateway.url}/v1/channels/webshop`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_BOOTSTRAP_KEY}` },
        body: JSON.stringify({ name: 'Web shop', type: 'web', defaultCurrency: 'EUR' }),
      });
      expect([200, 201]).toContain(channel.status);

      // A load balancer's view: it polls /readyz on fresh connections and takes the instance out of rotation at
      // the first answer that is not 200. It keeps polling until the port is closed.
      const readiness: Array<{ at: number; result: string }> = [];
      const loadUntil = Date.now() + 50_000;
      let inRotation = true;
      const probing = (async () => {
        while (Date.now() < loadUntil) {
          const result = await probeReadiness(port);
          readiness.push({ at: Date.now(), result });
          if (result !== '200') inRotation = false;
          if (result === 'closed') break;
          await new Promise((r) => setTimeout(r, 20)); // the load balancer's polling interval (part of the scenario)
        }
      })();

      // 50 clients, each posting one new order after the other on its own kept-alive connection. Out of rotation,
      // a client still sends on the connection it holds (as through kube-proxy, whose connections outlive the
      // endpoint), but opens no new one: that request would go to another instance.
      const outcomes: Outcome[] = [];
      const agents: http.Agent[] = [];
      let next = 0;
      const holdsConnection = (agent: http.Agent) => Object.values(agent.freeSockets).some((sockets) => (sockets?.length ?? 0) > 0);
      const clients = Array.from({ length: CONCURRENCY }, async () => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        agents.push(agent);
        while (Date.now() < loadUntil && (inRotation || holdsConnection(agent))) outcomes.push(await postOrder(agent, port, `DRAIN-${workers}-${next++}`));
      });

      // Under load: SIGTERM once a few hundred orders went through.
      await eventually(() => outcomes.length >= 300, 30_000, 10);
      const sigtermAt = Date.now();
      const answeredBeforeSigterm = outcomes.length;
      gateway.child.kill('SIGTERM');
      const exit = await gateway.exited;
      await Promise.all(clients);
      await probing;
      for (const agent of agents) agent.destroy();

      // Exit 0, within the shutdown deadline, after a clean drain.
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.at - sigtermAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      expect(logLines(gateway.output(), 'shutting down')).toHaveLength(workers);
      expect(logLines(gateway.output(), 'shutdown timed out')).toHaveLength(0);
      expect(logLines(gateway.output(), 'HTTP requests still open at the deadline; closing their connections')).toHaveLength(0);

      // Every request sent was answered in full: no reset, no hang-up, no truncated body.
      const answered = outcomes.filter((o): o is Extract<Outcome, { status: number }> => 'status' in o);
      expect(outcomes.filter((o) => 'error' in o)).toEqual([]);
      expect(answered.filter((a) => a.status !== 202 || !a.complete || !a.id)).toEqual([]);
      // Requests were still answered after SIGTERM (in flight, or on held connections during the drain), and
      // from the drain on each answer closed its connection, which moved the clients off before the port closed.
      const closing = answered.filter((a) => a.connection === 'close');
      expect(closing.length).toBeGreaterThan(0);
      expect(closing.every((a) => a.at > sigtermAt)).toBe(true);
      expect(outcomes.length).toBeGreaterThan(answeredBeforeSigterm);

      // Readiness: 200 before, then 503 while still listening, then the port is closed (a new connection is
      // refused, not answered in part); never back to 200.
      // A probe can connect just as the port closes and be reset before any answer. The kernel completes a
      // connection for the listening socket before the process accepts it, and resets those still waiting when
      // the socket closes (with HTTP_WORKERS, node:cluster's primary does the same with one it could not hand to
      // a worker). Nothing read that request, so for the balancer it is the same signal as a refusal.
      const results = readiness.map((r) => (r.result === 'reset' ? 'closed' : r.result));
      expect(new Set(results)).toEqual(new Set(['200', '503', 'closed']));
      const first503 = results.indexOf('503');
      expect(first503).toBeLessThan(results.indexOf('closed'));
      expect(results.slice(first503).includes('200')).toBe(false);
      expect(results.slice(0, first503).every((r) => r === '200')).toBe(true);
      expect(await probeReadiness(port)).toBe('closed');

      // Every order answered 202 is stored by ingestion, and no other.
      const ids = answered.map((a) => a.id!);
      expect(new Set(ids).size).toBe(ids.length);
      const orders = mongo.db().collection('orders');
      await eventually(async () => (await orders.countDocuments({ _id: { $in: ids } } as never)) === ids.length, 45_000, 250);
      expect(await orders.countDocuments({ externalId: { $regex: `^DRAIN-${workers}-` } })).toBe(ids.length);
    },
    120_000,
  );
});
