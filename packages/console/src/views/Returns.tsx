import { useState } from 'preact/hooks';
import { api, query } from '../api';
import { MoreButton, ProblemNotice, SelectField, useCursorPages } from '../components';
import { dateTime, money, t } from '../i18n';
import { href } from '../router';

interface ReturnRow {
  id: string;
  orderId: string;
  status: 'requested' | 'received';
  lines: { sku: string; quantity: number; reason: string }[];
  refundAmount?: number;
  refund?: 'refunded' | 'failed';
  currency: string;
  createdAt: string;
}

/**
 * Every return, newest first (GET /v1/returns): what is on its way back, what arrived, and refunds that
 * failed. A return is received and refunded on its order's page, where its lines and the order are.
 */
export function Returns({ refreshKey }: { refreshKey: number }) {
  const [status, setStatus] = useState('requested');
  const { rows, next, error, more } = useCursorPages(
    async (cursor) => {
      const page = await api<{ items: ReturnRow[]; nextCursor: string | null }>('GET', `/v1/returns${query({ status, cursor })}`);
      return { items: page.items, next: page.nextCursor };
    },
    [status, refreshKey],
  );
  return (
    <main id="main">
      <h1>{t('returns')}</h1>
      <div class="filters">
        <SelectField
          label={t('status')}
          value={status}
          onChange={setStatus}
          options={[
            ['requested', t('onTheWayBack')],
            ['received', t('receivedReturns')],
            ['', t('anyStatus')],
          ]}
        />
      </div>
      <ProblemNotice error={error} />
      {rows === undefined ? (
        <p aria-busy="true">{t('loading')}</p>
      ) : rows.length === 0 && !next ? (
        <p>{t('nothingFound')}</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{t('returnId')}</th>
              <th scope="col">{t('order')}</th>
              <th scope="col">{t('lines')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('refundAmount')}</th>
              <th scope="col">{t('created')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{r.id.slice(0, 8)}</td>
                <td>
                  <a href={href('orders', r.orderId)}>{r.orderId.slice(0, 8)}</a>
                </td>
                <td>{r.lines.map((l) => `${l.quantity} × ${l.sku} (${l.reason})`).join(', ')}</td>
                <td>
                  {r.status === 'requested' ? t('onTheWayBack') : t('receivedReturns')}{' '}
                  {r.refund === 'failed' ? <span class="flag">{t('refundFailed')}</span> : null}
                </td>
                <td>{r.refundAmount === undefined ? '' : money(r.refundAmount, r.currency)}</td>
                <td>{dateTime(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <MoreButton next={next} more={more} />
    </main>
  );
}
