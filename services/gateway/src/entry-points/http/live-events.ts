import type { EventType } from '@oms/contracts';
import { express, type Response } from '@oms/http';
import type { LiveEvents } from '@oms/messaging';
import { locationsOf, mayUseChannel, type Principal } from '../../domain/access/principal';
import { apiRoute } from './api-route';
import { principalOf } from './auth';

/** What the console shows live (docs/console.md): a new order, a rule that acted (a task, a red flag). */
export const LIVE_EVENT_TYPES: readonly EventType[] = ['order.accepted.v1', 'rule.triggered.v1'];

/** A comment line every so often, so that proxies keep the stream open and a dead client is noticed. */
const HEARTBEAT_MS = 25_000;

/** Whether the caller may see this event: a channel's own orders, a location's own tasks, ops everything. */
function mayView(principal: Principal, type: string, data: { channel?: string; locationId?: string }): boolean {
  if (type === 'order.accepted.v1') return data.channel !== undefined && mayUseChannel(principal, data.channel);
  const locations = locationsOf(principal);
  return locations === 'all' || (data.locationId !== undefined && locations.includes(data.locationId));
}

/**
 * `GET /v1/events`: server-sent events of what the caller may see, as they happen (no history: a client
 * reloads what it shows when it connects). Ended when the gateway drains, so a stop does not wait for them.
 */
export function liveEventRoutes(live: LiveEvents, streams: Set<Response>): express.Router {
  const router = express.Router();
  apiRoute(router, {
    method: 'get',
    path: '/events',
    summary: 'Live updates as server-sent events (text/event-stream): new orders and rules that acted, those the caller may see',
    tags: ['console'],
    responses: { 200: { description: 'An event stream: `event: <type>`, `data: <the event as JSON>`', contentType: 'text/event-stream' } },
    handler: async (req, res) => {
      const principal = principalOf(res);
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      res.write(': connected\n\n');
      streams.add(res);
      const stop = live.subscribe((event) => {
        if (!mayView(principal, event.type, event.data as { channel?: string; locationId?: string })) return;
        res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify({ ...(event.data as object), occurredAt: event.occurredAt })}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
      req.on('close', () => {
        clearInterval(heartbeat);
        stop();
        streams.delete(res);
      });
    },
  });
  return router;
}
