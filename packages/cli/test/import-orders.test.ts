import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { importOrders } from '../src/import-orders';
import { program } from '../src/main';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('oms import orders', () => {
  let server: Server;
  let url: string;
  const received: Array<{ headers: Record<string, unknown>; url: string; body: string }> = [];
  let answer: { status: number; body: unknown } = { status: 200, body: {} };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, url: req.url ?? '', body });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const file = join(mkdtempSync(join(tmpdir(), 'oms-cli-')), 'orders.csv');
  writeFileSync(file, 'externalId,sku,quantity,unitPrice\nA-1,SKU-1,1,100\n');

  it('when a file is imported, then it is streamed as text/csv with the key and channel, and the summary is printed (exit 0)', async () => {
    answer = { status: 200, body: { lines: 1, received: 1, created: 1, duplicates: 0, rejected: 0, rows: [], rejectedRowsTruncated: false } };
    const out = capture();
    const code = await importOrders(file, { url, key: 'k-123', channel: 'legacy', progress: false, out: out.stream, err: capture().stream });
    expect(code).toBe(0);
    const last = received.at(-1)!;
    expect(last.url).toBe('/v1/orders/import?channel=legacy');
    expect(last.headers).toMatchObject({ 'content-type': 'text/csv', authorization: 'Bearer k-123' });
    expect(last.body).toBe('externalId,sku,quantity,unitPrice\nA-1,SKU-1,1,100\n');
    expect(out.text()).toContain('created 1, duplicates 0, rejected 0');
  });

  it('when some orders are rejected, then their rows are printed and the exit code is 2', async () => {
    answer = {
      status: 200,
      body: {
        lines: 1,
        received: 1,
        created: 0,
        duplicates: 0,
        rejected: 1,
        rows: [{ line: 2, externalId: 'A-1', reason: 'currency: is empty' }],
        rejectedRowsTruncated: false,
      },
    };
    const out = capture();
    expect(await importOrders(file, { url, key: 'k', progress: false, out: out.stream, err: capture().stream })).toBe(2);
    expect(out.text()).toContain('line 2 (A-1): currency: is empty');
  });

  it('when the gateway refuses the import, then the problem is printed and the exit code is 1', async () => {
    answer = {
      status: 422,
      body: { title: 'Validation Failed', detail: 'The CSV header is invalid', errors: [{ path: 'header', message: 'missing column "sku"' }] },
    };
    const err = capture();
    expect(await importOrders(file, { url, key: 'k', progress: false, out: capture().stream, err: err.stream })).toBe(1);
    expect(err.text()).toContain('missing column "sku"');
  });

  it('when no key can be found or the file is missing, then the exit code is 1', async () => {
    const saved = process.env.OMS_KEY;
    delete process.env.OMS_KEY;
    const cwd = process.cwd();
    process.chdir(tmpdir());
    try {
      expect(await importOrders(file, { url, progress: false, out: capture().stream, err: capture().stream })).toBe(1);
    } finally {
      process.chdir(cwd);
      if (saved !== undefined) process.env.OMS_KEY = saved;
    }
    expect(await importOrders('/no/such/file.csv', { url, key: 'k', progress: false, out: capture().stream, err: capture().stream })).toBe(1);
  });

  it('when asked for help, then the import command and its options are described', () => {
    const help = program()
      .commands.find((c) => c.name() === 'import')!
      .commands.find((c) => c.name() === 'orders')!
      .helpInformation();
    expect(help).toContain('--channel <id>');
    expect(help).toContain('<file>');
  });
});
