import type { MessageData, QueueMessageType } from '@oms/contracts';
import { notFound } from '@oms/errors';
import type { Redis } from '@oms/redis';
import { intakeMarkerKey } from '../domain/intake/intake-marker';
import { channelsOf, type Principal } from '../domain/access/principal';
import type { Command } from './send-command';

/** The commands about one order that ingestion takes from the API. */
export type OrderCommandType = QueueMessageType<'ingestion.commands'>;

/**
 * A command about an order, sent without reading the order first: ingestion owns it and decides. An ops
 * key may change any order; a channel key only its own channels' orders, so the command carries those
 * channels and ingestion answers another channel's order as not found (a 404, as if it did not exist). A
 * key without channel roles may change none: the same 404, without asking.
 */
export function orderCommand<T extends OrderCommandType>(principal: Principal, type: T, data: MessageData<T>, intakeInFlight = false): Command<T> {
  const channels = channelsOf(principal);
  if (channels !== 'all' && channels.length === 0) throw notFound(`Order ${data.orderId}`);
  const scoped = { ...data, ...(channels === 'all' ? {} : { channels }), ...(intakeInFlight ? { intakeInFlight: true } : {}) };
  return { type, data: scoped, correlationId: data.orderId };
}

/**
 * Whether this gateway accepted the order in the last 10 minutes (its intake marker). A command that
 * overtakes the order's intake (ingestion busy or restarting) then waits for it instead of finding no
 * order: a cancel answered 202 was lost that way.
 */
export async function intakeInFlight(redis: Redis, orderId: string): Promise<boolean> {
  return (await redis.exists(intakeMarkerKey(orderId))) === 1;
}
