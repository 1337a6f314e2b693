import { AppError } from '@oms/errors';
import { BrokerUnavailableError, PublishNotConfirmedError, UnroutableMessageError } from '@oms/messaging';
import { UpstreamUnavailableError } from '../data-access/upstreams';

/**
 * The one place where infrastructure failures become problems: a broker that is down or did not confirm,
 * or an internal service that cannot answer, is a 503 the client may retry; never a 202 or an opaque 500.
 */
export function toProblem(err: unknown): unknown {
  if (err instanceof BrokerUnavailableError || err instanceof PublishNotConfirmedError || err instanceof UnroutableMessageError)
    return new AppError(503, 'Service Unavailable', 'The message broker did not accept the request; try again shortly');
  if (err instanceof UpstreamUnavailableError)
    return new AppError(503, 'Service Unavailable', 'A service needed for this request is unavailable; try again shortly');
  return err;
}
