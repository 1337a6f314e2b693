import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api';
import { MoreButton, ProblemNotice, RedFlag, SelectField } from '../components';
import { dateTime, money, t, words } from '../i18n';
import { href } from '../router';

/** The order statuses (ORDER_STATUSES of @oms/contracts, copied: the browser's bundle does not take the contracts and zod). */
const STATUSES = [
  'pending',
  'awaiting_payment',
  'on_hold',
  'ready_to_fulfill',
  'ready_for_pickup',
  'packed',
  'shipped',
  'in_transit',
  'partially_delivered',
  'delivered',
  'returned',
  'cancelled',
  'rejected',
];

interface OrderRow {
  id: string;
  externalId: string;
  channel: string;
  status: string;
  createdAt: string;
  currency: string;
  customer: { name: string };
  totals?: { total: number };
}

/** The order list: filters, search, red flags, cursor pages (GET /v1/orders and GET /v1/red-flags). */
export function Orders({ refreshKey }: { refreshKey: number }) {
  const [status, setStatus] = useState('');
  const [channel, setChannel] = useState('');
  const [q, setQ] = useState('');
  const [onlyRed, setOnlyRed] = useState(false);
  const [filters, setFilters] = useState({ status: '', channel: '', q: '', onlyRed: false });
  const [rows, setRows] = useState<OrderRow[] | undefined>();
  const [next, setNext] = useState<string | null>(null);
  const [red, setRed] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>();

  const load = async (cursor?: string) => {
    setError(undefined);
    try {
      // The red flags and the page at once: one round trip less before the list shows.
      const pageWanted = filters.onlyRed
        ? undefined
        : api<{ items: OrderRow[]; nextCursor: string | null }>(
            'GET',
            `/v1/orders${query({ status: filters.status, channel: filters.channel, q: filters.q, cursor, limit: 50 })}`,
          );
      const flags = await api<{ items: { orderId?: string }[] }>('GET', '/v1/red-flags').catch(() => ({ items: [] }));
      const flagged = new Set(flags.items.map((f) => f.orderId!).filter(Boolean));
      setRed(flagged);
      if (!pageWanted) {
        const orders = await Promise.all(
          [...flagged].slice(0, 100).map((id) => api<OrderRow>('GET', `/v1/orders/${encodeURIComponent(id)}`).catch(() => undefined)),
        );
        setRows(orders.filter((o): o is OrderRow => Boolean(o)));
        setNext(null);
        return;
      }
      const page = await pageWanted;
      setRows(cursor ? [...(rows ?? []), ...page.items] : page.items);
      setNext(page.nextCursor);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => void load(), [filters, refreshKey]);

  const apply = (e: Event) => {
    e.preventDefault();
    setRows(undefined);
    setFilters({ status, channel, q, onlyRed });
  };
  return (
    <main id="main">
      <h1>{t('orders')}</h1>
      <form class="filters" onSubmit={apply} role="search">
        <SelectField label={t('status')} value={status} onChange={setStatus} options={[['', t('anyStatus')], ...STATUSES.map((s) => [s, words(s)] as const)]} />
        <label class="field">
          <span>{t('channel')}</span>
          <input value={channel} onInput={(e) => setChannel((e.target as HTMLInputElement).value)} />
        </label>
        <label class="field">
          <span>{t('search')}</span>
          <input type="search" value={q} placeholder={t('searchHint')} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        </label>
        <label class="check">
          <input type="checkbox" checked={onlyRed} onChange={(e) => setOnlyRed((e.target as HTMLInputElement).checked)} />
          {t('onlyRedFlags')}
        </label>
        <button type="submit">{t('apply')}</button>
      </form>
      <ProblemNotice error={error} />
      {rows === undefined ? (
        <p aria-busy="true">{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p>{t('nothingFound')}</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{t('externalId')}</th>
              <th scope="col">{t('channel')}</th>
              <th scope="col">{t('customer')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('created')}</th>
              <th scope="col" class="num">
                {t('total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={o.id} class={red.has(o.id) ? 'red' : ''}>
                <td>
                  <a href={href('orders', o.id)}>{o.externalId}</a> {red.has(o.id) ? <RedFlag /> : null}
                </td>
                <td>{o.channel}</td>
                <td>{o.customer?.name}</td>
                <td>{words(o.status)}</td>
                <td>{dateTime(o.createdAt)}</td>
                <td class="num">{money(o.totals?.total, o.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <MoreButton next={next} more={() => void (next && load(next))} />
    </main>
  );
}
