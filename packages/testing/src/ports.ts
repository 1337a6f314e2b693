import { createServer, type AddressInfo } from 'node:net';

/**
 * A local port nothing listens on right now: for a child service to listen on, or as a dependency that is
 * down (a connection to it is refused at once).
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
