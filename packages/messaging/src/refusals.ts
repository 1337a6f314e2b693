import { isCommand, type Envelope, type MessageData } from '@oms/contracts';
import type { AppError } from '@oms/errors';
import { deterministicId, type MessageMeta } from './envelope';

/** What to publish when a command nobody waits for is refused: command.refused.v1 and its envelope's meta. */
export interface RefusalNotice {
  data: MessageData<'command.refused.v1'>;
  meta: MessageMeta;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/**
 * The command.refused.v1 that makes a refusal visible when the refused message had no reply queue, or
 * undefined when there is nothing to announce it on: the message is not a command, or neither it nor the
 * refusal (`extensions.orderId`, set by the service that knows the target's order) names an order.
 * The event's id derives from the command's, so a redelivered command refused again is the same event.
 */
export function refusalNotice(envelope: Envelope, err: AppError): RefusalNotice | undefined {
  // Only a client-error refusal of a command is announced; anything else has no place in the event's schema.
  if (!isCommand(envelope.type) || err.status < 400 || err.status > 499) return undefined;
  const fields = (envelope.data ?? {}) as Record<string, unknown>;
  // A command that names only its own target (a fulfillment) carries no order: the refusing service names it.
  const orderId = text(fields.orderId) ?? text(err.extensions.orderId);
  if (!orderId) return undefined;
  const returnId = text(fields.returnId);
  return {
    data: {
      orderId,
      command: envelope.type,
      commandId: envelope.id,
      ...(returnId ? { returnId } : {}),
      status: err.status,
      title: err.title.slice(0, 200),
      detail: (err.detail ?? err.title).slice(0, 1000),
    },
    meta: { id: deterministicId(envelope.id, 'command.refused.v1'), correlationId: envelope.correlationId, causationId: envelope.id },
  };
}
