import { canonicalOrderSchema, type CanonicalOrder } from '@oms/contracts';
import { AppError, zodFieldErrors, type FieldError } from '@oms/errors';
import { mayUseChannel, type Principal } from '../domain/access/principal';
import type { IntakeResult, OrderIntake } from './order-intake';
import { toProblem } from './unavailable';

export type BatchOutcome = { status: 'created' | 'duplicate'; result: IntakeResult } | { status: 'rejected'; problems: FieldError[] };

export interface BatchResult {
  index: number;
  externalId?: string;
  status: 'created' | 'duplicate' | 'rejected';
  id?: string;
  orderStatus?: string;
  problems?: FieldError[];
  /** Problems of this order beyond those listed, counted only. */
  problemsNotListed?: number;
}

/**
 * How much of a batch's problems its answer lists (docs/limits.md): a thousand empty orders have a dozen
 * problems each, and listing them all made a 714 KB answer of a 3 KB request. Every rejected order still
 * gets its result and its count of problems; the first orders get their first problems listed.
 */
export const BATCH_PROBLEM_LIMITS = { perOrder: 5, perAnswer: 100 } as const;

/** An externalId echoed back only when it could be one (an identifier is at most 100 characters). */
const echoedExternalId = (value: unknown): string | undefined => (typeof value === 'string' && value.length <= 100 ? value : undefined);

/** Lists at most BATCH_PROBLEM_LIMITS of the rejected orders' problems, in order; counts the rest. */
export function boundBatchProblems(results: BatchResult[]): number {
  let budget: number = BATCH_PROBLEM_LIMITS.perAnswer;
  let notListed = 0;
  for (const result of results) {
    if (!result.problems) continue;
    const listed = result.problems.slice(0, Math.min(BATCH_PROBLEM_LIMITS.perOrder, budget));
    budget -= listed.length;
    const rest = result.problems.length - listed.length;
    notListed += rest;
    if (listed.length) result.problems = listed;
    else delete result.problems;
    if (rest > 0) result.problemsNotListed = rest;
  }
  return notListed;
}

/** An intake refusal that concerns this order only (its channel, a concurrent submit): the rest carry on. */
function perOrderRefusal(err: unknown): FieldError[] | undefined {
  if (err instanceof AppError && err.status < 500) return err.errors?.length ? err.errors : [{ path: '(order)', message: err.detail ?? err.title }];
  return undefined;
}

/** One order of many (a batch, a CSV file): a refusal is its result; only a failure of the intake itself is thrown. */
export async function submitOne(intake: OrderIntake, principal: Principal, order: CanonicalOrder, lookupStatus: boolean): Promise<BatchOutcome> {
  if (!mayUseChannel(principal, order.channel))
    return { status: 'rejected', problems: [{ path: 'channel', message: `this key may not submit orders for channel ${order.channel}` }] };
  try {
    const result = await intake.submit(order, principal.actor, { lookupStatus });
    return { status: result.outcome, result };
  } catch (err) {
    const problems = perOrderRefusal(err);
    if (problems) return { status: 'rejected', problems };
    throw err;
  }
}

const NOT_ACCEPTED = 'not accepted: a service is unavailable; send it again';

/**
 * Orders sent together (a marketplace's batch): each is checked and submitted on its own, and gets its own
 * result in the order sent. 503 only when the broker or Redis took none of them.
 */
export async function submitBatch(
  intake: OrderIntake,
  principal: Principal,
  candidates: Array<Record<string, unknown>>,
): Promise<{ results: BatchResult[]; counts: { created: number; duplicates: number; rejected: number }; problemsNotListed?: number }> {
  // Every valid order is submitted at once: the broker confirms many in flight; never one after the other.
  const results = await Promise.all(
    candidates.map(async (candidate, index): Promise<BatchResult> => {
      const externalId = echoedExternalId(candidate.externalId);
      const parsed = canonicalOrderSchema.safeParse(candidate);
      if (!parsed.success) return { index, externalId, status: 'rejected', problems: zodFieldErrors(parsed.error) };
      const outcome = await submitOne(intake, principal, parsed.data, true).catch((err) => {
        // The broker or Redis failed for this order: the client resends the batch (duplicates are recognised).
        const problem = toProblem(err);
        if (problem instanceof AppError && problem.status === 503)
          return { status: 'rejected' as const, problems: [{ path: '(order)', message: NOT_ACCEPTED }] };
        throw err;
      });
      if (outcome.status === 'rejected') return { index, externalId, status: 'rejected', problems: outcome.problems };
      return { index, externalId, status: outcome.status, id: outcome.result.id, ...(outcome.result.status ? { orderStatus: outcome.result.status } : {}) };
    }),
  );
  const count = (s: string) => results.filter((r) => r.status === s).length;
  if (results.every((r) => r.status === 'rejected' && r.problems?.[0]?.message.startsWith('not accepted: a service')))
    throw new AppError(503, 'Service Unavailable', 'The message broker did not accept the orders; try again shortly');
  const notListed = boundBatchProblems(results);
  return {
    results,
    counts: { created: count('created'), duplicates: count('duplicate'), rejected: count('rejected') },
    ...(notListed ? { problemsNotListed: notListed } : {}),
  };
}
