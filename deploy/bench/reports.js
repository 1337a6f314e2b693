#!/usr/bin/env node
// node deploy/bench/reports.js: how long a year's sales report takes, cold (every day's rollup computed from its
// facts and stored) and warm (the rollups read, a month at a time), beside the raw limit of the same store in the
// same run: one lookup by id. Straight against the reports service's store (FerretDB of the project stack,
// deploy/stack.sh; OMS_MONGO_URL) with the service's own repository and query code (build first:
// npx tsc -b tsconfig.build.json). Inserts BENCH_REPORTS_DAYS (365) days of BENCH_REPORTS_ORDERS (1000) order
// facts each, in a database of its own, dropped afterwards.
'use strict';
const path = require('node:path');
const mongoose = require('mongoose');
const root = path.resolve(__dirname, '../..');
const dist = (p) => require(path.join(root, 'services/reports/dist', p));
const { FactRepository } = dist('data-access/fact-repository');
const { RollupRepository } = dist('data-access/rollup-repository');
const { sales } = dist('application/report-queries');
const { isoWeekOf, addDays } = dist('domain/periods');

const mongoUrl = process.env.OMS_MONGO_URL || 'mongodb://127.0.0.1:27017';
const DAYS = Number(process.env.BENCH_REPORTS_DAYS || 365);
const PER_DAY = Number(process.env.BENCH_REPORTS_ORDERS || 1000);
const CHANNELS = ['web', 'app', 'amazon', 'ebay', 'store'];
const COUNTRIES = ['DE', 'AT', 'FR', 'NL', 'PL', 'IT', 'ES', 'DK'];

/** An order fact as the service stores it (domain/facts.ts). */
function orderFact(day, i) {
  return {
    _id: `order:${day}-${i}`,
    kind: 'order',
    day,
    week: isoWeekOf(day),
    orderId: `${day}-${i}`,
    channel: CHANNELS[i % CHANNELS.length],
    paymentMethod: i % 3 === 0 ? 'paypal' : 'card',
    shippingMethod: i % 4 === 0 ? 'express' : 'standard',
    country: COUNTRIES[i % COUNTRIES.length],
    currency: i % 10 === 0 ? 'CHF' : 'EUR',
    total: 1000 + ((i * 37) % 20000),
    receivedAt: new Date(`${day}T${String(i % 24).padStart(2, '0')}:00:00.000Z`),
    lines: [{ sku: `SKU-${i % 500}`, quantity: 1 + (i % 3) }],
  };
}

async function timed(fn, runs) {
  const ms = [];
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(runs / 2)], max: ms[runs - 1] };
}

(async () => {
  const db = await mongoose.createConnection(`${mongoUrl}/bench_reports_${Date.now()}`).asPromise();
  try {
    const facts = new FactRepository(db);
    const rollups = new RollupRepository(db);
    await facts.model.createIndexes();
    await rollups.model.createIndexes();
    const to = '2026-11-30';
    const from = addDays(to, -(DAYS - 1));
    const loadStart = Date.now();
    for (let d = 0; d < DAYS; d++) {
      const day = addDays(from, d);
      await facts.model.collection.insertMany(
        Array.from({ length: PER_DAY }, (_, i) => orderFact(day, i)),
        { ordered: false },
      );
    }
    console.log(`inserted ${DAYS * PER_DAY} order facts over ${DAYS} days in ${((Date.now() - loadStart) / 1000).toFixed(0)} s`);

    // Every day of the range is closed: the report reads (or computes) its rollup.
    const deps = { facts, rollups, rollupAfterHours: 2, now: () => new Date('2026-12-07T12:00:00Z') };
    const query = { from, to, interval: 'week', by: 'channel' };
    const byId = await timed(() => facts.model.findById(`order:${to}-7`).lean(), 20);
    const cold = await timed(() => sales(deps, query), 1);
    const warm = await timed(() => sales(deps, query), 10);
    const report = await sales(deps, query);
    const orders = report.json.rows.reduce((n, r) => n + r.orders, 0);
    if (orders !== DAYS * PER_DAY) throw new Error(`the report counts ${orders} orders, ${DAYS * PER_DAY} were inserted`);
    console.log(
      `${DAYS} days x ${PER_DAY} orders, sales by channel per week: by id p50 ${byId.p50.toFixed(1)} ms | cold (rollups computed) ${cold.p50.toFixed(0)} ms = ${(cold.p50 / byId.p50).toFixed(0)}x | warm (rollups read) p50 ${warm.p50.toFixed(1)} ms (max ${warm.max.toFixed(1)}) = ${(warm.p50 / byId.p50).toFixed(0)}x`,
    );
  } finally {
    await db.dropDatabase();
    await db.close();
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
