import type { CanonicalOrder } from '@oms/contracts';

/** The canonical order of the foundation issue; tests vary what they need. Payment matches lines + shipping. */
export function sampleOrder(overrides: Partial<CanonicalOrder> = {}): CanonicalOrder {
  const lines = overrides.lines ?? [{ sku: 'TSHIRT-BLK-M', quantity: 2, unitPrice: 1999 }];
  const shipping = overrides.shipping ?? { method: 'standard', price: 495 };
  const amount = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0) + shipping.price;
  return {
    channel: 'webshop',
    externalId: 'WS-10001',
    currency: 'EUR',
    customer: { email: 'anna.schmidt@example.com', name: 'Anna Schmidt', phone: '+49 30 1234567' },
    shippingAddress: { name: 'Anna Schmidt', line1: 'Invalidenstraße 117', postalCode: '10115', city: 'Berlin', country: 'DE' },
    lines,
    shipping,
    payment: { method: 'card', provider: 'sandbox', reference: 'pay_8f2c', amount },
    ...overrides,
  };
}
