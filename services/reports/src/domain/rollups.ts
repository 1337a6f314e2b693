import type { CancellationFact, Fact, HandOverFact, OrderFact, ParcelFact, ReturnFact } from './facts';
import { addHistograms, bucketOf, type Bucket } from './histogram';

/**
 * What one day's facts add up to, per report: the same shape for a day and for any range of days, so a
 * range is the days' rollups merged. Groups are arrays keyed by `key` (never objects keyed by a channel or
 * SKU: store keys may not hold dots). Money stays integer minor units per currency.
 */
export interface Amount {
  currency: string;
  /** Orders in this currency, and their total in its minor units. */
  orders: number;
  amount: number;
}

export interface SalesGroup {
  key: string;
  orders: number;
  amounts: Amount[];
  /** By carrier: parcels booked (the orders are those they belong to). */
  parcels?: number;
}

export const SALES_DIMENSIONS = ['channel', 'paymentMethod', 'shippingMethod', 'country', 'carrier'] as const;
export type SalesDimension = (typeof SALES_DIMENSIONS)[number];
export type SalesRollup = Record<SalesDimension, SalesGroup[]>;

export interface LocationGroup {
  key: string;
  handedOver: number;
  /** Hand-overs with a known order-to-ship time, their sum (ms) and histogram. */
  timed: number;
  shipMsSum: number;
  histogram: Bucket[];
  /** Hand-overs with a ship-by time, and those by it. */
  withShipBy: number;
  onTime: number;
}
export interface FulfillmentRollup {
  location: LocationGroup[];
}

export interface SkuGroup {
  key: string;
  sold: number;
  returned: number;
}
export interface CountGroup {
  key: string;
  count: number;
}
export interface ReturnsRollup {
  sku: SkuGroup[];
  /** Units returned per reason. */
  reason: CountGroup[];
}

export interface CancellationsRollup {
  reason: CountGroup[];
  channel: CountGroup[];
}

export interface Rollups {
  sales: SalesRollup;
  fulfillment: FulfillmentRollup;
  returns: ReturnsRollup;
  cancellations: CancellationsRollup;
}
export type ReportKind = keyof Rollups;
export const REPORT_KINDS: readonly ReportKind[] = ['sales', 'fulfillment', 'returns', 'cancellations'];

/** Every report's rollup of one day's facts (of any kinds, in any order). */
export function rollUp(facts: readonly Fact[]): Rollups {
  const of = <K extends Fact['kind']>(kind: K) => facts.filter((f): f is Extract<Fact, { kind: K }> => f.kind === kind);
  const orders = of('order');
  return {
    sales: salesOf(orders, of('parcel')),
    fulfillment: { location: locationsOf(of('handover')) },
    returns: returnsOf(orders, of('return')),
    cancellations: cancellationsOf(of('cancellation')),
  };
}

function salesOf(orders: OrderFact[], parcels: ParcelFact[]): SalesRollup {
  const byOrder = (key: (o: OrderFact) => string) => groupBy(orders, key).map(([k, os]) => ({ key: k, orders: os.length, amounts: amountsOf(os) }));
  const carrier = groupBy(parcels, (p) => p.carrierId).map(([key, ps]) => {
    // The orders a carrier's parcels belong to count once each, whatever their parcels.
    const distinct = [...new Map(ps.map((p) => [p.orderId, p])).values()];
    const priced = distinct.filter((p) => p.currency !== undefined && p.total !== undefined);
    return { key, orders: distinct.length, parcels: ps.length, amounts: amountsOf(priced.map((p) => ({ currency: p.currency!, total: p.total! }))) };
  });
  return {
    channel: byOrder((o) => o.channel),
    paymentMethod: byOrder((o) => o.paymentMethod),
    shippingMethod: byOrder((o) => o.shippingMethod),
    country: byOrder((o) => o.country),
    carrier,
  };
}

function amountsOf(orders: readonly { currency: string; total: number }[]): Amount[] {
  return groupBy(orders, (o) => o.currency).map(([currency, os]) => ({ currency, orders: os.length, amount: os.reduce((n, o) => n + o.total, 0) }));
}

function locationsOf(handOvers: HandOverFact[]): LocationGroup[] {
  return groupBy(handOvers, (h) => h.locationId).map(([key, hs]) => {
    const timed = hs.filter((h) => h.shipMs !== undefined);
    const withShipBy = hs.filter((h) => h.onTime !== undefined);
    return {
      key,
      handedOver: hs.length,
      timed: timed.length,
      shipMsSum: timed.reduce((n, h) => n + h.shipMs!, 0),
      histogram: addHistograms(timed.map((h) => ({ bucket: bucketOf(h.shipMs!), count: 1 }))),
      withShipBy: withShipBy.length,
      onTime: withShipBy.filter((h) => h.onTime).length,
    };
  });
}

function returnsOf(orders: OrderFact[], returns: ReturnFact[]): ReturnsRollup {
  const sold = new Map<string, number>();
  const returned = new Map<string, number>();
  const reasons = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  for (const o of orders) for (const l of o.lines) add(sold, l.sku, l.quantity);
  for (const r of returns)
    for (const l of r.lines) {
      add(returned, l.sku, l.quantity);
      add(reasons, l.reason, l.quantity);
    }
  const skus = [...new Set([...sold.keys(), ...returned.keys()])].sort();
  return {
    sku: skus.map((key) => ({ key, sold: sold.get(key) ?? 0, returned: returned.get(key) ?? 0 })),
    reason: [...reasons].map(([key, count]) => ({ key, count })),
  };
}

function cancellationsOf(cancellations: CancellationFact[]): CancellationsRollup {
  const count = (key: (c: CancellationFact) => string) => groupBy(cancellations, key).map(([k, cs]) => ({ key: k, count: cs.length }));
  return { reason: count((c) => c.reason), channel: count((c) => c.channel) };
}

/** Items grouped by key, keys sorted. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// Merging: a range's rollup is its days' rollups added group by group.

/** Groups with the same key added by `add`, keys sorted. */
function mergeGroups<G extends { key: string }>(lists: readonly G[][], add: (a: G, b: G) => G): G[] {
  const merged = new Map<string, G>();
  for (const list of lists) for (const g of list) merged.set(g.key, merged.has(g.key) ? add(merged.get(g.key)!, g) : g);
  return [...merged.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function addAmounts(a: Amount[], b: Amount[]): Amount[] {
  const merged = new Map(a.map((x) => [x.currency, { ...x }]));
  for (const x of b) {
    const m = merged.get(x.currency);
    if (m) merged.set(x.currency, { currency: x.currency, orders: m.orders + x.orders, amount: m.amount + x.amount });
    else merged.set(x.currency, { ...x });
  }
  return [...merged.values()].sort((x, y) => (x.currency < y.currency ? -1 : 1));
}

const addSales = (a: SalesGroup, b: SalesGroup): SalesGroup => ({
  key: a.key,
  orders: a.orders + b.orders,
  amounts: addAmounts(a.amounts, b.amounts),
  ...(a.parcels !== undefined || b.parcels !== undefined ? { parcels: (a.parcels ?? 0) + (b.parcels ?? 0) } : {}),
});
const addLocation = (a: LocationGroup, b: LocationGroup): LocationGroup => ({
  key: a.key,
  handedOver: a.handedOver + b.handedOver,
  timed: a.timed + b.timed,
  shipMsSum: a.shipMsSum + b.shipMsSum,
  histogram: addHistograms(a.histogram, b.histogram),
  withShipBy: a.withShipBy + b.withShipBy,
  onTime: a.onTime + b.onTime,
});
const addSku = (a: SkuGroup, b: SkuGroup): SkuGroup => ({ key: a.key, sold: a.sold + b.sold, returned: a.returned + b.returned });
const addCount = (a: CountGroup, b: CountGroup): CountGroup => ({ key: a.key, count: a.count + b.count });

export const mergeSales = (days: SalesRollup[]): SalesRollup =>
  Object.fromEntries(
    SALES_DIMENSIONS.map((d) => [
      d,
      mergeGroups(
        days.map((r) => r[d] ?? []),
        addSales,
      ),
    ]),
  ) as SalesRollup;
export const mergeFulfillment = (days: FulfillmentRollup[]): FulfillmentRollup => ({
  location: mergeGroups(
    days.map((r) => r.location),
    addLocation,
  ),
});
export const mergeReturns = (days: ReturnsRollup[]): ReturnsRollup => ({
  sku: mergeGroups(
    days.map((r) => r.sku),
    addSku,
  ),
  reason: mergeGroups(
    days.map((r) => r.reason),
    addCount,
  ),
});
export const mergeCancellations = (days: CancellationsRollup[]): CancellationsRollup => ({
  reason: mergeGroups(
    days.map((r) => r.reason),
    addCount,
  ),
  channel: mergeGroups(
    days.map((r) => r.channel),
    addCount,
  ),
});
