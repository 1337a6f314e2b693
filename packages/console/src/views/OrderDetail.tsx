import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ActionButton, Field, ProblemNotice, RedFlag, Section } from '../components';
import { dateTime, money, t, words } from '../i18n';
import { AMENDABLE, DecideShortage, EditAddress } from './OrderEdits';
import { OrderReturns } from './OrderReturns';
import { TaskTable, type TaskRow } from './TaskList';

/** The order's statuses in which it may still be cancelled (until it is packed). */
const CANCELLABLE = new Set(['pending', 'awaiting_payment', 'on_hold', 'ready_to_fulfill', 'ready_for_pickup']);

/** One order: what it is, where it stands, what happened, and the actions its state allows. */
export function OrderDetail({ id, refreshKey }: { id: string; refreshKey: number }) {
  const [order, setOrder] = useState<any>();
  const [tasks, setTasks] = useState<TaskRow[]>([]);
  const [error, setError] = useState<unknown>();
  const [reason, setReason] = useState('');
  const [rejectNote, setRejectNote] = useState('');
  const path = `/v1/orders/${encodeURIComponent(id)}`;
  const load = async () => {
    try {
      setOrder(await api('GET', path));
      setTasks((await api<{ items: TaskRow[] }>('GET', `${path}/tasks`).catch(() => ({ items: [] }))).items);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => void load(), [id, refreshKey]);
  if (error)
    return (
      <main id="main">
        <ProblemNotice error={error} />
      </main>
    );
  if (!order)
    return (
      <main id="main" aria-busy="true">
        {t('loading')}
      </main>
    );
  const red = tasks.some((task) => task.flagRed && task.state !== 'done');
  const holds: { reason: string; detail: string; options?: any[] }[] = order.holds ?? [];
  return (
    <main id="main">
      <h1>
        {t('order')} {order.externalId} {red ? <RedFlag /> : null}
      </h1>
      <p class="status-line">
        <span class={`status ${order.status}`}>{words(order.status)}</span> · {order.channel} · {dateTime(order.createdAt)} · {order.customer?.name} (
        {order.customer?.email})
      </p>
      <div class="grid">
        <Section title={t('actions')}>
          {holds.map((hold) => (
            <div key={hold.reason} class="hold">
              <strong>{words(hold.reason)}</strong>: {hold.detail}
              <div class="row">
                {hold.reason === 'payment_review' ? (
                  <>
                    <ActionButton label={t('approvePayment')} run={() => api('POST', `${path}/holds/payment_review/release`, {})} onDone={() => void load()} />
                    <Field label={t('rejectNote')} value={rejectNote} onInput={setRejectNote} />
                    <ActionButton
                      kind="danger"
                      label={t('rejectOrder')}
                      run={() => api('POST', `${path}/reject`, rejectNote ? { note: rejectNote } : {})}
                      onDone={() => void load()}
                    />
                  </>
                ) : hold.options && hold.options.length > 0 ? (
                  <DecideShortage order={order} options={hold.options} changed={() => void load()} />
                ) : (
                  <ActionButton
                    label={`${t('releaseHold')}: ${words(hold.reason)}`}
                    run={() => api('POST', `${path}/holds/${hold.reason}/release`, {})}
                    onDone={() => void load()}
                  />
                )}
              </div>
            </div>
          ))}
          {(order.fulfillments ?? [])
            .filter((f: any) => f.status === 'open' || f.status === 'picking')
            .map((f: any) => (
              <ActionButton
                key={f.id}
                label={`${t('pack')} (${f.locationId})`}
                run={() => api('POST', `/v1/fulfillments/${encodeURIComponent(f.id)}/pack`, {})}
                onDone={() => void load()}
              />
            ))}
          {(order.returns ?? [])
            .filter((r: any) => r.status === 'refund_failed')
            .map((r: any) => (
              <ActionButton
                key={r.id}
                label={`${t('retryRefund')} (${r.id.slice(0, 8)})`}
                run={() => api('POST', `${path}/returns/${encodeURIComponent(r.id)}/retry-refund`, {})}
                onDone={() => void load()}
              />
            ))}
          {AMENDABLE.has(order.status) ? <EditAddress order={order} changed={() => void load()} /> : null}
          {CANCELLABLE.has(order.status) ? (
            <div class="row">
              <Field label={t('cancelReason')} value={reason} onInput={setReason} />
              <ActionButton
                kind="danger"
                label={t('cancelOrder')}
                run={() => api('POST', `${path}/cancel`, { reason: reason || 'cancelled in the console' })}
                onDone={() => void load()}
              />
            </div>
          ) : null}
        </Section>
        <Section title={t('payment')}>
          <dl>
            <dt>{t('payment')}</dt>
            <dd>
              {order.payment?.method} · {words(order.payment?.status)}
            </dd>
            <dt>{t('total')}</dt>
            <dd>{money(order.totals?.total, order.currency)}</dd>
            <dt>{t('paid')}</dt>
            <dd>{money(order.totals?.paid, order.currency)}</dd>
            <dt>{t('refunded')}</dt>
            <dd>{money(order.totals?.refunded, order.currency)}</dd>
          </dl>
        </Section>
        <Section title={t('shippingAddress')}>
          <address>
            {[
              order.shippingAddress?.name,
              order.shippingAddress?.line1,
              order.shippingAddress?.line2,
              `${order.shippingAddress?.postalCode ?? ''} ${order.shippingAddress?.city ?? ''}`,
              order.shippingAddress?.country,
            ]
              .filter((l) => l && l.trim())
              .map((l) => (
                <div key={l}>{l}</div>
              ))}
          </address>
          <p>{order.shipping?.method}</p>
        </Section>
      </div>
      <Section title={t('lines')}>
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{t('sku')}</th>
              <th scope="col" class="num">
                {t('quantity')}
              </th>
              <th scope="col" class="num">
                {t('unitPrice')}
              </th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((l: any) => (
              <tr key={l.sku}>
                <td>{l.sku}</td>
                <td class="num">{l.quantity}</td>
                <td class="num">{money(l.unitPrice, order.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title={t('tasks')}>{tasks.length > 0 ? <TaskTable tasks={tasks} changed={() => void load()} /> : <p>{t('nothingFound')}</p>}</Section>
      <Section title={`${t('fulfillments')} · ${t('shipments')}`}>
        <ul>
          {(order.fulfillments ?? []).map((f: any) => (
            <li key={f.id}>
              {t('location')} {f.locationId}: {words(f.status)}
            </li>
          ))}
          {(order.shipments ?? []).map((s: any) => (
            <li key={s.id}>
              {s.carrierId} {s.trackingNumber}: {words(s.status)}
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t('returns')}>
        <OrderReturns order={order} changed={() => void load()} />
      </Section>
      <Section title={t('timeline')}>
        <ol class="timeline">
          {[...(order.timeline ?? [])].reverse().map((step: any, i: number) => (
            <li key={i}>
              <time>{dateTime(step.at)}</time> <strong>{words(step.type)}</strong>
              {step.status ? ` → ${words(step.status)}` : ''} {step.detail ? `· ${step.detail}` : ''} {step.actor ? `· ${step.actor}` : ''}
            </li>
          ))}
        </ol>
      </Section>
    </main>
  );
}
