import type { MessageData } from '@oms/contracts';
import { AppError } from '@oms/errors';
import { deterministicId } from '@oms/messaging';
import { seg, type QueryDeps } from './deps';
import type { Command } from './send-command';

interface SignatureCheck {
  valid: boolean;
  reason?: string;
}

/**
 * The carrier service holds the webhook secrets, so it checks the signature over the raw body; 401 unless
 * valid. An unknown carrier (its 404) and every reason a signature fails get one and the same 401, so that
 * nobody can learn which carriers exist, or whether one has a secret, by trying (docs/security.md).
 */
export async function verifyTrackingSignature(deps: QueryDeps, carrierId: string, signature: string, rawBody: Buffer): Promise<void> {
  const check = await deps.upstreams.carrier
    .post<SignatureCheck>(`/internal/carriers/${seg(carrierId)}/verify-signature`, { signature, body: rawBody.toString('utf8') })
    .catch((err: unknown) => {
      if (err instanceof AppError && err.status < 500) return undefined;
      throw err;
    });
  if (!check || check.valid !== true) throw new AppError(401, 'Unauthorized', SIGNATURE_NOT_VERIFIED);
}

/** The one answer to a webhook that is not authenticated, whatever the reason. */
export const SIGNATURE_NOT_VERIFIED = 'The request signature could not be verified';

/** A carrier resending the same update sends the same command, so the carrier service can drop it. */
export function trackingCommand(
  carrierId: string,
  update: Omit<MessageData<'shipment.record-tracking.v1'>, 'carrierId'>,
): Command<'shipment.record-tracking.v1'> {
  return {
    type: 'shipment.record-tracking.v1',
    data: { carrierId, ...update },
    correlationId: update.trackingNumber,
    id: deterministicId('tracking', carrierId, update.trackingNumber, update.status, update.occurredAt),
  };
}
