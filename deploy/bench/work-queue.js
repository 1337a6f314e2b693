#!/usr/bin/env node
// node deploy/bench/work-queue.js [open...]: how long one page of a location's work queue takes as its backlog
// grows, and a done queue's page as its history grows. Straight against the fulfillment service's store
// (FerretDB of the project stack, deploy/stack.sh; OMS_MONGO_URL), with the service's own repository code
// (build first: npx tsc -b tsconfig.build.json). For each backlog size (default 1000 10000 50000 open
// fulfillments at one location, due over BENCH_QUEUE_OPEN_DAYS (5) ship-by days, beside 100,000 handed over at
// it over 200 ship-by days) it times 10 pages of
// 50 of the open queue and of the handed-over queue, and, as the raw limit of the same store in the same run,
// one lookup by id. Each size runs in a database of its own, dropped afterwards.
'use strict';
const path = require('node:path');
const mongoose = require('mongoose');
const root = path.resolve(__dirname, '../..');
const { fulfillmentModel } = require(path.join(root, 'services/fulfillment/dist/data-access/fulfillment-model'));
const { FulfillmentRepository } = require(path.join(root, 'services/fulfillment/dist/data-access/fulfillment-repository'));
const { DayIndex, dayOf } = require('@oms/mongo');

const mongoUrl = process.env.OMS_MONGO_URL || 'mongodb://127.0.0.1:27017';
const HISTORY = Number(process.env.BENCH_QUEUE_HISTORY || 100000);
/** Ship-by days the open work is spread over (1: all of it due on one day), each evenly over its hours. */
const OPEN_DAYS = Math.max(1, Number(process.env.BENCH_QUEUE_OPEN_DAYS || 5));
const address = { name: 'A', line1: 'B 1', postalCode: '10115', city: 'Berlin', country: 'DE' };

function fulfillment(i, status, shipBy) {
  return {
    _id: `${status}-${i}`,
    orderId: `o-${status}-${i}`,
    locationId: 'wh',
    lines: [{ sku: `SKU-${i % 500}`, quantity: 1 + (i % 3) }],
    shippingAddress: address,
    shippingMethod: 'standard',
    status,
    shipBy,
    queue: `wh|${status}`,
    queueDay: dayOf(shipBy),
    queueHour: shipBy.toISOString().slice(0, 13),
    createdAt: shipBy,
  };
}

async function insert(model, make, n) {
  for (let i = 0; i < n; i += 2000)
    await model.insertMany(
      Array.from({ length: Math.min(2000, n - i) }, (_, k) => make(i + k)),
      { ordered: false },
    );
}

async function timed(fn, runs = 10) {
  const ms = [];
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(runs / 2)], max: ms[runs - 1] };
}

async function run(open) {
  const db = await mongoose.createConnection(`${mongoUrl}/bench_work_queue_${open}_${Date.now()}`).asPromise();
  try {
    const model = fulfillmentModel(db);
    await model.createIndexes();
    const days = new DayIndex(db, 'fulfillment_days');
    const repo = new FulfillmentRepository(model, days);
    const start = Date.UTC(2026, 0, 1);
    // The open work is due over OPEN_DAYS ship-by days (its days noted as the service notes them on arrival).
    // Spread evenly over each day's 24 hours, as orders of a day are.
    const perDay = Math.ceil(open / OPEN_DAYS);
    const openShipBy = (i) => new Date(start + (200 + (i % OPEN_DAYS)) * 86_400_000 + Math.floor((Math.floor(i / OPEN_DAYS) * 86_400_000) / perDay));
    await insert(model, (i) => fulfillment(i, 'open', openShipBy(i)), open);
    await repo.noteArrival('wh', ...Array.from({ length: OPEN_DAYS }, (_, d) => openShipBy(d)));
    await insert(model, (i) => fulfillment(i, 'handed_over', new Date(start + Math.floor((i / HISTORY) * 200) * 86_400_000 + i)), HISTORY);
    for (let d = 0; d < 200; d++) await days.note('queue:wh|handed_over', dayOf(new Date(start + d * 86_400_000)));
    const page = (status, sort) => async () => {
      const p = await repo.queue({ locationId: 'wh', status, sort, limit: 50 });
      if (p.items.length !== 50) throw new Error(`short page of ${status}: ${p.items.length}`);
    };
    const byId = await timed(() => model.findById('open-7').lean());
    const openAsc = await timed(page('open', 'asc'));
    const doneDesc = await timed(page('handed_over', 'desc'));
    const ratio = (t) => (t.p50 / byId.p50).toFixed(0);
    return {
      open,
      history: HISTORY,
      byIdMs: byId.p50.toFixed(1),
      openPageMs: openAsc,
      openRatio: ratio(openAsc),
      donePageMs: doneDesc,
      doneRatio: ratio(doneDesc),
    };
  } finally {
    await db.dropDatabase();
    await db.close();
  }
}

(async () => {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  for (const open of sizes.length ? sizes : [1000, 10000, 50000]) {
    const r = await run(open);
    console.log(
      `open ${r.open} over ${OPEN_DAYS} ship-by days (+ ${r.history} handed over): by id ${r.byIdMs} ms | open queue page p50 ${r.openPageMs.p50.toFixed(1)} ms (max ${r.openPageMs.max.toFixed(1)}) = ${r.openRatio}x | handed-over page p50 ${r.donePageMs.p50.toFixed(1)} ms (max ${r.donePageMs.max.toFixed(1)}) = ${r.doneRatio}x`,
    );
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
