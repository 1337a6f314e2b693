import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ActionButton, Field } from '../components';
import { money, t, words } from '../i18n';

/** The returns of a delivered order: open one for some of its lines, receive one that is on its way. */
export function OrderReturns({ order, changed }: { order: any; changed: () => void }) {
  const returnable = order.status === 'delivered' || order.status === 'partially_delivered' || order.status === 'returned';
  // A return just opened shows at once: the order hears of it a moment later (return.opened.v1).
  const [opened, setOpened] = useState<string[]>([]);
  const known: any[] = order.returns ?? [];
  const shown = [...known, ...opened.filter((id) => !known.some((r) => r.id === id)).map((id) => ({ id, status: 'requested' }))];
  return (
    <div>
      {shown.map((r: any) => (
        <ReturnItem key={r.id} returnId={r.id} summary={r} changed={changed} />
      ))}
      {returnable ? (
        <OpenReturn
          order={order}
          opened={(id) => {
            setOpened([...opened, id]);
            changed();
          }}
        />
      ) : null}
    </div>
  );
}

function OpenReturn({ order, opened }: { order: any; opened: (returnId: string) => void }) {
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const lines = order.lines
    .map((l: any) => ({ sku: l.sku, quantity: Number(quantities[l.sku] || 0), reason: reason || 'returned' }))
    .filter((l: { quantity: number }) => l.quantity > 0);
  return (
    <fieldset class="card">
      <legend>{t('openReturn')}</legend>
      {order.lines.map((l: any) => (
        <Field
          key={l.sku}
          label={`${t('quantity')} ${l.sku} (≤ ${l.quantity})`}
          type="number"
          value={quantities[l.sku] ?? ''}
          onInput={(v) => setQuantities({ ...quantities, [l.sku]: v })}
        />
      ))}
      <Field label={t('reason')} value={reason} onInput={setReason} />
      <ActionButton
        label={t('openReturn')}
        run={() => api<{ id: string }>('POST', '/v1/returns', { orderId: order.id, lines })}
        onDone={(created) => opened((created as { id: string }).id)}
      />
    </fieldset>
  );
}

function ReturnItem({ returnId, summary, changed }: { returnId: string; summary: any; changed: () => void }) {
  const [details, setDetails] = useState<any>();
  const [location, setLocation] = useState('');
  const [conditions, setConditions] = useState<Record<string, string>>({});
  const [received, setReceived] = useState(0);
  useEffect(() => {
    api('GET', `/v1/returns/${encodeURIComponent(returnId)}`)
      .then(setDetails)
      .catch(() => setDetails(undefined));
  }, [returnId, summary.status, received]);
  const lines = (details?.lines ?? []) as { sku: string; quantity: number; reason: string }[];
  return (
    <div class="card">
      <p>
        <strong>
          {t('returnId')} {returnId.slice(0, 8)}
        </strong>
        : {words(summary.status)}
        {summary.refund ? ` · ${t('refunded')} ${money(summary.refund.amount, summary.refund.currency)}` : ''}
      </p>
      <ul>
        {lines.map((l) => (
          <li key={l.sku}>
            {l.quantity} × {l.sku} ({l.reason})
          </li>
        ))}
      </ul>
      {details?.status === 'requested' ? (
        <div class="row">
          <Field label={t('location')} value={location} onInput={setLocation} />
          {lines.map((l) => (
            <label key={l.sku} class="field">
              <span>
                {t('condition')} {l.sku}
              </span>
              <select
                value={conditions[l.sku] ?? 'resellable'}
                onChange={(e) => setConditions({ ...conditions, [l.sku]: (e.target as HTMLSelectElement).value })}
              >
                <option value="resellable">{t('resellable')}</option>
                <option value="damaged">{t('damaged')}</option>
              </select>
            </label>
          ))}
          <ActionButton
            label={t('receive')}
            run={() =>
              api('POST', `/v1/returns/${encodeURIComponent(returnId)}/receive`, {
                locationId: location,
                lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, condition: conditions[l.sku] ?? 'resellable' })),
              })
            }
            onDone={() => {
              setReceived((n) => n + 1);
              changed();
            }}
          />
        </div>
      ) : null}
    </div>
  );
}
