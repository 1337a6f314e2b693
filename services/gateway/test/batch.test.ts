import request from 'supertest';
import type { Express } from 'express';
import { MongoClient } from 'mongodb';
import { deterministicId } from '@oms/messaging';
import { eventually, sampleOrder, TEST_MONGO_BASE, TestStack } from '@oms/testing';
import { auth, CSV_HEADER, csvRow, putChannel, startIntake } from './intake-helpers';

describe('exactly once on every intake path, and the batch endpoint', () => {
  let stack: TestStack;
  let app: Express;
  let ingestionUrl: string;
  let mongo: MongoClient;
  let ingestionDb: string;

  beforeAll(async () => {
    stack = await TestStack.create();
    const started = await startIntake(stack, { withIngestion: true });
    app = started.app;
    ingestionUrl = started.ingestion!.url;
    ingestionDb = new URL(stack.mongoUrl('ingestion')).pathname.slice(1);
    mongo = await MongoClient.connect(TEST_MONGO_BASE);
    await putChannel(app, 'market');
  });
  afterAll(async () => {
    await mongo?.close();
    await stack?.cleanup();
  });

  const storedStatus = (id: string) =>
    eventually(async () => {
      const res = await fetch(`${ingestionUrl}/internal/orders/${id}`);
      return res.ok ? ((await res.json()) as { status: string }).status : undefined;
    });
  const countStored = (externalId: string) => mongo.db(ingestionDb).collection('orders').countDocuments({ channel: 'market', externalId });

  it('when the same order comes by the API, again by the API, by CSV and in a batch, then there is one order and every resend answers it with its status', async () => {
    const order = sampleOrder({ channel: 'market', externalId: 'MK-1' });
    const id = deterministicId('order', 'market', 'MK-1');
    const first = await request(app).post('/v1/orders').set(auth).send(order);
    expect(first.status).toBe(202);
    const status = await storedStatus(id);
    expect(['pending', 'on_hold', 'rejected', 'ready_to_fulfill']).toContain(status);

    const again = await request(app).post('/v1/orders').set(auth).send(order);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id, status: await storedStatus(id) });

    const csv = await request(app)
      .post('/v1/orders/import')
      .set(auth)
      .type('text/csv')
      .send(`${CSV_HEADER}\n${csvRow({ externalId: 'MK-1', channel: 'market', quantity: 2 })}\n`);
    expect(csv.status).toBe(200);
    expect(csv.body).toMatchObject({ received: 1, created: 0, duplicates: 1, rejected: 0 });

    const batch = await request(app)
      .post('/v1/orders/batch')
      .set(auth)
      .send({ orders: [order] });
    expect(batch.body.results).toEqual([{ index: 0, externalId: 'MK-1', status: 'duplicate', id, orderStatus: expect.any(String) }]);

    expect(await countStored('MK-1')).toBe(1);
  });

  it('when an order is sent twice at the same moment, then one is accepted and the other is a duplicate or told to retry, never a second order', async () => {
    const order = sampleOrder({ channel: 'market', externalId: 'MK-RACE' });
    const answers = await Promise.all([1, 2, 3, 4].map(() => request(app).post('/v1/orders').set(auth).send(order)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    for (const s of statuses) expect([200, 202, 409]).toContain(s);
    await storedStatus(deterministicId('order', 'market', 'MK-RACE'));
    expect(await countStored('MK-RACE')).toBe(1);
  });

  it('when a batch mixes new, repeated and invalid orders, then each gets its own result and the counts add up', async () => {
    const good = sampleOrder({ channel: 'market', externalId: 'MK-2' });
    const bad = { ...sampleOrder({ channel: 'market', externalId: 'MK-3' }), currency: 'XYZ', lines: [{ sku: 'A', quantity: 0, unitPrice: 1 }] };
    const res = await request(app)
      .post('/v1/orders/batch')
      .set(auth)
      .send({ orders: [good, bad, good, { externalId: 'MK-4' }] });
    expect(res.status).toBe(200);
    const [r0, r1, r2, r3] = res.body.results;
    const id = deterministicId('order', 'market', 'MK-2');
    // The same order twice in one batch: one is created, the other is a duplicate (or still in flight: retry).
    expect([r0.status, r2.status].sort()).toEqual(expect.arrayContaining(['created']));
    expect([r0, r2].every((r) => r.id === id || r.status === 'rejected')).toBe(true);
    expect(r1).toMatchObject({ index: 1, externalId: 'MK-3', status: 'rejected' });
    expect(r1.problems.map((p: { path: string }) => p.path).sort()).toEqual(['currency', 'lines.0.quantity']);
    expect(r3).toMatchObject({ index: 3, externalId: 'MK-4', status: 'rejected' });
    expect(res.body.counts.created + res.body.counts.duplicates + res.body.counts.rejected).toBe(4);
    await storedStatus(id);
    expect(await countStored('MK-2')).toBe(1);
  });

  it('when a batch is empty or has more than 1,000 orders, then it is 422', async () => {
    expect((await request(app).post('/v1/orders/batch').set(auth).send({ orders: [] })).status).toBe(422);
    const many = Array.from({ length: 1001 }, () => ({}));
    expect((await request(app).post('/v1/orders/batch').set(auth).send({ orders: many })).status).toBe(422);
  });
});
