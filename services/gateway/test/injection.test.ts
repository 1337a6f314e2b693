import request from 'supertest';
import { inspectBody, operatorKeyPaths } from '@oms/http';
import { sampleOrder, TestStack, type RunningService } from '@oms/testing';
import { definition } from '../src/service';
import { gatewayEnv, TEST_BOOTSTRAP_KEY } from './gateway-env';
import type { GatewayConfig } from '../src/config';

const BOOTSTRAP = TEST_BOOTSTRAP_KEY;
const ops = { Authorization: `Bearer ${BOOTSTRAP}` };

describe('operator keys in JSON bodies', () => {
  let stack: TestStack;
  let gateway: RunningService<GatewayConfig>;

  beforeAll(async () => {
    stack = await TestStack.create();
    gateway = await stack.start(definition, gatewayEnv());
  });
  afterAll(async () => stack?.cleanup());

  it('when a body has keys starting with $ or containing a dot at any depth, then 400 problem listing every such path', async () => {
    const order = sampleOrder({ externalId: 'INJ-1' }) as unknown as Record<string, unknown>;
    const body = {
      ...order,
      $where: 'sleep(1000)',
      customer: { ...(order.customer as object), email: { $ne: null } },
      lines: [
        { sku: 'A', quantity: 1, unitPrice: 1 },
        { sku: 'B', quantity: 1, unitPrice: 1, 'price.amount': 5 },
      ],
      'shippingAddress.city': 'x',
    };
    const res = await request(gateway.app).post('/v1/orders').set(ops).send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Forbidden Keys' });
    expect((res.body.errors as Array<{ path: string }>).map((e) => e.path).sort()).toEqual(
      ['$where', 'customer.email.$ne', 'lines.1.price.amount', 'shippingAddress.city'].sort(),
    );
  });

  it('when such a key is in a body of any route, then it is refused the same way, before the route runs', async () => {
    const res = await request(gateway.app)
      .post('/v1/api-keys')
      .set(ops)
      .send({ name: 'x', roles: ['ops'], $set: { roles: ['ops'] } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '$set' })]);
  });

  it('when a string in a body contains U+0000, then 400 problem naming the path, before any route runs', async () => {
    const res = await request(gateway.app).put('/v1/channels/nul').set(ops).send({ name: '\u0000', type: 'web', defaultCurrency: 'EUR' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ title: 'Forbidden Characters', errors: [{ path: 'name', message: 'contains U+0000' }] });
  });

  it('when values (not keys) contain $ or dots, then the body is not refused for that', async () => {
    const res = await request(gateway.app)
      .post('/v1/api-keys')
      .set(ops)
      .send({ name: '$weird.name $gt', roles: ['channel:web.shop'] });
    expect(res.status).toBe(201);
  });

  it('when a body is over 1 MB, then 413 problem', async () => {
    const res = await request(gateway.app)
      .post('/v1/orders')
      .set(ops)
      .send({ ...sampleOrder(), padding: 'x'.repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when a body nests deeper than 64 levels, then 400 problem naming where (never a 5xx from a serialiser later)', async () => {
    const nest = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const order = JSON.stringify(sampleOrder({ externalId: 'INJ-DEEP' }));
    for (const depth of [65, 5000]) {
      const body = `${order.slice(0, -1)},"source":${nest(depth)}}`;
      const res = await request(gateway.app).post('/v1/orders').set(ops).set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ title: 'Too Deeply Nested', errors: [{ path: `source${'.a'.repeat(63)}` }] });
    }
    const fine = JSON.stringify({ name: 'deep but fine', roles: ['ops'], x: JSON.parse(nest(62)) });
    expect((await request(gateway.app).post('/v1/api-keys').set(ops).set('Content-Type', 'application/json').send(fine)).status).toBe(422); // strict schema, not the depth check
  });

  it('when a body is very deeply nested, then the check stays linear and does not overflow the stack', () => {
    let deep: unknown = { $gt: 1 };
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const started = Date.now();
    const paths = operatorKeyPaths({ a: deep });
    expect(paths).toHaveLength(1);
    expect(paths[0].endsWith('.0.0.$gt')).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(operatorKeyPaths('just a string')).toEqual([]);
    expect(operatorKeyPaths(Array.from({ length: 500 }, () => ({ $x: 1 })))).toHaveLength(100);
    expect(inspectBody({ a: deep }).tooDeepAt).toBe(`a${'.0'.repeat(63)}`); // the 65th level
  });
});
