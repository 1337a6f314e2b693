import { createHash, randomUUID } from 'node:crypto';
import { envelopeSchema, isKnownMessage, messageSchemas, type Envelope, type MessageData, type MessageType } from '@oms/contracts';

export interface MessageMeta {
  correlationId: string;
  causationId?: string | null;
  /** Give a deterministic id where a retry could repeat the work (docs/consistency.md, the outbox rule). */
  id?: string;
}

/** A UUID-shaped id derived from its parts: the same cause always yields the same event id. */
export function deterministicId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u001f')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function buildEnvelope<T extends MessageType>(producer: string, type: T, data: MessageData<T>, meta: MessageMeta): Envelope<MessageData<T>> {
  const envelope = {
    id: meta.id ?? randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    producer,
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? null,
    data,
  };
  validateEnvelope(envelope);
  return envelope as Envelope<MessageData<T>>;
}

export class InvalidMessageError extends Error {
  override name = 'InvalidMessageError';
}

/** Check an envelope and its data against the contracts; throws InvalidMessageError naming every problem. */
export function validateEnvelope(raw: unknown): Envelope {
  const env = envelopeSchema.safeParse(raw);
  if (!env.success) throw new InvalidMessageError(`invalid envelope: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (!isKnownMessage(env.data.type)) throw new InvalidMessageError(`unknown message type ${env.data.type}`);
  const data = messageSchemas[env.data.type].safeParse(env.data.data);
  if (!data.success)
    throw new InvalidMessageError(`invalid ${env.data.type} data: ${data.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { ...env.data, data: data.data } as Envelope;
}
