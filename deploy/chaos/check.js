'use strict';
// After the load: read everything back through the gateway's API, the sandboxes (what the payment provider
// and the carrier received) and the broker (dead letters), and compare it with the journal of what the load
// asked and was answered. The report says what was lost, doubled, left in the wrong state or broke a stock,
// shipment or money invariant; `ok` is false when anything did.
const path = require('node:path');
const { Writable } = require('node:stream');
const { log, sleep } = require('./util');
const { Limit } = require('./api');
const { CHANNELS } = require('./load');

const root = path.resolve(__dirname, '../..');
const SHIPPED = ['shipped', 'in_transit', 'delivered', 'returned'];
const ok2xx = (step) => step && step.status >= 200 && step.status < 300;

/** A SKU's whole ledger, page by page (a page may be short while a cursor follows); undefined if a page fails. */
async function readLedger(api, sku) {
  const movements = [];
  let cursor = null;
  do {
    const page = await api.get(`/v1/inventory/${sku}/movements?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (page.status !== 200) return undefined;
    movements.push(...page.body.movements);
    cursor = page.body.nextCursor;
  } while (cursor);
  return movements;
}

/**
 * Every stored order of the run's channels, page by page (the list carries checks, allocation, shipments).
 * Pages of 50: the gateway gives ingestion UPSTREAM_TIMEOUT_MS (3 s) per query, and pages of 200 full
 * orders took longer on FerretDB while the system was still busy. A page that keeps failing is retried
 * for five minutes, then the check fails the run (exit 2) rather than report orders it could not read.
 */
async function storedOrders(api, load) {
  try {
    return { orders: await listAll(api, Date.now() + 180000), listed: true };
  } catch (err) {
    log(`check: the order list did not answer (${err.message.slice(0, 160)}); reading every accepted order by id instead`);
  }
  const ids = load.orders.filter((o) => o.id).map((o) => o.id);
  return { orders: await readByIds(api, ids), listed: false };
}

/** Every page of every channel of the run; fails when a page still fails at `deadline`. */
async function listAll(api, deadline) {
  const all = [];
  for (const channel of CHANNELS) {
    let cursor;
    do {
      const res = await api.get(`/v1/orders?channel=${channel}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
        untilMs: deadline,
      });
      if (res.status !== 200) throw new Error(`listing the orders of ${channel}: ${res.status} ${JSON.stringify(res.body)}`);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
  }
  return all;
}

/** The orders with these ids (`GET /v1/orders/{id}`, each retried for two minutes); those not found are left out. */
async function readByIds(api, ids) {
  const limit = new Limit(24);
  const found = [];
  await Promise.all(
    ids.map((id) =>
      limit.run(async () => {
        const res = await api.get(`/v1/orders/${id}`, { untilMs: Date.now() + 120000 });
        if (res.status === 200) found.push(res.body);
      }),
    ),
  );
  return found;
}

/**
 * The states an order may end in, given what the load did to it and what it was answered: e.g. a cancel
 * answered 2xx must end cancelled; an order whose return was received must end returned.
 */
function expectedStates(order) {
  const expected = expectedByAnswers(order);
  // A step that never got a definite answer (no answer, still 5xx, or its first request still in progress,
  // after its retries) may have been done:
  // then its state is expected too.
  const s = order.steps;
  const extra = [...(unanswered(s.cancel) ? ['cancelled'] : []), ...(unanswered(s.pack) ? ['shipped', 'in_transit', 'delivered'] : [])];
  return expected && [...new Set([...expected, ...extra])];
}

const unanswered = (step) => step !== undefined && (step.status === 0 || step.status >= 500 || step.title === 'Request In Progress');

function expectedByAnswers(order) {
  const s = order.steps;
  if (order.part === 'decline') return ['rejected'];
  // A cancel answered 202 is queued, not done: a pack done meanwhile (answered 2xx) wins, and the cancel is
  // then refused as too late when ingestion gets to it.
  if (s.cancel?.status === 202 && ok2xx(s.pack)) return ['cancelled', 'shipped', 'in_transit', 'delivered'];
  if (ok2xx(s.cancel)) return ['cancelled'];
  if (ok2xx(s.receive)) return ['returned'];
  if (ok2xx(s.delivered)) return ['delivered'];
  if (ok2xx(s.in_transit)) return ['in_transit', 'delivered'];
  if (ok2xx(s.pack)) return ['shipped', 'in_transit', 'delivered'];
  if (order.seen === 'on_hold' && order.part === 'scarce') return ['on_hold'];
  if (order.part === 'cancel' && s.cancel?.status === 409) return undefined; // refused as too late: any state of its path
  // The driver never saw the order ready (or gave up waiting): it should be ready to fulfill by now.
  return order.part === 'scarce' ? ['ready_to_fulfill', 'on_hold'] : ['ready_to_fulfill'];
}

function classify(load, stored) {
  const byId = new Map();
  const byKey = new Map();
  for (const o of stored) {
    const key = `${o.channel}/${o.externalId}`;
    byKey.set(key, [...(byKey.get(key) ?? []), o]);
    byId.set(o.id, o);
  }
  const accepted = load.orders.filter((o) => o.id);
  const unexpected = [];
  for (const order of accepted) {
    const found = byId.get(order.id);
    const expected = expectedStates(order);
    if (found && expected && !expected.includes(found.status))
      unexpected.push({
        id: order.id,
        externalId: order.externalId,
        part: order.part,
        status: found.status,
        expected,
        checks: found.checks,
        holds: (found.holds ?? []).map((h) => h.reason),
        steps: Object.fromEntries(Object.entries(order.steps).map(([k, v]) => [k, v.status])),
      });
  }
  return { byId, byKey, accepted, unexpected };
}

/** Everything in the DLQs (`<queue>.dlq`), read with the CLI's own reader (`oms dlq show`), left in place. */
async function deadLetters(stack) {
  const queues = await stack.rabbitmq.queues();
  const { showDlq } = require(path.join(root, 'packages/cli/dist/dlq.js'));
  const letters = [];
  for (const q of queues.filter((x) => x.name.endsWith('.dlq') && x.messages > 0)) {
    let text = '';
    const out = new Writable({
      write(chunk, _enc, done) {
        text += chunk;
        done();
      },
    });
    await showDlq(q.name.slice(0, -4), { amqpUrl: stack.urls.amqp, json: true, limit: 10000, body: true, out, err: out });
    for (const line of text.split('\n').filter((l) => l.startsWith('{'))) {
      const l = JSON.parse(line);
      const data = l.body?.data ?? l.body ?? {};
      letters.push({ queue: q.name, type: l.type, reason: l.reason, attempt: l.attempt, orderId: data.orderId, messageId: l.messageId });
    }
  }
  return { queues: queues.filter((q) => q.name.endsWith('.dlq')).map((q) => ({ queue: q.name, messages: q.messages })), letters };
}

/** Inventory's own audit, on its port; /internal/* routes need the cluster's service token (INTERNAL_API_TOKEN). */
async function inventoryAudit(ports, internalToken) {
  try {
    const res = await fetch(`http://127.0.0.1:${ports.inventory}/internal/inventory-audit`, {
      headers: { authorization: `Bearer ${internalToken}` },
      signal: AbortSignal.timeout(60000),
    });
    const body = await res.json().catch(() => undefined);
    return res.ok ? body : { unavailable: `answered ${res.status}` };
  } catch (err) {
    return { unavailable: err.message };
  }
}

async function check({ api, stack, load, sandboxes, ports, internalToken, until }) {
  log('check: reading every order of the run back through GET /v1/orders');
  const read = await storedOrders(api, load);
  let stored = read.orders;
  let view = classify(load, stored);
  // Orders still on their way to their final state: read those again, until `until`.
  while (view.unexpected.length && Date.now() < until) {
    log(`check: ${view.unexpected.length} orders not yet in their expected state; reading them again in 10 s`);
    await sleep(10000);
    const again = new Map(
      (
        await readByIds(
          api,
          view.unexpected.map((u) => u.id),
        )
      ).map((o) => [o.id, o]),
    );
    stored = stored.map((o) => again.get(o.id) ?? o);
    view = classify(load, stored);
  }
  const { byId, byKey, accepted, unexpected } = view;
  const broken = [];
  const limit = new Limit(24);

  // Lost: accepted but not stored. A list can miss nothing, but ask for each one by id to be sure.
  const missing = accepted.filter((o) => !byId.has(o.id));
  const lost = [];
  await Promise.all(
    missing.map((o) =>
      limit.run(async () => {
        const res = await api.get(`/v1/orders/${o.id}`);
        if (res.status === 200) byId.set(o.id, res.body);
        else lost.push({ id: o.id, channel: o.channel, externalId: o.externalId, part: o.part, answer: res.status });
      }),
    ),
  );
  const duplicated = [...byKey.entries()].filter(([, list]) => list.length > 1).map(([key, list]) => ({ key, ids: list.map((o) => o.id) }));
  const journalKeys = new Set(load.orders.map((o) => `${o.channel}/${o.externalId}`));
  const strangers = stored.filter((o) => !journalKeys.has(`${o.channel}/${o.externalId}`)).map((o) => o.id);
  const refusedButStored = load.orders.filter((o) => !o.id && byKey.has(`${o.channel}/${o.externalId}`)).map((o) => o.externalId);

  // Per order: the services' own records of payments and shipments.
  log(`check: reading payments and shipments of ${accepted.length} orders`);
  const payments = new Map();
  const shipments = new Map();
  await Promise.all(
    accepted.map((o) =>
      limit.run(async () => {
        const [pay, ship] = await Promise.all([api.get(`/v1/payments?orderId=${o.id}`), api.get(`/v1/shipments?orderId=${o.id}`)]);
        if (pay.status === 200) payments.set(o.id, pay.body);
        if (ship.status === 200) shipments.set(o.id, ship.body);
      }),
    ),
  );

  // What the provider and the carrier received (the sandboxes run in the chaos process).
  const auths = sandboxes.payment.authorizations();
  const authsByReference = groupBy(auths, (a) => a.reference);
  const authById = new Map(auths.map((a) => [a.id, a]));
  const providerRefunds = groupBy(sandboxes.payment.refunds(), (r) => authById.get(r.authorizationId)?.reference);
  const bookings = groupBy(sandboxes.carrier.shipments, (s) => s.reference);

  // Stock, per SKU: the figures and the ledger.
  log('check: reading stock figures and ledgers');
  const skus = Object.keys(load.seeded);
  const stock = new Map();
  await Promise.all(
    skus.map((sku) =>
      limit.run(async () => {
        const [figures, movements] = await Promise.all([api.get(`/v1/inventory/${sku}`), readLedger(api, sku)]);
        stock.set(sku, { figures: figures.body, movements });
      }),
    ),
  );
  const picks = new Map(); // orderId -> units picked per sku
  for (const { movements } of stock.values())
    for (const m of movements ?? [])
      if (m.type === 'pick') {
        const units = picks.get(m.reference) ?? {};
        units[m.sku] = (units[m.sku] ?? 0) - m.quantity;
        picks.set(m.reference, units);
      }

  const figures = {
    shipments: 0,
    carrierBookings: sandboxes.carrier.shipments.length,
    approved: 0,
    captured: 0,
    voided: 0,
    declined: 0,
    refunds: 0,
    refundedAmount: 0,
  };
  figures.refunds = sandboxes.payment.refunds().length;
  figures.refundedAmount = sandboxes.payment.refunds().reduce((sum, r) => sum + r.amount, 0);
  for (const a of auths) figures[a.status] = (figures[a.status] ?? 0) + 1;

  const reservedByOrders = new Map(); // `${sku}@${loc}` -> units held by orders whose stock check is reserved
  const holders = new Map(); // `${sku}@${loc}` -> those orders, to name them when the sums differ
  for (const order of accepted) {
    const o = byId.get(order.id);
    if (!o) continue;
    const bad = (what, detail) => broken.push({ invariant: what, orderId: o.id, externalId: o.externalId, status: o.status, part: order.part, detail });
    const ordered = Object.fromEntries(o.lines.map((l) => [l.sku, l.quantity]));
    if (o.checks?.stock === 'reserved')
      for (const a of o.allocation ?? []) {
        const key = `${a.sku}@${a.locationId}`;
        reservedByOrders.set(key, (reservedByOrders.get(key) ?? 0) + a.quantity);
        holders.set(key, [...(holders.get(key) ?? []), `${o.id} ${o.externalId} ${o.status} x${a.quantity}`]);
      }

    // Shipments: the carrier service's record, the order's, and the carrier's bookings.
    const ship = shipments.get(o.id) ?? [];
    figures.shipments += ship.length;
    if (ship.length > 1) bad('one shipment per order', `${ship.length} shipments: ${ship.map((s) => s.id).join(', ')}`);
    if (SHIPPED.includes(o.status) && ship.length === 0) bad('a shipped order has its shipment', 'no shipment in the carrier service');
    if (['cancelled', 'rejected'].includes(o.status) && ship.length)
      bad('a cancelled or rejected order ships nothing', `shipment ${ship.map((s) => s.id).join(', ')}`);
    for (const s of ship) {
      const booked = bookings.get(s.id) ?? [];
      if (booked.length !== 1) bad('one carrier booking per shipment', `${booked.length} bookings at the carrier for shipment ${s.id}`);
    }

    // Money: what the provider holds (approved) or took (captured, at shipment) for this order's reference.
    const orderAuths = authsByReference.get(order.reference) ?? [];
    const held = orderAuths.filter((a) => a.status === 'approved' || a.status === 'captured');
    if (held.length > 1) bad('at most one authorization per order', `${held.length} approved or captured authorizations at the provider`);
    if (['cancelled', 'rejected'].includes(o.status) && held.length)
      bad('no money held for a cancelled or rejected order', `${held.length} approved or captured, never voided, authorization(s) at the provider`);
    if (SHIPPED.includes(o.status)) {
      const captured = orderAuths.filter((a) => a.status === 'captured');
      if (captured.length !== 1) bad('a shipped order is paid', `${captured.length} captured authorizations at the provider`);
      else if (captured[0].captured !== o.payment.amount)
        bad('a shipped order is paid', `captured ${captured[0].captured} at the provider, ${o.payment.amount} due`);
    }
    const checks = payments.get(o.id) ?? [];
    if (checks.length > 1) bad('one payment check per order', `${checks.length} payment checks`);
    const refunds = providerRefunds.get(order.reference) ?? [];
    const refunded = refunds.reduce((sum, r) => sum + r.amount, 0);
    if (o.status === 'returned') {
      const due = o.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
      if (refunds.length !== 1 || refunded !== due)
        bad('a return is refunded once, in full', `${refunds.length} refund(s) of ${refunded} at the provider, ${due} due`);
    } else if (refunds.length) bad('only returned orders are refunded', `${refunds.length} refund(s) of ${refunded} at the provider`);

    // Stock: picked exactly what was ordered, only when shipped.
    const picked = picks.get(o.id);
    if (SHIPPED.includes(o.status) || o.checks?.stock === 'consumed') {
      for (const [sku, quantity] of Object.entries(ordered))
        if (stock.get(sku)?.movements && (picked?.[sku] ?? 0) !== quantity)
          bad('a shipped order picks what it ordered, once', `${sku}: ${picked?.[sku] ?? 0} picked, ${quantity} ordered`);
    } else if (picked) bad('stock is picked only for shipped orders', `picked ${JSON.stringify(picked)} though ${o.status}`);
  }

  // A cancel answered 202 (queued) that did not cancel the order was refused later: that refusal must be on
  // the order's timeline (command.refused.v1), never silent.
  const queuedCancels = accepted.filter((order) => order.steps.cancel?.status === 202 && byId.get(order.id) && byId.get(order.id).status !== 'cancelled');
  for (const full of await readByIds(
    api,
    queuedCancels.map((o) => o.id),
  )) {
    const refusal = (full.timeline ?? []).find((e) => e.type === 'command_refused' && e.detail?.startsWith('order.cancel.v1 refused'));
    if (!refusal)
      broken.push({
        invariant: 'a queued cancel is carried out or its refusal is on the timeline',
        orderId: full.id,
        externalId: full.externalId,
        status: full.status,
        detail: 'cancel answered 202, order not cancelled, no command_refused entry for order.cancel.v1',
      });
  }

  // Stock invariants per SKU and location.
  const stockRows = [];
  for (const [sku, { figures: f, movements }] of stock) {
    for (const loc of f?.locations ?? []) {
      const row = { sku, locationId: loc.locationId, onHand: loc.onHand, reserved: loc.reserved, available: loc.available };
      const bad = (what, detail) => broken.push({ invariant: what, sku, locationId: loc.locationId, detail });
      if (movements) {
        row.ledger = movements.filter((m) => m.locationId === loc.locationId).reduce((sum, m) => sum + m.quantity, 0);
        if (row.ledger !== loc.onHand) bad('on hand = sum of movements', `on hand ${loc.onHand}, ledger ${row.ledger}`);
      } else row.ledger = 'not checked: the ledger could not be read';
      row.reservedByOrders = reservedByOrders.get(`${sku}@${loc.locationId}`) ?? 0;
      if (row.reservedByOrders !== loc.reserved)
        bad(
          'reserved = sum of open reservations',
          `reserved ${loc.reserved}, held by orders ${row.reservedByOrders}: ${(holders.get(`${sku}@${loc.locationId}`) ?? []).slice(0, 12).join('; ')}`,
        );
      if (loc.onHand - loc.reserved - (loc.safetyStock ?? 0) < 0 || loc.available < 0) bad('available >= 0', `on hand ${loc.onHand}, reserved ${loc.reserved}`);
      if (loc.onHand < 0) bad('on hand >= 0', `on hand ${loc.onHand}`);
      stockRows.push(row);
    }
  }
  const audit = await inventoryAudit(ports, internalToken);
  if (audit && audit.consistent === false)
    broken.push({
      invariant: 'Redis counters = documents (inventory audit)',
      detail: JSON.stringify({ differences: audit.differences, overReserved: audit.overReserved }).slice(0, 2000),
    });

  const dlq = await deadLetters(stack).catch((err) => ({ error: err.message, queues: [], letters: [] }));

  const report = {
    orders: {
      placed: load.orders.length,
      accepted: accepted.length,
      refused: load.orders.filter((o) => o.steps.place && !o.id).map((o) => ({ externalId: o.externalId, answer: o.steps.place.status })).length,
      stored: stored.length,
      lost: lost.length,
      duplicated: duplicated.length,
      notInExpectedState: unexpected.length,
      storedWithoutAcceptedAnswer: refusedButStored.length,
      storedButNeverSent: strangers.length,
      // Orders whose driver stopped waiting for their next state at the end of the settle time (the system
      // was too slow to take them through their whole part): their expected state is where they stopped.
      lifeCutShort: accepted.filter((o) => o.stalled).length,
      // false: the list did not answer in time and the orders were read by id, so orders stored that the
      // load never sent could not be looked for (a second order for one channel and external id cannot be
      // stored either way: the order id derives from them, and ingestion's unique index holds the pair).
      listed: read.listed,
      byStatus: countBy(stored, (o) => o.status),
      byPart: countBy(accepted, (o) => o.part),
    },
    lost,
    duplicated,
    unexpected,
    strangers,
    brokenInvariants: broken,
    money: figures,
    stock: stockRows,
    inventoryAudit: audit,
    deadLetters: dlq,
  };
  // Every message of this load is valid: one in a DLQ is a failure an operator would have to replay by hand.
  const deadLettered = dlq.letters.length > 0 || Boolean(dlq.error);
  report.ok = lost.length === 0 && duplicated.length === 0 && broken.length === 0 && unexpected.length === 0 && strangers.length === 0 && !deadLettered;
  return report;
}

function groupBy(list, keyOf) {
  const map = new Map();
  for (const item of list) {
    const key = keyOf(item);
    map.set(key, [...(map.get(key) ?? []), item]);
  }
  return map;
}

function countBy(list, keyOf) {
  const counts = {};
  for (const item of list) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

function printReport(report) {
  const o = report.orders;
  const line = (text) => console.log(text);
  line('');
  line('================ chaos report ================');
  line('Faults injected:');
  for (const f of report.run.faults)
    line(
      `  ${f.startedAt.slice(11, 19)}Z (+${f.offsetSeconds}s) ${f.kind}${f.service ? ` ${f.service}` : ''}${f.seconds ? ` ${f.seconds}s` : ''}${f.detail ? `: ${f.detail}` : ''}${f.error ? `  FAILED: ${f.error}` : ''}`,
    );
  if (!report.run.faults.length) line('  none');
  line(`Requests sent: ${report.run.requests}`);
  line(`Orders: ${o.placed} placed, ${o.accepted} accepted, ${o.refused} refused after retries, ${o.stored} stored`);
  line(`  lost ${o.lost}, duplicated ${o.duplicated}, not in expected state ${o.notInExpectedState}, stored but never sent ${o.storedButNeverSent}`);
  line(`  stored without an accepted answer (client gave up, order kept): ${o.storedWithoutAcceptedAnswer}`);
  if (!o.listed) line('  (read by id: the order list did not answer in 3 minutes, so orders never sent were not looked for)');
  line(`  life cut short (the driver stopped waiting at the end of the settle time): ${o.lifeCutShort}`);
  line(`  by status: ${JSON.stringify(o.byStatus)}`);
  line(`  by part played: ${JSON.stringify(o.byPart)}`);
  for (const l of report.lost.slice(0, 20)) line(`  LOST ${l.id} ${l.channel}/${l.externalId} (${l.part}): GET answered ${l.answer}`);
  for (const d of report.duplicated.slice(0, 20)) line(`  DUPLICATE ${d.key}: ${d.ids.join(', ')}`);
  for (const u of report.unexpected.slice(0, 30))
    line(
      `  UNEXPECTED ${u.id} ${u.externalId} (${u.part}): ${u.status}${u.holds.length ? ` [${u.holds.join(',')}]` : ''}, expected ${u.expected.join(' or ')}; checks ${JSON.stringify(u.checks)}; steps ${JSON.stringify(u.steps)}`,
    );
  if (report.unexpected.length > 30) line(`  ... and ${report.unexpected.length - 30} more (report JSON)`);
  const m = report.money;
  line(`Shipments: ${m.shipments} in the carrier service, ${m.carrierBookings} booked at the carrier`);
  line(
    `Payments at the provider: ${m.captured ?? 0} captured, ${m.approved ?? 0} approved (held), ${m.voided ?? 0} voided, ${m.declined ?? 0} declined; ${m.refunds} refunds, ${(m.refundedAmount / 100).toFixed(2)} EUR`,
  );
  line('  (authorized at intake, captured when the order ships, voided when it is cancelled)');
  const rows = report.stock;
  line(
    `Stock: ${rows.length} SKU/location rows; reserved ${rows.reduce((s, r) => s + r.reserved, 0)} (held by orders ${rows.reduce((s, r) => s + r.reservedByOrders, 0)}); ledger checked for ${rows.filter((r) => typeof r.ledger === 'number').length}`,
  );
  const audit = report.inventoryAudit;
  line(
    `Inventory audit (Redis counters vs documents): ${audit?.unavailable ? `unavailable (${audit.unavailable})` : audit?.consistent ? 'consistent' : 'DIFFERENCES'}`,
  );
  line(`Broken invariants: ${report.brokenInvariants.length}`);
  for (const [what, list] of Object.entries(groupByObject(report.brokenInvariants, (b) => b.invariant))) {
    line(`  ${what}: ${list.length}`);
    for (const b of list.slice(0, 10))
      line(
        `    ${b.orderId ? `order ${b.orderId} ${b.externalId} (${b.part}, ${b.status})` : `${b.sku ?? ''}${b.locationId ? `@${b.locationId}` : ''}`}: ${b.detail}`,
      );
  }
  const dlq = report.deadLetters;
  line(`Dead letters: ${dlq.letters.length}${dlq.error ? ` (could not read: ${dlq.error})` : ''}`);
  for (const [reason, list] of Object.entries(groupByObject(dlq.letters, (l) => `${l.queue} ${l.type}: ${l.reason}`)).slice(0, 30))
    line(`  ${list.length} x ${reason}${list[0].orderId ? ` (e.g. order ${list[0].orderId})` : ''}`);
  line(`Verdict: ${report.ok ? 'OK: nothing lost, nothing doubled, no invariant broken, nothing dead-lettered' : 'FAILED'}`);
  line('==============================================');
}

function groupByObject(list, keyOf) {
  const out = {};
  for (const item of list) (out[keyOf(item)] ??= []).push(item);
  return out;
}

module.exports = { check, printReport };
