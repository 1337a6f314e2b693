import { randomUUID } from 'node:crypto';
import { deterministicId, orderIdOf, envelopeSchema, isKnownMessage, messageSchemas, type Envelope, type MessageData, type MessageType } from '@oms/contracts';

export interface MessageMeta {
  correlationId: string;
  causationId?: string | null;
  /** Give a deterministic id where a retry could repeat the work (docs/consistency.md, the outbox rule). */
  id?: string;
}

// Pure, so they live with the contracts (a domain layer derives ids too); the kit's users find them here.
export { deterministicId, orderIdOf };

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
