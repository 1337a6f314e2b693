import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api';
import { ProblemNotice } from '../components';
import { t } from '../i18n';
import { TaskTable, type TaskRow } from './TaskList';

/** The task inbox (GET /v1/tasks): what rules turned into work, by due time, with its filters. */
export function Tasks({ refreshKey, defaultAssignee }: { refreshKey: number; defaultAssignee?: string }) {
  const [status, setStatus] = useState('todo');
  const [due, setDue] = useState('');
  const [assignee, setAssignee] = useState(defaultAssignee ?? '');
  const [tasks, setTasks] = useState<TaskRow[] | undefined>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const load = async (cursor?: string) => {
    setError(undefined);
    try {
      const page = await api<{ items: TaskRow[]; next: string | null }>('GET', `/v1/tasks${query({ status, due, assignee, cursor })}`);
      setTasks(cursor ? [...(tasks ?? []), ...page.items] : page.items);
      setNext(page.next);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => void load(), [status, due, assignee, refreshKey]);
  return (
    <main id="main">
      <h1>{t('tasks')}</h1>
      <div class="filters">
        <label class="field">
          <span>{t('status')}</span>
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="todo">{t('todo')}</option>
            <option value="open">{t('open')}</option>
            <option value="claimed">{t('claimed')}</option>
            <option value="done">{t('done')}</option>
          </select>
        </label>
        <label class="field">
          <span>{t('due')}</span>
          <select value={due} onChange={(e) => setDue((e.target as HTMLSelectElement).value)}>
            <option value="">{t('anyDue')}</option>
            <option value="overdue">{t('overdue')}</option>
            <option value="today">{t('today')}</option>
          </select>
        </label>
        <label class="field">
          <span>{t('assignee')}</span>
          <input value={assignee} placeholder={t('allAssignees')} onChange={(e) => setAssignee((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      <ProblemNotice error={error} />
      {tasks === undefined ? (
        <p aria-busy="true">{t('loading')}</p>
      ) : tasks.length === 0 ? (
        <p>{t('nothingFound')}</p>
      ) : (
        <TaskTable tasks={tasks} changed={() => void load()} />
      )}
      {next ? (
        <button type="button" onClick={() => void load(next)}>
          {t('more')}
        </button>
      ) : null}
    </main>
  );
}
