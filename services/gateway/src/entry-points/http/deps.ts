import type { CommandType, MessageData } from '@oms/contracts';
import type { Broker, CommandClient, RequestOutcome } from '@oms/messaging';
import type { Redis } from '@oms/redis';
import type { Connection } from 'mongoose';
import type { Upstreams } from '../../data-access/upstreams';

/** What the route modules need: the broker for events, the command client, and the internal query APIs. */
export interface GatewayDeps {
  broker: Broker;
  commands: CommandClient;
  upstreams: Upstreams;
  commandTimeoutMs: number;
  /** Intake markers (exactly once per channel order) and webhook-id dedupe. */
  redis: Redis;
  /** The gateway's own database: channel records. */
  db: Connection;
}

/** Send a command and wait (bounded) for the handler's answer; a refusal is thrown as its AppError. */
export function sendCommand<T extends CommandType>(deps: GatewayDeps, type: T, data: MessageData<T>, correlationId: string, id?: string): Promise<RequestOutcome> {
  return deps.commands.send(type, data, { correlationId, id }, deps.commandTimeoutMs);
}

/** Query strings and bodies name ids that we put into internal URLs. */
export const seg = (value: string) => encodeURIComponent(value);


/** A validated query passed on to an internal query API: the values given, as a query string. */
export function queryString(query: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  return params;
}
