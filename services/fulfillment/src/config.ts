import { baseConfigSchema, z } from '@oms/config';

export const SERVICE_NAME = 'fulfillment';

/** No settings of its own yet: fulfillment talks only to the broker, its database and Redis. */
export const configSchema = baseConfigSchema.extend({});

export type FulfillmentConfig = z.infer<typeof configSchema>;
