import { AppError } from '@oms/errors';
import type { NextFunction, Request, Response } from '@oms/http';
import { toProblem } from '../../application/unavailable';

const RETRY_AFTER_SECONDS = '5';

/** Router-level error handler: maps, adds Retry-After to every 503, and hands over to the kit's problem writer. */
export function mapGatewayErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const mapped = toProblem(err);
  if (mapped instanceof AppError && mapped.status === 503) res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
  next(mapped);
}
