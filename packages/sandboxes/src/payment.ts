import { randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/** An authorization as the fake provider keeps it. */
export interface SandboxAuthorization {
  id: string;
  reference: string;
  amount: number;
  currency: string;
  method: string;
  status: 'approved' | 'declined' | 'voided' | 'captured';
  reason?: string;
  /** Taken at capture (at most the amount; a partial capture releases the rest). */
  captured?: number;
  refunded: number;
  /** After this an approved authorization can no longer be captured (ISO time). */
  expiresAt: string;
}

export interface SandboxRefund {
  id: string;
  authorizationId: string;
  amount: number;
  currency: string;
}

export interface PaymentSandboxCalls {
  /** Every request received, including the ones answered by `failNext`. */
  total: number;
  authorizations: number;
  voids: number;
  captures: number;
  refunds: number;
}

/** Lets a test make the provider misbehave and see what it received. */
export interface PaymentSandboxControl {
  /** Answer `status` (503 unless given; 429 is throttling) to the next `n` calls (they change nothing). */
  failNext(n: number, status?: number): void;
  /** Refuse the next `n` refunds with `status` (402 unless given) and error `refund_declined`: a verdict, not an outage. */
  refuseNextRefunds(n: number, status?: number): void;
  /** Wait this long before answering every call (to exercise client timeouts). */
  delayMs: number;
  /** How long a new authorization can be captured (7 days unless set, as card schemes allow). */
  authorizationTtlMs: number;
  /** The next authorization only lasts this long (then authorizationTtlMs again): an authorization about to expire. */
  nextAuthorizationTtlMs?: number;
  /** Decline authorizations above this amount (`amount_limit_exceeded`); none unless set. */
  declineAbove?: number;
  /** Let an authorization run out now (its capture is then refused with `authorization_expired`). */
  expire(authorizationId: string): void;
  readonly calls: PaymentSandboxCalls;
  authorizations(): SandboxAuthorization[];
  refunds(): SandboxRefund[];
  /** Forget everything: stored data, counters, pending failures, delay. */
  reset(): void;
}

export interface PaymentSandbox {
  app: Express;
  control: PaymentSandboxControl;
}

interface StoredAnswer {
  status: number;
  body: unknown;
}

const AUTHORIZATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The declines by rule: the reason a card issuer would give, or none. */
function declineReason(reference: string, amount: number, declineAbove: number | undefined): string | undefined {
  if (reference.startsWith('decline')) return 'card_declined';
  if (reference.startsWith('insufficient')) return 'insufficient_funds';
  if (reference.startsWith('expired-card')) return 'expired_card';
  if (declineAbove !== undefined && amount > declineAbove) return 'amount_limit_exceeded';
  return undefined;
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isCurrency = (v: unknown): v is string => typeof v === 'string' && /^[A-Z]{3}$/.test(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;

/**
 * A stand-in for a card provider's JSON API, close enough to exercise our adapter for real: idempotency
 * keys, declines, voids, refunds bounded by the authorized amount, and on demand outages and slowness.
 * Declines by rule: a reference starting with `decline` (`card_declined`), `insufficient` (`insufficient_funds`)
 * or `expired-card` (`expired_card`), an amount above `declineAbove` (`amount_limit_exceeded`); everything
 * else is approved. An authorization expires after `authorizationTtlMs`: its capture is then refused (409
 * `authorization_expired`). Captures may be partial (the rest is released). The refunds of an authorization
 * whose reference starts with `refuse-refund` are refused (402 `refund_declined`). `GET
 * /v1/authorizations/{id}` is the status call.
 */
export function createPaymentSandbox(): PaymentSandbox {
  const auths = new Map<string, SandboxAuthorization>();
  const refunds = new Map<string, SandboxRefund>();
  // Keyed by endpoint + Idempotency-Key: the same key always gets the first answer back.
  const idempotent = new Map<string, StoredAnswer>();
  let failures = 0;
  let failureStatus = 503;
  let refundRefusals = 0;
  let refundRefusalStatus = 402;
  const calls: PaymentSandboxCalls = { total: 0, authorizations: 0, voids: 0, captures: 0, refunds: 0 };

  const control: PaymentSandboxControl = {
    failNext(n: number, status = 503) {
      failures = n;
      failureStatus = status;
    },
    refuseNextRefunds(n: number, status = 402) {
      refundRefusals = n;
      refundRefusalStatus = status;
    },
    delayMs: 0,
    authorizationTtlMs: AUTHORIZATION_TTL_MS,
    expire(authorizationId: string) {
      const auth = auths.get(authorizationId);
      if (auth) auth.expiresAt = new Date(Date.now() - 1000).toISOString();
    },
    calls,
    authorizations: () => [...auths.values()].map((a) => ({ ...a })),
    refunds: () => [...refunds.values()].map((r) => ({ ...r })),
    reset() {
      auths.clear();
      refunds.clear();
      idempotent.clear();
      failures = 0;
      refundRefusals = 0;
      control.delayMs = 0;
      control.authorizationTtlMs = AUTHORIZATION_TTL_MS;
      control.declineAbove = undefined;
      control.nextAuthorizationTtlMs = undefined;
      Object.assign(calls, { total: 0, authorizations: 0, voids: 0, captures: 0, refunds: 0 });
    },
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());

  app.use(async (_req: Request, res: Response, next: NextFunction) => {
    calls.total++;
    if (control.delayMs > 0) await new Promise((r) => setTimeout(r, control.delayMs));
    if (failures > 0) {
      failures--;
      res.status(failureStatus).json({ error: failureStatus === 429 ? 'too_many_requests' : 'service_unavailable' });
      return;
    }
    next();
  });

  /** Answer from the idempotency store when the key was seen, else compute, store and answer. */
  const answer = (req: Request, res: Response, scope: string, compute: () => StoredAnswer) => {
    const key = req.get('idempotency-key');
    const storeKey = key ? `${scope}:${key}` : undefined;
    const stored = storeKey ? idempotent.get(storeKey) : undefined;
    const result = stored ?? compute();
    // Client errors are not remembered: a corrected request with the same key may succeed.
    if (storeKey && !stored && result.status < 400) idempotent.set(storeKey, result);
    res.status(result.status).json(result.body);
  };

  app.post('/v1/authorizations', (req, res) => {
    calls.authorizations++;
    answer(req, res, 'authorizations', () => {
      const { reference, amount, currency, method } = (req.body ?? {}) as Record<string, unknown>;
      if (!isText(reference) || !isPositiveInt(amount) || !isCurrency(currency) || !isText(method))
        return {
          status: 400,
          body: { error: 'invalid_request', message: 'reference, amount (integer minor units), currency (ISO 4217) and method are required' },
        };
      const reason = declineReason(reference, amount, control.declineAbove);
      const auth: SandboxAuthorization = {
        id: `auth_${randomUUID()}`,
        reference,
        amount,
        currency,
        method,
        status: reason ? 'declined' : 'approved',
        ...(reason ? { reason } : {}),
        refunded: 0,
        expiresAt: new Date(Date.now() + (control.nextAuthorizationTtlMs ?? control.authorizationTtlMs)).toISOString(),
      };
      auths.set(auth.id, auth);
      control.nextAuthorizationTtlMs = undefined;
      return { status: 201, body: { id: auth.id, status: auth.status, ...(reason ? { reason } : { expiresAt: auth.expiresAt }) } };
    });
  });

  app.get('/v1/authorizations/:id', (req, res) => {
    const auth = auths.get(req.params.id);
    if (!auth) return void res.status(404).json({ error: 'not_found' });
    const expired = auth.status === 'approved' && Date.parse(auth.expiresAt) <= Date.now();
    const { id, amount, currency, captured, refunded, expiresAt, reason } = auth;
    res.status(200).json({ id, status: expired ? 'expired' : auth.status, amount, currency, captured, refunded, expiresAt, ...(reason ? { reason } : {}) });
  });

  app.post('/v1/authorizations/:id/void', (req, res) => {
    calls.voids++;
    const auth = auths.get(req.params.id);
    if (!auth) return void res.status(404).json({ error: 'not_found' });
    if (auth.status === 'declined') return void res.status(409).json({ error: 'not_voidable', message: 'a declined authorization cannot be voided' });
    auth.status = 'voided';
    res.status(200).json({ id: auth.id, status: 'voided' });
  });

  app.post('/v1/authorizations/:id/capture', (req, res) => {
    calls.captures++;
    answer(req, res, 'captures', () => {
      const auth = auths.get(req.params.id);
      const { amount } = (req.body ?? {}) as Record<string, unknown>;
      if (!isPositiveInt(amount) || amount === 0) return { status: 400, body: { error: 'invalid_request', message: 'amount (> 0) is required' } };
      if (!auth) return { status: 404, body: { error: 'not_found' } };
      if (auth.status !== 'approved') return { status: 409, body: { error: 'not_capturable', message: `authorization is ${auth.status}` } };
      if (Date.parse(auth.expiresAt) <= Date.now())
        return { status: 409, body: { error: 'authorization_expired', message: `the authorization expired at ${auth.expiresAt}` } };
      if (amount > auth.amount) return { status: 422, body: { error: 'amount_exceeds_authorization' } };
      auth.status = 'captured';
      auth.captured = amount;
      return { status: 201, body: { id: `cap_${randomUUID()}`, status: 'captured', amount } };
    });
  });

  /** The status this refund is refused with, if the issuer refuses it (see the doc comment above). */
  const refundRefusal = (auth: SandboxAuthorization): number | undefined => {
    if (auth.reference.startsWith('refuse-refund')) return 402;
    if (refundRefusals === 0) return undefined;
    refundRefusals--;
    return refundRefusalStatus;
  };

  app.post('/v1/refunds', (req, res) => {
    calls.refunds++;
    answer(req, res, 'refunds', () => {
      const { authorizationId, amount, currency } = (req.body ?? {}) as Record<string, unknown>;
      if (!isText(authorizationId) || !isPositiveInt(amount) || amount === 0 || !isCurrency(currency))
        return { status: 400, body: { error: 'invalid_request', message: 'authorizationId, amount (> 0) and currency are required' } };
      const auth = auths.get(authorizationId);
      if (!auth) return { status: 404, body: { error: 'not_found' } };
      if (auth.status !== 'approved' && auth.status !== 'captured')
        return { status: 422, body: { error: 'not_refundable', message: `authorization is ${auth.status}` } };
      if (currency !== auth.currency) return { status: 422, body: { error: 'currency_mismatch' } };
      if (auth.refunded + amount > (auth.captured ?? auth.amount)) return { status: 422, body: { error: 'amount_exceeds_authorization' } };
      const refusedStatus = refundRefusal(auth);
      if (refusedStatus) return { status: refusedStatus, body: { error: 'refund_declined', message: 'the issuer declined the refund' } };
      auth.refunded += amount;
      const refund: SandboxRefund = { id: `re_${randomUUID()}`, authorizationId, amount, currency };
      refunds.set(refund.id, refund);
      return { status: 201, body: { id: refund.id, status: 'succeeded' } };
    });
  });

  return { app, control };
}
