import { baseConfigSchema, z } from '@oms/config';

export const SERVICE_NAME = 'returns';

export const configSchema = baseConfigSchema.extend({
  /**
   * What happens when a parcel that came back to the sender is received: `refund` the customer at the prices
   * paid, or `reship` the goods (a replacement order at no charge, to the order's address). Default refund.
   */
  RETURNED_TO_SENDER_RESOLUTION: z.enum(['refund', 'reship']).default('refund'),
});
export type ReturnsConfig = z.infer<typeof configSchema>;
