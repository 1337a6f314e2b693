import type { CommandType, MessageData } from '@oms/contracts';
import type { RequestOutcome } from '@oms/messaging';
import type { GatewayDeps } from './deps';

export type CommandDeps = Pick<GatewayDeps, 'commands' | 'commandTimeoutMs'>;

/** A command to another service, ready to send: `correlationId` ties it to its aggregate in traces and logs. */
export interface Command<T extends CommandType = CommandType> {
  type: T;
  data: MessageData<T>;
  correlationId: string;
  /** A fixed message id, so that a resent request sends the same command and its handler drops the copy. */
  id?: string;
}

/**
 * Send a command and wait (bounded) for its handler's answer: `done` with the result, or `pending` when
 * none came in time (the command waits in its durable queue and will be carried out). A refusal (4xx) is
 * thrown as the handler's AppError, so the owning service's problem reaches the client as it was.
 */
export function sendCommand<T extends CommandType>(
  deps: CommandDeps,
  type: T,
  data: MessageData<T>,
  correlationId: string,
  id?: string,
): Promise<RequestOutcome> {
  return deps.commands.send(type, data, { correlationId, id }, deps.commandTimeoutMs);
}
