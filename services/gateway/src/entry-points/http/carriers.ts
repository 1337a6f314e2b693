import { commands } from '@oms/contracts';
import { AppError, parseOrThrow } from '@oms/errors';
import { express, type Request } from '@oms/http';
import { deterministicId } from '@oms/messaging';
import { z } from 'zod';
import { apiRoute, pathId } from './api-route';
import { requireOps } from './auth';
import { seg, sendCommand, type GatewayDeps } from './deps';

const carrierParams = z.object({ carrierId: commands['carrier.configure.v1'].shape.carrierId });
const configureBody = commands['carrier.configure.v1'].pick({ webhookSecret: true });
const trackingBody = commands['shipment.record-tracking.v1'].omit({ carrierId: true });
// Not the strict identifier: an unknown carrier id is the carrier service's 404, as it always was.
const trackingParams = z.object({ carrierId: pathId });
const carrierView = z.object({ carrierId: z.string() }).loose().describe('The carrier configuration, never its webhook secret');
const trackingResult = z.object({}).loose().describe('The shipment the tracking update was recorded on');

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

  apiRoute(router, {
    method: 'put',
    path: '/carriers/:carrierId',
    summary: 'Configure a carrier: the secret its tracking webhooks are signed with',
    tags: ['shipping'],
    params: carrierParams,
    body: configureBody,
    responses: {
      200: { description: 'Configured (the secret is never echoed)', schema: carrierView },
      202: { description: 'Configuration queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('configure_requested') }) },
    },
    handler: async (_req, res, { params, body }) => {
      const id = params.carrierId;
      const outcome = await sendCommand(deps, 'carrier.configure.v1', { carrierId: id, webhookSecret: body.webhookSecret, actor: requireOps(res).actor }, id);
      if (outcome.status !== 'done') return void res.status(202).json({ id, status: 'configure_requested' });
      // The secret goes one way only: never back out, even if a handler echoed it.
      const { webhookSecret: _secret, ...result } = (outcome.result ?? {}) as Record<string, unknown>;
      res.json(result);
    },
  });

  return router;
}

/**
 * Tracking pushed by a carrier or 3PL: authenticated by the HMAC signature over the raw body (verified by
 * the carrier service, which holds the secrets), not by an API key.
 */
export function trackingWebhookRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  // Bodies of any media type are kept as raw bytes (JSON ones already are, by the kit's parser): the
  // signature covers the bytes exactly as sent, and nothing may be read from them before it is verified.
  router.use('/carriers/:carrierId/tracking', express.raw({ type: '*/*', limit: '1mb' }));

  apiRoute(router, {
    method: 'post',
    path: '/carriers/:carrierId/tracking',
    summary: 'Tracking update pushed by a carrier or 3PL, signed with OMS-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">',
    tags: ['shipping'],
    auth: 'signature',
    params: trackingParams,
    // Validated by the handler after the signature check, never before.
    body: trackingBody,
    documentBodyOnly: true,
    responses: {
      200: { description: 'Recorded', schema: trackingResult },
      202: { description: 'Accepted; it will be recorded', schema: z.object({ trackingNumber: z.string(), status: z.literal('accepted') }) },
    },
    handler: async (req, res, { params }) => {
      const signature = req.get('oms-signature');
      if (!signature) throw new AppError(401, 'Unauthorized', 'The OMS-Signature header is required');
      const id = params.carrierId;
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
    },
  });

  return router;
}
