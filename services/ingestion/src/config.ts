import { baseConfigSchema, z } from '@oms/config';
import { DEFAULT_SHIPPING_COVERAGE, shippingCoverageSchema } from '@oms/contracts';

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
  /**
   * Where each shipping method delivers, as JSON (docs/addresses.md): the address check holds an order whose
   * method cannot reach its address. Default: DEFAULT_SHIPPING_COVERAGE of @oms/contracts.
   */
  SHIPPING_COVERAGE: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return DEFAULT_SHIPPING_COVERAGE;
      try {
        return shippingCoverageSchema.parse(JSON.parse(raw));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `is not a valid coverage table: ${(err as Error).message}` });
        return z.NEVER;
      }
    }),
  PREPAYMENT_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(15 * 60 * 1000),
});
