import { Schema, type Connection, type Model } from 'mongoose';
import { dayOf } from '@oms/mongo';
import { aggregateFields, type AggregateDocument } from '@oms/outbox';
import { isLive, isTodo, type Task } from '../domain/task';

/**
 * A rule's episode and its task, with the fields its queries read by equality (FerretDB 1.x pushes only
 * equalities down): `situation` finds the live episode of a rule and subject, `fireHour` the clocks due in
 * an hour, `todo` the tasks to do, `redFlag` the open red flags, `closedDay` the tasks closed on a day.
 */
export interface TaskDoc extends AggregateDocument, Task {
  /** `<rule>|<kind>:<id>` while the episode is live (waiting, open, claimed); absent after. */
  situation?: string;
  /** The UTC hour (`2026-12-07T14`) of `fireAt` while waiting: the scheduler reads one hour at a time. */
  fireHour?: string;
  todo: boolean;
  redFlag: boolean;
  closedDay?: string;
}

export const situationKey = (rule: string, link: { kind: string; id: string }): string => `${rule}|${link.kind}:${link.id}`;
export const hourOf = (at: Date): string => at.toISOString().slice(0, 13);

/** One writer per task: every change of an episode happens under this lock. */
export const taskLockKey = (taskId: string): string => `task:${taskId}`;
/** Serialises the events of one rule's situation: a start never races the stop of the episode before it. */
export const situationLockKey = (situation: string): string => `task-situation:${situation}`;

/**
 * The stored form of a task's state, query fields included: what `$set` and `$unset` must hold so that the
 * fields derived from the state follow it in the same write.
 */
export function storedState(task: Task): { set: Partial<TaskDoc>; unset: Record<string, 1> } {
  const live = isLive(task);
  const todo = isTodo(task);
  const derived: Partial<TaskDoc> = { todo: todo && task.isTask, redFlag: todo && task.flagRed };
  const unset: Record<string, 1> = {};
  if (live) derived.situation = situationKey(task.rule, task.link);
  else unset.situation = 1;
  if (task.state === 'waiting' && task.fireAt) derived.fireHour = hourOf(task.fireAt);
  else unset.fireHour = 1;
  if (task.closedAt) derived.closedDay = dayOf(task.closedAt);
  for (const [key, value] of Object.entries(task)) if (value === undefined) unset[key] = 1;
  const set = Object.fromEntries(Object.entries({ ...task, ...derived }).filter(([, v]) => v !== undefined)) as Partial<TaskDoc>;
  return { set, unset };
}

/** The update operators that store `task` (the whole of it: a change is always the state it leads to). */
export function taskUpdate(task: Task): { $set: Partial<TaskDoc>; $unset?: Record<string, 1> } {
  const { set, unset } = storedState(task);
  return Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set };
}

const taskSchema = new Schema<TaskDoc>(
  {
    _id: { type: String },
    rule: { type: String, required: true },
    state: { type: String, enum: ['waiting', 'open', 'claimed', 'done', 'dropped'], required: true },
    title: { type: String, required: true },
    link: { type: new Schema({ kind: String, id: String }, { _id: false }), required: true },
    orderId: { type: String, index: true },
    locationId: String,
    assignee: { type: String, required: true },
    priority: { type: String, required: true },
    isTask: { type: Boolean, required: true },
    flagRed: { type: Boolean, required: true },
    emitEvent: { type: Boolean, required: true },
    dueInHours: { type: Number, required: true },
    startedAt: { type: Date, required: true },
    fireAt: Date,
    openedAt: Date,
    dueAt: Date,
    claimedBy: String,
    claimedAt: Date,
    closedAt: Date,
    closedBy: String,
    note: String,
    situation: { type: String, index: true },
    fireHour: { type: String, index: true },
    todo: { type: Boolean, required: true },
    redFlag: { type: Boolean, required: true },
    closedDay: { type: String, index: true },
  },
  { versionKey: false, collection: 'tasks' },
);
taskSchema.plugin(aggregateFields);
// The inbox: tasks to do, of one assignee or all (equalities FerretDB pushes down).
taskSchema.index({ todo: 1, assignee: 1 });
taskSchema.index({ redFlag: 1 });

export const taskModel = (db: Connection): Model<TaskDoc> => db.model<TaskDoc>('Task', taskSchema);
