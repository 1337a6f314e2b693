import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Problem } from './api';
import { t } from './i18n';

/** What went wrong, as the API said it, with each field's error: announced to screen readers. */
export function ProblemNotice({ error }: { error: unknown }) {
  if (!error) return null;
  const problem = error instanceof Problem ? error : undefined;
  return (
    <div class="notice error" role="alert">
      <strong>{problem ? problem.title : t('error')}</strong>
      {problem?.detail ? <span> {problem.detail}</span> : null}
      {problem && problem.errors.length > 0 ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.path}>
              {e.path}: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A button that runs an API call: disabled while it runs, then shows what happened. */
export function ActionButton({
  label,
  run,
  onDone,
  kind,
}: {
  label: string;
  run: () => Promise<unknown>;
  onDone?: (result: unknown) => void;
  kind?: 'danger';
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const click = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onDone?.(await run());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={kind ?? ''} disabled={busy} onClick={() => void click()}>
        {label}
      </button>
      <ProblemNotice error={error} />
    </span>
  );
}

/** A labelled text field. */
export function Field({
  label,
  value,
  onInput,
  type,
  required,
  hint,
}: {
  label: string;
  value: string;
  onInput: (v: string) => void;
  type?: string;
  required?: boolean;
  hint?: string;
}) {
  return (
    <label class="field">
      <span>{label}</span>
      <input type={type ?? 'text'} value={value} required={required} placeholder={hint} onInput={(e) => onInput((e.target as HTMLInputElement).value)} />
    </label>
  );
}

/** A labelled choice among `options`, each a value and the text shown for it. */
export function SelectField({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: ReadonlyArray<readonly [value: string, text: string]>;
}) {
  return (
    <label class="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * A list read in cursor pages: the first page again whenever one of `deps` changes, the next one appended by
 * `more`. `fetchPage` answers a page's items and the cursor of the page after it (null at the end).
 */
export function useCursorPages<T>(fetchPage: (cursor?: string) => Promise<{ items: T[]; next: string | null }>, deps: unknown[]) {
  const [rows, setRows] = useState<T[] | undefined>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const load = async (cursor?: string) => {
    setError(undefined);
    try {
      const page = await fetchPage(cursor);
      setRows((before) => (cursor ? [...(before ?? []), ...page.items] : page.items));
      setNext(page.next);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => void load(), deps);
  return { rows, next, error, reload: () => void load(), more: () => void (next && load(next)) };
}

/** "Show more": the next page of a list, while there is one. */
export function MoreButton({ next, more }: { next: string | null; more: () => void }) {
  return next ? (
    <button type="button" onClick={more}>
      {t('more')}
    </button>
  ) : null;
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A red flag: shown with its word, not by colour alone. */
export const RedFlag = () => (
  <span class="flag" title={t('redFlag')}>
    ⚑ {t('redFlag')}
  </span>
);
