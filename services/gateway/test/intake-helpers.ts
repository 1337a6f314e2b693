import request from 'supertest';
import type { Express } from 'express';
import type { TestStack } from '@oms/testing';
import { definition as ingestion } from '../../ingestion/src/service';
import { definition as gateway } from '../src/service';
import { gatewayEnv, TEST_BOOTSTRAP_KEY } from './gateway-env';

export const KEY = TEST_BOOTSTRAP_KEY;
export const auth = { Authorization: `Bearer ${KEY}` };

/** A gateway on the test stack; with `withIngestion`, the real ingestion service behind it (orders get stored). */
export async function startIntake(stack: TestStack, options: { withIngestion?: boolean } = {}) {
  const ing = options.withIngestion ? await stack.start(ingestion) : undefined;
  const gw = await stack.start(gateway, gatewayEnv({ ...(ing ? { INGESTION_URL: ing.url } : {}), UPSTREAM_TIMEOUT_MS: '2000' }));
  return { gateway: gw, ingestion: ing, app: gw.app as Express };
}

export async function putChannel(app: Express, id: string, body: Record<string, unknown> = {}) {
  const res = await request(app)
    .put(`/v1/channels/${id}`)
    .set(auth)
    .send({ name: id, type: 'web', defaultCurrency: 'EUR', ...body });
  if (res.status !== 201 && res.status !== 200) throw new Error(`PUT channel ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

export const CSV_HEADER =
  'externalId,channel,currency,customerEmail,customerName,customerPhone,shipName,shipLine1,shipLine2,shipPostalCode,shipCity,shipCountry,sku,quantity,unitPrice,shippingMethod,shippingPrice,paymentMethod,paymentProvider,paymentReference,paymentAmount';

/** One CSV row in CSV_HEADER's columns; order-level values only matter on an order's first row. */
export function csvRow(fields: {
  externalId: string;
  channel?: string;
  sku?: string;
  quantity?: string | number;
  unitPrice?: string | number;
  postalCode?: string;
  paymentAmount?: string | number;
  email?: string;
}): string {
  return [
    fields.externalId,
    fields.channel ?? '',
    'EUR',
    fields.email ?? 'anna.schmidt@example.com',
    'Anna Schmidt',
    '',
    'Anna Schmidt',
    'Invalidenstraße 117',
    '',
    fields.postalCode ?? '10115',
    'Berlin',
    'DE',
    fields.sku ?? 'TSHIRT-BLK-M',
    String(fields.quantity ?? 1),
    String(fields.unitPrice ?? 1999),
    'standard',
    '495',
    'card',
    'sandbox',
    `pay-${fields.externalId}`,
    fields.paymentAmount === undefined ? '' : String(fields.paymentAmount),
  ].join(',');
}
