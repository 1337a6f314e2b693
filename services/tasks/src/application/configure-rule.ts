import type { Message } from '@oms/messaging';
import type { RuleView } from '../data-access/rule-settings';
import type { TasksDeps } from './tasks-deps';

/**
 * Change what a rule does. It holds for the situations that begin from now on; an episode already waiting
 * keeps the time and the task it began with (docs/tasks.md).
 */
export async function configureRule(deps: TasksDeps, msg: Message<'rule.configure.v1'>): Promise<RuleView> {
  const { ruleId, actor, ...changes } = msg.data;
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  return deps.rules.set(ruleId, set, actor);
}
