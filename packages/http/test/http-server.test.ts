import type { AddressInfo } from 'node:net';
import { createLogger } from '@oms/logging';
import { createHttpApp, createHttpServer, express } from '@oms/http';

describe('createHttpServer', () => {
  it("when a request arrives, then its request and response objects have the app's prototypes from the start, and the app answers as usual", async () => {
    const app = createHttpApp({
      logger: createLogger('test', 'silent'),
      readiness: () => ({}),
      routes: (a) => {
        const v1 = express.Router();
        v1.post('/echo', (req, res) => {
          res.status(201).json({ got: req.body, path: req.path });
        });
        a.use('/v1', v1);
      },
    });
    const server = createHttpServer(app);
    // Seen before express takes the request: then it has not set any prototype yet.
    const prototypes: boolean[] = [];
    server.prependListener('request', (req, res) => prototypes.push(Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const answer = await fetch(`${url}/v1/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 1 }) });
      expect(answer.status).toBe(201);
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await answer.json()).toEqual({ got: { a: 1 }, path: '/echo' });
      const refused = await fetch(`${url}/v1/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"$where": 1}' });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(prototypes).toEqual([true, true]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
