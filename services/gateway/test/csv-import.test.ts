import { request as httpRequest } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import type { Express } from 'express';
import { sampleOrder, TestStack } from '@oms/testing';
import { importOrders } from '../../../packages/cli/src/import-orders';
import { auth, CSV_HEADER, csvRow, KEY, putChannel, startIntake } from './intake-helpers';

/** POST a stream to the running gateway (supertest cannot send streams). */
function postStream(url: string, body: Readable): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/v1/orders/import?channel=legacy`,
      { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${KEY}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    body.pipe(req);
  });
}

describe('CSV import', () => {
  let stack: TestStack;
  let app: Express;
  let url: string;

  beforeAll(async () => {
    stack = await TestStack.create();
    const started = await startIntake(stack);
    app = started.app;
    url = started.gateway.url;
    await putChannel(app, 'legacy', { type: 'csv' });
  });
  afterAll(() => stack?.cleanup());

  const importCsv = (text: string, query = '') => request(app).post(`/v1/orders/import${query}`).set(auth).type('text/csv').send(text);

  it('when a file has orders of several lines, bad rows and an order whose rows are not together, then the counts and every rejected row with its reason come back', async () => {
    const text = [
      CSV_HEADER,
      csvRow({ externalId: 'L-1', sku: 'A', quantity: 2, unitPrice: 1000 }),
      csvRow({ externalId: 'L-1', sku: 'B', quantity: 1, unitPrice: 500 }),
      csvRow({ externalId: 'L-2', quantity: 0, postalCode: 'XYZ' }),
      csvRow({ externalId: 'L-3', unitPrice: '19.99' }),
      csvRow({ externalId: 'L-4' }),
      csvRow({ externalId: 'L-1', sku: 'C' }),
      'L-5,too,few,columns',
      '',
    ].join('\n');
    const res = await importCsv(text, '?channel=legacy');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lines: 7, received: 5, created: 2, duplicates: 0, rejected: 3, rejectedRowsTruncated: false });
    const reasons = Object.fromEntries(res.body.rows.map((r: { line: number; reason: string }) => [r.line, r.reason]));
    expect(reasons[4]).toContain('quantity (line 4)');
    expect(reasons[4]).toContain('shipPostalCode');
    expect(reasons[5]).toContain('unitPrice (line 5)');
    expect(reasons[7]).toContain('must be consecutive');
    expect(reasons[8]).toContain('Invalid Record Length');

    // Uploading the same file again makes no new order.
    const again = await importCsv(text, '?channel=legacy');
    expect(again.body).toMatchObject({ received: 5, created: 0, duplicates: 2, rejected: 3 });
  });

  it('when the header has an unknown or missing column, then the import is 422 before any order', async () => {
    const res = await importCsv('externalId,sku,quantity,unitprice\nX,A,1,100\n', '?channel=legacy');
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { message: string }) => e.message)).toEqual([
      expect.stringContaining('unknown column "unitprice"'),
      'missing column "unitPrice"',
    ]);
  });

  it('when the sample file of the docs is imported with the oms CLI, then its three orders are created', async () => {
    const out = new PassThrough();
    let printed = '';
    out.on('data', (c) => (printed += c));
    const code = await importOrders(join(__dirname, '../../../docs/samples/orders.csv'), { url, key: KEY, progress: false, out, err: new PassThrough() });
    expect(printed).toContain('lines 4, orders 3: created 3, duplicates 0, rejected 0');
    expect(code).toBe(0);
  });

  it('when the body is not text/csv, then it is 415', async () => {
    const res = await request(app).post('/v1/orders/import?channel=legacy').set(auth).send({ orders: [] });
    expect(res.status).toBe(415);
  });

  it('when a marketplace sends a batch of 1,000 orders, then all are created in one answer', async () => {
    const orders = Array.from({ length: 1000 }, (_, i) => sampleOrder({ channel: 'legacy', externalId: `BATCH-${i}` }));
    const started = Date.now();
    const res = await request(app).post('/v1/orders/batch').set(auth).send({ orders });
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ created: 1000, duplicates: 0, rejected: 0 });
    expect(Date.now() - started).toBeLessThan(15000);
  });

  it('when a file of 100,000 lines is streamed, then it is imported in bounded memory with exact counts', async () => {
    const LINES = 100_000; // two lines per order; every 1,000th order has an invalid postal code
    function* rows() {
      yield `${CSV_HEADER}\n`;
      for (let i = 0; i < LINES / 2; i++) {
        const externalId = `BIG-${i}`;
        const postalCode = i % 1000 === 999 ? 'XXXXX' : '10115';
        yield `${csvRow({ externalId, sku: 'A', quantity: 1, unitPrice: 1000, postalCode })}\n${csvRow({ externalId, sku: 'B', quantity: 3, unitPrice: 250 })}\n`;
      }
    }
    // Memory still held (after a collection) is what must stay bounded; garbage between collections is not.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 2000);
    const res = await postStream(url, Readable.from(rows()));
    clearInterval(sampler);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lines: LINES, received: 50_000, created: 49_950, duplicates: 0, rejected: 50, rejectedRowsTruncated: false });
    expect(res.body.rows).toHaveLength(100);
    expect((peak - baseline) / 1024 / 1024).toBeLessThan(150);
    // What is tested is memory and counts, not speed: ~25 s alone, 65-170 s beside the other suites of a run.
  }, 400_000);
});
