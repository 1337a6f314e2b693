import { z } from 'zod';
import { HOLD_REASONS, identifier, ORDER_STATUSES, sku, type OrderStatus } from '@oms/contracts';
import { parseOrThrow, unprocessable } from '@oms/errors';
import type { Express } from '@oms/http';
import { decodeTimeCursor, getOrder, listOrders, type OrderListQuery, type OrderRepository } from '../../application/order-queries';

const commaList = <T extends z.ZodType>(item: T) =>
  z
    .string()
    .max(2000)
    .transform((value, ctx) => {
      const items = value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      const parsed = z.array(item).safeParse(items);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `${items[issue.path[0] as number]}: ${issue.message}` });
        return z.NEVER;
      }
      return parsed.data as z.infer<T>[];
    });

const isoTime = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());

/**
 * The list query as the gateway sends it. `channels` is who may see what (the caller's channels; absent for
 * ops), `channel` the filter the client asked for.
 */
const listQuerySchema = z
  .strictObject({
    status: commaList(z.enum(ORDER_STATUSES)).optional(),
    channel: identifier.optional(),
    channels: z
      .string()
      .max(20000)
      .transform((v) => v.split(',').filter(Boolean))
      .pipe(z.array(identifier))
      .optional(),
    createdFrom: isoTime.optional(),
    createdTo: isoTime.optional(),
    sku: sku.optional(),
    email: z.string().min(1).max(254).optional(),
    holdReason: z.enum(HOLD_REASONS).optional(),
    q: z.string().min(1).max(100).optional(),
    cursor: z.string().min(1).max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    sort: z.enum(['createdAt', '-createdAt']).default('-createdAt'),
  })
  .refine((q) => !q.createdFrom || !q.createdTo || q.createdFrom <= q.createdTo, { path: ['createdTo'], message: 'must not be before createdFrom' });

function toListQuery(raw: unknown): OrderListQuery {
  const q = parseOrThrow(listQuerySchema, raw, 'query string');
  const after = q.cursor === undefined ? undefined : decodeTimeCursor(q.cursor);
  if (q.cursor !== undefined && !after) throw unprocessable('The query string is invalid', [{ path: 'cursor', message: 'is not a cursor from this list' }]);
  const channels = q.channels ? (q.channel ? q.channels.filter((c) => c === q.channel) : q.channels) : q.channel ? [q.channel] : undefined;
  return {
    statuses: q.status as OrderStatus[] | undefined,
    channels,
    createdFrom: q.createdFrom,
    createdTo: q.createdTo,
    sku: q.sku,
    email: q.email,
    holdReason: q.holdReason,
    q: q.q,
    after,
    limit: q.limit,
    sort: q.sort === 'createdAt' ? 'asc' : 'desc',
  };
}

/** Queries for the gateway (internal port only). */
export function internalOrderRoutes(app: Express, orders: OrderRepository): void {
  app.get('/internal/orders', async (req, res) => {
    res.json(await listOrders(orders, toListQuery(req.query)));
  });

  app.get('/internal/orders/:id', async (req, res) => {
    res.json(await getOrder(orders, req.params.id));
  });
}
