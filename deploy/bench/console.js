#!/usr/bin/env node
// How long the console's order list takes to show its first page with many orders stored: on the running
// cluster (npm start), with Debian's Chromium (deploy/chromium.sh) driven by playwright-core.
//   1. tops the store up to BENCH_CONSOLE_ORDERS (100,000) orders: one order placed through the API, then
//      bench:history's seeding (deploy/bench/history.js, straight into ingestion's database) for the rest;
//   2. signs in to the console with the ops key, then reloads the order list BENCH_CONSOLE_RUNS (10) times
//      and times each from the reload until the first row is shown (the page, its script, the session, the
//      red flags and the first page of orders, rendered);
//   3. the raw limit in the same run: the API's first page itself (GET /v1/orders?limit=50), as many times.
// Output: p50/p90 of both and their ratio; the figures in .run/bench/console.json.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { MongoClient } = require('mongodb');
const { chromium } = require('playwright-core');
const { readApiKey } = require('./report');

const root = path.resolve(__dirname, '../..');
const url = process.env.OMS_URL || 'http://127.0.0.1:8080';
const mongoUrl = (process.env.OMS_MONGO_URL || 'mongodb://127.0.0.1:27017').replace(/\/+$/, '');
const wanted = Number(process.env.BENCH_CONSOLE_ORDERS || 100_000);
const runs = Number(process.env.BENCH_CONSOLE_RUNS || 10);
const key = readApiKey();

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]);
};

async function api(method, p, body) {
  const res = await fetch(url + p, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

/** One real order through the API, so that the seeding has a template with every field intake writes. */
async function placeTemplate() {
  await api('PUT', '/v1/channels/bench-console', { name: 'Console bench', type: 'web', defaultCurrency: 'EUR' });
  await api('PUT', '/v1/locations/bench-console', { name: 'Console bench', type: 'warehouse' });
  await api('POST', '/v1/inventory/movements', { sku: 'BENCH-CONSOLE', locationId: 'bench-console', quantity: 1000, type: 'receipt' });
  const order = {
    channel: 'bench-console',
    externalId: `BC-${Date.now()}`,
    currency: 'EUR',
    customer: { email: 'bench@example.com', name: 'Bench Kunde' },
    shippingAddress: { name: 'Bench Kunde', line1: 'Invalidenstraße 117', postalCode: '10115', city: 'Berlin', country: 'DE' },
    lines: [{ sku: 'BENCH-CONSOLE', quantity: 1, unitPrice: 1999 }],
    shipping: { method: 'standard', price: 495 },
    payment: { method: 'card', provider: 'sandbox', reference: 'bench', amount: 2494 },
  };
  const placed = await api('POST', '/v1/orders', order);
  if (placed.status !== 202) throw new Error(`placing the template order answered ${placed.status}: ${JSON.stringify(placed.body)}`);
  for (let i = 0; i < 100; i++) {
    if ((await api('GET', `/v1/orders/${placed.body.id}`)).body?.status === 'ready_to_fulfill') return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('the template order did not become ready_to_fulfill');
}

async function topUp() {
  const client = await MongoClient.connect(mongoUrl);
  const stored = await client.db('oms_ingestion').collection('orders').estimatedDocumentCount();
  await client.close();
  if (stored >= wanted) return stored;
  await placeTemplate();
  const missing = wanted - stored - 1;
  console.log(`bench: ${stored + 1} orders stored; seeding ${missing} more (deploy/bench/history.js)`);
  const seeding = spawnSync(process.execPath, [path.join(__dirname, 'history.js')], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_HISTORY_ORDERS: String(missing), BENCH_HISTORY_E2E: '0', BENCH_ROUTE_REQUESTS: '5' },
  });
  if (seeding.status !== 0) throw new Error(`seeding failed (exit ${seeding.status})`);
  return wanted;
}

async function main() {
  const stored = await topUp();
  const executablePath = process.env.OMS_CHROMIUM || execFileSync('bash', [path.join(root, 'deploy/chromium.sh')], { encoding: 'utf8' }).trim();
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${url}/console`);
  await page.getByRole('button', { name: 'Sign in with an ops key instead' }).click();
  await page.getByLabel('Ops key').fill(key);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const firstRow = page.locator('table.list tbody tr').first();
  await firstRow.waitFor({ timeout: 60_000 });

  const consoleMs = [];
  const apiMs = [];
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    await page.reload();
    await firstRow.waitFor({ timeout: 60_000 });
    consoleMs.push(performance.now() - started);
    started = performance.now();
    const res = await api('GET', '/v1/orders?limit=50');
    apiMs.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`GET /v1/orders answered ${res.status}`);
  }
  await browser.close();

  const figures = {
    storedOrders: stored,
    runs,
    console: { p50: percentile(consoleMs, 0.5), p90: percentile(consoleMs, 0.9), all: consoleMs.map(Math.round) },
    apiFirstPage: { p50: percentile(apiMs, 0.5), p90: percentile(apiMs, 0.9), all: apiMs.map(Math.round) },
  };
  figures.ratioP50 = Math.round((figures.console.p50 / Math.max(1, figures.apiFirstPage.p50)) * 10) / 10;
  console.log(
    `bench:console: ${stored} orders stored; the console's order list shows its first row in p50 ${figures.console.p50} ms, p90 ${figures.console.p90} ms ` +
      `(${runs} reloads); the API's first page alone (GET /v1/orders?limit=50): p50 ${figures.apiFirstPage.p50} ms, p90 ${figures.apiFirstPage.p90} ms; ratio ${figures.ratioP50}×`,
  );
  fs.mkdirSync(path.join(root, '.run/bench'), { recursive: true });
  fs.writeFileSync(path.join(root, '.run/bench/console.json'), `${JSON.stringify(figures, null, 2)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
