import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import type { Express } from 'express';
import Redis from 'ioredis';
import { PROBLEM_LIMITS } from '@oms/errors';
import { sampleOrder, TEST_REDIS_URL, TestStack } from '@oms/testing';
import { MAX_LISTED_ROWS } from '../src/domain/import-report';
import { MAX_ROWS_PER_ORDER } from '../src/domain/intake/csv-orders';
import { BATCH_PROBLEM_LIMITS } from '../src/application/submit-batch';
import { CSV_LIMITS } from '../src/entry-points/http/csv-stream';
import { IDEMPOTENCY_RECORD_BYTES } from '../src/entry-points/http/idempotency';
import { auth, CSV_HEADER, csvRow, KEY, putChannel, startIntake } from './intake-helpers';

/**
 * The bounds of docs/limits.md, tried as a hostile client would: answers, Redis bytes per Idempotency-Key
 * and the CSV import's header, columns, records and rows per order.
 */
describe('resource limits of the gateway', () => {
  let stack: TestStack;
  let app: Express;
  let url: string;
  let redis: Redis;

  beforeAll(async () => {
    stack = await TestStack.create();
    const started = await startIntake(stack);
    app = started.app;
    url = started.gateway.url;
    redis = new Redis(TEST_REDIS_URL);
    await putChannel(app, 'legacy', { type: 'csv' });
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.cleanup();
  });

  /** The Idempotency-Key records of this test's gateway in Redis, and the largest value among them. */
  const idempotencyValueBytes = async () => {
    const keys = await redis.keys(`${stack.redisPrefix}idempotency:*`);
    const sizes = await Promise.all(keys.map((k) => redis.strlen(k)));
    return { keys: keys.length, largest: Math.max(0, ...sizes) };
  };

  it('when a batch of 1,000 empty orders comes, then the answer lists a bounded number of problems and counts the rest', async () => {
    const body = { orders: Array.from({ length: 1000 }, () => ({})) };
    const res = await request(app).post('/v1/orders/batch').set(auth).send(body);
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ created: 0, duplicates: 0, rejected: 1000 });
    expect(res.body.results).toHaveLength(1000);
    const listed = res.body.results.reduce((n: number, r: { problems?: unknown[] }) => n + (r.problems?.length ?? 0), 0);
    expect(listed).toBe(BATCH_PROBLEM_LIMITS.perAnswer);
    expect(res.body.results[0].problems.length).toBeLessThanOrEqual(BATCH_PROBLEM_LIMITS.perOrder);
    expect(res.body.results[999]).toEqual({ index: 999, status: 'rejected', problemsNotListed: expect.any(Number) });
    expect(res.body.problemsNotListed).toBeGreaterThan(1000);
    // Was 714 KB for these 3 KB; now about 65 KB: a short result per order (docs/limits.md).
    expect(Buffer.byteLength(res.text)).toBeLessThan(80 * 1024);
  });

  it('when a large batch answer is kept for its Idempotency-Key, then Redis holds at most IDEMPOTENCY_RECORD_BYTES and a retry learns each order id', async () => {
    const before = await idempotencyValueBytes();
    // Random external ids: the answer does not deflate below the bound, so its summary is what is kept.
    const orders = Array.from({ length: 1000 }, (_, i) => sampleOrder({ channel: 'legacy', externalId: `IDEM-${i}-${randomUUID()}` }));
    const send = () => request(app).post('/v1/orders/batch').set(auth).set('Idempotency-Key', 'big-batch-1').send({ orders });
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.body.counts).toEqual({ created: 1000, duplicates: 0, rejected: 0 });
    const after = await idempotencyValueBytes();
    expect(after.keys).toBe(before.keys + 1);
    expect(after.largest).toBeLessThanOrEqual(IDEMPOTENCY_RECORD_BYTES);

    const replay = await send();
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['idempotent-replayed-summary']).toBe('true');
    expect(replay.body.counts).toEqual(first.body.counts);
    expect(replay.body.results.map((r: { id: string }) => r.id)).toEqual(first.body.results.map((r: { id: string }) => r.id));

    const other = await request(app)
      .post('/v1/orders/batch')
      .set(auth)
      .set('Idempotency-Key', 'big-batch-1')
      .send({ orders: orders.slice(1) });
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
  }, 60_000);

  it('when twenty batches of 1,000 empty orders come with their own keys, then Redis grows by at most twenty records', async () => {
    const used = async () => {
      const keys = await redis.keys(`${stack.redisPrefix}*`);
      const sizes = await Promise.all(keys.map((k) => redis.strlen(k).catch(() => 0)));
      return sizes.reduce((a, b) => a + b, 0);
    };
    const before = await used();
    const body = { orders: Array.from({ length: 1000 }, () => ({})) };
    for (let i = 0; i < 20; i++)
      expect((await request(app).post('/v1/orders/batch').set(auth).set('Idempotency-Key', `flood-${i}`).send(body)).status).toBe(200);
    // Was 22 MB (1.1 MB per key).
    expect(await used()).toBeLessThan(before + 20 * IDEMPOTENCY_RECORD_BYTES);
  }, 60_000);

  it('when a CSV header line is 1 MB, then a small 413 comes back at once and the heap does not grow with it', async () => {
    const header = `${'a,'.repeat(512 * 1024)}a\n`;
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    const res = await request(app).post('/v1/orders/import?channel=legacy').set(auth).type('text/csv').send(header);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toContain(`${CSV_LIMITS.headerBytes} bytes`);
    expect(Buffer.byteLength(res.text)).toBeLessThan(2048); // was 183 MB
    expect(Date.now() - started).toBeLessThan(3000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('when a CSV header has more columns than allowed, or many unknown ones, then 422 with a bounded list and a count of the rest', async () => {
    const wide = await request(app)
      .post('/v1/orders/import?channel=legacy')
      .set(auth)
      .type('text/csv')
      .send(`${Array.from({ length: CSV_LIMITS.columns + 1 }, (_, i) => `c${i}`).join(',')}\n`);
    expect(wide.status).toBe(422);
    expect(wide.body.detail).toContain(`at most ${CSV_LIMITS.columns}`);

    // The same unknown name forty times is named once (the known columns once with it), not forty times.
    const typos = await request(app)
      .post('/v1/orders/import?channel=legacy')
      .set(auth)
      .type('text/csv')
      .send(`${CSV_HEADER},${Array(40).fill('x').join(',')}\n`);
    expect(typos.status).toBe(422);
    expect(typos.body.errors).toEqual([
      { path: 'header', message: expect.stringMatching(/^unknown column "x" \(known: /) },
      { path: 'header', message: 'a column appears twice' },
    ]);
  });

  it('when one line of a CSV file is longer than the record limit, then 413 problem', async () => {
    const res = await request(app)
      .post('/v1/orders/import?channel=legacy')
      .set(auth)
      .type('text/csv')
      .send(`${CSV_HEADER}\n${csvRow({ externalId: 'LONG-1', sku: 'A'.repeat(CSV_LIMITS.recordBytes) })}\n`);
    expect(res.status).toBe(413);
    expect(res.body.detail).toContain('Line 2');
  });

  it('when a quoted field runs over the record limit without a newline limit being hit, then 413 problem', async () => {
    const longQuoted = `"${'x\n'.repeat(CSV_LIMITS.recordBytes / 2 + 10)}"`;
    const res = await request(app)
      .post('/v1/orders/import?channel=legacy')
      .set(auth)
      .type('text/csv')
      .send(`${CSV_HEADER}\n${longQuoted}${csvRow({ externalId: 'Q-1' }).slice(0)}\n`);
    expect(res.status).toBe(413);
    expect(res.body.detail).toContain(`${CSV_LIMITS.recordBytes} characters`);
  });

  it('when an order has more rows than allowed, then that order is rejected and the next one is imported', async () => {
    const rows = Array.from({ length: MAX_ROWS_PER_ORDER + 1 }, (_, i) => csvRow({ externalId: 'MANY-1', sku: `SKU-${i}` }));
    const text = [CSV_HEADER, ...rows, csvRow({ externalId: 'AFTER-MANY-1' }), ''].join('\n');
    const res = await request(app).post('/v1/orders/import?channel=legacy').set(auth).type('text/csv').send(text);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 2, created: 1, rejected: 1 });
    expect(res.body.rows[0].reason).toContain(`at most ${MAX_ROWS_PER_ORDER} rows`);
    // Every rejected row is counted; only the first MAX_LISTED_ROWS are listed.
    expect(res.body.rows).toHaveLength(MAX_LISTED_ROWS);
    expect(res.body.rowsNotListed).toBe(MAX_ROWS_PER_ORDER - MAX_LISTED_ROWS);
  });

  it('when a problem would list thousands of field errors, then any error answer lists at most PROBLEM_LIMITS.listedErrors and stays under its byte bound', async () => {
    // A body with a thousand operator keys: every service refuses it with one field error per key.
    const body = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`$k${i}${'y'.repeat(900)}`, 1]));
    const res = await request(app).post('/v1/orders').set(auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.length).toBeLessThanOrEqual(PROBLEM_LIMITS.listedErrors);
    expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(PROBLEM_LIMITS.answerBytes);
  });

  // Keeps the helper used: a streamed upload goes through the same limits as a buffered one.
  it('when a streamed upload has a header over the limit, then the answer comes before the upload ends', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${url}/v1/orders/import?channel=legacy`,
        { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${KEY}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (err) => (err.message.includes('socket hang up') || err.message.includes('EPIPE') ? undefined : reject(err)));
      req.write('a,'.repeat(8 * 1024));
      // Never ended: the gateway must answer on its own.
    });
    expect(status).toBe(413);
  });
});
