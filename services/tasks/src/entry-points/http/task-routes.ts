import { z } from 'zod';
import { assigneeSchema } from '@oms/contracts';
import { parseOrThrow } from '@oms/errors';
import type { Express } from '@oms/http';
import { listTasks, redFlags, ruleOf, taskById, tasksOfOrder } from '../../application/task-queries';
import type { TasksDeps } from '../../application/tasks-deps';

/** `a,b`: the locations of a location key (the gateway sends them; absent for ops). */
const locationList = z
  .string()
  .max(2000)
  .transform((s) => s.split(',').filter(Boolean))
  .optional();

const listQuery = z.strictObject({
  status: z.enum(['todo', 'open', 'claimed', 'done']).default('todo'),
  assignee: assigneeSchema.optional(),
  due: z.string().max(20).optional(),
  day: z.iso.date().optional(),
  locations: locationList,
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Queries for the gateway (internal port only). */
export function taskRoutes(deps: Pick<TasksDeps, 'tasks' | 'rules'>) {
  return (app: Express) => {
    app.get('/internal/tasks', async (req, res) => {
      const q = parseOrThrow(listQuery, req.query, 'query');
      res.json(await listTasks(deps, { ...q, after: q.cursor }));
    });

    app.get('/internal/tasks/:id', async (req, res) => {
      const { locations } = parseOrThrow(z.object({ locations: locationList }), req.query, 'query');
      res.json(await taskById(deps, req.params.id, locations));
    });

    app.get('/internal/red-flags', async (_req, res) => {
      res.json({ items: await redFlags(deps) });
    });

    app.get('/internal/orders/:id/tasks', async (req, res) => {
      res.json({ items: await tasksOfOrder(deps, req.params.id) });
    });

    app.get('/internal/rules', async (_req, res) => {
      res.json({ items: await deps.rules.all() });
    });

    app.get('/internal/rules/:id', async (req, res) => {
      res.json(await ruleOf(deps, req.params.id));
    });
  };
}
