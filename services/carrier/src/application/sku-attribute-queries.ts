import { notFound } from '@oms/errors';
import { toSkuAttributesView, type SkuAttributesRepository } from '../data-access/sku-attributes';

/** What the gateway asks about SKUs' shipping attributes. */
export function skuAttributeQueries(skus: SkuAttributesRepository) {
  return {
    async get(sku: string) {
      const doc = await skus.byId(sku);
      if (!doc) throw notFound(`Attributes of SKU ${sku}`);
      return toSkuAttributesView(doc);
    },
  };
}

export type SkuAttributeQueries = ReturnType<typeof skuAttributeQueries>;
