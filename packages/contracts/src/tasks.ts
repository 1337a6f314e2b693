import { z } from 'zod';

/**
 * The built-in trigger rules (docs/tasks.md). Each watches a situation the OMS knows from its events; what it
 * does when the situation holds (how long it may last, the task, the red flag, the event) is data, changed
 * with PUT /v1/rules/{id}.
 */
export const RULE_IDS = [
  'shipment-without-tracking',
  'delivery-overdue',
  'order-on-hold',
  'payment-review-waiting',
  'pack-order',
  'stock-low',
  'pickup-not-collected',
  'return-not-received',
  'refund-failed',
  'webhook-delivery-failed',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/**
 * Who works a task: a team (`team:<name>`), a location's staff (`location:<id>`) or one user (`user:<name>`).
 * A rule's assignee may name `{locationId}`, filled in from the situation (the location of the work).
 */
export const assigneeSchema = z
  .string()
  .regex(/^(team|location|user):[A-Za-z0-9{][A-Za-z0-9._:{}-]{0,127}$/, 'must be team:<name>, location:<id> or user:<name>');

/** What a rule does, all of it configurable (PUT /v1/rules/{id}: fields absent stay as they are). */
export const ruleSettingsSchema = z.object({
  /** A disabled rule starts nothing; what it already started still closes when the work is done. */
  enabled: z.boolean(),
  /** How long the situation must last before the rule acts; 0 acts at once. */
  afterHours: z
    .number()
    .min(0)
    .max(24 * 366),
  /** Open a task for someone to act on. */
  createTask: z.boolean(),
  assignee: assigneeSchema,
  priority: z.enum(TASK_PRIORITIES),
  /** The task is due this long after the rule acted. */
  dueInHours: z
    .number()
    .min(0)
    .max(24 * 366),
  /** Flag the order red while the task is open (GET /v1/red-flags, the console's order list). */
  flagRed: z.boolean(),
  /** Publish rule.triggered.v1 (for webhook subscribers and partners of ops). */
  emitEvent: z.boolean(),
});
export type RuleSettings = z.infer<typeof ruleSettingsSchema>;

/** What a task is about: the console links it there. */
export const taskLinkSchema = z.object({ kind: z.enum(['order', 'shipment', 'return', 'sku', 'fulfillment', 'webhook']), id: z.string().min(1) });
export type TaskLink = z.infer<typeof taskLinkSchema>;

export const taskId = z.string().min(1).max(200);
export const ruleId = z.enum(RULE_IDS);
