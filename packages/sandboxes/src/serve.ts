import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';

export interface RunningSandbox {
  url: string;
  server: Server;
  close: () => Promise<void>;
}

/** Listen on 127.0.0.1 (port 0 picks a free one in tests). */
export function serve(app: Express, port = 0): Promise<RunningSandbox> {
  return new Promise((resolve) => {
    const server = app.listen(port, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ url, server, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) });
    });
  });
}
