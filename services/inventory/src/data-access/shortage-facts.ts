import type { IncomingDoc } from './incoming-model';
import type { Models } from './models';
import type { SkuSettingDoc } from './sku-setting-model';

/**
 * What a short order's options are made of: a SKU's substitutes and its open incoming receipts. In a flash
 * sale, most of the orders in flight are short of the same SKU at the same moment; they share one read of
 * each instead of two reads per order. Nothing is kept once a read is over, so nothing goes stale.
 */
export class ShortageFacts {
  readonly substitutesOf: (sku: string) => Promise<string[]>;
  readonly openIncoming: (sku: string) => Promise<IncomingDoc[]>;

  constructor(models: Models) {
    this.substitutesOf = sharedWhileInFlight(
      async (sku) => (await models.SkuSettings.findById(sku, { substitutes: 1 }).lean<Pick<SkuSettingDoc, 'substitutes'>>())?.substitutes ?? [],
    );
    this.openIncoming = sharedWhileInFlight((sku) =>
      models.Incoming.find({ sku, status: 'open' }).sort({ expectedAt: 1, _id: 1 }).lean<IncomingDoc[]>().exec(),
    );
  }
}

/** Callers asking for a key whose read is under way get that read's answer rather than a read of their own. */
function sharedWhileInFlight<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (key) => {
    let pending = inFlight.get(key);
    if (!pending) {
      pending = read(key).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };
}
