'use strict';
// The load both intake benchmarks put on a gateway: POST /v1/orders with unique orders (autocannon).
const autocannon = require('autocannon');

/** One valid canonical order of `channel`, without its externalId. */
const orderTemplate = (channel) => ({
  channel,
  currency: 'EUR',
  customer: { email: 'anna.schmidt@example.com', name: 'Anna Schmidt' },
  shippingAddress: { name: 'Anna Schmidt', line1: 'Invalidenstraße 117', postalCode: '10115', city: 'Berlin', country: 'DE' },
  lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, unitPrice: 1999 }],
  shipping: { method: 'standard', price: 495 },
  payment: { method: 'card', provider: 'sandbox', reference: 'pay_bench', amount: 4493 },
});

/**
 * The order's customer and street, one of its own per order key: as in a shop, where few customers order
 * several times an hour. With one customer for every order, fraud screening's velocity rule would (rightly)
 * hold the load's orders for review.
 */
const ownCustomer = (order, key) => ({
  ...order,
  customer: { ...order.customer, email: `kunde-${key}@example.de` },
  shippingAddress: { ...order.shippingAddress, line1: `Musterstraße ${key}` },
});

let counter = 0;

/**
 * Load `${url}/v1/orders` for `seconds` over `connections` connections, each order with an externalId of its
 * own (`${prefix}-<n>`). Returns autocannon's result.
 */
function postOrders({ url, key, channel, connections, seconds, prefix }) {
  const template = orderTemplate(channel);
  return autocannon({
    url: `${url}/v1/orders`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          const externalId = `${prefix}-${++counter}`;
          return { ...req, body: JSON.stringify({ ...ownCustomer(template, externalId), externalId }) };
        },
      },
    ],
  });
}

/** Accepted orders/s and latency (nearest-rank percentiles, whole ms) of the answers of one stretch of a load. */
class Stretch {
  constructor(seconds) {
    this.seconds = seconds;
    this.accepted = 0;
    this.latencies = [];
  }

  add(statusCode, ms) {
    if (statusCode >= 200 && statusCode < 300) this.accepted++;
    this.latencies.push(ms);
  }

  figures() {
    const sorted = Float64Array.from(this.latencies).sort();
    const at = (p) => (sorted.length ? Math.round(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]) : null);
    return { acceptedOrdersPerSecond: this.accepted / this.seconds, latencyMs: { p50: at(0.5), p99: at(0.99), max: at(1) } };
  }
}

/**
 * One load of `warmupSeconds + seconds` on the same connections: the answers that come within its first
 * `warmupSeconds` are the warm-up, the rest are measured. A gateway just started runs its intake path
 * unoptimised by V8 for its first seconds, and 100 connections opened at once answer their first requests
 * late (each is accepted by the cluster primary and handed to a worker; a load of its own after the warm-up
 * had 101 of its 258 answers over 100 ms in its first second). Neither is how a gateway that has been up for
 * a while answers clients that keep their connections open. Returns autocannon's result for the whole load,
 * with the figures of the warm-up (undefined when `warmupSeconds` is 0) and of the measured seconds.
 */
async function postOrdersAfterWarmup({ warmupSeconds, seconds, ...options }) {
  const warmup = new Stretch(warmupSeconds);
  const measured = new Stretch(seconds);
  const started = Date.now();
  const load = postOrders({ ...options, seconds: warmupSeconds + seconds });
  load.on('response', (_client, statusCode, _bytes, ms) => (Date.now() - started < warmupSeconds * 1000 ? warmup : measured).add(statusCode, ms));
  const result = await load;
  return { result, warmup: warmupSeconds > 0 ? warmup.figures() : undefined, measured: measured.figures(), acceptedInMeasuredLoad: measured.accepted };
}

module.exports = { orderTemplate, ownCustomer, postOrders, postOrdersAfterWarmup };
