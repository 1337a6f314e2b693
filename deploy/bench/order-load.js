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
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ ...template, externalId: `${prefix}-${++counter}` }) }) }],
  });
}

module.exports = { postOrders };
