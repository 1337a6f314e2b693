import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';

export interface RunningSandbox {
  url: string;
  server: Server;
  close: () => Promise<void>;
}

/** Listen on 127.0.0.1 unless told otherwise (a container listens on 0.0.0.0); port 0 picks a free one in tests. */
export function serve(app: Express, port = 0, host = '127.0.0.1'): Promise<RunningSandbox> {
  return new Promise((resolve) => {
    const server = app.listen(port, host, () => {
      const url = `http://${host}:${(server.address() as AddressInfo).port}`;
      resolve({
        url,
        server,
        close: () =>
          new Promise((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
