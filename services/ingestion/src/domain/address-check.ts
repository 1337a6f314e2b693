import { coverageOf, type Address, type ShippingCoverage } from '@oms/contracts';
import { codesOf, placeKey, placesOf } from './german-postal-codes';

/** What the address check found: deliverable, or why not and, where there is one, a correction to suggest. */
export type AddressVerdict =
  { deliverable: true; method: string } | { deliverable: false; method: string; reasons: string[]; suggestion?: { city?: string; postalCodes?: string[] } };

/** Countries whose addresses need a region (state, province) for a parcel to arrive. */
const REGION_REQUIRED = new Set(['US', 'CA', 'AU', 'BR', 'MX']);

/** PO boxes and parcel stations, as customers write them in an address line. */
const PO_BOX =
  /\b(p\.?\s*o\.?\s*box|post\s*office\s*box|postfach|postbus|postbox|bo[iî]te\s+postale|apartado(\s+de\s+correos)?|casella\s+postale|packstation|postfiliale|paketshop)\b/i;

/**
 * Whether the order's shipping method can deliver to its address: the fields its country needs, a German
 * postal code that exists and belongs to the city (from the shipped list), PO boxes only for methods that take
 * them, and the method's coverage (countries, postal-code ranges such as islands without express). A pickup
 * needs its store. Pure; the postal-code format itself is checked at intake (422).
 */
export function checkAddress(address: Address, shipping: { method: string; pickupLocationId?: string }, table: ShippingCoverage): AddressVerdict {
  const { name: method, coverage } = coverageOf(table, shipping.method);
  if (coverage.pickup)
    return shipping.pickupLocationId
      ? { deliverable: true, method }
      : {
          deliverable: false,
          method,
          reasons: [`shipping method ${shipping.method} is a pickup, but the order names no pickup location (shipping.pickupLocationId)`],
        };

  const reasons: string[] = [];
  let suggestion: { city?: string; postalCodes?: string[] } | undefined;
  if (REGION_REQUIRED.has(address.country) && !address.region?.trim()) reasons.push(`a ${address.country} address needs its region (state or province)`);

  if (address.country === 'DE') {
    const found = germanPlace(address.postalCode.trim(), address.city);
    if (found) {
      reasons.push(found.reason);
      suggestion = found.suggestion;
    }
  }

  if (!coverage.poBoxes && PO_BOX.test(`${address.line1} ${address.line2 ?? ''}`))
    reasons.push(`shipping method ${shipping.method} does not deliver to PO boxes or parcel stations`);

  if (coverage.countries && !coverage.countries.includes(address.country))
    reasons.push(`shipping method ${shipping.method} does not deliver to ${address.country} (it reaches ${coverage.countries.join(', ')})`);

  const code = address.postalCode.replace(/\s+/g, '').toUpperCase();
  const excluded = coverage.excludedPostalCodes?.find(
    (r) => r.country === address.country && code.length === r.from.length && code >= r.from.toUpperCase() && code <= r.to.toUpperCase(),
  );
  if (excluded) reasons.push(`shipping method ${shipping.method} does not deliver to ${address.postalCode} (${excluded.reason})`);

  return reasons.length === 0 ? { deliverable: true, method } : { deliverable: false, method, reasons, ...(suggestion ? { suggestion } : {}) };
}

/** Words that make the rest of a place name a qualifier: "Frankfurt am Main", "Weil am Rhein", "Halle an der Saale". */
const QUALIFIER = /^(am|an|a|im|in|i|ob|bei|b|vor|v|auf|unter|ueber|der|dem|den|die)\b/;

/**
 * Whether the city given names the place: the same name, a district of it ("Berlin Mitte" for Berlin), or the
 * place without its qualifier ("Frankfurt" for "Frankfurt am Main").
 */
function samePlace(given: string, place: string): boolean {
  if (given === place || given.startsWith(`${place} `)) return true;
  const [first, ...rest] = place.split(' ');
  return rest.length > 0 && QUALIFIER.test(rest.join(' ')) && (given === first || given.startsWith(`${first} `));
}

/** A German postal code that is not in the list, or that serves another place than the city given. */
function germanPlace(postalCode: string, city: string): { reason: string; suggestion?: { city?: string; postalCodes?: string[] } } | undefined {
  const places = placesOf(postalCode);
  const cityCodes = codesOf(city);
  const someCodes = cityCodes.length ? { postalCodes: cityCodes.slice(0, 5) } : undefined;
  if (!places) return { reason: `postal code ${postalCode} does not exist in Germany`, ...(someCodes ? { suggestion: someCodes } : {}) };
  const given = placeKey(city);
  const matches = places.some((p) => samePlace(given, placeKey(p)));
  if (matches) return undefined;
  const suggestion = { ...(places.length === 1 ? { city: places[0] } : {}), ...someCodes };
  return {
    reason: `postal code ${postalCode} is ${places.join(' or ')}, not ${city}`,
    ...(Object.keys(suggestion).length ? { suggestion } : {}),
  };
}
