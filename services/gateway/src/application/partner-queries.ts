import { AppError } from '@oms/errors';
import { seg, type QueryDeps } from './deps';

export interface PartnerState {
  id: string;
  /** Whether the carrier service can provision feeds (RABBITMQ_MANAGEMENT_URL). */
  provisioning: boolean;
  [field: string]: unknown;
}

/** A partner's feed: its record and what the broker holds (queue depth, binding, user); never a password. */
export const partnerState = (deps: QueryDeps, id: string) => deps.upstreams.carrier.get<PartnerState>(`/internal/partners/${seg(id)}`);

/**
 * Provisioning needs the broker's management API, which only the carrier service is given. Without it, no
 * command is sent (it could only be refused): 501, since trying again will not help until it is configured.
 * An unknown carrier is the carrier service's 404.
 */
export async function assertMayProvision(deps: QueryDeps, id: string): Promise<void> {
  const state = await partnerState(deps, id);
  if (!state.provisioning)
    throw new AppError(
      501,
      'Partner Provisioning Not Configured',
      'Partner provisioning is not configured: set RABBITMQ_MANAGEMENT_URL on the carrier service, or provision the partner by manifests (docs/partners.md)',
    );
}
