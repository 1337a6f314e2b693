import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook as a fake receiver got it: headers, the exact body, and the body parsed. */
export interface ReceivedWebhook {
  /** The request's path (and query). */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
  at: number;
}

/**
 * A third party's webhook endpoint for tests, on 127.0.0.1 (port 0): keeps every request, and answers with
 * the statuses queued by `answerNext` (then `defaultStatus`, 200 unless changed).
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const queued: number[] = [];
  let defaultStatus = 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: ReceivedWebhook['body'];
      try {
        body = JSON.parse(rawBody) as ReceivedWebhook['body'];
      } catch {
        body = { id: '', type: '', occurredAt: '', data: {} };
      }
      received.push({ path: req.url ?? '', headers: req.headers, rawBody, body, at: Date.now() });
      res.statusCode = queued.shift() ?? defaultStatus;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    port,
    received,
    /** The statuses of the next answers, in order. */
    answerNext: (...statuses: number[]) => void queued.push(...statuses),
    /** The status of every answer after the queued ones. */
    answerAlways: (status: number) => void (defaultStatus = status),
    of: (type: string) => received.filter((r) => r.body.type === type),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
