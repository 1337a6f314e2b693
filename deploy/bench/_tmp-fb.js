const { MongoClient } = require('mongodb');
(async () => {
  const c = await MongoClient.connect('mongodb://127.0.0.1:27017/', { maxPoolSize: 20 });
  const db = c.db('bench_fb'); await db.dropDatabase().catch(()=>{});
  const col = db.collection('r');
  const doc = (i) => ({ _id: 'o' + i, status: 'active', lines: [{ sku: 'S' + (i % 1000), locationId: 'L1', quantity: 1 }], reason: 'x'.repeat(60), processed: ['m' + i], outbox: [{ id: 'e' + i, type: 'stock.reserved.v1', data: { orderId: 'o' + i, lines: [] }, occurredAt: new Date().toISOString(), producer: 'inventory' }], createdAt: new Date() });
  await col.insertOne(doc(-1));
  let n = 0, t = Date.now();
  // single inserts, 10 in flight
  const N = 2000;
  await Promise.all(Array.from({ length: 10 }, async (_, w) => { for (let i = w; i < N; i += 10) await col.insertOne(doc(i)); }));
  console.log('single inserts/s', (N / ((Date.now() - t) / 1000)).toFixed(0));
  t = Date.now();
  const B = 100, M = 10000;
  await Promise.all(Array.from({ length: 4 }, async (_, w) => { for (let b = w; b < M / B; b += 4) await col.insertMany(Array.from({ length: B }, (_, k) => doc(N + b * B + k)), { ordered: false }); }));
  console.log('insertMany(100) docs/s', (M / ((Date.now() - t) / 1000)).toFixed(0));
  t = Date.now();
  await Promise.all(Array.from({ length: 4 }, async (_, w) => { for (let b = w; b < M / B; b += 4) await col.bulkWrite(Array.from({ length: B }, (_, k) => ({ updateOne: { filter: { _id: 'o' + (N + b * B + k) }, update: { $set: { outbox: [] } } } })), { ordered: false }); }));
  console.log('bulk updateOne(100) docs/s', (M / ((Date.now() - t) / 1000)).toFixed(0));
  t = Date.now();
  await Promise.all(Array.from({ length: 10 }, async (_, w) => { for (let i = w; i < N; i += 10) await col.updateOne({ _id: 'o' + i }, { $set: { outbox: [] } }); }));
  console.log('single updateOne/s', (N / ((Date.now() - t) / 1000)).toFixed(0));
  await db.dropDatabase(); await c.close();
})();
