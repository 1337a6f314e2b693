import { baseConfigSchema, z } from '@oms/config';

export const SERVICE_NAME = 'returns';

export const configSchema = baseConfigSchema.extend({});
export type ReturnsConfig = z.infer<typeof configSchema>;
