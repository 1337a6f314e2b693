import type { TaskDoc } from './task-model';

/** A task as the API shows it: its state and what it is about, without the store's bookkeeping. */
export function toTaskView(t: TaskDoc) {
  return {
    id: t._id,
    rule: t.rule,
    state: t.state,
    title: t.title,
    link: t.link,
    ...(t.orderId ? { orderId: t.orderId } : {}),
    ...(t.locationId ? { locationId: t.locationId } : {}),
    assignee: t.assignee,
    priority: t.priority,
    flagRed: t.flagRed,
    isTask: t.isTask,
    startedAt: t.startedAt,
    ...(t.fireAt ? { actsAt: t.fireAt } : {}),
    ...(t.openedAt ? { openedAt: t.openedAt } : {}),
    ...(t.dueAt ? { dueAt: t.dueAt } : {}),
    ...(t.claimedBy ? { claimedBy: t.claimedBy, claimedAt: t.claimedAt } : {}),
    ...(t.closedAt ? { closedAt: t.closedAt, closedBy: t.closedBy } : {}),
    ...(t.note ? { note: t.note } : {}),
  };
}
export type TaskView = ReturnType<typeof toTaskView>;
