import { z } from 'zod';
import { carrierSettingsSchema, commands } from '@oms/contracts';
import { AppError, parseOrThrow } from '@oms/errors';
import { express, type Request } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { trackingCommand, verifyTrackingSignature } from '../../application/record-tracking';
import { carrierById, carrierList } from '../../application/shipment-queries';
import { apiRoute, pathId } from './api-route';
import { requireOps } from './auth';
import { commandRoute } from './command-route';

const carrierParams = z.object({ carrierId: commands['carrier.configure.v1'].shape.carrierId });
const configureBody = carrierSettingsSchema.strict();
const trackingBody = commands['shipment.record-tracking.v1'].omit({ carrierId: true });
// Not the strict identifier: a carrier id the carrier service does not know is its 404, whatever its form.
const trackingParams = z.object({ carrierId: pathId });
const carrierView = z.object({ id: z.string() }).loose().describe('The carrier: kind, tariff, whether it has a webhook secret (never the secret)');
const trackingResult = z.object({}).loose().describe('The shipment the tracking update was recorded on');

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
    method: 'get',
    path: '/carriers',
    summary: 'The carriers, with their tariffs (ops)',
    tags: ['shipping'],
    responses: { 200: { description: 'Every carrier', schema: z.array(carrierView) } },
    handler: async (_req, res) => {
      requireOps(res);
      res.json(await carrierList(deps));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/carriers/:carrierId',
    summary: 'One carrier (ops)',
    tags: ['shipping'],
    params: trackingParams,
    responses: { 200: { description: 'The carrier', schema: carrierView } },
    handler: async (_req, res, { params }) => {
      requireOps(res);
      res.json(await carrierById(deps, params.carrierId));
    },
  });

  commandRoute(router, deps, {
    method: 'put',
    path: '/carriers/:carrierId',
    summary:
      'Create or change a carrier: its tariff (zones, services, weight bands, surcharges), how it books, its webhook secret; fields left out stay as they are',
    tags: ['shipping'],
    params: carrierParams,
    body: configureBody,
    responses: {
      200: { description: 'Configured (the secret is never echoed)', schema: carrierView },
      202: { description: 'Configuration queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('configure_requested') }) },
    },
    command: ({ params, body }, res) => ({
      type: 'carrier.configure.v1',
      data: { carrierId: params.carrierId, ...body, actor: requireOps(res).actor },
      correlationId: params.carrierId,
    }),
    // The secret goes one way only: never back out, even if a handler echoed it.
    done: (result) => {
      const { webhookSecret: _secret, ...shown } = (result ?? {}) as Record<string, unknown>;
      return shown;
    },
    pending: ({ carrierId }) => ({ id: carrierId, status: 'configure_requested' }),
  });

  return router;
}

/**
 * Tracking pushed by a carrier or 3PL: authenticated by the HMAC signature over the raw body, not by an API
 * key. The carrier service holds the secrets, so it verifies the signature (an internal query) before the
 * command is sent. That costs a round trip, and it is deliberate. Sending the raw body and signature as the
 * command, for the carrier to verify there, would put unauthenticated bytes on a durable queue for anyone who
 * can reach the webhook. It would also answer a forged request with 202 whenever the command timed out.
 */
export function trackingWebhookRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  // Bodies of any media type are kept as raw bytes (JSON ones already are, by the kit's parser): the
  // signature covers the bytes exactly as sent, and nothing may be read from them before it is verified.
  router.use('/carriers/:carrierId/tracking', express.raw({ type: '*/*', limit: '1mb' }));

  commandRoute(router, deps, {
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
    command: async ({ params }, _res, req) => {
      const signature = req.get('oms-signature');
      if (!signature) throw new AppError(401, 'Unauthorized', 'The OMS-Signature header is required');
      const raw = rawBodyOf(req);
      await verifyTrackingSignature(deps, params.carrierId, signature, raw);
      return trackingCommand(params.carrierId, parseOrThrow(trackingBody, parsedBodyOf(req, raw), 'tracking update'));
    },
    pending: ({ trackingNumber }) => ({ trackingNumber, status: 'accepted' }),
  });

  return router;
}
