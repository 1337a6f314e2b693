import { baseConfigSchema, z } from '@oms/config';

export const configSchema = baseConfigSchema.extend({
  /**
   * New orders in hand (AMQP_PREFETCH is for the other queues). They are stored in batches of the orders in
   * flight (InsertBatcher), so more in hand makes larger batches, and after a burst of intake the new
   * orders get a larger share of the store than the progress of the orders already stored: capture first.
   */
  INTAKE_PREFETCH: z.coerce.number().int().min(1).max(1000).default(200),
  /** Days a prepayment (bank transfer) order waits for its money before it is cancelled; fractions allowed. */
  PREPAYMENT_DAYS: z.coerce.number().positive().default(7),
  /** How often ingestion looks for prepayment orders past PREPAYMENT_DAYS. */
  PREPAYMENT_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(15 * 60 * 1000),
});
