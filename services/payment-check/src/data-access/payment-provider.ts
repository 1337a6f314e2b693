import { UpstreamError, type HttpClient } from '@oms/resilience';

export interface AuthorizationRequest {
  reference: string;
  amount: number;
  currency: string;
  method: string;
}

/** `expiresAt`: when the provider stops honouring an approved authorization (its capture is then refused). */
export type AuthorizationResult =
  { status: 'approved'; authorizationId: string; expiresAt?: string } | { status: 'declined'; authorizationId?: string; reason: string };

/** What the provider says of an authorization now (`expired`: approved, but past its expiry). */
export interface AuthorizationStatus {
  id: string;
  status: 'approved' | 'declined' | 'voided' | 'captured' | 'expired' | 'unknown';
  amount?: number;
  captured?: number;
  refunded?: number;
  expiresAt?: string;
}

export type CaptureResult = { ok: true; captureId: string } | { ok: false; status: number; error: string };

export type RefundResult = { ok: true; refundId: string } | { ok: false; status: number; error: string };

interface ProviderAnswer {
  id?: string;
  status?: string;
  reason?: string;
  error?: string;
  message?: string;
  expiresAt?: string;
  amount?: number;
  captured?: number;
  refunded?: number;
}

const STATUSES = new Set(['approved', 'declined', 'voided', 'captured', 'expired']);

/**
 * Adapter for the card provider's JSON API. Calls go through the resilient client (timeout + circuit
 * breaker): a 5xx, a 408 or 429 (throttled), a timeout or an open breaker rejects with an error the consumer
 * counts as transient (a dependency down: retried for AMQP_RETRY_WINDOW_MS, never an approval). Other 4xx
 * answers are the provider's verdict and are returned as results.
 */
export class PaymentProvider {
  constructor(private readonly http: HttpClient) {}

  /** `idempotencyKey` makes a repeated call (after a timeout) return the first authorization. */
  async authorize(request: AuthorizationRequest, idempotencyKey: string): Promise<AuthorizationResult> {
    const res = await this.http.post<ProviderAnswer>('/v1/authorizations', request, { 'idempotency-key': idempotencyKey });
    const body = res.body ?? {};
    if (res.status === 201 && body.id && body.status === 'approved')
      return { status: 'approved', authorizationId: body.id, ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}) };
    if (res.status === 201 && body.id && body.status === 'declined') return { status: 'declined', authorizationId: body.id, reason: body.reason ?? 'declined' };
    // Throttled or timed out on their side: worth another try later.
    if (res.status === 408 || res.status === 429) throw new UpstreamError(`the payment provider answered ${res.status}; retrying later`, res.status);
    // The provider refused the request itself (invalid data): a decline, so the order does not stay pending.
    if (res.status >= 400 && res.status < 500) return { status: 'declined', reason: `provider_rejected_request:${body.error ?? res.status}` };
    throw new Error(`unexpected answer from the payment provider to an authorization: ${res.status}`);
  }

  /** The status call: what the provider holds for an authorization now. One it does not know is `unknown`. */
  async status(authorizationId: string): Promise<AuthorizationStatus> {
    const res = await this.http.get<ProviderAnswer>(`/v1/authorizations/${encodeURIComponent(authorizationId)}`);
    const body = res.body ?? {};
    if (res.status === 404) return { id: authorizationId, status: 'unknown' };
    if (res.status !== 200 || !STATUSES.has(body.status ?? '')) throw new Error(`unexpected answer from the payment provider to a status call: ${res.status}`);
    const { amount, captured, refunded, expiresAt } = body;
    return { id: authorizationId, status: body.status as AuthorizationStatus['status'], amount, captured, refunded, expiresAt };
  }

  /** Releases an authorization. An authorization the provider does not know holds nothing: also done. */
  async void(authorizationId: string): Promise<void> {
    const res = await this.http.post<ProviderAnswer>(`/v1/authorizations/${encodeURIComponent(authorizationId)}/void`, {});
    if (res.status === 200 || res.status === 404) return;
    throw new Error(`the payment provider refused to void ${authorizationId}: ${res.status} ${res.body?.error ?? ''}`);
  }

  /** Takes `amount` of an authorization (at most what it holds). A verdict (4xx) comes back as a result. */
  async capture(authorizationId: string, amount: number, idempotencyKey: string): Promise<CaptureResult> {
    const res = await this.http.post<ProviderAnswer>(
      `/v1/authorizations/${encodeURIComponent(authorizationId)}/capture`,
      { amount },
      { 'idempotency-key': idempotencyKey },
    );
    const verdict = moneyMovement(res, 'capture');
    return verdict.ok ? { ok: true, captureId: verdict.id } : verdict;
  }

  async refund(request: { authorizationId: string; amount: number; currency: string }, idempotencyKey: string): Promise<RefundResult> {
    const res = await this.http.post<ProviderAnswer>('/v1/refunds', request, { 'idempotency-key': idempotencyKey });
    const verdict = moneyMovement(res, 'refund');
    return verdict.ok ? { ok: true, refundId: verdict.id } : verdict;
  }

  shutdown(): void {
    this.http.breaker.shutdown();
  }
}

/**
 * The provider's answer to a capture or a refund: done (its id), or its verdict on the request itself (402,
 * 404, 409, 422...: another try would get the same). Throttled or timed out on their side (408, 429) and
 * anything else throw: "try later", and the command is retried.
 */
function moneyMovement(
  res: { status: number; body?: ProviderAnswer },
  what: 'capture' | 'refund',
): { ok: true; id: string } | { ok: false; status: number; error: string } {
  const body = res.body ?? {};
  if ((res.status === 200 || res.status === 201) && body.id) return { ok: true, id: body.id };
  if (res.status === 408 || res.status === 429) throw new UpstreamError(`the payment provider answered ${res.status} to a ${what}; retrying later`, res.status);
  if (res.status >= 400 && res.status < 500) return { ok: false, status: res.status, error: body.error ?? body.message ?? 'refused' };
  throw new Error(`unexpected answer from the payment provider to a ${what}: ${res.status}`);
}
