import { z } from 'zod';
import { currencyCode, identifier } from '@oms/contracts';
import { express } from '@oms/http';
import { getChannel, listChannels, putChannel } from '../../application/channels';
import type { GatewayDeps } from '../../application/deps';
import { CHANNEL_TYPES, type ChannelRecord } from '../../domain/channels/channel';
import { apiRoute } from './api-route';
import { requireOps } from './auth';

const channelBody = z.object({
  name: z.string().min(1).max(200),
  type: z.enum(CHANNEL_TYPES),
  /** Write-only: used to verify the channel's signed webhooks (Shopify); never returned. Omitted on a PUT: kept. */
  webhookSecret: z.string().min(16).max(200).optional(),
  defaultCurrency: currencyCode,
  /** Locations (warehouses, stores) this channel sells from; empty: all. */
  locationPool: z.array(identifier).max(100).default([]),
});

const channelView = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  defaultCurrency: z.string(),
  locationPool: z.array(z.string()),
  hasWebhookSecret: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const byId = z.object({ id: identifier });

/** The secret never leaves the gateway: only whether one is set. */
const toView = ({ webhookSecret, ...rest }: ChannelRecord): z.infer<typeof channelView> => ({ ...rest, hasWebhookSecret: !!webhookSecret });

/** Channels are records owned by the gateway: every intake path checks that the order's channel exists. */
export function channelsRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'put',
    path: '/channels/:id',
    summary: 'Create or replace a sales channel (ops)',
    tags: ['channels'],
    params: byId,
    body: channelBody,
    responses: {
      200: { description: 'Replaced', schema: channelView },
      201: { description: 'Created', schema: channelView },
    },
    handler: async (_req, res, { params, body }) => {
      requireOps(res);
      const { channel, created } = await putChannel(deps, params.id, body);
      res
        .status(created ? 201 : 200)
        .location(`/v1/channels/${params.id}`)
        .json(toView(channel));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/channels/:id',
    summary: 'One sales channel (ops)',
    tags: ['channels'],
    params: byId,
    responses: { 200: { description: 'The channel (without its webhook secret)', schema: channelView } },
    handler: async (_req, res, { params }) => {
      requireOps(res);
      res.json(toView(await getChannel(deps, params.id)));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/channels',
    summary: 'All sales channels (ops)',
    tags: ['channels'],
    responses: { 200: { description: 'The channels, by id', schema: z.object({ items: z.array(channelView) }) } },
    handler: async (_req, res) => {
      requireOps(res);
      res.json({ items: (await listChannels(deps)).map(toView) });
    },
  });

  return router;
}
