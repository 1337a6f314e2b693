import { notFound } from '@oms/errors';
import type { ChannelInput, ChannelRecord } from '../domain/channels/channel';
import type { GatewayDeps } from './deps';

type ChannelDeps = Pick<GatewayDeps, 'channels'>;

/** Create or replace a channel; an omitted webhook secret keeps the stored one. */
export const putChannel = (deps: ChannelDeps, id: string, input: ChannelInput): Promise<{ channel: ChannelRecord; created: boolean }> =>
  deps.channels.put(id, input);

export async function getChannel(deps: ChannelDeps, id: string): Promise<ChannelRecord> {
  const channel = await deps.channels.get(id);
  if (!channel) throw notFound(`Channel ${id}`);
  return channel;
}

export const listChannels = (deps: ChannelDeps): Promise<ChannelRecord[]> => deps.channels.list();
