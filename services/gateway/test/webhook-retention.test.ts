import mongoose, { type Connection } from 'mongoose';
import { eventually, TestStack, type RunningService } from '@oms/testing';
import { definition } from '../src/service';
import { gatewayEnv } from './gateway-env';

const DAY_MS = 24 * 3600_000;
const dayAt = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Webhook deliveries past WEBHOOK_DELIVERY_RETENTION_DAYS leave the store (FerretDB 1.x has no TTL index):
 * a gateway that sweeps every 100 ms, deliveries written as the dispatcher writes them, some old, one recent,
 * one old but pending again after a late redelivery.
 */
describe('webhook delivery retention', () => {
  let stack: TestStack;
  let gateway: RunningService<unknown>;
  let db: Connection;

  const delivery = (id: string, ageDays: number, status: string) => {
    const createdAt = new Date(Date.now() - ageDays * DAY_MS).toISOString();
    return {
      _id: id,
      subscriptionId: 'sub-1',
      eventId: `evt-${id}`,
      eventType: 'order.accepted.v1',
      body: '{}',
      status,
      attempts: [],
      createdAt,
      day: createdAt.slice(0, 10),
      windowStart: Date.parse(createdAt),
      nextAttemptAt: status === 'pending' ? Date.now() + 3600_000 : null,
      dueMinute: null,
      redeliveries: 0,
    };
  };

  beforeAll(async () => {
    stack = await TestStack.create();
    db = await mongoose.createConnection(stack.mongoUrl('gateway')).asPromise();
    await db
      .collection('webhook_deliveries')
      .insertMany([
        delivery('three-hundred-days', 300, 'delivered'),
        delivery('forty-days', 40, 'failed'),
        delivery('thirty-two-days', 32, 'delivered'),
        delivery('redelivered-late', 35, 'pending'),
        delivery('twenty-nine-days', 29, 'delivered'),
        delivery('today', 0, 'delivered'),
      ] as never[]);
    gateway = await stack.start(definition, gatewayEnv({ WEBHOOK_DELIVERY_RETENTION_DAYS: '30', WEBHOOK_RETENTION_SWEEP_MS: '100' }));
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.close();
    await stack?.cleanup();
  });

  const ids = async () =>
    (
      await db
        .collection('webhook_deliveries')
        .find({}, { projection: { _id: 1 } })
        .toArray()
    )
      .map((d) => String(d._id))
      .sort();

  it('when deliveries are older than the retention, then they are removed day by day, except one still pending, and the progress is kept', async () => {
    const left = await eventually(async () => {
      const now = await ids();
      return now.length === 3 && now;
    }, 10000);
    expect(left).toEqual(['redelivered-late', 'today', 'twenty-nine-days']);
    const progress = await db.collection('webhook_retention').findOne({ _id: 'deliveries' as never });
    expect(progress?.cleanedThrough).toBe(dayAt(Date.now() - 31 * DAY_MS));
  });
});
