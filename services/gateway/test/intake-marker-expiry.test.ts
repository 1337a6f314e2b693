import request from 'supertest';
import { eventually, rabbitmqctl, sampleOrder, TestStack } from '@oms/testing';
import { orderIdOf } from '../src/application/order-intake';
import { intakeMarkerKey } from '../src/domain/intake/intake-marker';
import { auth, putChannel, startIntake } from './intake-helpers';

/**
 * The intake marker is short-lived (docs/redis.md): the lasting "this order exists" is ingestion's store. So a
 * resend after the marker expired is published again, and must still make no second order and change nothing
 * of the stored one.
 */
describe('intake marker expiry', () => {
  let stack: TestStack;
  let services: Awaited<ReturnType<typeof startIntake>>;

  beforeAll(async () => {
    stack = await TestStack.create();
    services = await startIntake(stack, { withIngestion: true });
    await putChannel(services.app, 'webshop');
  });
  afterAll(async () => stack?.cleanup());

  const orders = () => services.ingestion!.ctx.db.collection('orders');

  it('when an order is accepted, then its marker lives at most the documented 10 minutes', async () => {
    const res = await request(services.app)
      .post('/v1/orders')
      .set(auth)
      .send(sampleOrder({ externalId: 'TTL-1' }))
      .expect(202);
    const ttl = await services.gateway.ctx.redis.ttl(intakeMarkerKey(res.body.id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10 * 60);
  });

  it('when an order is resent after its marker expired, then it answers 202 with the same id and no second order is made', async () => {
    const order = sampleOrder({ externalId: 'TTL-2' });
    const id = orderIdOf('webshop', 'TTL-2');
    expect((await request(services.app).post('/v1/orders').set(auth).send(order).expect(202)).body.id).toBe(id);
    const stored = await eventually(() => orders().findOne({ _id: id as never }), 15000);
    // Within the marker's life a resend is recognised without publishing.
    expect((await request(services.app).post('/v1/orders').set(auth).send(order).expect(200)).body.id).toBe(id);

    // The marker's TTL runs out (as it does 10 minutes after the first request).
    await services.gateway.ctx.redis.pexpire(intakeMarkerKey(id), 1);
    await eventually(async () => (await services.gateway.ctx.redis.exists(intakeMarkerKey(id))) === 0, 5000, 20);

    const late = await request(services.app).post('/v1/orders').set(auth).send(order);
    expect(late.status).toBe(202);
    expect(late.body.id).toBe(id);
    expect(late.headers.location).toBe(`/v1/orders/${id}`);
    // Ingestion took the republished order.received.v1 and settled it (`messages` counts unacknowledged ones too).
    await eventually(
      async () => {
        const out = await rabbitmqctl('list_queues', '-p', stack.vhost, '--no-table-headers', 'name', 'messages');
        return /^ingestion\.order-intake\s+0$/m.test(out);
      },
      15000,
      250,
    );
    expect(await orders().countDocuments({ channel: 'webshop', externalId: 'TTL-2' })).toBe(1);
    const after = await orders().findOne({ _id: id as never });
    expect(after?.timeline).toEqual(stored.timeline);
    expect(after?.status).toBe(stored.status);
  });
});
