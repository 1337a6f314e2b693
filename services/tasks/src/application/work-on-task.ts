import { conflict, notFound } from '@oms/errors';
import type { Message } from '@oms/messaging';
import { isTodo } from '../domain/task';
import { taskUpdate, type TaskDoc } from '../data-access/task-model';
import { toTaskView, type TaskView } from '../data-access/task-view';
import { stripped } from './react-to-fact';
import type { TasksDeps } from './tasks-deps';

/** Take a task: it is assigned to the claimer (`user:<actor>`) or to whom the claim names. */
export async function claimTask(deps: TasksDeps, msg: Message<'task.claim.v1'>): Promise<TaskView | undefined> {
  const { taskId, actor, locations } = msg.data;
  const assignee = msg.data.assignee ?? `user:${actor}`;
  return deps.store.change(taskId, msg, (current) => {
    const task = visibleTask(current, taskId, locations);
    if (!isTodo(task)) throw conflict(`task ${taskId} is ${task.state}: only an open task can be claimed`);
    const claimed = { ...stripped(task), state: 'claimed' as const, assignee, claimedBy: actor, claimedAt: new Date() };
    return { update: taskUpdate(claimed), result: toTaskView({ ...task, ...claimed }) };
  });
}

/** Close a task as done, with the note of what was done. */
export async function completeTask(deps: TasksDeps, msg: Message<'task.complete.v1'>): Promise<TaskView | undefined> {
  const { taskId, actor, note, locations } = msg.data;
  return deps.store.change(taskId, msg, (current) => {
    const task = visibleTask(current, taskId, locations);
    if (!isTodo(task)) throw conflict(`task ${taskId} is already ${task.state}${task.note ? ` (${task.note})` : ''}`);
    const done = { ...stripped(task), state: 'done' as const, closedAt: new Date(), closedBy: actor, note };
    return { update: taskUpdate(done), result: toTaskView({ ...task, ...done }) };
  });
}

/**
 * The task if the sender may see it: ops any, a location key the tasks of its locations. A waiting episode
 * is no task yet, and another location's task is not found either (its existence is not revealed).
 */
export function visibleTask(current: TaskDoc | null, taskId: string, locations: string[] | undefined): TaskDoc {
  const hidden = !current || current.state === 'waiting' || !current.isTask;
  if (hidden || (locations && !(current.locationId && locations.includes(current.locationId)))) throw notFound(`Task ${taskId}`);
  return current;
}
