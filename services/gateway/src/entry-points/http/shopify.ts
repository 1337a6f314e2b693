import { z } from 'zod';
import { identifier } from '@oms/contracts';
import { AppError } from '@oms/errors';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { orderIntake } from '../../application/order-intake';
import { receiveShopifyOrder, REPEATED_DELIVERY } from '../../application/receive-shopify-order';
import { SIGNATURE_NOT_VERIFIED } from '../../application/record-tracking';
import { shopifySignatureValid } from '../../domain/channels/shopify-signature';
import { apiRoute } from './api-route';
import { acceptedOrderSchema } from './intake';

const params = z.object({ channelId: identifier });

/**
 * Shopify's `orders/create` webhook, as Shopify sends it. Authenticated by its signature, not an API key
 * (mounted before the key check). A repeated delivery (same X-Shopify-Webhook-Id) is answered 200 at once;
 * a different delivery of an order we have answers 200 with that order (exactly once per channel order).
 */
export function shopifyWebhookRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();
  const intake = orderIntake(deps);

  apiRoute(router, {
    method: 'post',
    path: '/channels/:channelId/shopify/orders',
    summary: "Shopify orders/create webhook (signed with the channel's webhook secret: X-Shopify-Hmac-Sha256)",
    tags: ['channels'],
    auth: 'signature',
    params,
    body: z.record(z.string(), z.unknown()).describe("Shopify's REST Order resource, as the orders/create webhook sends it"),
    documentBodyOnly: true,
    responses: {
      202: { description: 'Accepted as a new order', schema: acceptedOrderSchema },
      200: {
        description: 'A repeat: the same webhook delivery (`duplicate: true`) or an order that exists (its id and status)',
        schema: z.object({ id: z.string().optional(), status: z.string().optional(), duplicate: z.boolean() }),
      },
    },
    errors: [409, 415],
    handler: async (req, res, { params: { channelId } }) => {
      const raw = (req as { rawBody?: Buffer }).rawBody;
      if (!req.is('application/json')) throw new AppError(415, 'Unsupported Media Type', 'Shopify webhooks are application/json');
      // The secret is the channel's. An unknown channel, one without a secret and a wrong signature get the
      // same 401: nobody may learn which channels exist by trying names (docs/security.md).
      const secret = await intake.channels.get(channelId).then(
        (found) => found?.webhookSecret,
        () => {
          throw new AppError(503, 'Service Unavailable', 'Channel records are unavailable; try again shortly');
        },
      );
      if (!secret || !shopifySignatureValid(raw ?? Buffer.alloc(0), secret, req.get('x-shopify-hmac-sha256')))
        throw new AppError(401, 'Unauthorized', SIGNATURE_NOT_VERIFIED);
      await intake.channel(channelId); // authenticated: now its state (active or not) may be told

      const result = await receiveShopifyOrder(deps, intake, channelId, req.get('x-shopify-webhook-id')?.slice(0, 200), req.body);
      if (result === REPEATED_DELIVERY) return void res.status(200).json({ duplicate: true });
      res
        .status(result.outcome === 'created' ? 202 : 200)
        .location(`/v1/orders/${result.id}`)
        .json({ id: result.id, status: result.status, duplicate: result.outcome === 'duplicate' });
    },
  });

  return router;
}
