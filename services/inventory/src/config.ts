import { baseConfigSchema, z } from '@oms/config';

export const SERVICE_NAME = 'inventory';

export const configSchema = baseConfigSchema.extend({
  /**
   * More commands in hand than the other services (50): new reservations are written in batches of the
   * commands in flight (InsertBatcher), so a larger prefetch makes larger batches. bench:inventory on the
   * 2-core machine: 1,072 reservations/s spread over 1,000 SKUs at 50, 1,446 at 200; later 1,848 and 1,923
   * at 200, and 1,783 to 2,100 (five runs, mean 1,948) at 500 (docs/benchmarks/, inventory records).
   */
  AMQP_PREFETCH: z.coerce.number().int().min(1).max(1000).default(500),
  /**
   * How long a stock change may take between its Redis step and its documents. A rebuild of the counters
   * (after Redis lost them) waits this long before it reads the documents, so it must exceed any store
   * write; a change that takes longer gives up and is redone by its redelivered message.
   */
  INVENTORY_LEASE_MS: z.coerce.number().int().min(200).max(120_000).default(5000),
  /** How often waiting backorders are looked at besides right after stock arrives. */
  INVENTORY_BACKORDER_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
});
