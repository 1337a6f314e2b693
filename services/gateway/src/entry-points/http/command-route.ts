import type { z } from 'zod';
import type { CommandType, MessageData } from '@oms/contracts';
import type { express, Request, Response } from '@oms/http';
import { sendCommand, type Command, type CommandDeps } from '../../application/send-command';
import { apiRoute, type ApiRouteSpec, type RouteInput } from './api-route';

export interface CommandRouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, T extends CommandType> extends Omit<
  ApiRouteSpec<B, Q, P>,
  'handler'
> {
  /**
   * The command of this request, after the key's checks: a check that refuses throws its problem, and
   * nothing is sent.
   */
  command: (input: RouteInput<B, Q, P>, res: Response, req: Request) => Command<T> | Promise<Command<T>>;
  /** The status of the handler's answer: 200 unless given. */
  doneStatus?: 200 | 201;
  /** What the client gets of the handler's answer: the answer itself unless given. */
  done?: (result: unknown, data: MessageData<T>) => unknown;
  /** The 202 body: no answer in time, but the command waits in its durable queue and will be carried out. */
  pending: (data: MessageData<T>) => unknown;
  /** Location of what the command creates, on both answers. */
  location?: (data: MessageData<T>) => string;
}

/**
 * A route that sends one command to the service that owns the object and answers with the handler's
 * answer (200, or `doneStatus`), or 202 when the handler did not answer within COMMAND_TIMEOUT_MS. A
 * refusal is the owning service's problem, passed through with its status; a broker that does not take
 * the command is a 503 (problems.ts).
 */
export function commandRoute<
  B extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
  P extends z.ZodType = z.ZodUnknown,
  T extends CommandType = CommandType,
>(router: express.Router, deps: CommandDeps, spec: CommandRouteSpec<B, Q, P, T>): void {
  const { command, doneStatus = 200, done, pending, location, ...route } = spec;
  apiRoute<B, Q, P>(router, {
    ...route,
    handler: async (req, res, input) => {
      const { type, data, correlationId, id } = await command(input, res, req);
      const outcome = await sendCommand(deps, type, data, correlationId, id);
      if (location) res.location(location(data));
      if (outcome.status === 'done') res.status(doneStatus).json(done ? done(outcome.result, data) : outcome.result);
      else res.status(202).json(pending(data));
    },
  });
}
