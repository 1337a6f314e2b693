import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Logger } from '@oms/logging';
import { circuitBreaker, UpstreamError, type CircuitBreaker } from '@oms/resilience';

/** The receiver's answer: only the status counts (its body is read and dropped). */
export interface WebhookAnswer {
  status: number;
}

export interface WebhookPost {
  url: URL;
  /** The address checked for this attempt: the connection goes there and nowhere else. */
  address: string;
  body: string;
  headers: Record<string, string>;
}

/** Every address a host name resolves to now (A and AAAA), as the system resolver answers. */
export async function resolveHost(hostname: string): Promise<string[]> {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => a.address);
}

/**
 * POST the body to the checked address. The URL's host name still goes into the Host header and TLS (SNI and the
 * certificate check); only the name lookup is replaced by the address given, so a second resolution (DNS
 * rebinding) cannot send the request elsewhere. No redirect is followed, and no trace context is sent.
 */
export function postPinned({ url, address, body, headers }: WebhookPost, timeoutMs: number): Promise<WebhookAnswer> {
  const family = address.includes(':') ? 6 : 4;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    // Node's happy-eyeballs connect asks for every address (`all`); a plain connect for one.
    if (options.all) (callback as unknown as (err: null, addresses: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<WebhookAnswer>((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: pinned,
        agent: false,
      },
      (res) => {
        res.resume(); // the body tells us nothing; read it so the socket can close
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(body);
  });
}

/** Hosts whose breaker is kept; the least recently used is dropped past this (a new one starts closed). */
const MAX_HOSTS = 1000;

/**
 * One circuit breaker per receiving host (host:port), through @oms/resilience: a receiver that is down or slow
 * fails its deliveries at once for a while instead of tying up connections, and other receivers are not
 * affected. A receiver's 5xx, timeouts and connection errors count against its breaker; its 4xx answers do not
 * (they are its verdict, not an outage), though the delivery retries them too.
 */
export class WebhookTransport {
  private readonly breakers = new Map<string, CircuitBreaker<[WebhookPost], WebhookAnswer>>();

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
    private readonly breakerResetMs = 30_000,
  ) {}

  async post(request: WebhookPost): Promise<WebhookAnswer> {
    try {
      return await this.breakerFor(request.url.host).fire(request);
    } catch (err) {
      // A 5xx was thrown to count against the breaker: for the caller it is an answer like any other.
      if (err instanceof UpstreamError && err.status !== undefined) return { status: err.status };
      throw err;
    }
  }

  private breakerFor(host: string): CircuitBreaker<[WebhookPost], WebhookAnswer> {
    let breaker = this.breakers.get(host);
    if (breaker) {
      this.breakers.delete(host);
      this.breakers.set(host, breaker);
      return breaker;
    }
    breaker = circuitBreaker(
      async (request: WebhookPost) => {
        const answer = await postPinned(request, this.timeoutMs);
        if (answer.status >= 500) throw new UpstreamError(`webhook receiver ${host} answered ${answer.status}`, answer.status);
        return answer;
      },
      { name: `webhook:${host}`, logger: this.logger, timeoutMs: this.timeoutMs + 1000, resetTimeoutMs: this.breakerResetMs },
    );
    if (this.breakers.size >= MAX_HOSTS) {
      const oldest = this.breakers.keys().next().value as string;
      this.breakers.get(oldest)?.shutdown();
      this.breakers.delete(oldest);
    }
    this.breakers.set(host, breaker);
    return breaker;
  }

  shutdown(): void {
    for (const breaker of this.breakers.values()) breaker.shutdown();
    this.breakers.clear();
  }
}
