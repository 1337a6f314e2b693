// The raw limits of this machine that the benchmarks report their figures against, measured in the same run
// (absolute times on these machines vary from run to run).
'use strict';
const { randomUUID } = require('node:crypto');
const amqp = require('amqplib');
const { MongoClient } = require('mongodb');

/** The broker's own limit on this machine: persistent 1 KB messages, confirms, 256 in flight, one channel. */
async function rawPublishRate(amqpUrl, durationMs = 5000) {
  const conn = await amqp.connect(amqpUrl);
  const ch = await conn.createConfirmChannel();
  const queue = `bench.raw-publish.${randomUUID()}`;
  await ch.assertQueue(queue, { durable: true });
  const body = Buffer.alloc(1024, 'x');
  let confirmed = 0;
  const deadline = Date.now() + durationMs;
  const started = Date.now();
  await new Promise((resolve, reject) => {
    let inFlight = 0;
    const pump = () => {
      while (inFlight < 256 && Date.now() < deadline) {
        inFlight++;
        ch.publish('', queue, body, { persistent: true }, (err) => {
          inFlight--;
          if (err) return reject(err);
          confirmed++;
          if (Date.now() >= deadline && inFlight === 0) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  const rate = confirmed / ((Date.now() - started) / 1000);
  await ch.deleteQueue(queue);
  await conn.close();
  return rate;
}

/** The store's own limit on this machine: 1 KB order-like documents inserted with 50 in flight. */
async function rawInsertRate(mongoUrl, durationMs = 3000) {
  const client = await MongoClient.connect(mongoUrl, { maxPoolSize: 50 });
  const db = client.db(`bench_raw_${Date.now().toString(36)}`);
  const col = db.collection('orders');
  const deadline = Date.now() + durationMs;
  const started = Date.now();
  let inserted = 0;
  await Promise.all(
    Array.from({ length: 50 }, async (_, worker) => {
      for (let i = 0; Date.now() < deadline; i++) {
        await col.insertOne({
          _id: `${worker}-${i}`,
          channel: 'raw',
          status: 'pending',
          lines: [{ sku: 'S', quantity: 1, unitPrice: 100 }],
          pad: 'x'.repeat(800),
        });
        inserted++;
      }
    }),
  );
  const rate = inserted / ((Date.now() - started) / 1000);
  await db.dropDatabase();
  await client.close();
  return rate;
}

/**
 * The store's limit on updates, which is most of what an order's life costs it: 1,000 order-like 1 KB
 * documents, then a status field `$set` by `_id` with 50 in flight, each on a document of its own.
 */
async function rawUpdateRate(mongoUrl, durationMs = 3000) {
  const client = await MongoClient.connect(mongoUrl, { maxPoolSize: 50 });
  const db = client.db(`bench_raw_${Date.now().toString(36)}`);
  const col = db.collection('orders');
  const documents = 1000;
  await col.insertMany(
    Array.from({ length: documents }, (_, i) => ({
      _id: `o-${i}`,
      channel: 'raw',
      status: 'pending',
      lines: [{ sku: 'S', quantity: 1, unitPrice: 100 }],
      pad: 'x'.repeat(800),
    })),
  );
  const deadline = Date.now() + durationMs;
  const started = Date.now();
  let updated = 0;
  await Promise.all(
    Array.from({ length: 50 }, async (_, worker) => {
      for (let i = worker; Date.now() < deadline; i += 50) {
        await col.updateOne({ _id: `o-${i % documents}` }, { $set: { status: `s${i}` } });
        updated++;
      }
    }),
  );
  const rate = updated / ((Date.now() - started) / 1000);
  await db.dropDatabase();
  await client.close();
  return rate;
}

/**
 * The HTTP limit on this machine: a bare node:http server in its own process (as the gateway runs) answering
 * 202 to the same kind of load, for 5 s.
 */
async function rawHttpRate(connections) {
  const { spawn } = require('node:child_process');
  const autocannon = require('autocannon');
  const server = spawn(
    process.execPath,
    [
      '-e',
      `
    require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(202, { 'content-type': 'application/json' }); res.end('{"id":"x","status":"received"}'); }); })
      .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
  try {
    const r = await autocannon({
      url: `http://127.0.0.1:${port}/`,
      connections,
      duration: 5,
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    return r.requests.average;
  } finally {
    server.kill();
  }
}

module.exports = { rawPublishRate, rawInsertRate, rawUpdateRate, rawHttpRate };
