import { useState } from 'preact/hooks';
import { api } from '../api';
import { Field, ProblemNotice } from '../components';
import { t } from '../i18n';
import type { Session } from '../session';

/** Username and password; or, for the first sign-in before any user exists, the bootstrap ops key. */
export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [withKey, setWithKey] = useState(false);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api<Session>('POST', '/v1/session', withKey ? { apiKey } : { username, password }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>{t('appName')}</h1>
      <form onSubmit={(e) => void submit(e)} class="card">
        {withKey ? (
          <Field label={t('apiKey')} type="password" value={apiKey} onInput={setApiKey} required />
        ) : (
          <>
            <Field label={t('username')} value={username} onInput={setUsername} required />
            <Field label={t('password')} type="password" value={password} onInput={setPassword} required />
          </>
        )}
        <ProblemNotice error={error} />
        <button type="submit" disabled={busy}>
          {t('signIn')}
        </button>
        <button type="button" class="link" onClick={() => setWithKey(!withKey)}>
          {withKey ? t('withPassword') : t('withKey')}
        </button>
      </form>
    </main>
  );
}
