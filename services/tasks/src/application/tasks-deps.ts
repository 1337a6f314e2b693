import type { AggregateStore } from '@oms/outbox';
import type { AggregateLocks } from '@oms/redis';
import type { RuleSettingsRepository } from '../data-access/rule-settings';
import type { SchedulerClock } from '../data-access/scheduler-clock';
import type { TaskDoc } from '../data-access/task-model';
import type { TaskRepository } from '../data-access/task-repository';

/** What the tasks use cases work with: the task store (the one way to change a task) and the reads. */
export interface TasksDeps {
  store: AggregateStore<TaskDoc>;
  tasks: TaskRepository;
  rules: RuleSettingsRepository;
  clock: SchedulerClock;
  locks: AggregateLocks;
}
