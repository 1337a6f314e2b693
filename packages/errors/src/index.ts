import type { z } from 'zod';

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. `lines.0.quantity`. */
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/**
 * The one error type of the system. Anything thrown that is not an AppError is a bug and becomes a
 * generic 500 without details; an AppError carries what the client may see (RFC 9457 problem fields).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'AppError';
  }

  toProblem(): Problem {
    return {
      type: `https://oms.dev/problems/${this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }

  static fromProblem(p: Problem): AppError {
    const { status, title, detail, errors, type: _type, ...rest } = p;
    return new AppError(status, title, detail, errors, rest);
  }
}

/**
 * Bounds of any problem answer (docs/limits.md). Field errors can come from input of any size (a CSV header
 * of a million columns, a batch of a thousand empty orders): an answer lists at most `listedErrors` of them
 * and counts the rest in `errorsNotListed`, cuts every text at `textChars`, and never exceeds `answerBytes`.
 */
export const PROBLEM_LIMITS = { listedErrors: 50, textChars: 500, answerBytes: 64 * 1024 } as const;

const clip = (text: string, max: number = PROBLEM_LIMITS.textChars): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * The problem as an HTTP answer may carry it: the first PROBLEM_LIMITS.listedErrors field errors (the count
 * of the rest in `errorsNotListed`), texts clipped, and, should its extensions still make it larger than
 * PROBLEM_LIMITS.answerBytes, only its standard fields. The bus keeps the full list (a caller such as the
 * stock import needs every refused row); only what leaves the system is bounded.
 */
export function boundedProblem(problem: Problem): Problem {
  const { errors, detail, title } = problem;
  const bounded: Problem = { ...problem, title: clip(title, 200), ...(detail !== undefined ? { detail: clip(detail, 2 * PROBLEM_LIMITS.textChars) } : {}) };
  if (errors) {
    bounded.errors = errors.slice(0, PROBLEM_LIMITS.listedErrors).map((e) => ({ path: clip(e.path, 200), message: clip(e.message) }));
    const notListed = errors.length - bounded.errors.length + (typeof problem.errorsNotListed === 'number' ? problem.errorsNotListed : 0);
    if (notListed > 0) bounded.errorsNotListed = notListed;
  }
  if (Buffer.byteLength(JSON.stringify(bounded)) <= PROBLEM_LIMITS.answerBytes) return bounded;
  return {
    type: clip(problem.type, 200),
    title: bounded.title,
    status: problem.status,
    ...(bounded.detail !== undefined ? { detail: bounded.detail } : {}),
    ...(bounded.errors ? { errors: bounded.errors, ...(bounded.errorsNotListed ? { errorsNotListed: bounded.errorsNotListed } : {}) } : {}),
  };
}

/** Why a rule refuses a request, in the domain's words; the error handlers turn it into a problem status. */
export type RefusalKind = 'not_found' | 'conflict' | 'invalid';
const REFUSALS: Record<RefusalKind, [number, string]> = { not_found: [404, 'Not Found'], conflict: [409, 'Conflict'], invalid: [422, 'Unprocessable Content'] };

/** A domain rule's refusal: the request does not fit the aggregate as it is. Nothing was changed. */
export class Refusal extends AppError {
  constructor(
    readonly kind: RefusalKind,
    detail: string,
    errors?: FieldError[],
    extensions: Record<string, unknown> = {},
  ) {
    super(REFUSALS[kind][0], REFUSALS[kind][1], detail, errors, extensions);
    this.name = 'Refusal';
  }
}

export const notFound = (what: string) => new AppError(404, 'Not Found', `${what} was not found`);
export const conflict = (detail: string) => new AppError(409, 'Conflict', detail);
export const unprocessable = (detail: string, errors?: FieldError[]) => new AppError(422, 'Unprocessable Content', detail, errors);

export function zodFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
}

/** Parse `input` with `schema`, or throw a 422 listing every field error. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new AppError(422, 'Validation Failed', `The ${what} is invalid`, zodFieldErrors(result.error));
  return result.data;
}
