import type { Message } from '@oms/messaging';
import type { CarrierUseCaseDeps } from './carrier-deps';

/**
 * Shipping attributes of SKUs, as ops set them (one SKU, or a batch of a CSV import). Each SKU's document is
 * replaced whole: a repeat writes the same again, and no read-modify-write can lose a concurrent one.
 */
export async function setSkuAttributes({ skuAttributes }: CarrierUseCaseDeps, msg: Message<'sku.set-attributes.v1'>) {
  const { items, actor } = msg.data;
  await skuAttributes.setAll(items, actor);
  return { set: items.length };
}
