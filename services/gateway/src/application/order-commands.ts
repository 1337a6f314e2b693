import type { MessageData, QueueMessageType } from '@oms/contracts';
import { notFound } from '@oms/errors';
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
export function orderCommand<T extends OrderCommandType>(principal: Principal, type: T, data: MessageData<T>): Command<T> {
  const channels = channelsOf(principal);
  if (channels !== 'all' && channels.length === 0) throw notFound(`Order ${data.orderId}`);
  return { type, data: channels === 'all' ? data : { ...data, channels }, correlationId: data.orderId };
}
