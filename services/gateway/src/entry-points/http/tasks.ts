import { z } from 'zod';
import { assigneeSchema, commands, RULE_IDS, ruleSettingsSchema, type RuleId } from '@oms/contracts';
import { notFound } from '@oms/errors';
import { express } from '@oms/http';
import type { GatewayDeps } from '../../application/deps';
import { locationScope } from '../../application/fulfillment-queries';
import { redFlagList, ruleById, ruleList, taskById, taskList, tasksOfOrder } from '../../application/task-queries';
import { apiRoute, pathId } from './api-route';
import { principalOf, requireOps } from './auth';
import { commandRoute } from './command-route';

// Any id: one that names no rule is a 404, like any resource that does not exist.
const ruleParams = z.object({ id: pathId });
const isRuleId = (id: string): id is RuleId => (RULE_IDS as readonly string[]).includes(id);
const taskParams = z.object({ id: pathId });
const configureBody = ruleSettingsSchema.partial().strict();
const claimBody = commands['task.claim.v1'].pick({ assignee: true }).strict();
const completeBody = commands['task.complete.v1'].pick({ note: true }).strict();
const listQuery = z.object({
  status: z.enum(['todo', 'open', 'claimed', 'done']).optional().describe('todo (open or claimed; default), open, claimed or done'),
  assignee: assigneeSchema.optional().describe('team:<name>, location:<id> or user:<name>'),
  due: z
    .string()
    .regex(/^(overdue|today|\d{4}-\d{2}-\d{2})$/, 'must be overdue, today or a day (YYYY-MM-DD)')
    .optional()
    .describe('overdue, today or a day (UTC)'),
  day: z.iso.date().optional().describe('With status=done: the day the tasks were closed (UTC; default today)'),
  cursor: z.string().min(1).max(200).optional().describe('next of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size, 1-200, default 50'),
});
// Owned by the tasks service: documented loosely, its fields are that service's contract.
const taskView = z
  .object({ id: z.string(), rule: z.string(), state: z.string(), title: z.string() })
  .loose()
  .describe('A task a rule opened: what it is about (link, orderId), who works it (assignee), when it is due, its state');
const ruleView = z
  .object({ id: z.string(), name: z.string() })
  .loose()
  .describe('A trigger rule: what it watches (description), its settings in force and its defaults');
const taskPage = z.object({ items: z.array(taskView), next: z.string().nullable() });

export function tasksRoutes(deps: GatewayDeps): express.Router {
  const router = express.Router();

  apiRoute(router, {
    method: 'get',
    path: '/rules',
    summary: 'The trigger rules and what each does (ops)',
    tags: ['tasks'],
    responses: { 200: { description: 'Every built-in rule with its settings in force', schema: z.object({ items: z.array(ruleView) }) } },
    handler: async (_req, res) => {
      requireOps(res);
      res.json(await ruleList(deps));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/rules/:id',
    summary: 'One trigger rule (ops)',
    tags: ['tasks'],
    params: ruleParams,
    responses: { 200: { description: 'The rule', schema: ruleView } },
    handler: async (_req, res, { params }) => {
      requireOps(res);
      res.json(await ruleById(deps, params.id));
    },
  });

  commandRoute(router, deps, {
    method: 'put',
    path: '/rules/:id',
    summary:
      'Change what a rule does: enabled, afterHours (how long the situation must last), createTask, assignee, priority, dueInHours, flagRed, emitEvent. Fields left out stay as they are; situations already waiting keep their time',
    tags: ['tasks'],
    params: ruleParams,
    body: configureBody,
    responses: {
      200: { description: 'The rule now in force', schema: ruleView },
      202: { description: 'Queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('configure_requested') }) },
    },
    command: ({ params, body }, res) => {
      const { actor } = requireOps(res);
      if (!isRuleId(params.id)) throw notFound(`Rule ${params.id}`);
      return { type: 'rule.configure.v1', data: { ruleId: params.id, ...body, actor }, correlationId: params.id };
    },
    pending: ({ ruleId: id }) => ({ id, status: 'configure_requested' }),
  });

  apiRoute(router, {
    method: 'get',
    path: '/tasks',
    summary: 'The task inbox: tasks to do by due time, overdue first, then priority; or the tasks closed on a day (ops, or a location key: its own)',
    tags: ['tasks'],
    query: listQuery,
    errors: [403],
    responses: { 200: { description: 'One page; pass next as cursor for the next', schema: taskPage } },
    handler: async (_req, res, { query }) => {
      res.json(await taskList(deps, principalOf(res), query));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/tasks/:id',
    summary: 'One task',
    tags: ['tasks'],
    params: taskParams,
    errors: [403],
    responses: { 200: { description: 'The task', schema: taskView } },
    handler: async (_req, res, { params }) => {
      res.json(await taskById(deps, principalOf(res), params.id));
    },
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/tasks/:id/claim',
    summary: 'Take a task: it is assigned to the caller (user:<actor>) or to the assignee given',
    tags: ['tasks'],
    params: taskParams,
    body: claimBody,
    errors: [403, 409],
    responses: {
      200: { description: 'Claimed', schema: taskView },
      202: { description: 'Queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('claim_requested') }) },
    },
    command: ({ params, body }, res) => {
      const principal = principalOf(res);
      return { type: 'task.claim.v1', data: { taskId: params.id, ...body, actor: principal.actor, ...locationScope(principal) }, correlationId: params.id };
    },
    pending: ({ taskId }) => ({ id: taskId, status: 'claim_requested' }),
  });

  commandRoute(router, deps, {
    method: 'post',
    path: '/tasks/:id/complete',
    summary: 'Close a task as done, with a note of what was done (a task also closes by itself when the work is done)',
    tags: ['tasks'],
    params: taskParams,
    body: completeBody,
    errors: [403, 409],
    responses: {
      200: { description: 'Done', schema: taskView },
      202: { description: 'Queued; it will be carried out', schema: z.object({ id: z.string(), status: z.literal('complete_requested') }) },
    },
    command: ({ params, body }, res) => {
      const principal = principalOf(res);
      return { type: 'task.complete.v1', data: { taskId: params.id, ...body, actor: principal.actor, ...locationScope(principal) }, correlationId: params.id };
    },
    pending: ({ taskId }) => ({ id: taskId, status: 'complete_requested' }),
  });

  apiRoute(router, {
    method: 'get',
    path: '/red-flags',
    summary: 'Orders flagged red by a rule (a delivery overdue...), with the task that flags each, newest first (ops)',
    tags: ['tasks'],
    responses: { 200: { description: 'The open red flags', schema: z.object({ items: z.array(taskView) }) } },
    handler: async (_req, res) => {
      requireOps(res);
      res.json(await redFlagList(deps));
    },
  });

  apiRoute(router, {
    method: 'get',
    path: '/orders/:id/tasks',
    summary: 'The tasks and red flags rules raised about an order, open and closed, oldest first',
    tags: ['tasks'],
    params: taskParams,
    responses: { 200: { description: 'The order’s tasks', schema: z.object({ items: z.array(taskView) }) } },
    handler: async (_req, res, { params }) => {
      res.json(await tasksOfOrder(deps, principalOf(res), params.id));
    },
  });

  return router;
}
