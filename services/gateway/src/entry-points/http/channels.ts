import { currencyCode, identifier } from '@oms/contracts';
import { notFound } from '@oms/errors';
import { express } from '@oms/http';
import { z } from 'zod';
import { channelRepository, CHANNEL_TYPES, type ChannelRecord } from '../../data-access/channels';
import { apiRoute } from './api-route';
import { requireOps } from './auth';
import type { GatewayDeps } from './deps';

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
  const channels = channelRepository(deps.db);

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
      const { channel, created } = await channels.put(params.id, body);
      res.status(created ? 201 : 200).location(`/v1/channels/${params.id}`).json(toView(channel));
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
      const channel = await channels.get(params.id);
      if (!channel) throw notFound(`Channel ${params.id}`);
      res.json(toView(channel));
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
      res.json({ items: (await channels.list()).map(toView) });
    },
  });

  return router;
}
