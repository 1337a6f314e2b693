'use strict';
// The chaos run's steady mixed load, through the gateway's public API only: orders at a fixed rate, each
// with a part to play decided when it is placed (paid and shipped, declined, cancelled, cancelled while it
// is packed, short of stock, returned), and a driver per order that plays it: pack the fulfillment, send the
// carrier's tracking, open and receive the return. What was asked and answered is kept per order: the
// checker derives from it the state each order must end in.
const { orderTemplate, ownCustomer } = require('../bench/order-load');
const { signTracking } = require('./api');
const { sleep } = require('./util');

const CHANNELS = ['chaos-web', 'chaos-app'];
const LOCATION = 'chaos-berlin';
const CARRIER = 'sandbox';
const WEBHOOK_SECRET = 'chaos-carrier-webhook-secret';
/** Plenty for the whole run: these orders are never short. */
const PLENTY = 100000;
/** The scarce SKU: fewer units than the orders that want one, so reservations race for the last units. */
const SCARCE_SKU = 'CHAOS-SCARCE';
const SCARCE_UNITS = 12;

const ok2xx = (res) => res.status >= 200 && res.status < 300;
const skuName = (i) => `CHAOS-${String(i + 1).padStart(3, '0')}`;
const unitPrice = (sku) => (sku === SCARCE_SKU ? 4999 : 1000 + 10 * Number(sku.slice(-3)));

/** A small seeded generator (mulberry32): the same --seed gives the same mix of orders. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The parts an order can play, with their share of the load. */
const MIX = [
  ['decline', 0.08], // the sandbox declines a payment reference starting with "decline"
  ['cancel', 0.06], // cancelled soon after it is accepted, racing the checks
  ['cancel-while-packing', 0.05], // cancel and pack sent together once its fulfillment is open
  ['scarce', 0.04], // one unit of the scarce SKU: shipped, or on hold stock_short
  ['return', 0.17], // shipped, delivered, returned (one unit damaged when two were bought)
  ['ship', 1], // the rest: shipped and delivered
];

class Load {
  constructor({ api, rate, seconds, seed, skus, log, driveUntil }) {
    this.api = api;
    this.rate = rate;
    this.seconds = seconds;
    this.rand = random(seed);
    this.skuCount = skus;
    this.skus = Array.from({ length: skus }, (_, i) => skuName(i));
    this.log = log;
    this.orders = [];
    this.runId = `${Date.now().toString(36)}`;
    /** () => the time at which drivers stop waiting for an order's next state (the run's end of settling). */
    this.driveUntil = driveUntil;
    this.drivers = [];
    this.stopped = false;
  }

  /** Channels, the location, the carrier's webhook secret and the stock, all through the API. */
  async seed() {
    const until = Date.now() + 120000;
    const must = async (res, what) => {
      if (res.status >= 300) throw new Error(`seeding: ${what} answered ${res.status} ${JSON.stringify(res.body)}`);
    };
    for (const channel of CHANNELS)
      await must(await this.api.put(`/v1/channels/${channel}`, { name: `Chaos ${channel}`, type: 'web', defaultCurrency: 'EUR' }, { untilMs: until }), channel);
    await must(await this.api.put(`/v1/locations/${LOCATION}`, { name: 'Chaos warehouse', type: 'warehouse' }, { untilMs: until }), 'location');
    await must(await this.api.put(`/v1/carriers/${CARRIER}`, { webhookSecret: WEBHOOK_SECRET }, { untilMs: until }), 'carrier');
    const movements = [
      ...this.skus.map((sku) => ({ sku, locationId: LOCATION, quantity: PLENTY, type: 'receipt', reference: `chaos-seed-${sku}` })),
      { sku: SCARCE_SKU, locationId: LOCATION, quantity: SCARCE_UNITS, type: 'receipt', reference: `chaos-seed-${SCARCE_SKU}` },
    ];
    await must(await this.api.post('/v1/inventory/movements', { movements }, { untilMs: until, idempotencyKey: `chaos-seed-${this.runId}` }), 'stock');
    this.seeded = Object.fromEntries(movements.map((m) => [m.sku, m.quantity]));
  }

  pick(list) {
    return list[Math.floor(this.rand() * list.length)];
  }

  part() {
    const r = this.rand();
    let sum = 0;
    for (const [part, share] of MIX) {
      sum += share;
      if (r < sum) return part;
    }
    return 'ship';
  }

  newOrder(n) {
    const part = this.part();
    const channel = this.pick(CHANNELS);
    const externalId = `CH-${this.runId}-${n}`;
    let lines;
    if (part === 'scarce') lines = [{ sku: SCARCE_SKU, quantity: 1, unitPrice: unitPrice(SCARCE_SKU) }];
    else {
      const first = this.pick(this.skus);
      const second = this.rand() < 0.3 ? this.pick(this.skus.filter((s) => s !== first)) : undefined;
      lines = [first, second].filter(Boolean).map((sku) => ({ sku, quantity: 1 + Math.floor(this.rand() * 2), unitPrice: unitPrice(sku) }));
    }
    const template = ownCustomer(orderTemplate(channel), externalId);
    const amount = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0) + template.shipping.price;
    const reference = `${part === 'decline' ? 'decline' : 'pay'}-${externalId}`;
    return {
      n,
      part,
      channel,
      externalId,
      body: { ...template, externalId, lines, payment: { ...template.payment, reference, amount } },
      reference,
      amount,
      steps: {},
    };
  }

  /** Place `rate` orders a second for `seconds`, each followed by its driver; resolves when the last is placed. */
  async run() {
    const total = Math.round(this.rate * this.seconds);
    const started = Date.now();
    for (let n = 1; n <= total && !this.stopped; n++) {
      const due = started + ((n - 1) * 1000) / this.rate;
      if (due > Date.now()) await sleep(due - Date.now());
      const order = this.newOrder(n);
      this.orders.push(order);
      this.drivers.push(this.drive(order).catch((err) => (order.driverError = err.message)));
      if (n % Math.max(1, Math.round(this.rate * 30)) === 0) this.progress();
    }
    this.progress();
  }

  progress() {
    const accepted = this.orders.filter((o) => o.id).length;
    const waiting = this.orders.filter((o) => !o.steps.place).length;
    this.log(`load: ${this.orders.length} orders placed, ${accepted} accepted, ${waiting} awaiting an answer`);
  }

  /** Until every driver has finished (or given up at driveUntil). */
  async finished() {
    await Promise.all(this.drivers);
  }

  step(order, name, res) {
    order.steps[name] = { status: res.status, title: res.body?.title, attempts: res.attempts, at: new Date().toISOString() };
    return res;
  }

  async drive(order) {
    // An order is retried (same Idempotency-Key) for two minutes: long enough for any single fault of the run.
    const placed = this.step(
      order,
      'place',
      await this.api.post('/v1/orders', order.body, {
        idempotencyKey: `chaos-${order.externalId}`,
        untilMs: Date.now() + 120000,
        note: { channel: order.channel, externalId: order.externalId },
        lane: 'intake',
      }),
    );
    if (placed.status !== 202 && placed.status !== 201 && placed.status !== 200) return;
    order.id = placed.body.id;
    switch (order.part) {
      case 'decline':
        return;
      case 'cancel':
        await sleep(this.rand() * 1500);
        return void (await this.cancel(order));
      case 'cancel-while-packing': {
        const fulfillment = await this.openFulfillment(order);
        if (!fulfillment) return;
        await Promise.all([this.cancel(order), this.pack(order, fulfillment)]);
        return;
      }
      default: {
        const fulfillment = await this.openFulfillment(order);
        if (!fulfillment) return;
        // 202: the pack command waits in its queue and will be carried out.
        if (!ok2xx(await this.pack(order, fulfillment))) return;
        const shipment = await this.shipmentOf(order);
        if (!shipment) return;
        if (!(await this.track(order, shipment, 'in_transit'))) return;
        if (!(await this.track(order, shipment, 'delivered'))) return;
        if (order.part === 'return') await this.returnAll(order);
      }
    }
  }

  async cancel(order) {
    return this.step(
      order,
      'cancel',
      await this.api.post(
        `/v1/orders/${order.id}/cancel`,
        { reason: 'chaos: customer changed their mind' },
        { idempotencyKey: `chaos-cancel-${order.externalId}` },
      ),
    );
  }

  async pack(order, fulfillment) {
    return this.step(order, 'pack', await this.api.post(`/v1/fulfillments/${fulfillment.id}/pack`, {}, { idempotencyKey: `chaos-pack-${order.externalId}` }));
  }

  /**
   * Poll until `probe(answer)` gives a value or the drive time is over; then the order's life was cut short
   * (`order.stalled` says where), which the report counts: the system was too slow to finish it in time.
   */
  async poll(order, path, probe) {
    let wait = 1000;
    while (Date.now() < this.driveUntil()) {
      const res = await this.api.get(path, { untilMs: Date.now() + 10000 });
      if (res.status === 200) {
        const found = probe(res.body);
        if (found) return found;
      }
      await sleep(wait);
      wait = Math.min(wait * 1.5, 5000);
    }
    order.stalled = path;
    return undefined;
  }

  /** The order's open fulfillment, once it is ready to fulfill; undefined when it went on hold or elsewhere. */
  async openFulfillment(order) {
    const state = await this.poll(order, `/v1/orders/${order.id}`, (o) =>
      ['ready_to_fulfill', 'on_hold', 'rejected', 'cancelled'].includes(o.status) ? o : undefined,
    );
    order.seen = state?.status;
    if (state?.status !== 'ready_to_fulfill') return undefined;
    const fulfillment = await this.poll(order, `/v1/fulfillments?orderId=${order.id}`, (list) => list.find((f) => f.status === 'open'));
    order.fulfillmentId = fulfillment?.id;
    return fulfillment;
  }

  async shipmentOf(order) {
    const shipment = await this.poll(order, `/v1/shipments?orderId=${order.id}`, (list) => list.find((s) => s.trackingNumber));
    order.trackingNumber = shipment?.trackingNumber;
    return shipment;
  }

  /** The carrier's webhook, signed like the carrier signs it; answered 200 when recorded. */
  async track(order, shipment, status) {
    const body = JSON.stringify({ trackingNumber: shipment.trackingNumber, status, occurredAt: new Date().toISOString(), location: 'Chaos hub' });
    const res = await this.api.call('POST', `/v1/carriers/${CARRIER}/tracking`, {
      body,
      raw: true,
      headers: { 'oms-signature': signTracking(WEBHOOK_SECRET, body), 'content-type': 'application/json' },
      untilMs: Date.now() + 60000,
    });
    this.step(order, status, res);
    // 202: recorded, its processing still under way.
    return res.status >= 200 && res.status < 300;
  }

  async returnAll(order) {
    const delivered = await this.poll(order, `/v1/orders/${order.id}`, (o) => (o.status === 'delivered' ? o : undefined));
    if (!delivered) return;
    const lines = order.body.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, reason: 'chaos: does not fit' }));
    const opened = this.step(
      order,
      'return',
      await this.api.post('/v1/returns', { orderId: order.id, lines }, { idempotencyKey: `chaos-return-${order.externalId}` }),
    );
    if (opened.status !== 201 && opened.status !== 200) return;
    order.returnId = opened.body.id;
    // One unit of a line of two comes back damaged: restocked, then written off.
    const received = order.body.lines.flatMap((l) =>
      l.quantity === 2
        ? [
            { sku: l.sku, quantity: 1, condition: 'resellable' },
            { sku: l.sku, quantity: 1, condition: 'damaged' },
          ]
        : [{ sku: l.sku, quantity: l.quantity, condition: 'resellable' }],
    );
    this.step(
      order,
      'receive',
      await this.api.post(
        `/v1/returns/${order.returnId}/receive`,
        { locationId: LOCATION, lines: received },
        { idempotencyKey: `chaos-receive-${order.externalId}` },
      ),
    );
  }
}

module.exports = { Load, CHANNELS, LOCATION, SCARCE_SKU };
