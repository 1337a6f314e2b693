import { currencyExponent, type Address, type CarrierTariff, type RateChoice, type ServiceLevel } from '@oms/contracts';

/** What rating needs of a parcel. */
export interface ParcelSpec {
  weightGrams: number;
  dimensions?: { lengthCm: number; widthCm: number; heightCm: number };
  /** Holds dangerous goods. */
  hazmat?: boolean;
}

/** A carrier offered in rate shopping. */
export interface RatedCarrier {
  id: string;
  tariff: CarrierTariff;
}

export interface Quote {
  carrierId: string;
  serviceId: string;
  level: ServiceLevel;
  price: number;
  currency: string;
  transitDays: number;
}

/** A service that could not take the parcel, and why (for the timeline). */
export interface Refused {
  carrierId: string;
  serviceId: string;
  reason: string;
}

const normalizePostal = (code: string) => code.replace(/\s+/g, '').toUpperCase();

/** The first zone of the tariff that the address falls in, or undefined (not served). */
export function zoneOf(tariff: CarrierTariff, shipTo: Pick<Address, 'country' | 'postalCode'>): string | undefined {
  const postal = normalizePostal(shipTo.postalCode);
  const zone = tariff.zones.find(
    (z) =>
      z.countries.includes(shipTo.country) &&
      (!z.postalCodes || z.postalCodes.some((r) => normalizePostal(r.from) <= postal && postal <= normalizePostal(r.to))),
  );
  return zone?.id;
}

/** Every service of a carrier, priced for the parcel or refused with a reason. */
export function rateCarrier(carrier: RatedCarrier, parcel: ParcelSpec, shipTo: Pick<Address, 'country' | 'postalCode'>): Array<Quote | Refused> {
  const { tariff } = carrier;
  const zone = zoneOf(tariff, shipTo);
  const dims = parcel.dimensions;
  const length = dims ? Math.max(dims.lengthCm, dims.widthCm, dims.heightCm) : undefined;
  const girth = dims ? dims.lengthCm + 2 * dims.widthCm + 2 * dims.heightCm : undefined;
  return tariff.services.map((service): Quote | Refused => {
    const refuse = (reason: string): Refused => ({ carrierId: carrier.id, serviceId: service.id, reason });
    if (!zone || service.transitDays[zone] === undefined) return refuse(`does not serve ${shipTo.country} ${shipTo.postalCode}`);
    if (parcel.weightGrams > service.maxWeightGrams) return refuse(`${parcel.weightGrams} g is over its ${service.maxWeightGrams} g`);
    if (length !== undefined && service.maxLengthCm !== undefined && length > service.maxLengthCm)
      return refuse(`${length} cm long is over its ${service.maxLengthCm} cm`);
    if (girth !== undefined && service.maxGirthCm !== undefined && girth > service.maxGirthCm)
      return refuse(`girth ${girth} cm is over its ${service.maxGirthCm} cm`);
    if (parcel.hazmat && !service.hazmat) return refuse('takes no dangerous goods');
    const band = service.prices.filter((p) => p.zone === zone && p.upToGrams >= parcel.weightGrams).sort((a, b) => a.upToGrams - b.upToGrams)[0];
    if (!band) return refuse(`has no price for ${parcel.weightGrams} g to zone ${zone}`);
    let price = band.price;
    for (const s of tariff.surcharges) {
      if (s.kind === 'fuel') price += Math.round((band.price * s.percent) / 100);
      else if (s.kind === 'zone' && s.zone === zone) price += s.amount;
      else if (s.kind === 'oversize' && length !== undefined && length > s.overLengthCm) price += s.amount;
      else if (s.kind === 'hazmat' && parcel.hazmat) price += s.amount;
    }
    return { carrierId: carrier.id, serviceId: service.id, level: service.level, price, currency: tariff.currency, transitDays: service.transitDays[zone] };
  });
}

export const isQuote = (q: Quote | Refused): q is Quote => 'price' in q;

/** What an order's shipping method asks of a parcel's service. */
export interface ShippingPromise {
  /** `express` needs an express service; anything else takes either level. */
  level: ServiceLevel;
  /** The longest transit the method promises (SHIPPING_PROMISE_DAYS). */
  maxTransitDays: number;
}

const money = (amount: number, currency: string) => {
  const digits = currencyExponent(currency) ?? 2;
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`;
};
const describe = (q: Quote) => `${q.carrierId}/${q.serviceId} ${money(q.price, q.currency)}, ${q.transitDays} d`;

/**
 * Rate shopping for one parcel: the cheapest service of any carrier that meets the shipping method's level
 * and promised transit and the parcel's limits (ties: fewer days, then the carrier's id), with one line per
 * other service it considered. Undefined when none can take the parcel.
 */
export function shopRates(carriers: RatedCarrier[], parcel: ParcelSpec, shipTo: Pick<Address, 'country' | 'postalCode'>, promise: ShippingPromise) {
  const rated = carriers.flatMap((c) => rateCarrier(c, parcel, shipTo));
  const judged = rated.map((r) => {
    if (!isQuote(r)) return r;
    if (promise.level === 'express' && r.level !== 'express') return { carrierId: r.carrierId, serviceId: r.serviceId, reason: 'not express' };
    if (r.transitDays > promise.maxTransitDays) return { ...r, reason: `${r.transitDays} d is later than the ${promise.maxTransitDays} d promised` };
    return r;
  });
  const eligible = judged.filter((r): r is Quote => isQuote(r) && !('reason' in r));
  eligible.sort(
    (a, b) => a.price - b.price || a.transitDays - b.transitDays || a.carrierId.localeCompare(b.carrierId) || a.serviceId.localeCompare(b.serviceId),
  );
  const [best] = eligible;
  const alternatives = judged.filter((r) => r !== best).map((r) => ('reason' in r ? `${r.carrierId}/${r.serviceId}: ${r.reason}` : describe(r as Quote)));
  if (!best) return { choice: undefined, alternatives };
  const choice: RateChoice = { ...best, alternatives };
  return { choice, alternatives };
}

export const describeChoice = (c: RateChoice) => describe(c);
