import { deterministicId, type Outgoing } from '@oms/contracts';
import type { Message } from '@oms/messaging';
import { beginEpisode, endEpisode, restartClock, type Task } from '../domain/task';
import { signalsOf, type RuleDefinition, type Signal, type WatchedFact, type WatchedType } from '../domain/rules';
import { situationKey, situationLockKey, taskUpdate, type TaskDoc } from '../data-access/task-model';
import type { TasksDeps } from './tasks-deps';

/**
 * An event the rules watch: each rule it means something to starts, renews or ends its situation about the
 * event's subject, under the situation's lock (a start never races the end of the episode before it).
 */
export async function reactToFact(deps: TasksDeps, msg: Message<WatchedType>): Promise<void> {
  const fact = { type: msg.type, data: msg.data, occurredAt: msg.occurredAt, producer: msg.producer } as WatchedFact;
  for (const { rule, signal } of signalsOf(fact)) {
    const situation = situationKey(rule.id, signal.link);
    // Most ends meet no live episode (every approved payment ends a review that never began): without one
    // there is nothing to end, and no lock to take (a start racing this end could follow it either way).
    if (signal.effect === 'stop' && !(await deps.tasks.liveOf(situation))) continue;
    await deps.locks.withLock(situationLockKey(situation), async () => {
      const live = await deps.tasks.liveOf(situation);
      if (signal.effect === 'stop') {
        if (live) await end(deps, msg, live, signal.reason ?? 'done');
        return;
      }
      if (live && signal.effect === 'start') return; // the situation already holds
      if (live && live.state === 'waiting') {
        const settings = await deps.rules.get(rule.id);
        const renewed = { ...stripped(live), ...restartClock(settings, new Date(msg.occurredAt), new Date()) };
        await deps.store.change(live._id, msg, () => ({ update: taskUpdate(renewed) }));
        return;
      }
      // Renewed while its task is open: what the task waited for came, and the situation begins again.
      if (live) await end(deps, msg, live, signal.reason ?? 'renewed');
      await begin(deps, msg, rule, signal, situation);
    });
  }
}

async function begin(deps: TasksDeps, msg: Message<WatchedType>, rule: RuleDefinition, signal: Signal, situation: string): Promise<void> {
  const settings = await deps.rules.get(rule.id);
  if (!settings.enabled) return;
  const task = beginEpisode(rule, settings, signal, new Date(msg.occurredAt), new Date());
  const id = deterministicId(msg.id, situation);
  await deps.store.change(id, msg, (current) =>
    current ? {} : { create: taskUpdate(task).$set, emit: triggered(id, task), correlationId: task.orderId ?? msg.correlationId },
  );
}

async function end(deps: TasksDeps, msg: Message<WatchedType>, live: TaskDoc, reason: string): Promise<void> {
  await deps.store.change(live._id, msg, (current) => {
    if (!current || (current.state !== 'waiting' && current.state !== 'open' && current.state !== 'claimed')) return {};
    return { update: taskUpdate({ ...stripped(current), ...endEpisode(current, reason, new Date()) }) };
  });
}

/** rule.triggered.v1 for an episode the rule acted on, when the rule says to publish it. */
export function triggered(id: string, task: Task): Outgoing[] {
  if (!task.emitEvent || task.state === 'waiting') return [];
  return [
    {
      type: 'rule.triggered.v1',
      data: {
        ruleId: task.rule,
        taskId: id,
        title: task.title,
        link: task.link,
        ...(task.orderId ? { orderId: task.orderId } : {}),
        ...(task.locationId ? { locationId: task.locationId } : {}),
        flagRed: task.flagRed,
        priority: task.priority,
      },
    },
  ];
}

/** The task's own fields of a stored document (what the domain decides on), without the query fields. */
export function stripped(doc: TaskDoc): Task {
  const { _id, processed, outbox, sent, sentBy, fence, situation, fireHour, todo, redFlag, closedDay, ...task } = doc;
  return task;
}
