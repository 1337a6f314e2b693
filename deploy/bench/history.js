#!/usr/bin/env node
// npm run bench:history: does the system stay fast as history grows? On the running cluster (npm start), on a
// store with no history yet:
//   1. the empty store: p50/p99 of each list and search route, then bench:e2e (its knee);
//   2. seeds BENCH_HISTORY_ORDERS (500,000) orders straight into ingestion's database (insertMany batches,
//      not through the API: hours otherwise), each a copy of an order the first bench:e2e run placed (so the
//      shape is real: addresses, checks, timeline) with its own id and external id, and a year's realistic
//      spread: creation times over the last BENCH_HISTORY_DAYS (365) days; statuses by age (older than two
//      weeks: delivered, returned, cancelled or rejected; the recent ones also shipped, ready, on hold,
//      pending); about three orders per customer; 1-3 lines from a catalogue of 5,000 SKUs where a few sell
//      often (the bestseller is in about one order in ten) and most rarely; the list's notes as intake writes them;
//   3. the same measurements again, and a comparison: the knee within 15 % of the empty store's, every
//      route's p99 under 300 ms (the goals of the issue that asked for this benchmark).
// The seeded orders stay (a second run measures on top of them; start from an empty stack for a clean one).
//
// Settings (environment): OMS_URL, OMS_KEY, OMS_MONGO_URL (as bench:e2e), BENCH_HISTORY_ORDERS (500000; 0
// measures, without seeding and without the empty-store pass, what an earlier run seeded),
// BENCH_HISTORY_DAYS (365), BENCH_ROUTE_REQUESTS (40 per route), BENCH_HISTORY_E2E (1; 0 skips both
// bench:e2e runs), and bench:e2e's own settings for its runs (BENCH_STEPS...). Output: a table on stdout, the
// figures in .run/bench/history.json, the two e2e runs' charts in .run/bench/history-{empty,seeded}/.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { spawn } = require('node:child_process');
const { MongoClient } = require('mongodb');
const { TimeBuckets, bucketsOf } = require('@oms/mongo');
const { readApiKey, printTable } = require('./report');

const root = path.resolve(__dirname, '../..');
const url = process.env.OMS_URL || 'http://127.0.0.1:8080';
const mongoUrl = (process.env.OMS_MONGO_URL || 'mongodb://127.0.0.1:27017').replace(/\/+$/, '');
const historyOrders = Number(process.env.BENCH_HISTORY_ORDERS || 500_000);
const historyDays = Number(process.env.BENCH_HISTORY_DAYS || 365);
const routeRequests = Number(process.env.BENCH_ROUTE_REQUESTS || 40);
const withE2e = process.env.BENCH_HISTORY_E2E !== '0';
const outDir = path.join(root, '.run/bench');
const GOALS = { kneeWithin: 0.15, routeP99Ms: 300 };
const BATCH = 1000;

const key = readApiKey();

const percentile = (sorted, p) => (sorted.length ? Math.round(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]) : null);

async function get(p) {
  const started = performance.now();
  const res = await fetch(url + p, { headers: { authorization: `Bearer ${key}` } });
  const body = await res.json().catch(() => undefined);
  return { status: res.status, body, ms: performance.now() - started };
}

/**
 * The list and search routes, each as the requests a client would make. `sample` is an order the store holds
 * (its id and channel are looked up), `targets` what the seeded history holds to search for (seededTargets),
 * `sku` a SKU with a ledger.
 */
function routes(sample, targets, sku) {
  const list = (query) => async () => get(`/v1/orders?${query}`);
  return {
    'orders, newest first': list('limit=50'),
    'orders, oldest first': list('limit=50&sort=createdAt'),
    'orders, status delivered': list('status=delivered&limit=50'),
    'orders, status on_hold': list('status=on_hold&limit=50'),
    'orders, status pending + channel': list(`status=pending&channel=${sample.channel}&limit=50`),
    'orders, channel': list(`channel=${sample.channel}&limit=50`),
    'orders, hold reason': list('holdReason=stock_short&limit=50'),
    'orders, SKU (bestseller)': list(`sku=${encodeURIComponent(targets.bestseller)}&limit=50`),
    'orders, SKU (sold rarely)': list(`sku=${encodeURIComponent(targets.rareSku)}&limit=50`),
    'orders, email': list(`email=${encodeURIComponent(targets.email)}&limit=50`),
    'orders, text: an external id': list(`q=${encodeURIComponent(targets.externalId)}&limit=50`),
    'orders, text: a surname': list(`q=${encodeURIComponent(targets.surname)}&limit=50`),
    'orders, text: part of an old external id': list(`q=${encodeURIComponent(targets.idPart)}&limit=50`),
    'orders, last 7 days': list(`createdFrom=${new Date(Date.now() - 7 * 86_400_000).toISOString()}&limit=50`),
    'order by id': async () => get(`/v1/orders/${encodeURIComponent(sample.id)}`),
    'fulfillments of an order': async () => get(`/v1/fulfillments?orderId=${encodeURIComponent(sample.id)}`),
    'shipments of an order': async () => get(`/v1/shipments?orderId=${encodeURIComponent(sample.id)}`),
    'movements of a SKU': async () => get(`/v1/inventory/${encodeURIComponent(sku)}/movements?limit=100`),
  };
}

/** p50/p99/max of `requests` sequential calls of each route; any answer other than 200 is counted. */
async function measureRoutes(table) {
  const out = {};
  for (const [name, call] of Object.entries(table)) {
    const times = [];
    const items = [];
    let failed = 0;
    for (let i = 0; i < routeRequests; i++) {
      const res = await call();
      if (res.status !== 200) failed++;
      times.push(res.ms);
      items.push(res.body?.items?.length ?? 1);
    }
    const sorted = Float64Array.from(times).sort();
    // How full the pages were: a walk stopped by its time budget answers fast with few orders and a cursor.
    const itemsSorted = Float64Array.from(items).sort();
    out[name] = { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: percentile(sorted, 1), items: percentile(itemsSorted, 0.5), failed };
  }
  return out;
}

/** Page 1,000 of the newest-first list, followed by cursor: the time of each page (pages of 50). */
async function deepPages(pages) {
  const times = [];
  let cursor;
  for (let i = 0; i < pages; i++) {
    const res = await get(`/v1/orders?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`page ${i + 1} answered ${res.status}: ${JSON.stringify(res.body)}`);
    times.push(res.ms);
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  const last = times.slice(-100);
  const sorted = Float64Array.from(last).sort();
  return { pagesRead: times.length, lastHundred: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: percentile(sorted, 1) } };
}

/** Run bench:e2e as a child (its output passes through); its figures from the JSON it writes. */
function runE2e(label) {
  const dir = path.join(outDir, `history-${label}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'e2e.js')], { stdio: 'inherit', env: { ...process.env, BENCH_OUT: dir } });
    child.on('error', reject);
    child.on('exit', (code) => {
      const file = path.join(dir, 'e2e-ready.json');
      if (!fs.existsSync(file)) return reject(new Error(`bench:e2e (${label}) wrote no figures (exit ${code})`));
      resolve({ exit: code, ...JSON.parse(fs.readFileSync(file, 'utf8')) });
    });
  });
}

/**
 * Statuses by age, as a shop's year looks: an order older than two weeks is done (delivered, returned,
 * cancelled or rejected); the open ones (pending, on hold, ready, shipped) are among the recent.
 */
const DONE_MIX = [
  ['delivered', 0.85],
  ['returned', 0.06],
  ['cancelled', 0.06],
  ['rejected', 0.03],
];
const RECENT_MIX = [
  ['delivered', 0.55],
  ['shipped', 0.2],
  ['ready_to_fulfill', 0.1],
  ['on_hold', 0.04],
  ['returned', 0.03],
  ['cancelled', 0.04],
  ['rejected', 0.02],
  ['pending', 0.02],
];
const RECENT_MS = 14 * 86_400_000;
const HOLD_MIX = [
  ['stock_short', 0.5],
  ['payment_review', 0.3],
  ['address_invalid', 0.2],
];
const CHANNELS = ['hist-webshop', 'hist-marketplace', 'hist-app'];
const FIRST_NAMES = ['Anna', 'Lukas', 'Mia', 'Leon', 'Emma', 'Paul', 'Hannah', 'Felix', 'Lea', 'Jonas', 'Sophie', 'Max', 'Marie', 'Ben'];
const LAST_NAMES = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch'];
/** A catalogue of 5,000 articles, a few sold often: the bestseller is in about one order in ten, the tail in a few a year. */
const CATALOGUE = 5000;
const skuNumber = () => Math.floor(Math.random() ** 3 * CATALOGUE);
const skuName = (n) => `HIST-SKU-${String(n).padStart(4, '0')}`;
/** About three orders per customer. */
const customersFor = (count) => Math.max(1, Math.floor(count / 3));
const customerOf = (k) => ({
  email: `hist-kunde-${k}@example.de`,
  name: `${FIRST_NAMES[k % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(k / FIRST_NAMES.length) % LAST_NAMES.length]}`,
});

/** What the routes search for in the seeded history: a customer, the bestseller, a rarely sold article, an external id, a surname, part of an external id. */
function seededTargets(count, tag) {
  return {
    email: customerOf(42).email,
    bestseller: skuName(0),
    rareSku: skuName(4000),
    externalId: `HIST-${tag}-${Math.floor(count / 2)}`,
    surname: customerOf(42).name.split(' ')[1],
    // Part of eleven external ids, half a year and a year back: the text walk reads every bucket until there.
    idPart: `${tag}-${Math.floor(count / 20)}`,
  };
}

function pick(mix, r) {
  let acc = 0;
  for (const [value, share] of mix) if (r < (acc += share)) return value;
  return mix[mix.length - 1][0];
}

/**
 * Seed `count` orders shaped like `template` (a stored order) over the last `days` days, oldest first, with
 * the fields the store derives for its lists (customerEmail, skus, holdReasons, createdDay, createdBuckets)
 * and the list's notes in order_days (docs/orders-list.md): the time buckets of each order with their busy
 * marks, and the days of each SKU.
 */
async function seed(db, template, count, days, tag) {
  const orders = db.db('oms_ingestion').collection('orders');
  const orderDays = db.db('oms_ingestion').collection('order_days');
  const now = Date.now();
  const span = days * 86_400_000;
  const customers = customersFor(count);
  const started = Date.now();
  // The notes intake writes (its TimeBuckets, counting busy buckets as one writer would), as documents.
  const buckets = new TimeBuckets(null, 'day');
  const notes = new Map();
  const note = ({ kind, day, busy }) => {
    const id = `${kind}:${day}${busy ? ':busy' : ''}`;
    notes.set(id, busy ? { _id: id, kind, day, busy } : { _id: id, kind, day });
  };
  for (let done = 0; done < count; done += BATCH) {
    const batch = [];
    for (let i = done; i < Math.min(count, done + BATCH); i++) {
      const created = now - span + Math.floor((i / count) * span) - 3_600_000;
      const createdAt = new Date(created).toISOString();
      const createdDay = createdAt.slice(0, 10);
      const status = pick(now - created > RECENT_MS ? DONE_MIX : RECENT_MIX, Math.random());
      const customer = { ...template.customer, ...customerOf(Math.floor(Math.random() * customers)) };
      const skus = [...new Set(Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => skuName(skuNumber())))];
      const holds = status === 'on_hold' ? [{ reason: pick(HOLD_MIX, Math.random()), detail: 'seeded', at: createdAt }] : [];
      const doc = {
        ...template,
        _id: randomUUID(),
        externalId: `HIST-${tag}-${i}`,
        channel: CHANNELS[i % CHANNELS.length],
        status,
        customer,
        customerEmail: customer.email,
        lines: skus.map((sku) => ({ ...template.lines[0], sku })),
        skus,
        holds,
        holdReasons: holds.map((h) => h.reason),
        createdAt,
        createdDay,
        createdBuckets: bucketsOf(createdAt),
        updatedAt: createdAt,
        processed: [],
        sent: [],
      };
      delete doc.sentBy;
      delete doc.fence;
      delete doc.createdSecond;
      // A note stored by an earlier batch comes back as a duplicate key, which is fine.
      for (const n of buckets.notesFor(createdAt)) note(n);
      for (const sku of skus) note({ kind: `sku:${sku}`, day: createdDay });
      batch.push(doc);
    }
    await orderDays.insertMany([...notes.values()], { ordered: false }).catch((err) => {
      if (err.code !== 11000) throw err;
    });
    notes.clear();
    await orders.insertMany(batch, { ordered: false });
    const seeded = Math.min(count, done + BATCH);
    if (seeded % 50_000 === 0 || seeded === count)
      console.log(`bench: seeded ${seeded} of ${count} orders (${Math.round(seeded / ((Date.now() - started) / 1000))}/s)`);
  }
  return (Date.now() - started) / 1000;
}

/** What an earlier run seeded (BENCH_HISTORY_ORDERS=0 measures on it). */
const seedFile = path.join(outDir, 'history-seed.json');
function readSeed() {
  if (!fs.existsSync(seedFile)) throw new Error(`BENCH_HISTORY_ORDERS=0 measures an earlier run's history, but ${seedFile} is missing`);
  return JSON.parse(fs.readFileSync(seedFile, 'utf8'));
}

function printComparison(empty, seeded) {
  if (!empty) {
    const rows = Object.entries(seeded).map(([name, r]) => [name, r.p50, r.p99, r.max, r.items, r.failed]);
    return printTable(['route', 'p50', 'p99', 'max', 'orders per page (median)', 'failed'], rows);
  }
  const rows = Object.keys(empty).map((name) => [
    name,
    empty[name].p50,
    empty[name].p99,
    seeded[name].p50,
    seeded[name].p99,
    seeded[name].items,
    seeded[name].failed,
  ]);
  printTable(['route', 'empty p50', 'empty p99', 'seeded p50', 'seeded p99', 'seeded orders per page (median)', 'failed'], rows);
}

async function main() {
  const client = await MongoClient.connect(mongoUrl);
  const orders = client.db('oms_ingestion').collection('orders');
  const before = await orders.estimatedDocumentCount();
  console.log(`bench: the store holds ${before} orders before the run`);

  console.log('bench: 1. the empty store');
  const e2eEmpty = withE2e ? await runE2e('empty') : undefined;
  // An order that went the whole way to ready (the template of the history, and the sample the routes look for).
  const template = await orders.findOne({ status: { $in: ['ready_to_fulfill', 'shipped', 'delivered'] } });
  if (!template) throw new Error('no order in the store to copy: run with BENCH_HISTORY_E2E=1 or place an order first');
  const sample = { ...template, id: template._id };
  const sku = template.lines[0].sku;
  // BENCH_HISTORY_ORDERS=0: measure the history an earlier run seeded (what it searches for is in seedFile).
  const seeded = historyOrders > 0 ? { count: historyOrders, tag: Date.now().toString(36) } : readSeed();
  const table = routes(sample, seededTargets(seeded.count, seeded.tag), sku);
  const routesEmpty = historyOrders > 0 ? await measureRoutes(table) : undefined;

  let seedSeconds = 0;
  if (historyOrders > 0) {
    console.log(`bench: 2. seeding ${historyOrders} orders over ${historyDays} days`);
    seedSeconds = await seed(client, template, historyOrders, historyDays, seeded.tag);
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(seedFile, `${JSON.stringify(seeded)}\n`);
  }

  console.log(historyOrders > 0 ? 'bench: 3. the store with its history' : `bench: 3. the history seeded before (${seeded.count} orders)`);
  const routesSeeded = await measureRoutes(table);
  const deep = await deepPages(1000);
  const e2eSeeded = withE2e ? await runE2e('seeded') : undefined;
  await client.close();

  console.log('');
  console.log(
    historyOrders > 0
      ? `bench:history: ${historyOrders} orders seeded in ${seedSeconds.toFixed(0)} s (${Math.round(historyOrders / seedSeconds)}/s), ${routeRequests} requests per route`
      : `bench:history: on the ${seeded.count} orders seeded before, ${routeRequests} requests per route`,
  );
  printComparison(routesEmpty, routesSeeded);
  console.log(
    `page 1,000 of the newest-first list (pages of 50): ${deep.pagesRead} pages read; the last 100: p50 ${deep.lastHundred.p50} ms, p99 ${deep.lastHundred.p99} ms`,
  );
  const slow = Object.entries(routesSeeded).filter(([, r]) => r.p99 >= GOALS.routeP99Ms || r.failed > 0);
  console.log(
    slow.length
      ? `routes over ${GOALS.routeP99Ms} ms p99 (or failing) with history: ${slow.map(([n]) => n).join(', ')}`
      : `every route p99 < ${GOALS.routeP99Ms} ms with history`,
  );
  if (e2eEmpty && e2eSeeded) {
    const ratio = e2eEmpty.knee && e2eSeeded.knee ? e2eSeeded.knee / e2eEmpty.knee : null;
    console.log(
      `knee to ready_to_fulfill: empty ${e2eEmpty.knee ?? 'none'}/s (raw store ${e2eEmpty.rawStoreUpdates} updates/s), seeded ${e2eSeeded.knee ?? 'none'}/s (raw store ${e2eSeeded.rawStoreUpdates} updates/s)` +
        (ratio === null ? '' : `: ${(ratio * 100).toFixed(0)} % of the empty store's (goal: within ${GOALS.kneeWithin * 100} %)`),
    );
  }
  fs.mkdirSync(outDir, { recursive: true });
  const report = { historyOrders, historyDays, seedSeconds, routesEmpty, routesSeeded, deep, e2eEmpty, e2eSeeded };
  fs.writeFileSync(path.join(outDir, 'history.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`bench: figures in .run/bench/history.json`);
  const lost = (e2eEmpty?.missing ?? 0) + (e2eSeeded?.missing ?? 0);
  // The goals are reported, not enforced: the exit code says whether the run worked (nothing lost, no route failing).
  process.exit(lost > 0 || slow.some(([, r]) => r.failed > 0) ? 1 : 0);
}

main().catch((err) => {
  console.error(`bench: ${err.stack || err.message}`);
  process.exit(1);
});
