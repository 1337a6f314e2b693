#!/usr/bin/env node
// npm run bench:e2e: how fast an order becomes ready to pack (or shipped), on the running cluster (npm start).
//
// Orders are offered open-loop (sent at the step's rate whatever the answers do) in steps of rising rate;
// each order is timed from the start of its POST /v1/orders to the order.status-changed.v1 event that takes it
// to the target status, as a consumer on the broker sees it. Stock is plentiful and the sandbox payment
// approves, so every order must get there. After each step the run waits for the step's orders to arrive
// (the drain); a step that leaves orders behind is past the knee, and the steps above it are not offered
// (BENCH_ALL_STEPS=1 offers them anyway). At the end it waits for every accepted order and reports any that
// never arrived with its status: an order lost or stuck fails the run.
//
// Profiles (BENCH_PROFILE): `ready` (default) to ready_to_fulfill; `shipped` packs each fulfillment as soon as
// it is opened (fulfillment.opened.v1) and times to shipped (the carrier sandbox books the parcel).
//
// Reported beside the raw limits measured in the same run: the broker's publish-with-confirm rate and the
// store's update rate (an order's life is mostly store updates and broker messages). The knee is the highest
// step with sustained >= 95 % of offered and p99 < 2 s. A table goes to stdout, the figures as JSON to
// .run/bench/e2e-<profile>.json and a chart to .run/bench/e2e-<profile>.png (BENCH_OUT to change the directory).
//
// Settings (environment): OMS_URL (http://127.0.0.1:8080), OMS_KEY (.run/api-key), AMQP_URL,
// OMS_MONGO_URL (mongodb://127.0.0.1:27017), BENCH_STEPS (25,50,100,200,400 orders/s), BENCH_STEP_SECONDS
// (30), BENCH_DRAIN_SECONDS (60: per step), BENCH_FINAL_DRAIN_SECONDS (600), BENCH_PROFILE, BENCH_ALL_STEPS,
// BENCH_SCREENING (`on`, default: the fraud rules in force; `off`: every fraud rule disabled for the run and the
// rules restored after it, to measure what screening adds). Either way the run samples up to 300 arrived
// orders' payment checks and reports the p50/p99 of the time payment-check spent on screening and
// authorization (`screening.durationMs`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const amqp = require('amqplib');
const { rawPublishRate, rawUpdateRate } = require('./raw-limits');
const { orderTemplate, ownCustomer } = require('./order-load');
const { writeLoadChart } = require('./chart');
const { readApiKey, printTable } = require('./report');

const root = path.resolve(__dirname, '../..');
const url = process.env.OMS_URL || 'http://127.0.0.1:8080';
const amqpUrl = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const mongoUrl = (process.env.OMS_MONGO_URL || 'mongodb://127.0.0.1:27017').replace(/\/+$/, '');
const steps = (process.env.BENCH_STEPS || '25,50,100,200,400').split(',').map(Number);
const stepSeconds = Number(process.env.BENCH_STEP_SECONDS || 30);
const drainSeconds = Number(process.env.BENCH_DRAIN_SECONDS || 60);
const finalDrainSeconds = Number(process.env.BENCH_FINAL_DRAIN_SECONDS || 600);
const profile = process.env.BENCH_PROFILE || 'ready';
const allSteps = process.env.BENCH_ALL_STEPS === '1';
const screeningMode = process.env.BENCH_SCREENING || 'on';
const outDir = path.resolve(process.env.BENCH_OUT || path.join(root, '.run/bench'));
const TARGET = { ready: 'ready_to_fulfill', shipped: 'shipped' }[profile];
const KNEE = { sustainedShare: 0.95, p99Ms: 2000 };
const EVENTS_EXCHANGE = 'oms.events';

if (!TARGET) fail(`BENCH_PROFILE must be ready or shipped, not ${profile}`, 2);
if (!['on', 'off'].includes(screeningMode)) fail(`BENCH_SCREENING must be on or off, not ${screeningMode}`, 2);
if (steps.some((s) => !(s > 0)) || !(stepSeconds > 0)) fail('BENCH_STEPS must be positive rates (orders/s) and BENCH_STEP_SECONDS positive', 2);
const key = readApiKey();

function fail(message, code = 1) {
  console.error(`bench: ${message}`);
  process.exit(code);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function api(method, p, body) {
  const res = await fetch(url + p, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function must(method, p, body) {
  const res = await api(method, p, body);
  if (res.status >= 300) fail(`${method} ${p} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Nearest-rank percentile of sorted numbers, whole ms; null when empty. */
const percentile = (sorted, p) => (sorted.length ? Math.round(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]) : null);

/** What the run knows of each order: when its POST started, which step it belongs to, when it arrived. */
class Journeys {
  constructor() {
    this.byId = new Map(); // order id -> { startedAt, step }
    this.arrivedAt = new Map(); // order id -> ms (the event may come before the POST's answer)
    this.refused = []; // per step: answers other than 2xx and errors
  }

  arrivedOf(step) {
    const out = [];
    for (const [id, j] of this.byId) if (j.step === step && this.arrivedAt.has(id)) out.push(this.arrivedAt.get(id) - j.startedAt);
    return out;
  }

  acceptedIn(step) {
    let n = 0;
    for (const j of this.byId.values()) if (j.step === step) n++;
    return n;
  }

  missing() {
    return [...this.byId.keys()].filter((id) => !this.arrivedAt.has(id));
  }
}

/** A private queue on the events exchange: arrivals at the target status and, for `shipped`, opened fulfillments to pack. */
async function tapEvents(journeys, onFulfillmentOpened) {
  const connection = await amqp.connect(amqpUrl);
  const ch = await connection.createChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  await ch.bindQueue(queue, EVENTS_EXCHANGE, 'order.status-changed.v1');
  if (onFulfillmentOpened) await ch.bindQueue(queue, EVENTS_EXCHANGE, 'fulfillment.opened.v1');
  await ch.consume(
    queue,
    (msg) => {
      if (!msg) return;
      const now = Date.now();
      const event = JSON.parse(msg.content.toString('utf8'));
      if (event.type === 'order.status-changed.v1' && event.data.to === TARGET && !journeys.arrivedAt.has(event.data.orderId))
        journeys.arrivedAt.set(event.data.orderId, now);
      else if (event.type === 'fulfillment.opened.v1') onFulfillmentOpened(event.data);
    },
    { noAck: true },
  );
  return connection;
}

/** Offer `rate` orders/s for `seconds`, open-loop: each order is sent on schedule, without waiting for earlier answers. */
async function offerStep(step, rate, template, journeys) {
  const total = Math.round(rate * stepSeconds);
  const refusals = { answers: {}, errors: 0 };
  const inFlight = [];
  const started = Date.now();
  let sent = 0;
  const place = async (n) => {
    const startedAt = Date.now();
    try {
      const externalId = `E2E-${step}-${n}-${started.toString(36)}`;
      const res = await api('POST', '/v1/orders', { ...ownCustomer(template, externalId), externalId });
      if (res.status === 202) journeys.byId.set(res.body.id, { startedAt, step });
      else refusals.answers[res.status] = (refusals.answers[res.status] ?? 0) + 1;
    } catch {
      refusals.errors++;
    }
  };
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate) + 1);
    while (sent < due) inFlight.push(place(sent++));
    await sleep(2);
  }
  const offeredFor = (Date.now() - started) / 1000;
  await Promise.all(inFlight);
  journeys.refused[step] = refusals;
  return { started, offeredPerSecond: total / Math.max(offeredFor, stepSeconds), sent: total, refusals };
}

/** Wait until every accepted order of the step arrived, or `limitSeconds` passed. */
async function drainStep(step, journeys, limitSeconds) {
  const deadline = Date.now() + limitSeconds * 1000;
  const accepted = journeys.acceptedIn(step);
  while (Date.now() < deadline && journeys.arrivedOf(step).length < accepted) await sleep(250);
}

function stepFigures(step, rate, offer, journeys) {
  const latencies = Float64Array.from(journeys.arrivedOf(step)).sort();
  const accepted = journeys.acceptedIn(step);
  let lastArrival = offer.started;
  for (const [id, j] of journeys.byId) if (j.step === step && journeys.arrivedAt.has(id)) lastArrival = Math.max(lastArrival, journeys.arrivedAt.get(id));
  // Orders of the step that arrived, over the time from the step's start to its last arrival (at least the step).
  const window = Math.max(stepSeconds, (lastArrival - offer.started) / 1000);
  return {
    step: rate,
    offered: Number(offer.offeredPerSecond.toFixed(1)),
    accepted,
    refused: Object.values(offer.refusals.answers).reduce((a, b) => a + b, 0) + offer.refusals.errors,
    sustained: Number((latencies.length / window).toFixed(1)),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: percentile(latencies, 1),
    backlogLeft: accepted - latencies.length,
  };
}

const atKnee = (row) =>
  row.backlogLeft === 0 && row.refused === 0 && row.sustained >= KNEE.sustainedShare * row.offered && row.p99Ms !== null && row.p99Ms < KNEE.p99Ms;

function printStepTable(rows, skipped) {
  const head = ['offered/s', 'sustained/s', 'p50 ms', 'p99 ms', 'max ms', 'backlog left', 'refused'];
  const lines = rows.map((r) => [r.offered, r.sustained, r.p50Ms, r.p99Ms, r.maxMs, r.backlogLeft, r.refused]);
  for (const s of skipped) lines.push([s, 'not offered: past the knee', '', '', '', '', '']);
  printTable(head, lines);
}

async function main() {
  const run = Date.now().toString(36);
  const channel = `bench-e2e-${run}`;
  const sku = `BENCH-E2E-${run}`.toUpperCase();
  console.log(`bench: raw RabbitMQ publish-with-confirm (1 KB, persistent, 256 in flight) for 5 s...`);
  const rawBroker = await rawPublishRate(amqpUrl);
  console.log(`bench: raw store updates (one field of 1 KB documents, 50 in flight) for 3 s...`);
  const rawStoreUpdates = await rawUpdateRate(mongoUrl);
  console.log(`bench: raw broker ${Math.round(rawBroker)} confirmed publishes/s, raw store ${Math.round(rawStoreUpdates)} updates/s`);

  // A channel, a warehouse and more stock than every step together can order.
  await must('PUT', `/v1/channels/${channel}`, { name: 'End-to-end benchmark', type: 'web', defaultCurrency: 'EUR' });
  await must('PUT', '/v1/locations/bench-e2e', { name: 'Benchmark warehouse', type: 'warehouse' });
  await must('POST', '/v1/inventory/movements', { sku, locationId: 'bench-e2e', quantity: 1_000_000, type: 'receipt' });
  const base = orderTemplate(channel);
  const template = { ...base, lines: [{ ...base.lines[0], sku }] };
  const rulesBefore = (await must('GET', '/v1/fraud/rules')).rules;
  if (screeningMode === 'off') {
    const off = Object.fromEntries(Object.entries(rulesBefore).map(([name, rule]) => [name, typeof rule === 'object' ? { ...rule, enabled: false } : rule]));
    await must('PUT', '/v1/fraud/rules', off);
    // payment-check keeps the rules it read for FRAUD_RULES_CACHE_MS (5 s by default).
    console.log('bench: fraud rules disabled for this run; waiting 6 s for payment-check to read them');
    await sleep(6000);
  }

  const journeys = new Journeys();
  const packs = { sent: 0, refused: 0 };
  const pack = (f) => {
    packs.sent++;
    api('POST', `/v1/fulfillments/${encodeURIComponent(f.fulfillmentId)}/pack`)
      .then((res) => res.status >= 300 && packs.refused++)
      .catch(() => packs.refused++);
  };
  const tap = await tapEvents(journeys, profile === 'shipped' ? pack : undefined);

  const rows = [];
  const skipped = [];
  for (const [i, rate] of steps.entries()) {
    if (rows.length && !allSteps && rows[rows.length - 1].backlogLeft > 0) {
      skipped.push(...steps.slice(i));
      break;
    }
    console.log(`bench: step ${i + 1}/${steps.length}: ${rate} orders/s for ${stepSeconds} s, to ${TARGET}...`);
    const offer = await offerStep(i, rate, template, journeys);
    await drainStep(i, journeys, drainSeconds);
    const figures = stepFigures(i, rate, offer, journeys);
    rows.push(figures);
    console.log(`bench:   ${JSON.stringify(figures)}`);
  }

  // Every accepted order must arrive: wait for the ones left behind, then name those that never did.
  const left = journeys.missing().length;
  if (left) console.log(`bench: waiting up to ${finalDrainSeconds} s for ${left} orders still on their way...`);
  const deadline = Date.now() + finalDrainSeconds * 1000;
  while (journeys.missing().length && Date.now() < deadline) await sleep(1000);
  const missing = journeys.missing();
  const statuses = {};
  for (const id of missing.slice(0, 200)) {
    const res = await api('GET', `/v1/orders/${encodeURIComponent(id)}`);
    const status = res.status === 200 ? res.body.status : `GET ${res.status}`;
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  await tap.close();
  if (screeningMode === 'off') await must('PUT', '/v1/fraud/rules', rulesBefore);
  const paymentCheck = await paymentCheckTimes(journeys);

  const knee = rows.filter(atKnee).reduce((best, r) => (best && best.offered >= r.offered ? best : r), undefined);
  console.log('');
  console.log(`bench:e2e, profile ${profile} (to ${TARGET}), ${stepSeconds} s per step, drain ${drainSeconds} s per step`);
  printStepTable(rows, skipped);
  console.log(
    `knee: ${knee ? `${knee.offered} orders/s (ratio ${(knee.offered / rawStoreUpdates).toFixed(4)} of the raw store update rate, ${(knee.offered / rawBroker).toFixed(4)} of the raw broker rate)` : 'none: not even the first step met sustained >= 95 % of offered with p99 < 2 s'}`,
  );
  console.log(`raw limits in this run: broker ${Math.round(rawBroker)} confirmed publishes/s, store ${Math.round(rawStoreUpdates)} updates/s`);
  if (profile === 'shipped') console.log(`packs sent ${packs.sent}, refused ${packs.refused}`);
  console.log(
    `fraud screening ${screeningMode}: payment check (screening + authorization) in payment-check over ${paymentCheck.sampled} orders: p50 ${paymentCheck.p50Ms} ms, p99 ${paymentCheck.p99Ms} ms`,
  );
  console.log(
    missing.length
      ? `FAILED: ${missing.length} accepted orders never reached ${TARGET}; statuses of up to 200: ${JSON.stringify(statuses)}`
      : `every accepted order reached ${TARGET}`,
  );

  fs.mkdirSync(outDir, { recursive: true });
  const report = {
    profile,
    target: TARGET,
    stepSeconds,
    drainSeconds,
    rows,
    skipped,
    knee: knee?.offered ?? null,
    rawBroker: Math.round(rawBroker),
    rawStoreUpdates: Math.round(rawStoreUpdates),
    missing: missing.length,
    missingStatuses: statuses,
    packs,
    screening: screeningMode,
    paymentCheck,
  };
  fs.writeFileSync(path.join(outDir, `e2e-${profile}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const chart = path.join(outDir, `e2e-${profile}.png`);
  await writeLoadChart(chart, rows, `Orders to ${TARGET}: sustained rate and latency against offered load (${knee ? `knee ${knee.offered}/s` : 'no knee'})`);
  console.log(`bench: figures in ${path.relative(process.cwd(), path.join(outDir, `e2e-${profile}.json`))}, chart in ${path.relative(process.cwd(), chart)}`);
  process.exit(missing.length ? 1 : 0);
}

/** The time payment-check spent on screening and authorization, from the payment checks of up to 300 arrived orders. */
async function paymentCheckTimes(journeys) {
  const arrived = [...journeys.arrivedAt.keys()];
  const sample = arrived.filter((_, i) => i % Math.max(1, Math.floor(arrived.length / 300)) === 0).slice(0, 300);
  const times = [];
  for (const id of sample) {
    const res = await api('GET', `/v1/payments?orderId=${encodeURIComponent(id)}`);
    const duration = res.status === 200 ? res.body?.[0]?.screening?.durationMs : undefined;
    if (typeof duration === 'number') times.push(duration);
  }
  times.sort((a, b) => a - b);
  const at = (p) => (times.length ? times[Math.max(0, Math.ceil(p * times.length) - 1)] : null);
  return { sampled: times.length, p50Ms: at(0.5), p99Ms: at(0.99) };
}

main().catch((err) => fail(err.stack || err.message));
