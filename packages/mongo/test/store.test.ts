import { Schema, type Connection } from 'mongoose';
import { createLogger } from '@oms/logging';
import { connectMongo } from '@oms/mongo';
import { outboxPendingMarker } from '@oms/outbox';
import { TestStack } from '@oms/testing';

const logger = createLogger('store-test', process.env.OMS_TEST_LOG_LEVEL ?? 'silent');

/**
 * The store as the services use it, at the scale where FerretDB 1.24 (development and CI) used to fail:
 * deploy/stack.sh and deploy/ferretdb-indexes.sql fix these; on MongoDB the same tests simply pass.
 */
describe('the document store under load', () => {
  let stack: TestStack;
  let db: Connection;

  beforeAll(async () => {
    stack = await TestStack.create();
    // More connections than FerretDB's default PostgreSQL pool (50), as seven busy services together have.
    db = await connectMongo(stack.mongoUrl('store'), logger, { poolSize: 60 });
  });
  afterAll(async () => {
    await db?.close();
    await stack.cleanup();
  });

  it('when 60 updates run at once, then all of them finish (FerretDB with its default pool deadlocks here)', async () => {
    const docs = db.collection('counters');
    await docs.insertMany(Array.from({ length: 60 }, (_, i) => ({ _id: `c-${i}` as never, n: 0 })));
    const started = Date.now();
    const results = await Promise.race([
      Promise.all(Array.from({ length: 60 }, (_, i) => docs.updateOne({ _id: `c-${i}` as never }, { $inc: { n: 1 } }))),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000).unref()),
    ]);
    expect(results).not.toBe('hung');
    expect(await docs.countDocuments({ n: 1 })).toBe(60);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('when a document is looked up by _id, by a declared index or an outbox is swept, then the store uses an index, not a scan of the collection', async () => {
    const schema = new Schema(
      { _id: String, orderId: String, status: String, outbox: { type: [Schema.Types.Mixed], default: [] } },
      { versionKey: false },
    );
    schema.index({ orderId: 1 });
    schema.plugin(outboxPendingMarker);
    const Orders = db.model('Order', schema, 'orders');
    // MongoDB needs the declared indexes; on FerretDB the stack mirrors each one with an index its lookups can use.
    await Orders.createIndexes();
    await Orders.insertMany(
      Array.from({ length: 3000 }, (_, i) => ({ _id: `o-${i}`, orderId: `ord-${i}`, status: 'received', outbox: i === 7 ? [{ id: 'e-7' }] : [] })),
    );

    for (const filter of [{ _id: 'o-1234' }, { outboxPending: true }, { orderId: 'ord-2345' }]) {
      const plan = JSON.stringify(await db.db!.command({ explain: { find: 'orders', filter } }));
      // FerretDB answers with PostgreSQL's plan, MongoDB with its own: neither may read the whole collection.
      expect(plan).not.toMatch(/Seq Scan|COLLSCAN/);
    }
    expect((await Orders.find({ outboxPending: true }, { _id: 1 }).lean()).map((d) => d._id)).toEqual(['o-7']);
  });
});
