import { baseConfigSchema, z } from '@oms/config';

export const SERVICE_NAME = 'fulfillment';

/** Hours from the order to the parcel leaving, per shipping method (`default` for the others). */
export const DEFAULT_HANDLING_HOURS: Record<string, number> = { express: 4, standard: 24, pickup: 4, default: 24 };

const handlingHoursSchema = z.record(
  z.string().min(1).max(50),
  z
    .number()
    .min(0)
    .max(24 * 60),
);

export const configSchema = baseConfigSchema.extend({
  /**
   * The ship-by time of a fulfillment is the order's time plus these hours of its shipping method, as JSON
   * (`{"express":4,"standard":24,"default":24}`): queues and pick lists take the work by it.
   */
  HANDLING_HOURS: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return DEFAULT_HANDLING_HOURS;
      try {
        return { ...DEFAULT_HANDLING_HOURS, ...handlingHoursSchema.parse(JSON.parse(raw)) };
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `is not a table of hours per shipping method: ${(err as Error).message}` });
        return z.NEVER;
      }
    }),
  /** Click & collect: days a pickup waits before the customer is reminded (fulfillment.pickup-overdue.v1); fractions allowed. */
  PICKUP_REMIND_AFTER_DAYS: z.coerce.number().positive().default(3),
  /** Days a pickup waits before the order is cancelled and its goods go back to the shelf; fractions allowed. */
  PICKUP_CANCEL_AFTER_DAYS: z.coerce.number().positive().default(7),
  /** How often fulfillment looks for pickups waiting too long. */
  PICKUP_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(15 * 60 * 1000),
  /** How often fulfillment drops the past days of the active work queues that hold no work any more. */
  WORK_QUEUE_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(60 * 60 * 1000),
});

export type FulfillmentConfig = z.infer<typeof configSchema>;
