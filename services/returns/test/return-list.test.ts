import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { RunningService } from '@oms/runtime';
import { eventually, TestBus, TestStack } from '@oms/testing';
import { LIST_BACKFILL_MARKER } from '../src/data-access/return-repository';
import { definition } from '../src/service';

/**
 * Every return, newest first, read a time bucket per query (equalities FerretDB hands to PostgreSQL); the
 * backfill of returns stored before the list existed.
 */
describe('the list of returns', () => {
  let stack: TestStack;
  let service: RunningService<unknown>;
  let bus: TestBus;

  /** A return as stored before the list fields existed. */
  const legacyDoc = (id: string, day: string, status: 'requested' | 'received') => ({
    _id: id,
    orderId: `ord-${id}`,
    status,
    lines: [{ sku: 'A', quantity: 1, reason: 'too small' }],
    currency: 'EUR',
    createdBy: 'customer:1',
    createdAt: new Date(`${day}T10:00:00.000Z`),
    outbox: [],
    processed: [],
  });

  beforeAll(async () => {
    stack = await TestStack.create();
    const client = await MongoClient.connect(stack.mongoUrl('returns'));
    try {
      await client
        .db()
        .collection('returns')
        .insertMany([
          legacyDoc('legacy-0', '2026-01-01', 'received'),
          legacyDoc('legacy-1', '2026-01-02', 'requested'),
          legacyDoc('legacy-2', '2026-01-03', 'received'),
        ] as never[]);
    } finally {
      await client.close();
    }
    service = (await stack.start(definition)) as RunningService<unknown>;
    bus = await TestBus.open(stack.amqpUrl, ['return.#']);
  }, 60_000);

  afterAll(async () => {
    await bus?.close();
    await stack?.cleanup();
  });

  const list = async (query: string) => {
    const res = await fetch(`${service.url}/internal/returns?${query}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  const ids = (page: { items: { id: string }[] }) => page.items.map((r) => r.id);

  /** A return opened now for a freshly delivered order. */
  async function openedReturn(): Promise<string> {
    const orderId = `ord-${randomUUID()}`;
    await bus.broker.publish(
      'order.delivered.v1',
      { orderId, channel: 'shop', currency: 'EUR', lines: [{ sku: 'A', quantity: 2, unitPrice: 1250 }] },
      { correlationId: orderId },
    );
    const returnId = `ret-${randomUUID()}`;
    // orderDelivered: the open waits for the delivery to reach returns, as it does when the gateway saw it delivered.
    await bus.commands.send(
      'return.open.v1',
      { returnId, orderId, lines: [{ sku: 'A', quantity: 1, reason: 'too big' }], orderDelivered: true, actor: 'customer:1' },
      { correlationId: orderId },
    );
    return returnId;
  }

  it('when returns were stored before the list, then the backfill lists them newest first, by status, in cursor pages', async () => {
    const probe = await MongoClient.connect(stack.mongoUrl('returns'));
    try {
      const marker = await probe
        .db()
        .collection('return_days')
        .findOne({ _id: `marker:${LIST_BACKFILL_MARKER}` as never });
      expect(marker).not.toBeNull();
    } finally {
      await probe.close();
    }
    const first = await list('limit=2');
    expect(first.status).toBe(200);
    expect(ids(first.body)).toEqual(['legacy-2', 'legacy-1']);
    expect(first.body.items[0]).toMatchObject({ orderId: 'ord-legacy-2', status: 'received', createdAt: '2026-01-03T10:00:00.000Z' });
    expect(first.body.items[0]).not.toHaveProperty('createdBuckets');
    const second = await list(`limit=2&cursor=${first.body.nextCursor}`);
    expect(ids(second.body)).toEqual(['legacy-0']);
    expect(second.body.nextCursor).toBeNull();
    expect(ids((await list('status=requested')).body)).toEqual(['legacy-1']);
    expect(ids((await list('status=received')).body)).toEqual(['legacy-2', 'legacy-0']);
  });

  it('when returns are opened, then they lead the list, and a received one leaves the requested list', async () => {
    const older = await openedReturn();
    const newer = await openedReturn();
    expect(ids((await list('status=requested&limit=2')).body)).toEqual([newer, older]);
    await bus.commands.send(
      'return.receive.v1',
      { returnId: older, locationId: 'wh-1', lines: [{ sku: 'A', quantity: 1, condition: 'resellable' }], actor: 'ops:1' },
      { correlationId: older },
    );
    await eventually(async () => !ids((await list('status=requested')).body).includes(older));
    expect(ids((await list('status=requested')).body)).toEqual([newer, 'legacy-1']);
    expect(ids((await list('status=received&limit=1')).body)).toEqual([older]);
    // A page of one walks on from its cursor to the rest, however many buckets lie between.
    const all: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await list(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...ids(page.body));
      cursor = page.body.nextCursor;
    }
    expect(all).toEqual([newer, older, 'legacy-2', 'legacy-1', 'legacy-0']);
  });

  it('when the query is not understood, then it is a 422 that names the parameter', async () => {
    const bad = await list('cursor=nonsense');
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('cursor');
    expect((await list('status=lost')).status).toBe(422);
    expect((await list('limit=0')).status).toBe(422);
  });
});
