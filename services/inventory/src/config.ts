import { baseConfigSchema } from '@oms/config';

export const SERVICE_NAME = 'inventory';

/** Inventory needs nothing beyond the shared settings (yet). */
export const configSchema = baseConfigSchema.extend({});
