import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, useSession } from './api';
import { followLiveEvents } from './live';
import { locale, setLocale, t, type Locale } from './i18n';
import { href, useRoute } from './router';
import { isOps, locationsOf, type Session } from './session';
import { Inventory } from './views/Inventory';
import { OrderDetail } from './views/OrderDetail';
import { Orders } from './views/Orders';
import { Reports } from './views/Reports';
import { Returns } from './views/Returns';
import { SignIn } from './views/SignIn';
import { Tasks } from './views/Tasks';
import { WorkQueue } from './views/WorkQueue';

function App() {
  const [session, setSession] = useState<Session | null | undefined>();
  const [, setLanguage] = useState<Locale>(locale());
  const route = useRoute();
  const signedIn = (s: Session | null) => {
    if (s) useSession(s.csrfToken, () => setSession(null));
    if (s?.locale === 'de' || s?.locale === 'en') changeLanguage(s.locale);
    setSession(s);
  };
  const changeLanguage = (next: Locale) => {
    setLocale(next);
    setLanguage(next);
  };
  const [liveTick, setLiveTick] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  useEffect(() => {
    if (!session) return;
    return followLiveEvents((text) => {
      setAnnouncement(text);
      setLiveTick((n) => n + 1);
    });
  }, [session]);
  useEffect(() => {
    document.documentElement.lang = locale();
    api<Session | undefined>('GET', '/v1/session').then(
      (s) => signedIn(s ?? null),
      () => setSession(null),
    );
  }, []);
  if (session === undefined) return <p aria-busy="true">{t('loading')}</p>;
  if (session === null) return <SignIn onSignedIn={signedIn} />;

  const ops = isOps(session);
  const locations = locationsOf(session);
  const nav: [string, string][] = ops
    ? [
        ['orders', t('orders')],
        ['tasks', t('tasks')],
        ['work', t('workQueue')],
        ['inventory', t('inventory')],
        ['returns', t('returns')],
        ['reports', t('reports')],
      ]
    : [
        ['tasks', t('tasks')],
        ['work', t('workQueue')],
      ];
  const [page = ops ? 'orders' : 'work', id] = route;
  const signOut = async () => {
    await api('DELETE', '/v1/session').catch(() => undefined);
    setSession(null);
  };
  return (
    <>
      <a class="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header class="top">
        <strong>{t('appName')}</strong>
        <nav aria-label={t('appName')}>
          {nav.map(([key, label]) => (
            <a key={key} href={href(key)} aria-current={page === key ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who">
          {t('signedInAs')} {session.name}
        </span>
        <label class="field inline">
          <span>{t('language')}</span>
          <select value={locale()} onChange={(e) => changeLanguage((e.target as HTMLSelectElement).value as Locale)}>
            <option value="en">English</option>
            <option value="de">Deutsch</option>
          </select>
        </label>
        <button type="button" onClick={() => void signOut()}>
          {t('signOut')}
        </button>
      </header>
      <p class="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {page === 'orders' && id ? <OrderDetail id={id} refreshKey={liveTick} /> : null}
      {page === 'orders' && !id && ops ? <Orders refreshKey={liveTick} /> : null}
      {page === 'tasks' ? <Tasks refreshKey={liveTick} defaultAssignee={ops ? undefined : locations[0] ? `location:${locations[0]}` : undefined} /> : null}
      {page === 'work' ? <WorkQueue refreshKey={liveTick} locations={ops ? [] : locations} /> : null}
      {page === 'inventory' && ops ? <Inventory /> : null}
      {page === 'returns' && ops ? <Returns refreshKey={liveTick} /> : null}
      {page === 'reports' && ops ? <Reports /> : null}
    </>
  );
}

render(<App />, document.getElementById('app')!);
