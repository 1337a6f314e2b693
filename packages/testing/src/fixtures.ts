import { orderTotals, type CanonicalOrder } from '@oms/contracts';

/** The canonical order of the foundation issue; tests vary what they need. The payment amount is what is due (orderTotals) unless given. */
export function sampleOrder(overrides: Partial<CanonicalOrder> = {}): CanonicalOrder {
  const order: CanonicalOrder = {
    channel: 'webshop',
    externalId: 'WS-10001',
    currency: 'EUR',
    customer: { email: 'anna.schmidt@example.com', name: 'Anna Schmidt', phone: '+49 30 1234567' },
    shippingAddress: { name: 'Anna Schmidt', line1: 'Invalidenstraße 117', postalCode: '10115', city: 'Berlin', country: 'DE' },
    lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, unitPrice: 1999 }],
    shipping: { method: 'standard', price: 495 },
    payment: { method: 'card', provider: 'sandbox', reference: 'pay_8f2c', amount: 0 },
    ...overrides,
  };
  // The payment covers what is due unless the test says otherwise.
  return overrides.payment ? order : { ...order, payment: { ...order.payment, amount: orderTotals(order).due } };
}
