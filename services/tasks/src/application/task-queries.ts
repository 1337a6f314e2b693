import { notFound, unprocessable } from '@oms/errors';
import { dayOf } from '@oms/mongo';
import type { RuleId } from '@oms/contracts';
import { isTodo } from '../domain/task';
import type { TaskDoc } from '../data-access/task-model';
import { toTaskView, type TaskView } from '../data-access/task-view';
import { visibleTask } from './work-on-task';
import type { TasksDeps } from './tasks-deps';

export interface TaskFilter {
  /** `todo` (open or claimed: the default), `open`, `claimed` or `done`. */
  status?: 'todo' | 'open' | 'claimed' | 'done';
  assignee?: string;
  /** `overdue`, `today` or a day (`2026-12-07`): tasks due then (UTC days). */
  due?: string;
  /** With `done`: the day the tasks were closed (default today, UTC). */
  day?: string;
  /** The locations whose tasks a location key may see; absent for ops. */
  locations?: string[];
  limit: number;
  /** The last task of the page before (its id). */
  after?: string;
  now?: Date;
}

const PRIORITY_ORDER = { urgent: 0, high: 1, normal: 2, low: 3 } as const;

/**
 * The inbox: tasks to do by due time (overdue first), then priority; or the tasks closed on a day, newest
 * first. The tasks to do are read whole for the assignee (an equality on `todo` and `assignee`) and
 * sorted here: they are the open work, not the history (docs/tasks.md, "Limits").
 */
export async function listTasks(deps: Pick<TasksDeps, 'tasks'>, filter: TaskFilter): Promise<{ items: TaskView[]; next: string | null }> {
  const now = filter.now ?? new Date();
  const status = filter.status ?? 'todo';
  let found: TaskDoc[];
  if (status === 'done') {
    found = (await deps.tasks.closedOn(filter.day ?? dayOf(now))).filter((t) => t.state === 'done' && t.isTask);
    if (filter.assignee) found = found.filter((t) => t.assignee === filter.assignee);
    found.sort((a, b) => b.closedAt!.getTime() - a.closedAt!.getTime() || a._id.localeCompare(b._id));
  } else {
    found = (await deps.tasks.todo(filter.assignee)).filter((t) => status === 'todo' || t.state === status);
    found.sort((a, b) => dueTime(a) - dueTime(b) || PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || a._id.localeCompare(b._id));
  }
  if (filter.locations) found = found.filter((t) => t.locationId && filter.locations!.includes(t.locationId));
  if (filter.due) found = found.filter(dueFilter(filter.due, now));
  const start = filter.after ? found.findIndex((t) => t._id === filter.after) + 1 : 0;
  const page = found.slice(start, start + filter.limit);
  const more = start + filter.limit < found.length;
  return { items: page.map(toTaskView), next: more ? page[page.length - 1]!._id : null };
}

const dueTime = (t: TaskDoc): number => t.dueAt?.getTime() ?? Number.MAX_SAFE_INTEGER;

function dueFilter(due: string, now: Date): (t: TaskDoc) => boolean {
  if (due === 'overdue') return (t) => isTodo(t) && dueTime(t) < now.getTime();
  const day = due === 'today' ? dayOf(now) : due;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day))
    throw unprocessable(`due must be overdue, today or a day (YYYY-MM-DD), got ${due}`, [{ path: 'due', message: 'invalid' }]);
  return (t) => Boolean(t.dueAt) && dayOf(t.dueAt!) === day;
}

export async function taskById(deps: Pick<TasksDeps, 'tasks'>, id: string, locations?: string[]): Promise<TaskView> {
  return toTaskView(visibleTask(await deps.tasks.byId(id), id, locations));
}

/** Orders flagged red by a rule, with the tasks that flag them (newest first). */
export async function redFlags(deps: Pick<TasksDeps, 'tasks'>): Promise<TaskView[]> {
  const flags = await deps.tasks.redFlags();
  return flags.sort((a, b) => (b.openedAt?.getTime() ?? 0) - (a.openedAt?.getTime() ?? 0)).map(toTaskView);
}

/** Every task about an order that a rule showed (open or closed), oldest first: the order's page lists them. */
export async function tasksOfOrder(deps: Pick<TasksDeps, 'tasks'>, orderId: string): Promise<TaskView[]> {
  const all = await deps.tasks.ofOrder(orderId);
  return all
    .filter((t) => t.openedAt && (t.isTask || t.flagRed))
    .sort((a, b) => a.openedAt!.getTime() - b.openedAt!.getTime())
    .map(toTaskView);
}

export async function ruleOf(deps: Pick<TasksDeps, 'rules'>, id: string) {
  const all = await deps.rules.all();
  const found = all.find((r) => r.id === (id as RuleId));
  if (!found) throw notFound(`Rule ${id}`);
  return found;
}
