import { getDistance } from 'geolib';
import countries from 'world-countries';
import zipcodes from 'zipcodes';

export interface Coordinates {
  lat: number;
  lon: number;
}

/** Where a customer is, as far as sourcing needs to know: a point and how exact it is. */
export interface CustomerPoint extends Coordinates {
  precision: 'postal_code' | 'country';
}

const countryCentroids = new Map(countries.map((c) => [c.cca2, { lat: c.latlng[0]!, lon: c.latlng[1]! }]));

/**
 * Postal-code centroids ship as data for the US and Canada (the zipcodes package; Canada by the first three
 * characters, its forward sortation area); elsewhere the country's centroid stands in, which still tells a
 * German customer from a French one. Unknown countries give undefined: sourcing then ignores distance.
 */
export function locateCustomer(country: string, postalCode: string): CustomerPoint | undefined {
  const code = postalCode.trim().toUpperCase();
  if (country === 'US' || country === 'CA') {
    const found = zipcodes.lookup(country === 'US' ? code.slice(0, 5) : code.replace(/\s+/g, '').slice(0, 3));
    if (found) return { lat: found.latitude, lon: found.longitude, precision: 'postal_code' };
  }
  const centroid = countryCentroids.get(country);
  return centroid ? { ...centroid, precision: 'country' } : undefined;
}

/** Great-circle distance in whole kilometres. */
export const distanceKm = (a: Coordinates, b: Coordinates): number =>
  Math.round(getDistance({ latitude: a.lat, longitude: a.lon }, { latitude: b.lat, longitude: b.lon }) / 1000);
