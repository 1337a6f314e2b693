import { normalizeRiskValue, type BlocklistKind } from '@oms/contracts';
import { Refusal } from '@oms/errors';
import type { Message } from '@oms/messaging';
import type { BlocklistDoc, FraudSettings } from '../data-access/fraud-settings';

/** The fraud rules and blocklists as ops manage them (PUT/GET /v1/fraud/...): no order is changed by these. */

const entryView = ({ kind, value, reason, addedBy, addedAt }: BlocklistDoc) => ({ kind, value, reason, addedBy, addedAt });

export async function setFraudRules(settings: FraudSettings, msg: Message<'fraud.set-rules.v1'>) {
  return settings.replaceRules(msg.data.rules, msg.data.actor);
}

export async function blockValue(settings: FraudSettings, msg: Message<'fraud.block.v1'>) {
  const { kind, reason, actor } = msg.data;
  const value = normalized(kind, msg.data.value);
  return entryView(await settings.block(kind, value, reason, actor));
}

export async function unblockValue(settings: FraudSettings, msg: Message<'fraud.unblock.v1'>) {
  const { kind } = msg.data;
  const value = normalized(kind, msg.data.value);
  if (!(await settings.unblock(kind, value))) throw new Refusal('not_found', `${value} is not on the ${kind} blocklist`);
  return { kind, value, removed: true };
}

function normalized(kind: BlocklistKind, raw: string): string {
  const value = normalizeRiskValue(kind, raw);
  if (kind === 'address' && !/^[A-Z]{2}:[^:]+:.+$/.test(value))
    throw new Refusal('invalid', 'an address is written COUNTRY:POSTALCODE:street, e.g. DE:10115:Invalidenstraße 1');
  if (value.length === 0 || (kind === 'phone' && !/\d/.test(value))) throw new Refusal('invalid', `"${raw}" is not a ${kind}`);
  return value;
}

export function fraudQueries(settings: FraudSettings) {
  return {
    rules: () => settings.rules(),
    async entry(kind: BlocklistKind, raw: string) {
      const entry = await settings.entry(kind, normalizeRiskValue(kind, raw));
      if (!entry) throw new Refusal('not_found', `${normalizeRiskValue(kind, raw)} is not on the ${kind} blocklist`);
      return entryView(entry);
    },
    async list(kind: BlocklistKind, limit: number, cursor?: string) {
      const page = await settings.list(kind, limit, cursor);
      return { items: page.items.map(entryView), nextCursor: page.nextCursor };
    },
  };
}

export type FraudQueries = ReturnType<typeof fraudQueries>;
