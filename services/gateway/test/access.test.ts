import { createHash } from 'node:crypto';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { eventually, sampleOrder, TestStack, type RunningService } from '@oms/testing';
import { definition } from '../src/service';
import { gatewayEnv, TEST_BOOTSTRAP_KEY } from './gateway-env';
import type { GatewayConfig } from '../src/config';

const BOOTSTRAP = TEST_BOOTSTRAP_KEY;
const ops = { Authorization: `Bearer ${BOOTSTRAP}` };
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const env = gatewayEnv({ API_KEY_CACHE_MS: '1000' });

describe('API keys and roles', () => {
  let stack: TestStack;
  let gateway: RunningService<GatewayConfig>;
  let mongo: MongoClient;

  const createKey = async (roles: string[], by = ops) =>
    request(gateway.app)
      .post('/v1/api-keys')
      .set(by)
      .send({ name: `key for ${roles.join(',')}`, roles });

  beforeAll(async () => {
    stack = await TestStack.create();
    gateway = await stack.start(definition, env);
    mongo = await MongoClient.connect(stack.mongoUrl('gateway'));
    for (const id of ['webshop', 'marketplace']) {
      const put = await request(gateway.app).put(`/v1/channels/${id}`).set(ops).send({ name: id, type: 'web', defaultCurrency: 'EUR' });
      expect(put.status).toBeLessThan(300);
    }
  });

  afterAll(async () => {
    await mongo?.close();
    await stack?.cleanup();
  });

  it('when ops creates a key, then it is shown once with its roles, and only its SHA-256 is stored', async () => {
    const res = await createKey(['channel:webshop']);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'key for channel:webshop', roles: ['channel:webshop'], createdBy: 'api-key:bootstrap', revokedAt: null });
    expect(res.body.key).toMatch(/^oms_[A-Za-z0-9_-]{43}$/);
    expect(res.headers.location).toBe(`/v1/api-keys/${res.body.id}`);
    expect(Date.parse(res.body.createdAt)).not.toBeNaN();

    const doc = await mongo.db().collection<{ _id: string; hash: string }>('api_keys').findOne({ _id: res.body.id });
    expect(doc?.hash).toBe(createHash('sha256').update(res.body.key).digest('hex'));
    expect(JSON.stringify(doc)).not.toContain(res.body.key);
    expect(JSON.stringify(doc)).not.toContain(res.body.key.slice(4));

    const list = await request(gateway.app).get('/v1/api-keys').set(ops);
    expect(list.status).toBe(200);
    const listed = (list.body as Array<Record<string, unknown>>).find((k) => k.id === res.body.id);
    expect(listed).toMatchObject({ id: res.body.id, roles: ['channel:webshop'] });
    expect(listed).not.toHaveProperty('hash');
    expect(listed).not.toHaveProperty('key');
  });

  it('when a channel key posts an order, then its own channel is accepted (202) and another channel is 403', async () => {
    const { body: created } = await createKey(['channel:webshop']);
    const own = await request(gateway.app)
      .post('/v1/orders')
      .set(bearer(created.key))
      .send(sampleOrder({ externalId: 'ACCESS-1' }));
    expect(own.status).toBe(202);
    const other = await request(gateway.app)
      .post('/v1/orders')
      .set(bearer(created.key))
      .send(sampleOrder({ channel: 'marketplace', externalId: 'ACCESS-2' }));
    expect(other.status).toBe(403);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when a channel or partner key manages keys or submits orders it does not own, then 403', async () => {
    const { body: channelKey } = await createKey(['channel:webshop']);
    const { body: partnerKey } = await createKey(['partner:dhl-3pl']);
    expect((await createKey(['ops'], bearer(channelKey.key))).status).toBe(403);
    expect((await request(gateway.app).get('/v1/api-keys').set(bearer(partnerKey.key))).status).toBe(403);
    expect((await request(gateway.app).delete(`/v1/api-keys/${channelKey.id}`).set(bearer(channelKey.key))).status).toBe(403);
    expect(
      (
        await request(gateway.app)
          .post('/v1/orders')
          .set(bearer(partnerKey.key))
          .send(sampleOrder({ externalId: 'ACCESS-3' }))
      ).status,
    ).toBe(403);
  });

  it('when a stored ops key creates a key, then that works and names the stored key as creator', async () => {
    const { body: opsKey } = await createKey(['ops']);
    const res = await createKey(['partner:dhl-3pl'], bearer(opsKey.key));
    expect(res.status).toBe(201);
    expect(res.body.createdBy).toBe(`api-key:${opsKey.id}`);
  });

  it('when roles are not ops, channel:<id> or partner:<id>, then 422 lists each bad one', async () => {
    const res = await request(gateway.app)
      .post('/v1/api-keys')
      .set(ops)
      .send({ name: 'bad', roles: ['ops', 'admin', 'channel:', 'partner:a b'] });
    expect(res.status).toBe(422);
    expect((res.body.errors as Array<{ path: string }>).map((e) => e.path)).toEqual(['roles.1', 'roles.2', 'roles.3']);
    expect((await request(gateway.app).post('/v1/api-keys').set(ops).send({ name: 'none', roles: [] })).status).toBe(422);
  });

  it('when a key is revoked, then it gets 401 at once on this instance and within the cache time on another', async () => {
    const other = await stack.start(definition, env); // same database and Redis: a second gateway instance
    const { body: key } = await createKey(['channel:webshop']);
    expect((await request(other.app).get('/v1/orders/anything').set(bearer(key.key))).status).not.toBe(401); // cached there now

    const revoked = await request(gateway.app).delete(`/v1/api-keys/${key.id}`).set(ops);
    expect(revoked.status).toBe(204);
    const here = await request(gateway.app)
      .post('/v1/orders')
      .set(bearer(key.key))
      .send(sampleOrder({ externalId: 'ACCESS-4' }));
    expect(here.status).toBe(401);
    expect(here.headers['www-authenticate']).toMatch(/invalid_token/);
    await eventually(async () => (await request(other.app).get('/v1/api-keys').set(bearer(key.key))).status === 401, 5000);

    const listed = (await request(gateway.app).get('/v1/api-keys').set(ops)).body as Array<Record<string, unknown>>;
    expect(listed.find((k) => k.id === key.id)).toMatchObject({ revokedBy: 'api-key:bootstrap', revokedAt: expect.any(String) });
    expect((await request(gateway.app).delete(`/v1/api-keys/${key.id}`).set(ops)).status).toBe(204);
    expect((await request(gateway.app).delete('/v1/api-keys/no-such-key').set(ops)).status).toBe(404);
  });
});
