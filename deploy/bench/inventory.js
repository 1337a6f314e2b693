#!/usr/bin/env node
// npm run bench:inventory: reservations per second of the inventory service on the running stack
// (RabbitMQ, the MongoDB-protocol store, Redis: `bash deploy/stack.sh` or `npm start`), for
//   (a) orders spread over 1,000 SKUs, and
//   (b) a flash sale: many orders for one SKU with less stock than demand,
// then checks that nothing was oversold (the service's audit of its counters against its documents, and
// the hot SKU's figures). Reported beside the raw speed of the stores inventory uses (MongoDB-protocol
// inserts and Redis scripts), measured in the same run.
//
// The bench runs its own inventory process (services/inventory/dist/main.js) on a vhost, database and
// Redis prefix of its own, removed afterwards, and sends it `stock.reserve.v1` commands as ingestion does.
// Not through the cluster's inventory: ingestion would then retry and dead-letter an event for every
// order it never received, which costs the store more than the reservations themselves.
// Settings (environment): OMS_MONGO_URL, REDIS_URL, MONGO_POOL_SIZE and AMQP_PREFETCH (passed to the service), BENCH_SPREAD_ORDERS (10000), BENCH_FLASH_ORDERS (5000),
// BENCH_FLASH_UNITS (1000), BENCH_TIMEOUT_SECONDS (600 per scenario), BENCH_SERVICE_NODE_ARGS (node options for
// the service, e.g. --cpu-prof).
'use strict';
const path = require('node:path');
const { spawn } = require('node:child_process');
const amqp = require('amqplib');
const Redis = require('ioredis');
const { EVENTS_EXCHANGE } = require('@oms/contracts');
const { TestBus, TestStack } = require('@oms/testing');
const { rawInsertRate } = require('./raw-limits');

const root = path.resolve(__dirname, '../..');
const env = process.env;
const mongoUrl = (env.OMS_MONGO_URL || 'mongodb://127.0.0.1:27017').replace(/\/+$/, '');
const redisUrl = env.REDIS_URL || `redis://127.0.0.1:${env.OMS_REDIS_PORT || 6380}`;
const spreadOrders = Number(env.BENCH_SPREAD_ORDERS || 10000);
const flashOrders = Number(env.BENCH_FLASH_ORDERS || 5000);
const flashUnits = Number(env.BENCH_FLASH_UNITS || 1000);
const timeoutMs = Number(env.BENCH_TIMEOUT_SECONDS || 600) * 1000;
const SPREAD_SKUS = 1000;
const SPREAD_UNITS = 50;

/** Redis's own limit here: a small Lua script (check and HINCRBY, as a reservation does) with 50 in flight. */
async function rawRedisScriptRate(durationMs = 3000) {
  const redis = new Redis(redisUrl);
  const script = `local v = tonumber(redis.call('hget', KEYS[1], 'on') or '0'); if v >= 0 then redis.call('hincrby', KEYS[1], 'res', 1) end; return 1`;
  const sha = await redis.script('LOAD', script);
  const started = Date.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: 50 }, async (_, w) => {
      while (Date.now() - started < durationMs) {
        await redis.evalsha(sha, 1, `bench:raw:${w}`);
        done++;
      }
    }),
  );
  const keys = Array.from({ length: 50 }, (_, w) => `bench:raw:${w}`);
  await redis.del(...keys);
  redis.disconnect();
  return done / ((Date.now() - started) / 1000);
}

/** Sees every stock.reserved / stock.short of this run. */
async function openTap(amqpUrl, prefix) {
  const conn = await amqp.connect(amqpUrl);
  const ch = await conn.createChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  await ch.bindQueue(queue, EVENTS_EXCHANGE, 'stock.reserved.v1');
  await ch.bindQueue(queue, EVENTS_EXCHANGE, 'stock.short.v1');
  const outcomes = new Map();
  await ch.consume(
    queue,
    (msg) => {
      const event = JSON.parse(msg.content.toString('utf8'));
      if (event.data.orderId.startsWith(prefix)) outcomes.set(event.data.orderId, event.type === 'stock.reserved.v1' ? 'reserved' : 'short');
    },
    { noAck: true },
  );
  return { outcomes, close: () => conn.close() };
}

/** Send the orders (500 confirms in flight) and wait until each has its outcome. */
async function run(name, broker, tap, orders) {
  const decided = () => orders.reduce((n, o) => n + (tap.outcomes.has(o.orderId) ? 1 : 0), 0);
  const started = Date.now();
  for (let i = 0; i < orders.length; i += 500) {
    await Promise.all(orders.slice(i, i + 500).map((o) => broker.publish('stock.reserve.v1', o, { correlationId: o.orderId })));
  }
  const sentAfter = (Date.now() - started) / 1000;
  let last = 0;
  for (let n = decided(); n < orders.length; n = decided()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${name}: only ${n} of ${orders.length} orders decided after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
    if (Date.now() - last > 5000) {
      last = Date.now();
      console.log(`bench: ${name}: ${n} of ${orders.length} decided after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  const results = orders.map((o) => tap.outcomes.get(o.orderId));
  return {
    orders: orders.length,
    reserved: results.filter((r) => r === 'reserved').length,
    short: results.filter((r) => r === 'short').length,
    seconds: Number(seconds.toFixed(1)),
    sentInSeconds: Number(sentAfter.toFixed(1)),
    reservationsPerSecond: Math.round(orders.length / seconds),
  };
}

/** The inventory service in a process of its own, on the stack's vhost, database and Redis prefix. */
async function startInventory(stack) {
  const port = 18000 + Math.floor(Math.random() * 1000);
  // BENCH_SERVICE_NODE_ARGS: node options for the service only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (env.BENCH_SERVICE_NODE_ARGS || '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'services/inventory/dist/main.js')], {
    env: {
      ...stack.env('inventory'),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // The service's own settings, when given, to try other pool sizes or prefetch counts.
      ...Object.fromEntries(['MONGO_POOL_SIZE', 'AMQP_PREFETCH'].filter((k) => env[k]).map((k) => [k, env[k]])),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if ((await fetch(`${base}/readyz`).catch(() => undefined))?.ok) return { child, base };
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill();
  throw new Error('the inventory service did not become ready within 60 s');
}

async function main() {
  const runId = `bench${Date.now().toString(36)}`;
  console.log('bench: raw store inserts (1 KB documents, 50 in flight) for 3 s...');
  const rawStore = await rawInsertRate(mongoUrl);
  console.log('bench: raw Redis Lua script calls (50 in flight) for 3 s...');
  const rawRedis = await rawRedisScriptRate();

  const stack = await TestStack.create();
  const { child, base } = await startInventory(stack);
  const bus = await TestBus.open(stack.amqpUrl, ['bench.none']);
  const command = async (type, data) => {
    const outcome = await bus.commands.send(type, data, { correlationId: runId }, 120_000);
    if (outcome.status !== 'done') throw new Error(`${type}: ${JSON.stringify(outcome)}`);
    return outcome.result;
  };
  try {
    console.log(`bench: stocking ${SPREAD_SKUS} SKUs × ${SPREAD_UNITS} units and one hot SKU × ${flashUnits}...`);
    const location = 'BENCH-WH';
    await command('location.upsert.v1', {
      locationId: location,
      name: 'Benchmark warehouse',
      type: 'warehouse',
      canShip: true,
      priority: 1,
      handlingCost: 0,
      active: true,
      actor: 'bench',
    });
    const skus = Array.from({ length: SPREAD_SKUS }, (_, i) => `S${i}`);
    const hot = 'HOT';
    await command('stock.record-movements.v1', {
      movements: skus.map((sku) => ({ sku, locationId: location, quantity: SPREAD_UNITS, type: 'receipt' })),
      actor: 'bench',
    });
    await command('stock.record-movements.v1', { movements: [{ sku: hot, locationId: location, quantity: flashUnits, type: 'receipt' }], actor: 'bench' });

    const tap = await openTap(stack.amqpUrl, runId);
    const shipTo = { country: 'DE', postalCode: '10115' };
    console.log(`bench: (a) ${spreadOrders} orders of 1 unit spread over ${SPREAD_SKUS} SKUs...`);
    const spread = await run(
      'spread',
      bus.broker,
      tap,
      Array.from({ length: spreadOrders }, (_, i) => ({ orderId: `${runId}-a${i}`, lines: [{ sku: skus[i % SPREAD_SKUS], quantity: 1 }], shipTo })),
    );
    console.log(`bench: (b) flash sale: ${flashOrders} orders of 1 unit for one SKU with ${flashUnits} units...`);
    const flash = await run(
      'flash',
      bus.broker,
      tap,
      Array.from({ length: flashOrders }, (_, i) => ({ orderId: `${runId}-b${i}`, lines: [{ sku: hot, quantity: 1 }], shipTo })),
    );
    await tap.close();

    const hotStock = await (await fetch(`${base}/internal/inventory/${hot}`)).json();
    const audit = await (await fetch(`${base}/internal/inventory-audit`)).json();

    const expectedSpread = Math.min(spreadOrders, SPREAD_SKUS * SPREAD_UNITS);
    const oversold = hotStock.reserved > flashUnits || flash.reserved > flashUnits || !audit.consistent;
    const report = {
      spread: { ...spread, ratioToRawStore: Number((spread.reservationsPerSecond / rawStore).toFixed(2)) },
      flashSale: { ...flash, units: flashUnits, ratioToRawStore: Number((flash.reservationsPerSecond / rawStore).toFixed(2)) },
      hotSku: { onHand: hotStock.onHand, reserved: hotStock.reserved, available: hotStock.available },
      audit: { consistent: audit.consistent, skus: audit.skus, differences: audit.differences.length, overReserved: audit.overReserved.length },
      rawStoreInsertsPerSecond: Math.round(rawStore),
      rawRedisScriptsPerSecond: Math.round(rawRedis),
    };
    console.log(JSON.stringify(report, null, 2));
    const correct = !oversold && flash.reserved === Math.min(flashOrders, flashUnits) && spread.reserved === expectedSpread;
    const goal = spread.reservationsPerSecond >= 2000 && flash.reservationsPerSecond >= 1000;
    console.log(
      `bench: ${correct ? 'nothing oversold, every order decided as the stock allowed' : 'FAILED: oversold or wrongly decided orders'}; goal 2000/s spread and 1000/s hot SKU: ${goal ? 'met' : 'not met'}`,
    );
    process.exitCode = correct ? 0 : 1;
  } finally {
    await bus.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await stack.cleanup();
  }
}

main()
  .catch((err) => {
    console.error(`bench: ${err.stack || err}`);
    process.exitCode = 1;
  })
  .finally(() => setTimeout(() => process.exit(), 100).unref());
