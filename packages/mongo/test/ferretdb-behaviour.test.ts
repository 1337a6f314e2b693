/**
 * What the document store does under concurrency: the facts behind the rules in docs/consistency.md.
 * Runs against FerretDB 1.x (dev/CI) and must also pass on MongoDB.
 *
 * Portable assertions hold on both; assertions marked "FerretDB 1.x" / "MongoDB" check the
 * behaviour of that server only. Observed numbers are logged (console.log) on every run.
 */
import { randomBytes } from 'node:crypto';
import { Collection, Db, Document, MongoClient, MongoServerError } from 'mongodb';

const URL = process.env.OMS_TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27017';

let client: MongoClient;
let db: Db;
let ferretdbVersion: string | undefined; // set when the server is FerretDB
let isFerretDb1 = false; // FerretDB 1.x: read-then-write updates, no transactions
let isMongoDb = false; // the real thing (neither FerretDB nor another emulation we know of)
let isReplicaSet = false;

function log(what: string, data: unknown): void {
  console.log(`[ferretdb-behaviour] ${what}: ${JSON.stringify(data)}`);
}

interface Doc {
  _id: string;
  n?: number;
  a?: number;
  b?: number;
  version?: number;
  winner?: number;
  key?: string;
  i?: number;
}

function coll(name: string): Collection<Doc> {
  return db.collection<Doc>(name);
}

beforeAll(async () => {
  client = new MongoClient(URL, { maxPoolSize: 20, serverSelectionTimeoutMS: 5000 });
  await client.connect();
  db = client.db(`t_ferret_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`);
  const admin = client.db('admin');
  const buildInfo: Document = await admin.command({ buildInfo: 1 });
  const hello: Document = await admin.command({ hello: 1 });
  // FerretDB 1.24 answers buildInfo with { version: '7.0.42', ferretdbVersion: 'v1.24.2', ferretdbFeatures: {...} }
  if (typeof buildInfo.ferretdbVersion === 'string') ferretdbVersion = buildInfo.ferretdbVersion;
  else if (buildInfo.ferretdbFeatures !== undefined) ferretdbVersion = 'unknown';
  isFerretDb1 = ferretdbVersion !== undefined && (ferretdbVersion === 'unknown' || ferretdbVersion.startsWith('v1.'));
  isMongoDb = ferretdbVersion === undefined;
  isReplicaSet = typeof hello.setName === 'string';
  log('server', { url: URL, version: buildInfo.version, ferretdbVersion, replicaSet: hello.setName ?? null });
});

afterAll(async () => {
  if (db) await db.dropDatabase().catch(() => undefined);
  if (client) await client.close();
});

describe('concurrent writes to one document', () => {
  test('when 200 findOneAndUpdate $inc run concurrently on one document, then the count never exceeds 200 (and on FerretDB 1.x increments are lost)', async () => {
    const col = coll('inc');
    const N = 200;
    const ROUNDS = 5;
    const rounds: { final: number; lost: number; maxReturned: number; ms: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const _id = `counter-${r}`;
      await col.insertOne({ _id, n: 0 });
      const t0 = Date.now();
      const results = await Promise.all(Array.from({ length: N }, () => col.findOneAndUpdate({ _id }, { $inc: { n: 1 } }, { returnDocument: 'after' })));
      const ms = Date.now() - t0;
      const final = (await col.findOne({ _id }))?.n ?? -1;
      const maxReturned = Math.max(...results.map((d) => d?.n ?? 0));
      rounds.push({ final, lost: N - final, maxReturned, ms });
      expect(final).toBeGreaterThanOrEqual(1);
      expect(final).toBeLessThanOrEqual(N);
      if (isMongoDb) expect(final).toBe(N); // $inc is atomic on MongoDB
    }
    // maxReturned > final: a caller was told n = x, and a later stale write moved n back below x
    log('a) concurrent $inc x200', rounds);
    if (isFerretDb1) expect(rounds.some((x) => x.lost > 0)).toBe(true);
  });

  test('when two updates $set different fields of one document concurrently, then on FerretDB 1.x one of them can be lost', async () => {
    const col = coll('ab');
    const ROUNDS = 50;
    let lost = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const _id = `doc-${r}`;
      await col.insertOne({ _id, a: 0, b: 0 });
      await Promise.all([col.updateOne({ _id }, { $set: { a: 1 } }), col.updateOne({ _id }, { $set: { b: 1 } })]);
      const d = await col.findOne({ _id });
      const aOk = d?.a === 1;
      const bOk = d?.b === 1;
      expect(aOk || bOk).toBe(true); // at least the last write survives, everywhere
      if (!aOk || !bOk) lost++;
    }
    log('b) concurrent $set a / $set b', { rounds: ROUNDS, roundsWithALostUpdate: lost });
    if (isMongoDb) expect(lost).toBe(0);
    if (isFerretDb1) expect(lost).toBeGreaterThan(0);
  });

  test('when 50 updateOne({_id, version: 0}, {$set: {version: 1}}) race, then at least one wins (exactly one on MongoDB; on FerretDB 1.x the filter is not a compare-and-set)', async () => {
    const col = coll('cas');
    const N = 50;
    const ROUNDS = 5;
    const winners: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const _id = `cas-${r}`;
      await col.insertOne({ _id, version: 0 });
      const results = await Promise.all(Array.from({ length: N }, (_, i) => col.updateOne({ _id, version: 0 }, { $set: { version: 1, winner: i } })));
      const won = results.filter((x) => x.modifiedCount === 1).length;
      winners.push(won);
      expect(won).toBeGreaterThanOrEqual(1);
      expect(won).toBeLessThanOrEqual(N);
      expect((await col.findOne({ _id }))?.version).toBe(1);
      if (isMongoDb) expect(won).toBe(1);
    }
    log('d) compare-and-set by filter, writers reporting modifiedCount 1 (of 50) per round', winners);
    if (isFerretDb1) expect(winners.some((w) => w > 1)).toBe(true);
  });

  test('when updates of one document are serialised (one at a time), then none is lost', async () => {
    const col = coll('serial');
    await col.insertOne({ _id: 'one', n: 0 });
    for (let i = 0; i < 200; i++) await col.updateOne({ _id: 'one' }, { $inc: { n: 1 } });
    expect((await col.findOne({ _id: 'one' }))?.n).toBe(200);
  });

  test('when 200 concurrent $inc each hit a different document, then none is lost (a per-aggregate lock is enough)', async () => {
    const col = coll('spread');
    const N = 200;
    await col.insertMany(Array.from({ length: N }, (_, i) => ({ _id: `d-${i}`, n: 0 })));
    await Promise.all(Array.from({ length: N }, (_, i) => col.updateOne({ _id: `d-${i}` }, { $inc: { n: 1 } })));
    expect(await col.countDocuments({ n: 1 })).toBe(N);
  });
});

describe('multi-document transactions', () => {
  test('when session.withTransaction is used, then it fails and writes nothing (no transactions on FerretDB 1.x or a standalone MongoDB)', async () => {
    const col = coll('txn');
    const session = client.startSession();
    let error: unknown;
    try {
      await session.withTransaction(async () => {
        await col.insertOne({ _id: 't1' }, { session });
        await col.insertOne({ _id: 't2' }, { session });
      });
    } catch (e) {
      error = e;
    } finally {
      await session.endSession();
    }
    const written = await col.countDocuments({ _id: { $in: ['t1', 't2'] } });
    const err = error as MongoServerError | undefined;
    log('c) withTransaction', {
      threw: error !== undefined,
      name: err?.name,
      code: err?.code,
      codeName: err?.codeName,
      message: err?.message,
      documentsWritten: written,
    });
    if (isReplicaSet && isMongoDb) return; // a replica set has transactions; our code still must not need them
    // FerretDB 1.24.2: MongoServerError code 9 FailedToParse 'insert: unknown field "autocommit"'
    // MongoDB standalone: code 20 IllegalOperation 'Transaction numbers are only allowed on a replica set member or mongos'
    expect(error).toBeInstanceOf(MongoServerError);
    expect(typeof err?.code).toBe('number');
    expect(written).toBe(0);
  });
});

describe('unique index', () => {
  test('when 50 inserts of the same unique key race, then exactly one succeeds and the others fail with E11000', async () => {
    const col = coll('uniq');
    await col.createIndex({ key: 1 }, { unique: true });
    const N = 50;
    const ROUNDS = 5;
    const observed: { ok: number; codes: number[] }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const key = `K-${r}`;
      const results = await Promise.allSettled(Array.from({ length: N }, (_, i) => col.insertOne({ _id: `${key}-${i}`, key, i })));
      const ok = results.filter((x) => x.status === 'fulfilled').length;
      const codes = [...new Set(results.flatMap((x) => (x.status === 'rejected' ? [(x.reason as MongoServerError).code as number] : [])))];
      observed.push({ ok, codes });
      expect(ok).toBe(1);
      expect(codes).toEqual([11000]);
      expect(await col.countDocuments({ key })).toBe(1);
    }
    log('e) concurrent inserts of one unique key', observed);
  });
});
