/** Who is calling. `actor` goes into commands and events: a short stable id, never the key itself. */
export interface Principal {
  actor: string;
  /**
   * `ops` (everything), `channel:<id>` (its own channel's orders), `partner:<id>` (its own shipments),
   * `location:<id>` (warehouse or store staff: that location's fulfillments and pick lists).
   */
  roles: string[];
}

export const isOps = (p: Principal) => p.roles.includes('ops');

/** Channels whose orders this key may create and read: 'all' for ops. */
export function channelsOf(p: Principal): 'all' | string[] {
  if (isOps(p)) return 'all';
  return p.roles.filter((r) => r.startsWith('channel:')).map((r) => r.slice('channel:'.length));
}

export function mayUseChannel(p: Principal, channelId: string): boolean {
  const channels = channelsOf(p);
  return channels === 'all' || channels.includes(channelId);
}

/** The carriers (3PL partners) whose shipments this key may see: `partner:<id>` roles. */
export const partnersOf = (p: Principal): string[] => p.roles.filter((r) => r.startsWith('partner:')).map((r) => r.slice('partner:'.length));

/** The locations whose work this key may see and do: 'all' for ops, else its `location:<id>` roles. */
export function locationsOf(p: Principal): 'all' | string[] {
  if (isOps(p)) return 'all';
  return p.roles.filter((r) => r.startsWith('location:')).map((r) => r.slice('location:'.length));
}

export function mayWorkAt(p: Principal, locationId: string): boolean {
  const locations = locationsOf(p);
  return locations === 'all' || locations.includes(locationId);
}

/**
 * What a key may see of an order (its payments, shipments, returns) or do to it: ops everything; a channel
 * key its own channels' orders, another channel's being `hidden` (answered as not found, so that its
 * existence is not revealed); a key without channel roles nothing (`forbidden`). `channel` is undefined
 * while the order has not been read: `forbidden` and `allowed` need no read, `read` asks for it.
 */
export function orderAccess(p: Principal, channel?: string): 'allowed' | 'forbidden' | 'hidden' | 'read' {
  const channels = channelsOf(p);
  if (channels === 'all') return 'allowed';
  if (channels.length === 0) return 'forbidden';
  if (channel === undefined) return 'read';
  return channels.includes(channel) ? 'allowed' : 'hidden';
}
