import type { TasksDeps } from './tasks-deps';
import { hourOf } from '../data-access/task-model';

/** Held by the replica whose scheduler pass runs: the others skip theirs (docs/tasks.md, "The scheduler"). */
export const SCHEDULER_LOCK = 'tasks-scheduler';

const HOUR_MS = 60 * 60 * 1000;

/**
 * One pass of the scheduler: for every UTC hour from the one the last pass reached to the current one,
 * the episodes whose clock ends in it and has ended are sent to fire (`fire`, a command each). The hour
 * reached is stored, so a restart goes on from there and hours already passed are never read again; the
 * current hour is read again by the next pass, for the clocks still running in it. Answers how many were sent.
 */
export async function fireDueTasks(deps: Pick<TasksDeps, 'tasks' | 'clock'>, fire: (taskId: string) => Promise<void>, now = new Date()): Promise<number> {
  const current = hourOf(now);
  let hour = await deps.clock.hour();
  if (!hour) {
    hour = current;
    await deps.clock.reached(hour); // the first pass ever: later passes start here, not at their own hour
  }
  let sent = 0;
  for (;;) {
    for (const task of await deps.tasks.waitingIn(hour)) {
      if (task.state !== 'waiting' || !task.fireAt || task.fireAt.getTime() > now.getTime()) continue;
      await fire(task._id);
      sent++;
    }
    if (hour >= current) break;
    hour = hourOf(new Date(new Date(`${hour}:00:00.000Z`).getTime() + HOUR_MS));
    await deps.clock.reached(hour);
  }
  return sent;
}
