import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Schema, type Connection } from 'mongoose';
import { createLogger } from '@oms/logging';
import { connectMongo, InsertBatcher } from '@oms/mongo';
import { TestStack, eventually, freePort, privateFerretDb } from '@oms/testing';

const logger = createLogger('insert-batcher-test', process.env.OMS_TEST_LOG_LEVEL ?? 'silent');

describe('InsertBatcher', () => {
  let stack: TestStack;
  let db: Connection;
  const schema = new Schema({ _id: String, n: { type: Number, required: true } }, { versionKey: false, timestamps: true });

  beforeAll(async () => {
    stack = await TestStack.create();
    db = await connectMongo(stack.mongoUrl('batcher'), logger);
  });
  afterAll(async () => {
    await db?.close();
    await stack.cleanup();
  });

  it('when many callers insert at once, then they share a few insertMany calls and each document is stored once, with timestamps', async () => {
    const Things = db.model('Thing', schema);
    const batcher = new InsertBatcher(Things, { maxBatch: 50, windowMs: 5 });
    let calls = 0;
    const insertMany = Things.insertMany.bind(Things);
    (Things as unknown as { insertMany: typeof insertMany }).insertMany = ((...args: Parameters<typeof insertMany>) => {
      calls++;
      return insertMany(...args);
    }) as typeof insertMany;

    const outcomes = await Promise.all(Array.from({ length: 120 }, (_, i) => batcher.insert({ _id: `t-${i}`, n: i })));

    expect(outcomes.every((o) => o === 'inserted')).toBe(true);
    expect(calls).toBeLessThanOrEqual(6);
    expect(await Things.countDocuments()).toBe(120);
    const stored = await Things.findById('t-7').lean<{ n: number; createdAt?: Date }>();
    expect(stored?.n).toBe(7);
    expect(stored?.createdAt).toBeInstanceOf(Date);
  });

  it('when some documents of a batch exist already, then exactly those callers hear "duplicate", the rest are stored, and nothing stored changes', async () => {
    const Others = db.model('Other', schema);
    await Others.create({ _id: 'o-1', n: 100 });
    await Others.create({ _id: 'o-3', n: 300 });
    const batcher = new InsertBatcher(Others, { maxBatch: 50, windowMs: 5 });

    const outcomes = await Promise.all([0, 1, 2, 3, 4].map((i) => batcher.insert({ _id: `o-${i}`, n: i })));

    expect(outcomes).toEqual(['inserted', 'duplicate', 'inserted', 'duplicate', 'inserted']);
    const stored = await Others.find().sort({ _id: 1 }).lean<Array<{ _id: string; n: number }>>();
    expect(stored.map((d) => [d._id, d.n])).toEqual([
      ['o-0', 0],
      ['o-1', 100],
      ['o-2', 2],
      ['o-3', 300],
      ['o-4', 4],
    ]);
  });

  it('when a document is invalid, then its caller is refused, the valid ones of the same batch are stored, and inserting a stored one again says duplicate', async () => {
    const Checked = db.model('Checked', schema);
    const batcher = new InsertBatcher(Checked, { maxBatch: 50, windowMs: 5 });

    const outcomes = await Promise.allSettled([
      batcher.insert({ _id: 'c-0', n: 0 }),
      batcher.insert({ _id: 'c-1' } as never),
      batcher.insert({ _id: 'c-2', n: 2 }),
    ]);

    expect(outcomes[1].status).toBe('rejected');
    expect(await Checked.countDocuments({ _id: { $in: ['c-0', 'c-2'] } })).toBe(2);
    expect(await Checked.countDocuments({ _id: 'c-1' })).toBe(0);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 'inserted' });
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: 'inserted' });
    expect(await batcher.insert({ _id: 'c-2', n: 2 })).toBe('duplicate');
  });

  it('when documents are stored as given, then each is stored exactly as built, with the timestamps and without its undefined fields, and a stored one again says duplicate', async () => {
    const Given = db.model('Given', schema);
    const batcher = new InsertBatcher<Record<string, unknown>>(Given, { maxBatch: 50, windowMs: 5, asGiven: true });
    const before = Date.now();

    const outcomes = await Promise.all([
      batcher.insert({ _id: 'g-0', n: 0, note: undefined, lines: [{ sku: 'A', quantity: 1 }] }),
      batcher.insert({ _id: 'g-1', n: 1 }),
    ]);

    expect(outcomes).toEqual(['inserted', 'inserted']);
    const stored = await db.collection('givens').findOne({ _id: 'g-0' as never });
    const { createdAt, updatedAt, ...fields } = stored!;
    // No casting and no schema in between: a field the schema does not declare is stored too.
    expect(fields).toEqual({ _id: 'g-0', n: 0, lines: [{ sku: 'A', quantity: 1 }] });
    expect(Object.keys(fields)).not.toContain('note');
    expect(createdAt).toBeInstanceOf(Date);
    expect(updatedAt).toEqual(createdAt);
    expect((createdAt as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await batcher.insert({ _id: 'g-1', n: 1 })).toBe('duplicate');
  });

  it('when the store dies with batches in flight, then no caller hears "inserted" for a document it does not have, and every retried insert ends stored once', async () => {
    // A FerretDB of the test's own, killed and started again; the shared one is never touched. A lost
    // connection comes back as a bulk write error without write errors, which once read as "none refused".
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'oms-batcher-ferretdb-'));
    const ferretdb = privateFerretDb(port, dir);
    await ferretdb.start();
    const own = await connectMongo(`mongodb://127.0.0.1:${port}/${stack.id}_batcher_outage`, logger);
    let running = true;
    try {
      const Kept = own.model('Kept', schema);
      await Kept.createCollection();
      const batcher = new InsertBatcher<Record<string, unknown>>(Kept, { maxBatch: 50, windowMs: 5, asGiven: true });
      const told = new Map<string, string>();
      let refusals = 0;
      let next = 0;
      // Like message handlers: each inserts its document until it gets an answer, then takes the next one.
      const worker = async () => {
        while (running) {
          const id = `k-${next++}`;
          for (;;) {
            try {
              told.set(id, await batcher.insert({ _id: id, n: 1 }));
              break;
            } catch {
              refusals++;
              if (!running) return;
              await new Promise((r) => setTimeout(r, 50)); // a redelivery's delay
            }
          }
        }
      };
      const workers = Array.from({ length: 30 }, worker);

      await eventually(() => told.size >= 300, 20_000, 10);
      await ferretdb.stop();
      await eventually(() => refusals >= 30, 20_000, 10);
      await ferretdb.start();
      const afterRestart = told.size;
      await eventually(() => told.size >= afterRestart + 300, 60_000, 50);
      running = false;
      await Promise.all(workers);

      const stored = new Set((await Kept.find({}, { _id: 1 }).lean<Array<{ _id: string }>>()).map((d) => d._id));
      const missing = [...told.keys()].filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      expect(stored.size).toBe(told.size);
      expect([...told.values()].every((o) => o === 'inserted' || o === 'duplicate')).toBe(true);
    } finally {
      running = false;
      await own.dropDatabase().catch(() => undefined);
      await own.close();
      await ferretdb.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
