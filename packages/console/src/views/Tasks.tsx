import { useState } from 'preact/hooks';
import { api, query } from '../api';
import { MoreButton, ProblemNotice, SelectField, useCursorPages } from '../components';
import { t } from '../i18n';
import { TaskTable, type TaskRow } from './TaskList';

/** The task inbox (GET /v1/tasks): what rules turned into work, by due time, with its filters. */
export function Tasks({ refreshKey, defaultAssignee }: { refreshKey: number; defaultAssignee?: string }) {
  const [status, setStatus] = useState('todo');
  const [due, setDue] = useState('');
  const [assignee, setAssignee] = useState(defaultAssignee ?? '');
  const {
    rows: tasks,
    next,
    error,
    reload,
    more,
  } = useCursorPages(
    (cursor) => api<{ items: TaskRow[]; next: string | null }>('GET', `/v1/tasks${query({ status, due, assignee, cursor })}`),
    [status, due, assignee, refreshKey],
  );
  return (
    <main id="main">
      <h1>{t('tasks')}</h1>
      <div class="filters">
        <SelectField
          label={t('status')}
          value={status}
          onChange={setStatus}
          options={[
            ['todo', t('todo')],
            ['open', t('open')],
            ['claimed', t('claimed')],
            ['done', t('done')],
          ]}
        />
        <SelectField
          label={t('due')}
          value={due}
          onChange={setDue}
          options={[
            ['', t('anyDue')],
            ['overdue', t('overdue')],
            ['today', t('today')],
          ]}
        />
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
        <TaskTable tasks={tasks} changed={reload} />
      )}
      <MoreButton next={next} more={more} />
    </main>
  );
}
