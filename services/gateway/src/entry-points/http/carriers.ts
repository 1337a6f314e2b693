import { commands } from '@oms/contracts';
import { AppError, parseOrThrow } from '@oms/errors';
import { express, type Request } from '@oms/http';
import { deterministicId } from '@oms/messaging';
import { principalOf } from './auth';
import { seg, sendCommand, type GatewayDeps } from './deps';

const carrierId = commands['carrier.configure.v1'].shape.carrierId;
const configureBody = commands['carrier.configure.v1'].pick({ webhookSecret: true });
const trackingBody = commands['shipment.record-tracking.v1'].omit({ carrierId: true });

interface SignatureCheck {
  valid: boolean;
  reason?: string;
}

/** The body exactly as sent: kept by the kit's JSON parser, or read by express.raw for other types. */
function rawBodyOf(req: Request): Buffer {
  const kept = (req as Request & { rawBody?: Buffer }).rawBody;
  if (kept) return kept;
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function parsedBodyOf(req: Request, raw: Buffer): unknown {
  if (!Buffer.isBuffer(req.body) && req.body !== undefined) return req.body;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError(400, 'Malformed JSON', 'The request body is not valid JSON');
  }
}

export function carriersRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  router.put('/carriers/:carrierId', async (req, res) => {
    const id = parseOrThrow(carrierId, req.params.carrierId, 'carrier id');
    const { webhookSecret } = parseOrThrow(configureBody, req.body);
    const outcome = await sendCommand(deps, 'carrier.configure.v1', { carrierId: id, webhookSecret, actor: principalOf(res).actor }, id);
    if (outcome.status !== 'done') return void res.status(202).json({ id, status: 'configure_requested' });
    // The secret goes one way only: never back out, even if a handler echoed it.
    const { webhookSecret: _secret, ...result } = (outcome.result ?? {}) as Record<string, unknown>;
    res.json(result);
  });

  return router;
}

/**
 * Tracking pushed by a carrier or 3PL: authenticated by the HMAC signature over the raw body (verified by
 * the carrier service, which holds the secrets), not by an API key.
 */
export function trackingWebhookRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  router.post('/carriers/:carrierId/tracking', express.raw({ type: '*/*', limit: '1mb' }), async (req, res) => {
    const signature = req.get('oms-signature');
    if (!signature) throw new AppError(401, 'Unauthorized', 'The OMS-Signature header is required');
    const id = req.params.carrierId;
    const raw = rawBodyOf(req);
    const check = await deps.upstreams.carrier.post<SignatureCheck>(`/internal/carriers/${seg(id)}/verify-signature`, {
      signature,
      body: raw.toString('utf8'),
    });
    if (!check || check.valid !== true) throw new AppError(401, 'Unauthorized', `The signature is not valid${check?.reason ? `: ${check.reason}` : ''}`);

    const update = parseOrThrow(trackingBody, parsedBodyOf(req, raw), 'tracking update');
    // A carrier resending the same update sends the same command, so the carrier service can drop it.
    const commandId = deterministicId('tracking', id, update.trackingNumber, update.status, update.occurredAt);
    const outcome = await sendCommand(deps, 'shipment.record-tracking.v1', { carrierId: id, ...update }, update.trackingNumber, commandId);
    if (outcome.status === 'done') res.json(outcome.result);
    else res.status(202).json({ trackingNumber: update.trackingNumber, status: 'accepted' });
  });

  return router;
}
