import { z } from 'zod';
import {
  addressSchema,
  canonicalOrderSchema,
  currencyCode,
  countryCode,
  HOLD_REASONS,
  identifier,
  itemCondition,
  minorUnits,
  orderLineSchema,
  quantity,
  sku,
  TRACKING_STATUSES,
} from './order';
import { carrierSettingsSchema, rateChoiceSchema } from './carriers';
import { assigneeSchema, ruleId, ruleSettingsSchema, taskId, taskLinkSchema, TASK_PRIORITIES } from './tasks';
import { BLOCKLIST_KINDS, fraudRulesSchema, riskSignalsSchema, screeningSchema } from './fraud';

const orderId = z.string().min(1);
const actor = z.string().min(1);
/**
 * On a command about an order: the channels whose orders the sender may change (a channel key's own); absent
 * for a sender who may change any order (ops). The owning service refuses another channel's order as not
 * found, so the gateway needs no read of the order first.
 */
const channelScope = z.array(identifier).max(100).optional();
/**
 * Set by the gateway on an order command when it accepted that order in the last 10 minutes (its intake
 * marker): an order ingestion does not find yet is then still on its way in, and the command is retried
 * until it is stored, not refused as not found.
 */
const intakeInFlight = z.boolean().optional();
const skuQuantity = z.object({ sku, quantity });
const allocatedLine = z.object({ sku, quantity, locationId: identifier });
const pricedLine = z.object({ sku, quantity, unitPrice: minorUnits });
/**
 * On a command about a fulfillment: the locations whose work the sender may do (a warehouse or store key's
 * `location:<id>` roles); absent for ops (any location). Fulfillment refuses another location's work as not
 * found, so the gateway needs no read first.
 */
const locationScope = z.array(identifier).max(100).optional();
/** One parcel of a packed fulfillment: which units are in it, what it weighs and measures. */
export const parcelSchema = z.object({
  lines: z.array(skuQuantity).min(1).max(500),
  weightGrams: z.number().int('must be whole grams').min(1).max(1_000_000),
  dimensions: z
    .object({
      lengthCm: z.number().min(0.1).max(1000),
      widthCm: z.number().min(0.1).max(1000),
      heightCm: z.number().min(0.1).max(1000),
    })
    .optional(),
});
export type Parcel = z.infer<typeof parcelSchema>;

/** What carriers and the warehouse need to know of a SKU (PUT /v1/skus/{sku}/attributes, or the CSV import). */
export const skuAttributesSchema = z.object({
  /** One unit, packed as it is sold. */
  weightGrams: z.number().int('must be whole grams').min(1).max(1_000_000).optional(),
  dimensions: parcelSchema.shape.dimensions,
  /** Dangerous goods (batteries, aerosols): only services that take them (default false). */
  hazmat: z.boolean().default(false),
  /** Ships in a parcel of its own, one per unit (bulky goods, its own box; default false). */
  shipsAlone: z.boolean().default(false),
});
export type SkuAttributes = z.infer<typeof skuAttributesSchema>;
/** A warehouse or store as ops describe it (PUT /v1/locations/{id}). */
export const locationSchema = z.object({
  name: z.string().min(1).max(200),
  type: z.enum(['warehouse', 'store']),
  address: z
    .object({
      line1: z.string().max(200).optional(),
      postalCode: z.string().max(20).optional(),
      city: z.string().max(100).optional(),
      country: countryCode,
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
    })
    .optional(),
  /** Ships parcels (default true). */
  canShip: z.boolean().default(true),
  /** Serves click & collect (default: stores do, warehouses do not). */
  canPickup: z.boolean().optional(),
  /** 1 is the first choice; breaks ties after distance and handling cost (default 100). */
  priority: z.number().int().min(1).max(10_000).default(100),
  /** Cost of one shipment from here, in minor units (default 0). */
  handlingCost: z.number().int().min(0).max(100_000_000).default(0),
  active: z.boolean().default(true),
});

/** Planning figures of a SKU at one location (PUT /v1/inventory/{sku}/locations/{locationId}). */
export const stockLevelsSchema = z.object({
  /** Kept back from sale: available to promise = on hand − reserved − safety stock. */
  safetyStock: z.number().int().min(0).max(10_000_000),
  /** stock.low.v1 when available to promise falls to this. */
  reorderPoint: z.number().int().min(0).max(10_000_000),
});

/** Per-SKU settings (PUT /v1/inventory/{sku}/settings). */
export const skuSettingsSchema = z.object({
  /** Supplier lead time: how long a reorder takes to arrive. */
  leadTimeDays: z.number().int().min(0).max(365),
  /** Offered in this order when the SKU is short. */
  substitutes: z.array(sku).max(20).default([]),
});

/** Units of stock on a purchase or transfer document (order lines stop at 10,000; stock does not). */
const units = z.number().int('must be a whole number').min(1).max(10_000_000);

/** An expected receipt (POST /v1/inventory/incoming); a receipt with the same reference closes it. */
export const incomingSchema = z.object({
  locationId: identifier,
  quantity: units,
  expectedAt: z.iso.date('must be a date, YYYY-MM-DD'),
  reference: identifier,
});

/** A short line's ways out: a substitute in stock, stock on its way, or dropping the line. */
export const shortLineOptions = z.object({
  sku,
  substitutes: z.array(z.object({ sku, available: z.number().int() })),
  incoming: z.array(z.object({ locationId: identifier, quantity: units, expectedAt: z.string() })),
  canCancelLine: z.boolean(),
});

export type ShortLineOptions = z.infer<typeof shortLineOptions>;

/** The customer's choice for one short line (POST /v1/orders/{id}/decisions). */
export const shortageDecision = z.object({
  sku,
  choice: z.enum(['substitute', 'wait', 'cancel_line']),
  /** With `substitute`: one of the substitutes offered for the line. */
  substituteSku: sku.optional(),
});

/** What every customer notification names: the order, its channel and the channel's own id of it. */
const notificationBase = { orderId, channel: identifier, externalId: identifier };

const movementType = z.enum(['receipt', 'adjustment', 'count', 'pick', 'return_restock', 'write_off', 'transfer']);

/**
 * Every message type on the broker and the schema of its `data`.
 * Events (`<aggregate>.<past-tense>.v<N>`) go to the events exchange; commands (`<aggregate>.<verb>.v<N>`)
 * go to the commands exchange and are bound to exactly one queue.
 */
export const events = {
  'order.received.v1': z.object({ orderId, order: canonicalOrderSchema, receivedAt: z.string().datetime(), actor }),
  'order.accepted.v1': z.object({ orderId, channel: identifier, externalId: identifier, status: z.string() }),
  /** `channel`: whose order it is (a channel's webhook subscription gets its own orders' changes; absent on older events). */
  'order.status-changed.v1': z.object({ orderId, channel: identifier.optional(), from: z.string(), to: z.string(), reason: z.string().optional() }),
  /** `unitPrice`: what the customer paid per unit (after discounts, with tax when it came on top), for refunds. */
  'order.delivered.v1': z.object({
    orderId,
    channel: identifier,
    currency: currencyCode,
    lines: z.array(pricedLine),
    /** What the customer paid for shipping (after its discounts, with tax when it came on top): refundable once. */
    shippingPaid: minorUnits.optional(),
  }),
  /**
   * A parcel came back to the sender undelivered: returns opens a return for its lines (priced like
   * order.delivered.v1's), which the warehouse receives, restocks and refunds like any return.
   */
  'order.returned-to-sender.v1': z.object({
    orderId,
    channel: identifier,
    currency: currencyCode,
    shipmentId: z.string(),
    trackingNumber: z.string(),
    lines: z.array(pricedLine).min(1),
    /**
     * Every line of the order, priced for returns: what returns remembers of the order, so that the rest of
     * a split order (a parcel delivered, another returned to sender) can still be returned by the customer.
     */
    orderLines: z.array(pricedLine).optional(),
    shippingPaid: minorUnits.optional(),
  }),
  /** `reason`: why sourcing chose these locations, for the order's timeline. */
  'stock.reserved.v1': z.object({ orderId, lines: z.array(allocatedLine), reason: z.string().optional() }),
  'stock.short.v1': z.object({
    orderId,
    lines: z.array(z.object({ sku, requested: quantity, available: z.number().int() })),
    reason: z.string().optional(),
    /** What the customer can choose per short line (POST /v1/orders/{id}/decisions). */
    options: z.array(shortLineOptions).optional(),
  }),
  /**
   * After a short pick: what was booked off at the location (`corrected`), where the missing units are now
   * reserved (`lines`, locations without a fulfillment of the order) and what could not be found (`unfilled`).
   */
  'stock.reallocated.v1': z.object({
    orderId,
    corrected: z.array(z.object({ sku, locationId: identifier, missing: quantity })),
    lines: z.array(allocatedLine),
    unfilled: z.array(z.object({ sku, missing: quantity })),
    reason: z.string(),
    /** With `unfilled`: what the customer can choose per unfilled line (POST /v1/orders/{id}/decisions). */
    options: z.array(shortLineOptions).optional(),
    /**
     * With `unfilled`: the customer chose to wait (stock.supplement.v1 with `backorder`), so the units are
     * queued and added (stock.reallocated.v1 with `lines`) as soon as stock arrives, first in, first out.
     */
    backordered: z.boolean().optional(),
  }),
  /** Short, and queued: reserved (stock.reserved.v1) as soon as stock arrives, first in, first out. */
  'stock.backordered.v1': z.object({ orderId, lines: z.array(z.object({ sku, requested: quantity, available: z.number().int() })) }),
  /** Available to promise of a SKU at a location fell to its reorder point (or below). */
  'stock.low.v1': z.object({ sku, locationId: identifier, available: z.number().int(), reorderPoint: z.number().int() }),
  /**
   * A movement (a receipt, a count, a transfer, a restocked return) brought available to promise of a SKU at a
   * location back above its reorder point, after it had been at or below it: a replenishment task closes itself.
   */
  'stock.replenished.v1': z.object({ sku, locationId: identifier, available: z.number().int(), reorderPoint: z.number().int() }),
  'stock.released.v1': z.object({ orderId }),
  'stock.consumed.v1': z.object({ orderId, lines: z.array(allocatedLine) }),
  'stock.restocked.v1': z.object({ orderId, returnId: z.string(), restocked: z.array(allocatedLine), writtenOff: z.array(allocatedLine) }),
  /** `screening`: the fraud screening's verdict (absent from checks stored before screening existed). */
  'payment.approved.v1': z.object({
    orderId,
    checkId: z.string(),
    amount: minorUnits,
    currency: currencyCode,
    providerRef: z.string(),
    screening: screeningSchema.optional(),
    /** Set when ops approved the payment in a fraud review. */
    reviewedBy: actor.optional(),
  }),
  /** Declined by the provider, rejected by fraud screening, or rejected by ops in a review (`reviewedBy`). */
  'payment.declined.v1': z.object({ orderId, checkId: z.string(), reason: z.string(), screening: screeningSchema.optional(), reviewedBy: actor.optional() }),
  /**
   * Fraud screening scored the order for a review: the payment is authorized (or needs none) but waits for
   * ops to approve or reject it (`payment.decide-review.v1`).
   */
  'payment.review.v1': z.object({ orderId, checkId: z.string(), amount: minorUnits, currency: currencyCode, screening: screeningSchema }),
  'payment.voided.v1': z.object({ orderId }),
  /** A prepayment order waits for the customer's transfer of `amount` (POST /v1/orders/{id}/payments records it). */
  'payment.awaiting.v1': z.object({ orderId, checkId: z.string(), amount: minorUnits, currency: currencyCode }),
  /** The authorized money was taken (at shipment); `reauthorizedFrom`: the first authorization had expired, a new one was taken. */
  'payment.captured.v1': z.object({
    orderId,
    checkId: z.string(),
    amount: minorUnits,
    currency: currencyCode,
    providerRef: z.string(),
    reauthorizedFrom: z.string().optional(),
  }),
  'payment.refunded.v1': z.object({ orderId, returnId: z.string(), amount: minorUnits, currency: currencyCode, providerRef: z.string() }),
  /** An authorization about to expire before the order shipped was replaced by a new one (the old one voided). */
  'payment.reauthorized.v1': z.object({ orderId, checkId: z.string(), authorizationId: z.string(), expiresAt: z.string().optional(), replaced: z.string() }),
  /** An authorization about to expire could not be renewed: the provider declined a new one. The money is not secured. */
  'payment.reauthorization-declined.v1': z.object({ orderId, checkId: z.string(), reason: z.string(), expiresAt: z.string().optional() }),
  'fulfillment.opened.v1': z.object({ orderId, fulfillmentId: z.string(), locationId: identifier }),
  /** Articles missing on the shelf: the fulfillment's lines were reduced (`emptied`: nothing left, it is cancelled). */
  'fulfillment.short-picked.v1': z.object({
    orderId,
    fulfillmentId: z.string(),
    locationId: identifier,
    lines: z.array(z.object({ sku, missing: quantity })),
    emptied: z.boolean(),
    actor,
  }),
  /** Taken into a pick list (`pickListId`) or picked on its own: the warehouse is working on it. */
  'fulfillment.picking.v1': z.object({ orderId, fulfillmentId: z.string(), locationId: identifier, pickListId: z.string().optional(), actor }),
  /** Every unit was found on the shelf (a shortfall is fulfillment.short-picked.v1 instead). */
  'fulfillment.picked.v1': z.object({ orderId, fulfillmentId: z.string(), locationId: identifier, lines: z.array(skuQuantity), actor }),
  /** `parcels`: how it was packed (absent from events before parcels were recorded: one parcel of every line). */
  'fulfillment.packed.v1': z.object({
    orderId,
    fulfillmentId: z.string(),
    locationId: identifier,
    lines: z.array(skuQuantity),
    parcels: z.array(parcelSchema).optional(),
    actor,
  }),
  /** The parcels left the location with the carrier. `shipBy`: when they had to (absent on older events); reports count on-time hand-overs. */
  'fulfillment.handed-over.v1': z.object({ orderId, fulfillmentId: z.string(), locationId: identifier, actor, shipBy: z.string().datetime().optional() }),
  /**
   * Click & collect: the goods wait at the store. `pickupCode`: what the customer shows at the counter (sent
   * to the customer by the channel; a new code replaces the last one when it is issued again).
   */
  'fulfillment.ready-for-pickup.v1': z.object({
    orderId,
    fulfillmentId: z.string(),
    locationId: identifier,
    pickupCode: z.string().regex(/^\d{6}$/),
    readyAt: z.string().datetime(),
    actor,
  }),
  /** The customer collected the order at the store (the code matched). */
  'fulfillment.collected.v1': z.object({ orderId, fulfillmentId: z.string(), locationId: identifier, actor }),
  /** Not collected after PICKUP_REMIND_AFTER_DAYS: a reminder is due. */
  'fulfillment.pickup-overdue.v1': z.object({ orderId, fulfillmentId: z.string(), locationId: identifier, readyAt: z.string().datetime(), days: z.number() }),
  /** Not collected after PICKUP_CANCEL_AFTER_DAYS: the order is cancelled, its goods go back to the shelf. */
  'fulfillment.pickup-expired.v1': z.object({ orderId, fulfillmentId: z.string(), locationId: identifier, readyAt: z.string().datetime(), days: z.number() }),
  'fulfillment.cancelled.v1': z.object({ orderId, fulfillmentIds: z.array(z.string()) }),
  /**
   * One parcel booked (a fulfillment packed in several parcels books one shipment each: `parcel` of
   * `parcels`). `rate`: what rate shopping chose and what else it considered (absent before it existed).
   */
  'shipment.booked.v1': z.object({
    orderId,
    shipmentId: z.string(),
    carrierId: identifier,
    trackingNumber: z.string(),
    fulfillmentId: z.string().optional(),
    parcel: z.number().int().min(1).optional(),
    parcels: z.number().int().min(1).optional(),
    rate: rateChoiceSchema.optional(),
    /** The carrier's tracking page for the parcel (its `trackingUrl` template filled in), when it has one. */
    trackingUrl: z.url({ protocol: /^https?$/ }).optional(),
  }),
  'shipment.tracking-updated.v1': z.object({
    orderId,
    shipmentId: z.string(),
    /**
     * The shipment's carrier: routes the event to its partner queue and scopes a partner's webhooks (always set
     * by the carrier service; absent on older events).
     */
    carrierId: identifier.optional(),
    trackingNumber: z.string(),
    status: z.enum(TRACKING_STATUSES),
    occurredAt: z.string().datetime(),
    location: z.string().optional(),
    /** The parcel's lines: sent with `returned_to_sender`, so that its return is opened for what it holds. */
    lines: z.array(skuQuantity).optional(),
    /** The parcel's status after this scan, by the time the scans happened (a late scan does not undo a newer one). */
    shipmentStatus: z.enum(['booked', ...TRACKING_STATUSES]).optional(),
  }),
  /** A booking voided before the parcel left (`replacedBy`: the shipment booked in its place, when one was). */
  'shipment.cancelled.v1': z.object({
    orderId,
    shipmentId: z.string(),
    carrierId: identifier,
    trackingNumber: z.string(),
    reason: z.string(),
    replacedBy: z.string().optional(),
    actor,
  }),
  /**
   * The carrier (3PL partner) confirmed it has taken the parcel (POST /v1/shipments/{id}/handover with its
   * partner key): a fact on the shipment beside its scans, not a tracking status; once per shipment.
   */
  'shipment.handed-over.v1': z.object({
    orderId,
    shipmentId: z.string(),
    carrierId: identifier,
    trackingNumber: z.string(),
    handedOverAt: z.string().datetime(),
    actor,
  }),
  /*
   * Customer notifications: what a channel tells its customer (by email, SMS, in its app), from the order's
   * life as ingestion, its overseer, sees it. Each names the channel and the channel's own order id, so a
   * channel's webhook subscription gets its own orders' notifications only (docs/webhooks.md). Once per order
   * and step: a redelivered cause gives the same event id.
   */
  /** The order passed its checks (stock reserved, payment approved, address deliverable) and goes to the warehouse. */
  'notification.order-confirmed.v1': z.object(notificationBase),
  /** A parcel of the order left with its carrier (one per parcel of a split order): carrier, tracking number and link. */
  'notification.shipped.v1': z.object({
    ...notificationBase,
    shipmentId: z.string(),
    carrierId: identifier,
    trackingNumber: z.string(),
    /** The carrier's tracking page for this parcel, when the carrier has a `trackingUrl` configured. */
    trackingUrl: z.url({ protocol: /^https?$/ }).optional(),
    parcel: z.number().int().min(1).optional(),
    parcels: z.number().int().min(1).optional(),
  }),
  /** Every parcel of the order was delivered. */
  'notification.delivered.v1': z.object(notificationBase),
  /** Click & collect: the order waits at the store; `pickupCode` is what the customer shows at the counter. */
  'notification.ready-for-pickup.v1': z.object({
    ...notificationBase,
    locationId: identifier,
    pickupCode: z.string().regex(/^\d{6}$/),
    readyAt: z.string().datetime(),
  }),
  /** Money of a return was paid back to the customer. */
  'notification.refund-issued.v1': z.object({ ...notificationBase, returnId: z.string(), amount: minorUnits, currency: currencyCode }),
  'return.opened.v1': z.object({ orderId, returnId: z.string(), lines: z.array(z.object({ sku, quantity, reason: z.string() })) }),
  'return.received.v1': z.object({
    orderId,
    returnId: z.string(),
    locationId: identifier,
    lines: z.array(z.object({ sku, quantity, condition: itemCondition })),
    refundAmount: minorUnits,
    currency: currencyCode,
    /**
     * A parcel returned to sender, received, and the goods go out again (RETURNED_TO_SENDER_RESOLUTION of
     * returns: `reship`): nothing is refunded (`refundAmount` 0) and the order is shipped again.
     */
    reship: z.boolean().optional(),
  }),
  /**
   * A command sent without a reply queue (one service asking another to act: ingestion's refunds, restocks,
   * reservations...) was refused by its handler (a 4xx problem): nothing was done, and no sender waits for
   * the answer. The consumer that refused it publishes this (`@oms/messaging`), so the refusal shows on the
   * order's timeline (and on the return it concerns) instead of being lost; a follow-up task starts from it.
   * Its id is derived from the refused command's id: a redelivered refusal is the same event.
   */
  'command.refused.v1': z.object({
    /** The `orderId` the refused command named (for payment and stock commands, the order's check key). */
    orderId,
    /** The refused command's type, e.g. `payment.refund.v1`. */
    command: z.string().regex(/^[a-z][a-z-]*\.[a-z][a-z-]*\.v\d+$/, 'must be a message type'),
    /** The refused command's envelope id. */
    commandId: z.string().min(1),
    /** The return the refused command was about (refunds and restocks of a return). */
    returnId: z.string().optional(),
    /** The refusal's problem status (4xx), title and detail, as a sender with a reply queue would have got them. */
    status: z.number().int().min(400).max(499),
    title: z.string().max(200),
    detail: z.string().max(1000),
  }),
  /**
   * A webhook delivery was given up: every retry within the retry window failed (docs/webhooks.md). Once per
   * delivery and window (a redelivery that fails again is a new one).
   */
  'webhook.delivery-failed.v1': z.object({
    subscriptionId: z.string(),
    deliveryId: z.string(),
    eventType: z.string(),
    url: z.string(),
    attempts: z.number().int().min(1),
    failedAt: z.string().datetime(),
    /** What the last attempt got: a status code or why nothing came back. */
    lastOutcome: z.string().max(500),
  }),
  /**
   * A webhook delivery that had been given up (webhook.delivery-failed.v1) was redelivered and taken: the
   * receiver works again (the task its failure opened closes itself). Once per delivery and retry window.
   */
  'webhook.delivery-recovered.v1': z.object({
    subscriptionId: z.string(),
    deliveryId: z.string(),
    eventType: z.string(),
    url: z.string(),
    deliveredAt: z.string().datetime(),
  }),
  /**
   * A trigger rule acted (its `emitEvent` setting): the situation it watches held (for its `afterHours`).
   * `taskId`: the task it opened, or the episode's id when it opened none. Once per episode of the situation.
   */
  'rule.triggered.v1': z.object({
    ruleId,
    taskId,
    title: z.string(),
    link: taskLinkSchema,
    orderId: orderId.optional(),
    locationId: identifier.optional(),
    flagRed: z.boolean(),
    priority: z.enum(TASK_PRIORITIES),
  }),
} as const;

export const commands = {
  'order.cancel.v1': z.object({ orderId, reason: z.string().max(500), actor, channels: channelScope, intakeInFlight }),
  /** Change an order before fulfillment: the shipping address, the lines and/or the payment amount (absent = unchanged). */
  'order.amend.v1': z.object({
    orderId,
    shippingAddress: addressSchema.optional(),
    lines: z.array(orderLineSchema).min(1).max(500).optional(),
    paymentAmount: minorUnits.optional(),
    actor,
    channels: channelScope,
    intakeInFlight,
  }),
  /** A payment received for an order waiting for one (a bank transfer, recorded by ops or a bank import). */
  'order.record-payment.v1': z.object({
    orderId,
    amount: minorUnits.refine((a) => a > 0, 'must be more than 0'),
    currency: currencyCode.optional(),
    reference: z.string().min(1).max(200),
    actor,
    channels: channelScope,
    intakeInFlight,
  }),
  'order.decide.v1': z.object({ orderId, decisions: z.array(shortageDecision).min(1).max(500), actor, channels: channelScope, intakeInFlight }),
  /** Ops asks again for a refund the payment provider refused (the order's return is `refund_failed`). */
  'order.retry-refund.v1': z.object({ orderId, returnId: z.string().min(1), actor, channels: channelScope, intakeInFlight }),
  /** Ops rejects an order held for a fraud review: it is rejected, its stock released and its authorization voided. */
  'order.reject.v1': z.object({ orderId, note: z.string().max(500).optional(), actor, channels: channelScope, intakeInFlight }),
  /** Ops releases one of an order's holds; the checks the hold stopped run again. */
  'order.release-hold.v1': z.object({
    orderId,
    reason: z.enum(HOLD_REASONS),
    note: z.string().max(500).optional(),
    actor,
    channels: channelScope,
    intakeInFlight,
  }),
  'stock.reserve.v1': z.object({
    orderId,
    lines: z.array(skuQuantity).min(1),
    /** Where the parcel goes: sourcing prefers the nearest location. */
    shipTo: z.object({ country: z.string(), postalCode: z.string() }).optional(),
    /** A pickup order: reserved at this store only. */
    pickupLocationId: identifier.optional(),
    /** The customer chose to wait: if short, queue it (first in, first out) instead of answering short. */
    backorder: z.boolean().optional(),
  }),
  'stock.release.v1': z.object({ orderId }),
  /** Book a short pick off the reservation at `locationId` and source the missing units elsewhere (not at `excludeLocationIds`). */
  'stock.short-pick.v1': z.object({
    orderId,
    locationId: identifier,
    lines: z.array(z.object({ sku, missing: quantity })).min(1),
    shipTo: z.object({ country: z.string(), postalCode: z.string() }).optional(),
    excludeLocationIds: z.array(identifier),
  }),
  /** Add lines to an order's reservation after a short pick (a substitute, or units the customer waits for): reported by stock.reallocated.v1. */
  'stock.supplement.v1': z.object({
    orderId,
    lines: z.array(skuQuantity).min(1).max(500),
    shipTo: z.object({ country: z.string(), postalCode: z.string() }).optional(),
    /** The customer waits for the units: when no location has them, they are queued rather than refused. */
    backorder: z.boolean().optional(),
  }),
  'stock.consume.v1': z.object({ orderId }),
  'stock.restock.v1': z.object({
    orderId,
    returnId: z.string(),
    locationId: identifier,
    lines: z.array(z.object({ sku, quantity, condition: itemCondition })),
  }),
  'stock.record-movements.v1': z.object({
    movements: z
      .array(
        z.object({
          sku,
          locationId: identifier,
          quantity: z.number().int().min(-1_000_000).max(1_000_000),
          type: movementType,
          toLocationId: identifier.optional(),
          reason: z.string().max(500).optional(),
          reference: z.string().max(200).optional(),
        }),
      )
      .min(1)
      .max(1000),
    actor,
  }),
  'location.upsert.v1': z.object({ locationId: identifier, ...locationSchema.shape, actor }),
  'stock.set-levels.v1': z.object({ sku, locationId: identifier, ...stockLevelsSchema.shape, actor }),
  'sku.configure.v1': z.object({ sku, ...skuSettingsSchema.shape, actor }),
  'stock.expect.v1': z.object({ sku, ...incomingSchema.shape, actor }),
  /** `risk`: what fraud screening looks at (absent from commands sent before screening existed: not screened). */
  'payment.check.v1': z.object({
    orderId,
    amount: minorUnits,
    currency: currencyCode,
    provider: z.string(),
    method: z.string(),
    reference: z.string(),
    risk: riskSignalsSchema.optional(),
  }),
  /** Replace the fraud screening's rules (PUT /v1/fraud/rules); answered with the rules now in force. */
  'fraud.set-rules.v1': z.object({ rules: fraudRulesSchema, actor }),
  /** Put a value on a blocklist (`value` normalized: normalizeRiskValue); answered with the entry. */
  'fraud.block.v1': z.object({ kind: z.enum(BLOCKLIST_KINDS), value: z.string().min(1).max(300), reason: z.string().max(500).optional(), actor }),
  /** Take a value off a blocklist; refused as not found when it is not on it. */
  'fraud.unblock.v1': z.object({ kind: z.enum(BLOCKLIST_KINDS), value: z.string().min(1).max(300), actor }),
  /** Renew an authorization that expires within REAUTHORIZE_BEFORE_MS (sent by payment-check's own sweep). */
  'payment.reauthorize.v1': z.object({ orderId }),
  /** Ops decided a payment held for a fraud review: approve it, or reject it (its authorization is voided). */
  'payment.decide-review.v1': z.object({ orderId, decision: z.enum(['approve', 'reject']), actor, note: z.string().max(500).optional() }),
  'payment.void.v1': z.object({ orderId }),
  /** Money received for a payment waiting for it (a bank transfer); `reference` makes a repeat count once. */
  'payment.receive.v1': z.object({ orderId, amount: minorUnits, currency: currencyCode, reference: z.string(), actor }),
  /** Take the authorized money (at shipment): at most what was authorized; nothing for payments no provider holds. */
  'payment.capture.v1': z.object({ orderId, amount: minorUnits, currency: currencyCode }),
  'payment.refund.v1': z.object({ orderId, returnId: z.string(), amount: minorUnits, currency: currencyCode }),
  /** `orderedAt`: when the order came in, from which the ship-by time is reckoned (absent on older commands: now). */
  'fulfillment.open.v1': z.object({
    orderId,
    lines: z.array(allocatedLine).min(1),
    shippingAddress: addressSchema,
    shippingMethod: z.string(),
    orderedAt: z.string().datetime().optional(),
    /** Click & collect: the customer picks it up at the location; no parcel is booked. */
    pickup: z.boolean().optional(),
  }),
  'fulfillment.cancel.v1': z.object({ orderId }),
  /** Where SKUs are stored at a location (the pick list walks by bin); each replaces the SKU's bin there. */
  'fulfillment.set-bins.v1': z.object({
    locationId: identifier,
    bins: z
      .array(z.object({ sku, bin: z.string().trim().min(1).max(40) }))
      .min(1)
      .max(1000),
    actor,
    locations: locationScope,
  }),
  /** More lines for the order's fulfillment at a location (a substitute): merged into an open one, or a new one opened. */
  'fulfillment.add-lines.v1': z.object({
    orderId,
    locationId: identifier,
    lines: z.array(skuQuantity).min(1).max(500),
    shippingAddress: addressSchema,
    shippingMethod: z.string(),
  }),
  /**
   * The order went on hold (`held`) or came off it, as the order's `version` (its count of timeline entries)
   * says: an older version than the one stored is ignored, so the commands may arrive in any order. A held
   * order's fulfillments cannot be picked, packed or handed over.
   */
  'fulfillment.set-order-hold.v1': z.object({ orderId, held: z.boolean(), reason: z.string().max(200).optional(), version: z.number().int().min(0) }),
  /** Take the location's open fulfillments, by ship-by time, into one pick list (`pickListId`, chosen by the sender). */
  'fulfillment.create-pick-list.v1': z.object({
    pickListId: identifier,
    locationId: identifier,
    maxFulfillments: z.number().int().min(1).max(200).default(20),
    actor,
    locations: locationScope,
  }),
  /** What the picker found of each line: fewer than ordered is a short pick (booked and re-sourced). */
  'fulfillment.pick.v1': z.object({
    fulfillmentId: z.string(),
    lines: z
      .array(z.object({ sku, quantity: z.number().int('must be a whole number').min(0).max(10_000) }))
      .min(1)
      .max(500),
    actor,
    locations: locationScope,
  }),
  /** `parcels`: how the units are packed (absent: one parcel with every line, its weight unknown). */
  'fulfillment.pack.v1': z.object({ fulfillmentId: z.string(), parcels: z.array(parcelSchema).min(1).max(50).optional(), actor, locations: locationScope }),
  'fulfillment.hand-over.v1': z.object({ fulfillmentId: z.string(), actor, locations: locationScope }),
  /** Click & collect: the goods are ready at the store; a (new) pickup code is issued. */
  'fulfillment.mark-ready-for-pickup.v1': z.object({ fulfillmentId: z.string(), actor, locations: locationScope }),
  /** The customer collects: the code they show must match the last one issued. */
  'fulfillment.collect.v1': z.object({
    fulfillmentId: z.string(),
    code: z.string().regex(/^\d{6}$/, 'must be the 6-digit pickup code'),
    actor,
    locations: locationScope,
  }),
  /** Sent by fulfillment's own sweep: remind about or expire a pickup waiting too long. */
  'fulfillment.check-pickup.v1': z.object({ fulfillmentId: z.string() }),
  'fulfillment.report-short-pick.v1': z.object({
    fulfillmentId: z.string(),
    lines: z
      .array(z.object({ sku, missing: quantity }))
      .min(1)
      .max(500),
    actor,
    locations: locationScope,
  }),
  'shipment.book.v1': z.object({
    orderId,
    fulfillmentId: z.string(),
    locationId: identifier,
    shippingAddress: addressSchema,
    shippingMethod: z.string(),
    lines: z.array(skuQuantity),
    /** As packed (absent: one parcel with every line). */
    parcels: z.array(parcelSchema).optional(),
  }),
  'shipment.record-tracking.v1': z.object({
    carrierId: identifier,
    trackingNumber: z.string().min(1).max(100),
    status: z.enum(TRACKING_STATUSES),
    occurredAt: z.string().datetime(),
    location: z.string().max(200).optional(),
  }),
  /**
   * The carrier took the parcel (a partner key's handover). `partners`: the carriers whose shipments the sender
   * may hand over (a partner key's own); absent for ops. Another carrier's shipment is refused as not found.
   */
  'shipment.hand-over.v1': z.object({
    shipmentId: z.string().min(1).max(200),
    /** When the carrier took it (absent: when the command is handled). */
    occurredAt: z.string().datetime().optional(),
    actor,
    partners: z.array(identifier).max(100).optional(),
  }),
  /**
   * Create or update a 3PL partner's event feed (docs/partners.md): its queue `partner.<id>`, the queue's binding
   * to its own events and its broker user `partner-<id>`, which may read that queue only. A new user gets a
   * generated password, as does an existing one with `rotatePassword`: it is in the handler's answer only,
   * never stored or sent anywhere else.
   */
  'partner.provision.v1': z.object({ partnerId: identifier, name: z.string().trim().min(1).max(200), rotatePassword: z.boolean().optional(), actor }),
  /** Create or change a carrier: its tariff, how it books, its webhook secret (fields absent stay as they are). */
  /** Set the shipping attributes of SKUs (each replaces what the SKU had); answered with how many were set. */
  /**
   * Void a booked parcel's label before it leaves (a wrong carrier, a damaged label) and book it again in its
   * place, by rate shopping (without the voided carrier when `excludeCarrier`).
   */
  'shipment.cancel.v1': z.object({ shipmentId: z.string(), reason: z.string().min(1).max(500), excludeCarrier: z.boolean().optional(), actor }),
  'sku.set-attributes.v1': z.object({
    items: z
      .array(z.object({ sku, ...skuAttributesSchema.shape }))
      .min(1)
      .max(500),
    actor,
  }),
  'carrier.configure.v1': z.object({ carrierId: identifier, ...carrierSettingsSchema.shape, actor }),
  'return.open.v1': z.object({
    returnId: z.string(),
    orderId,
    lines: z.array(z.object({ sku, quantity, reason: z.string().min(1).max(500) })).min(1),
    /** Refund the shipping paid too (one return per order may): e.g. the goods were faulty. */
    refundShipping: z.boolean().optional(),
    /**
     * Set by the gateway when the order it read is delivered (or returned): a delivered order returns has not
     * heard of yet (order.delivered.v1 on its way) is then retried, not refused as not delivered.
     */
    orderDelivered: z.boolean().optional(),
    actor,
  }),
  'return.receive.v1': z.object({
    returnId: z.string(),
    locationId: identifier,
    lines: z.array(z.object({ sku, quantity, condition: itemCondition })).min(1),
    actor,
  }),
  /** Change what a trigger rule does (fields absent stay as they are); answered with the rule now in force. */
  'rule.configure.v1': z.object({ ruleId, ...ruleSettingsSchema.partial().shape, actor }),
  /**
   * Take a task: it is assigned to `assignee` (the claimer's own `user:<actor>` when absent). `locations`: the
   * locations whose tasks the sender may take (a location key's); absent for ops. Another's task is not found.
   */
  'task.claim.v1': z.object({ taskId, assignee: assigneeSchema.optional(), actor, locations: locationScope }),
  /** Close a task as done, with what was done. */
  'task.complete.v1': z.object({ taskId, note: z.string().trim().min(1).max(2000), actor, locations: locationScope }),
  /** Sent by the tasks service's own scheduler: a rule's time condition is due; act if it still holds. */
  'task.fire.v1': z.object({ taskId }),
} as const;

export type EventType = keyof typeof events;
export type CommandType = keyof typeof commands;
export type MessageType = EventType | CommandType;
export type MessageData<T extends MessageType> = T extends EventType
  ? z.infer<(typeof events)[T]>
  : T extends CommandType
    ? z.infer<(typeof commands)[T]>
    : never;

export const messageSchemas: Record<MessageType, z.ZodType> = { ...events, ...commands };

/** A message a change causes, typed by its schema. `key` tells apart two of one type caused by one message. */
export type Outgoing = { [T in MessageType]: { type: T; data: MessageData<T>; key?: string } }[MessageType];

/** What a reaction reads of a message: what happened, when, reported by whom (no transport details). */
export interface Fact<T extends MessageType> {
  type: T;
  data: MessageData<T>;
  occurredAt: string;
  producer: string;
}

export function isCommand(type: string): type is CommandType {
  return Object.prototype.hasOwnProperty.call(commands, type);
}
export function isKnownMessage(type: string): type is MessageType {
  return Object.prototype.hasOwnProperty.call(messageSchemas, type);
}
