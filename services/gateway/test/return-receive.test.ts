import express from 'express';
import request from 'supertest';
import { createLogger } from '@oms/logging';
import { Broker, QueueConsumer } from '@oms/messaging';
import { serve, type RunningSandbox } from '@oms/sandboxes';
import { TestStack, expectNothingWithin, type RunningService } from '@oms/testing';
import { definition } from '../src/service';
import type { GatewayConfig } from '../src/config';
import { gatewayEnv, TEST_BOOTSTRAP_KEY } from './gateway-env';

const ops = { Authorization: `Bearer ${TEST_BOOTSTRAP_KEY}` };
const lines = [{ sku: 'TSHIRT-BLK-M', quantity: 1, condition: 'resellable' }];

/** Inventory's location query as the gateway reads it: `berlin` exists, `flaky` fails (500), any other is a 404. */
function fakeInventory(asked: string[]) {
  const app = express();
  app.get('/internal/locations/:id', (req, res) => {
    asked.push(req.params.id);
    if (req.params.id === 'berlin') return res.json({ id: 'berlin', name: 'Berlin', type: 'warehouse', active: true });
    if (req.params.id === 'flaky') return res.status(500).json({ title: 'Internal Server Error', status: 500 });
    res
      .status(404)
      .type('application/problem+json')
      .json({ type: 'about:blank', title: 'Not Found', status: 404, detail: `location ${req.params.id} was not found` });
  });
  return app;
}

/**
 * POST /v1/returns/{id}/receive asks inventory whether the location exists before it sends anything: the
 * restock that follows a receipt is sent without waiting, so an unknown location must be refused here.
 */
describe('receiving a return (POST /v1/returns/{id}/receive)', () => {
  let stack: TestStack;
  let inventory: RunningSandbox;
  let gateway: RunningService<GatewayConfig>;
  let broker: Broker;
  let returnsConsumer: QueueConsumer;
  const asked: string[] = [];
  /** The return.receive.v1 commands the returns service got. */
  const received: Array<{ returnId: string; locationId: string; actor: string }> = [];

  beforeAll(async () => {
    stack = await TestStack.create();
    inventory = await serve(fakeInventory(asked));
    gateway = await stack.start(definition, gatewayEnv({ INVENTORY_URL: inventory.url }));
    broker = new Broker({ url: stack.amqpUrl, service: 'fake-returns', logger: createLogger('fake', 'silent') });
    await broker.connect();
    returnsConsumer = new QueueConsumer(
      broker,
      'returns.commands',
      {
        'return.open.v1': async () => ({}),
        'return.receive.v1': async (m) => {
          received.push({ returnId: m.data.returnId, locationId: m.data.locationId, actor: m.data.actor });
          return { id: m.data.returnId, status: 'received', receipt: { locationId: m.data.locationId, lines: m.data.lines } };
        },
      },
      { prefetch: 10, maxAttempts: 2, retryDelaysMs: [50] },
    );
    await returnsConsumer.start();
  });

  afterAll(async () => {
    await returnsConsumer?.stop();
    await broker?.close();
    await inventory?.close();
    await stack?.cleanup();
  });

  beforeEach(() => {
    asked.length = 0;
    received.length = 0;
  });

  const receive = (returnId: string, locationId: string, auth: Record<string, string> = ops) =>
    request(gateway.app).post(`/v1/returns/${returnId}/receive`).set(auth).send({ locationId, lines });

  it('when the location is unknown to inventory, then 422 names the field at once and nothing is sent to the returns service', async () => {
    const res = await receive('ret-1', 'nowhere');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      status: 422,
      detail: 'location nowhere does not exist',
      errors: [{ path: 'locationId', message: 'location nowhere does not exist' }],
    });
    expect(asked).toEqual(['nowhere']);
    await expectNothingWithin(300, () => received.length > 0, 'a receipt sent for an unknown location');
  });

  it('when the location exists, then the receipt is sent and the returns service’s answer is the 200', async () => {
    const res = await receive('ret-2', 'berlin');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'ret-2', status: 'received', receipt: { locationId: 'berlin' } });
    expect(received).toEqual([{ returnId: 'ret-2', locationId: 'berlin', actor: expect.stringMatching(/^api-key:/) }]);
  });

  it('when inventory cannot answer, then 503 (come back later) and nothing is sent', async () => {
    const res = await receive('ret-3', 'flaky');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    await expectNothingWithin(300, () => received.length > 0, 'a receipt sent while the location could not be checked');
  });
});
