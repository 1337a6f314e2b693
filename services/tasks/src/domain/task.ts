import type { RuleId, RuleSettings, TaskLink, TaskPriority } from '@oms/contracts';
import { assigneeFor, type RuleDefinition, type Signal } from './rules';

/**
 * One episode of a rule's situation about one subject, and the task it becomes:
 * - `waiting`: the situation holds and its clock runs (`fireAt`); no one sees it yet;
 * - `open`: the rule acted; a task to do (and/or a red flag on the order) until it is done;
 * - `claimed`: someone took the task;
 * - `done`: closed, by a user with a note or by itself when the work was done;
 * - `dropped`: the situation ended before the rule acted (or the rule acted with nothing left to show).
 */
export type TaskState = 'waiting' | 'open' | 'claimed' | 'done' | 'dropped';

export interface Task {
  rule: RuleId;
  state: TaskState;
  title: string;
  link: TaskLink;
  orderId?: string;
  locationId?: string;
  /** The team or location the rule gives it to, or the user who claimed it. */
  assignee: string;
  priority: TaskPriority;
  /** A task users see (the rule's `createTask`); without one, the episode only flags or emits. */
  isTask: boolean;
  flagRed: boolean;
  emitEvent: boolean;
  dueInHours: number;
  startedAt: Date;
  /** When the rule acts if the situation still holds (state waiting). */
  fireAt?: Date;
  openedAt?: Date;
  dueAt?: Date;
  claimedBy?: string;
  claimedAt?: Date;
  closedAt?: Date;
  /** `user:<name>`-like actor who completed it, or `system` when the work was done. */
  closedBy?: string;
  /** The user's note, or why it closed by itself. */
  note?: string;
}

export const isLive = (t: Pick<Task, 'state'>): boolean => t.state === 'waiting' || t.state === 'open' || t.state === 'claimed';
export const isTodo = (t: Pick<Task, 'state'>): boolean => t.state === 'open' || t.state === 'claimed';

const HOUR_MS = 60 * 60 * 1000;

/** A situation begins: an episode waiting for the rule's time, or acted on at once (afterHours 0). */
export function beginEpisode(rule: RuleDefinition, settings: RuleSettings, signal: Signal, at: Date, now: Date): Task {
  const waiting: Task = {
    rule: rule.id,
    state: 'waiting',
    title: rule.title(signal),
    link: signal.link,
    ...(signal.orderId ? { orderId: signal.orderId } : {}),
    ...(signal.locationId ? { locationId: signal.locationId } : {}),
    assignee: assigneeFor(settings, signal),
    priority: settings.priority,
    isTask: settings.createTask,
    flagRed: settings.flagRed,
    emitEvent: settings.emitEvent,
    dueInHours: settings.dueInHours,
    startedAt: at,
    fireAt: new Date(at.getTime() + settings.afterHours * HOUR_MS),
  };
  return waiting.fireAt!.getTime() <= now.getTime() ? { ...waiting, ...act(waiting, now) } : waiting;
}

/** The rule's time came and the situation still holds: the episode opens (a task, a red flag), or ends if it shows nothing. */
export function act(task: Pick<Task, 'isTask' | 'flagRed' | 'dueInHours'>, now: Date): Partial<Task> {
  const shown = task.isTask || task.flagRed;
  return shown
    ? { state: 'open', openedAt: now, dueAt: new Date(now.getTime() + task.dueInHours * HOUR_MS), fireAt: undefined }
    : { state: 'dropped', openedAt: now, closedAt: now, closedBy: 'system', note: 'the rule acted (event only)', fireAt: undefined };
}

/**
 * The clock starts again from `at` (a renewal while waiting). A renewal processed late whose time has
 * already passed acts at the scheduler's next pass (never in an hour the scheduler has left behind).
 */
export const restartClock = (settings: Pick<RuleSettings, 'afterHours'>, at: Date, now: Date): Partial<Task> => ({
  fireAt: new Date(Math.max(at.getTime() + settings.afterHours * HOUR_MS, now.getTime())),
});

/** The situation ended, or the work was done: a waiting episode is dropped, an open task closes by itself. */
export function endEpisode(task: Pick<Task, 'state'>, reason: string, now: Date): Partial<Task> {
  if (task.state === 'waiting') return { state: 'dropped', closedAt: now, closedBy: 'system', note: reason, fireAt: undefined };
  return { state: 'done', closedAt: now, closedBy: 'system', note: reason };
}
