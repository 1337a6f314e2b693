import request from 'supertest';
import { z } from 'zod';
import { AppError } from '@oms/errors';
import { createHttpApp, express } from '@oms/http';
import { createLogger } from '@oms/logging';
import { BrokerUnavailableError, type CommandClient, type RequestOutcome } from '@oms/messaging';
import { requireApiKey, requireOps, type Principal } from '../src/entry-points/http/auth';
import { commandRoute } from '../src/entry-points/http/command-route';
import { mapGatewayErrors } from '../src/entry-points/http/problems';

/**
 * The one helper every command route goes through, in front of a command client whose answers the test
 * scripts: no broker, no other service.
 */
const KEYS: Record<string, Principal> = { ops: { actor: 'api-key:ops', roles: ['ops'] }, shop: { actor: 'api-key:shop', roles: ['channel:webshop'] } };
const as = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('command routes', () => {
  const sent: Array<{ type: string; data: unknown; meta: unknown; timeoutMs?: number }> = [];
  let answer: () => Promise<RequestOutcome> = async () => ({ status: 'done', result: {} });
  const commands = {
    send: async (type: string, data: unknown, meta: unknown, timeoutMs?: number) => {
      sent.push({ type, data, meta, timeoutMs });
      return answer();
    },
  } as unknown as CommandClient;

  const router = express.Router();
  router.use(requireApiKey((key) => KEYS[key]));
  commandRoute(
    router,
    { commands, commandTimeoutMs: 1234 },
    {
      method: 'post',
      path: '/things/:id/pack',
      summary: 'test: pack a thing',
      tags: ['test'],
      params: z.object({ id: z.string() }),
      responses: { 200: { description: 'Packed' }, 202: { description: 'Queued' } },
      command: ({ params }, res) => ({
        type: 'fulfillment.pack.v1',
        data: { fulfillmentId: params.id, actor: requireOps(res).actor },
        correlationId: params.id,
      }),
      pending: ({ fulfillmentId }) => ({ id: fulfillmentId, status: 'pack_requested' }),
    },
  );
  commandRoute(
    router,
    { commands, commandTimeoutMs: 1234 },
    {
      method: 'post',
      path: '/things',
      summary: 'test: open a thing',
      tags: ['test'],
      body: z.object({ orderId: z.string() }),
      responses: { 201: { description: 'Opened' }, 202: { description: 'Queued' } },
      command: ({ body }, res) => ({
        type: 'return.open.v1',
        data: { returnId: 'r-1', orderId: body.orderId, lines: [{ sku: 'A', quantity: 1, reason: 'x' }], actor: requireOps(res).actor },
        correlationId: body.orderId,
        id: 'fixed-id',
      }),
      location: ({ returnId }) => `/v1/things/${returnId}`,
      doneStatus: 201,
      done: (result, { returnId }) => ({ id: returnId, ...(result as object) }),
      pending: ({ returnId }) => ({ id: returnId, status: 'requested' }),
    },
  );
  router.use(mapGatewayErrors);
  const app = createHttpApp({ logger: createLogger('command-route-test', 'silent'), readiness: () => ({}), routes: (a) => a.use('/v1', router) });

  beforeEach(() => {
    sent.length = 0;
  });

  it('when the handler answers in time, then its answer is the 200, and the command carries the ids, the actor and the timeout', async () => {
    answer = async () => ({ status: 'done', result: { id: 'f-1', status: 'packed' } });
    const res = await request(app).post('/v1/things/f-1/pack').set(as('ops'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'f-1', status: 'packed' });
    expect(sent).toEqual([
      { type: 'fulfillment.pack.v1', data: { fulfillmentId: 'f-1', actor: 'api-key:ops' }, meta: { correlationId: 'f-1', id: undefined }, timeoutMs: 1234 },
    ]);
  });

  it('when the handler does not answer in time, then 202 with the pending body', async () => {
    answer = async () => ({ status: 'pending' });
    const res = await request(app).post('/v1/things/f-2/pack').set(as('ops'));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: 'f-2', status: 'pack_requested' });
  });

  it('when the route names a status, a location and the answer, then both outcomes carry the Location, and the fixed id goes with the command', async () => {
    answer = async () => ({ status: 'done', result: { status: 'requested', lines: 1 } });
    const done = await request(app).post('/v1/things').set(as('ops')).send({ orderId: 'o-1' });
    expect(done.status).toBe(201);
    expect(done.headers.location).toBe('/v1/things/r-1');
    expect(done.body).toEqual({ id: 'r-1', status: 'requested', lines: 1 });
    expect(sent[0].meta).toEqual({ correlationId: 'o-1', id: 'fixed-id' });

    answer = async () => ({ status: 'pending' });
    const pending = await request(app).post('/v1/things').set(as('ops')).send({ orderId: 'o-1' });
    expect(pending.status).toBe(202);
    expect(pending.headers.location).toBe('/v1/things/r-1');
    expect(pending.body).toEqual({ id: 'r-1', status: 'requested' });
  });

  it('when the owning service refuses, then its problem is the answer, with its status, and no Location', async () => {
    answer = async () => {
      throw new AppError(409, 'Conflict', 'the thing is packed already');
    };
    const res = await request(app).post('/v1/things').set(as('ops')).send({ orderId: 'o-1' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, title: 'Conflict', detail: 'the thing is packed already' });
    expect(res.headers.location).toBeUndefined();
  });

  it('when a check of the route refuses, then nothing is sent', async () => {
    const res = await request(app).post('/v1/things/f-3/pack').set(as('shop'));
    expect(res.status).toBe(403);
    expect(sent).toEqual([]);
  });

  it('when the broker does not take the command, then 503 with Retry-After', async () => {
    answer = async () => {
      throw new BrokerUnavailableError('down');
    };
    const res = await request(app).post('/v1/things/f-4/pack').set(as('ops'));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });
});
