import { z } from 'zod';
import {
  addressSchema,
  commands,
  currencyCode,
  HOLD_REASONS,
  identifier,
  minorUnits,
  ORDER_STATUSES,
  orderLineSchema,
  sku,
  type MessageData,
} from '@oms/contracts';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { intakeInFlight, orderCommand, type OrderCommandType } from '../../application/order-commands';
import { listOrders, visibleOrder } from '../../application/order-queries';
import { apiRoute, pathId } from './api-route';
import { principalOf, requireOps, type Principal } from './auth';
import { commandRoute } from './command-route';

/** What these routes use of the gateway's dependencies (the test composes just these). */
type OrdersDeps = Pick<GatewayDeps, 'commands' | 'upstreams' | 'commandTimeoutMs' | 'redis'>;

const orderParams = z.object({ id: pathId });
const holdParams = orderParams.extend({ reason: z.enum(HOLD_REASONS) });
const cancelBody = z.object({ reason: z.string().min(1).max(500).optional() });
const decisionsBody = commands['order.decide.v1'].pick({ decisions: true });
const timelineEntry = z
  .object({ at: z.string(), type: z.string(), service: z.string(), actor: z.string().optional(), status: z.string().optional(), detail: z.string().optional() })
  .loose();
const minor = z.number().int();
/** Derived from the order's lines, discounts, taxes, shipping and gift cards (docs/intake.md, Order money). */
const orderTotalsView = z
  .object({
    subtotal: minor.describe('Lines before any discount'),
    discount: minor.describe('Line and order discounts'),
    shipping: minor.describe('Shipping before its discounts'),
    shippingDiscount: minor,
    tax: minor.describe('Every tax, included in the prices or not'),
    taxesIncluded: z.boolean(),
    total: minor.describe('subtotal − discount + shipping − shippingDiscount (+ tax when not included)'),
    giftCards: minor,
    due: minor.describe('What the payment method covers: total − giftCards'),
    lines: z.array(z.object({ gross: minor, discount: minor, net: minor, tax: minor })),
    captured: minor.describe('Taken at shipment by the provider, or by a marketplace'),
    paid: minor.describe('giftCards + captured'),
    refunded: minor,
    outstanding: minor.describe('total − paid'),
  })
  .describe('Money totals in minor units of the order currency');
const orderView = z
  .object({
    id: z.string(),
    channel: z.string(),
    status: z.string(),
    payment: z
      .object({
        method: z.string(),
        amount: minor,
        status: z.enum(['pending', 'authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'declined', 'in_review', 'awaiting_payment']),
      })
      .loose(),
    totals: orderTotalsView,
    timeline: z.array(timelineEntry),
  })
  .loose();
const orderSummary = z.object({ id: z.string(), channel: z.string(), externalId: z.string(), status: z.string(), createdAt: z.string() }).loose();
const queued = (status: string) => z.object({ id: z.string(), status: z.literal(status) });

const statusList = z
  .string()
  .max(300)
  .superRefine((value, ctx) => {
    const unknown = value.split(',').filter((s) => !(ORDER_STATUSES as readonly string[]).includes(s));
    if (unknown.length)
      ctx.addIssue({ code: 'custom', message: `unknown status ${unknown.join(', ')}; one or more (comma-separated) of ${ORDER_STATUSES.join(', ')}` });
  });

/** Every query parameter of the list; anything else is refused (a misspelt filter must not list everything). */
const listQuery = z
  .strictObject({
    status: statusList.optional().describe('One or more statuses, comma-separated'),
    channel: identifier.optional(),
    createdFrom: z.iso.datetime({ offset: true }).optional().describe('Created at or after (ISO 8601)'),
    createdTo: z.iso.datetime({ offset: true }).optional().describe('Created before (ISO 8601, exclusive)'),
    sku: sku.optional().describe('Orders with a line of this SKU'),
    email: z.email().max(254).optional().describe("Customer's email, any case"),
    holdReason: z.enum(HOLD_REASONS).optional(),
    q: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('An external id, exactly (finds that order however old), or else text in the external id or the customer name, any case'),
    cursor: z.string().min(1).max(1000).optional().describe('nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size, 1-200, default 50'),
    sort: z.enum(['createdAt', '-createdAt']).optional().describe('By creation time; default -createdAt (newest first)'),
  })
  .refine((q) => !q.createdFrom || !q.createdTo || Date.parse(q.createdFrom) <= Date.parse(q.createdTo), {
    path: ['createdTo'],
    message: 'must not be before createdFrom',
  });

/** A JSON merge patch of the parts of an order that may change before fulfillment; each given part replaces the old. */
const amendBody = z
  .strictObject({
    shippingAddress: addressSchema.optional(),
    lines: z.array(orderLineSchema).min(1).max(500).optional().describe('The complete new list of lines'),
    payment: z
      .strictObject({ amount: minorUnits })
      .optional()
      .describe('The new payment amount: must equal the amount due (the order total less gift cards), or the order is held (amount_mismatch)'),
  })
  .refine((b) => b.shippingAddress !== undefined || b.lines !== undefined || b.payment !== undefined, {
    message: 'give at least one of shippingAddress, lines, payment',
  });

/** Reading and changing orders (ingestion owns them; changes are commands, reads are queries). */
export function ordersRoutes(deps: OrdersDeps): express.Router {
  const router = express.Router();
  /** The command to ingestion, marked when this gateway accepted the order moments ago (order-commands.ts). */
  const toIngestion = async <T extends OrderCommandType>(principal: Principal, type: T, data: MessageData<T>) =>
    orderCommand(principal, type, data, await intakeInFlight(deps.redis, data.orderId));

  apiRoute(router, {
    method: 'get',
    path: '/orders',
    summary: 'List orders: filters, sort by creation time, cursor pages; a channel key sees its own channels only',
    tags: ['orders'],
    query: listQuery,
    responses: {
      200: {
        description:
          'One page of orders (without timelines); pass nextCursor as cursor for the next page. A page may hold fewer than limit orders (even none) while nextCursor is not null: the list reads the history day by day and answers within its time budget; null means there is nothing more',
        schema: z.object({ items: z.array(orderSummary), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (_req, res, { query }) => {
      res.json(await listOrders(deps, principalOf(res), query));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/orders/:id',
    summary: 'An order with its status, holds and timeline',
    tags: ['orders'],
    params: orderParams,
    responses: { 200: { description: 'The order', schema: orderView } },
    handler: async (_req, res, { params }) => {
      res.json(await visibleOrder(deps, principalOf(res), params.id));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/orders/:id/timeline',
    summary: "An order's timeline: every change with its time, the service that made it and who asked for it",
    tags: ['orders'],
    params: orderParams,
    responses: { 200: { description: 'The timeline, oldest first', schema: z.object({ id: z.string(), timeline: z.array(timelineEntry) }) } },
    handler: async (_req, res, { params }) => {
      const order = await visibleOrder(deps, principalOf(res), params.id);
      res.json({ id: order.id, timeline: order.timeline });
    },
  });

  commandRoute(router, deps, {
    method: 'patch',
    path: '/orders/:id',
    summary:
      'Change the shipping address, the lines and/or the payment amount before fulfillment (received, pending, on_hold); the checks that depend on them run again',
    tags: ['orders'],
    params: orderParams,
    body: amendBody,
    errors: [409],
    responses: {
      200: { description: 'The changed order', schema: orderView },
      202: { description: 'Change queued; it will be carried out', schema: queued('amend_requested') },
    },
    command: ({ params, body }, res) => {
      const principal = principalOf(res);
      return toIngestion(principal, 'order.amend.v1', {
        orderId: params.id,
        ...(body.shippingAddress ? { shippingAddress: body.shippingAddress } : {}),
        ...(body.lines ? { lines: body.lines } : {}),
        ...(body.payment ? { paymentAmount: body.payment.amount } : {}),
        actor: principal.actor,
      });
    },
    pending: ({ orderId }) => ({ id: orderId, status: 'amend_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/orders/:id/cancel',
    summary: 'Cancel an order until it is packed: releases stock and voids the payment',
    tags: ['orders'],
    params: orderParams,
    body: cancelBody,
    errors: [409],
    responses: {
      200: { description: 'Cancelled', schema: orderView },
      202: {
        description: 'Cancellation queued: carried out unless the order is packed first (then it is refused as too late and the order goes on)',
        schema: queued('cancel_requested'),
      },
    },
    command: ({ params, body }, res) => {
      const principal = principalOf(res);
      const data = { orderId: params.id, reason: body.reason ?? 'cancelled by operator', actor: principal.actor };
      return toIngestion(principal, 'order.cancel.v1', data);
    },
    pending: ({ orderId }) => ({ id: orderId, status: 'cancel_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/orders/:id/decisions',
    summary:
      "Record the customer's choice for each short line of an order on hold for short stock (substitute, wait for incoming stock, or cancel the line); the order continues",
    tags: ['orders'],
    params: orderParams,
    body: decisionsBody,
    errors: [409],
    responses: {
      200: { description: 'The order after the decision', schema: orderView },
      202: { description: 'Decision queued; it will be carried out', schema: queued('decision_requested') },
    },
    command: ({ params, body }, res) => {
      const principal = principalOf(res);
      const data = { orderId: params.id, decisions: body.decisions, actor: principal.actor };
      return toIngestion(principal, 'order.decide.v1', data);
    },
    pending: ({ orderId }) => ({ id: orderId, status: 'decision_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/orders/:id/holds/:reason/release',
    summary: 'Release one hold of an order (ops); with no hold left it is pending again and the checks the hold stopped run',
    tags: ['orders'],
    params: holdParams,
    body: z.strictObject({ note: z.string().min(1).max(500).optional() }),
    errors: [409],
    responses: {
      200: { description: 'The order after the release', schema: orderView },
      202: { description: 'Release queued; it will be carried out', schema: queued('release_requested') },
    },
    command: ({ params, body }, res) => {
      const principal = requireOps(res);
      const data = { orderId: params.id, reason: params.reason, ...(body.note ? { note: body.note } : {}), actor: principal.actor };
      return toIngestion(principal, 'order.release-hold.v1', data);
    },
    pending: ({ orderId }) => ({ id: orderId, status: 'release_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/orders/:id/returns/:returnId/retry-refund',
    summary:
      "Ask again for a return's refund that the payment provider refused (ops; the return's refund is failed): the same amount is sent again, and refunded once at most",
    tags: ['orders', 'returns', 'payments'],
    params: orderParams.extend({ returnId: pathId }),
    errors: [409],
    responses: {
      200: { description: 'The order after the refund was asked for again', schema: orderView },
      202: { description: 'Queued; it will be carried out', schema: queued('refund_retry_requested') },
    },
    command: ({ params }, res) => {
      const principal = requireOps(res);
      return toIngestion(principal, 'order.retry-refund.v1', { orderId: params.id, returnId: params.returnId, actor: principal.actor });
    },
    pending: ({ orderId }) => ({ id: orderId, status: 'refund_retry_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/orders/:id/reject',
    summary:
      'Reject an order held for a payment review (ops): it is rejected, its stock released and its authorization voided; who decided and why go on the timeline. To approve instead, release its payment_review hold',
    tags: ['orders', 'payments'],
    params: orderParams,
    body: z.strictObject({ note: z.string().min(1).max(500).optional().describe('Why: shown on the timeline') }),
    errors: [409],
    responses: {
      200: { description: 'The order after the rejection', schema: orderView },
      202: { description: 'Rejection queued; it will be carried out', schema: queued('reject_requested') },
    },
    command: ({ params, body }, res) => {
      const principal = requireOps(res);
      const data = { orderId: params.id, ...(body.note ? { note: body.note } : {}), actor: principal.actor };
      return toIngestion(principal, 'order.reject.v1', data);
    },
    pending: ({ orderId }) => ({ id: orderId, status: 'reject_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/orders/:id/payments',
    summary:
      'Record money received for an order waiting for its prepayment (ops, or a bank import): counted once per reference; when it covers the amount the order goes on to the warehouse',
    tags: ['orders', 'payments'],
    params: orderParams,
    body: z.strictObject({
      amount: minorUnits.refine((a) => a > 0, 'must be more than 0').describe('Received, in minor units of the order currency'),
      currency: currencyCode.optional().describe('Defaults to the order currency; another one is refused'),
      reference: z.string().min(1).max(200).describe("The bank's reference of the transfer: the same reference again is counted once"),
    }),
    errors: [409],
    responses: {
      200: { description: 'The order after the payment was recorded', schema: orderView },
      202: { description: 'Payment queued; it will be recorded', schema: queued('payment_recording') },
    },
    command: ({ params, body }, res) => {
      const principal = requireOps(res);
      const data = { orderId: params.id, ...body, actor: principal.actor };
      return toIngestion(principal, 'order.record-payment.v1', data);
    },
    pending: ({ orderId }) => ({ id: orderId, status: 'payment_recording' }),
  });

  return router;
}
