import { baseConfigSchema } from '@oms/runtime';

export const configSchema = baseConfigSchema;
