import { useState } from 'preact/hooks';
import { api } from '../api';
import { ActionButton, Field } from '../components';
import { t } from '../i18n';

/** Statuses in which the address may still change (PATCH /v1/orders/{id}: before fulfillment). */
export const AMENDABLE = new Set(['received', 'pending', 'on_hold']);

/** Edit the shipping address: the address check runs again (an address_invalid hold is renewed or lifted). */
export function EditAddress({ order, changed }: { order: any; changed: () => void }) {
  const current = order.shippingAddress ?? {};
  const [address, setAddress] = useState<Record<string, string>>({
    name: current.name ?? '',
    line1: current.line1 ?? '',
    postalCode: current.postalCode ?? '',
    city: current.city ?? '',
    country: current.country ?? '',
  });
  const field = (key: string, label: string) => <Field label={label} value={address[key] ?? ''} onInput={(v) => setAddress({ ...address, [key]: v })} />;
  return (
    <fieldset class="card">
      <legend>{t('editAddress')}</legend>
      {field('name', t('customer'))}
      {field('line1', t('street'))}
      {field('postalCode', t('postalCode'))}
      {field('city', t('city'))}
      {field('country', t('country'))}
      <ActionButton
        label={t('saveAddress')}
        run={() => api('PATCH', `/v1/orders/${encodeURIComponent(order.id)}`, { shippingAddress: { ...current, ...address } })}
        onDone={changed}
      />
    </fieldset>
  );
}

/** The customer's decision for each short line the hold offers: a substitute, wait for stock, or drop the line. */
export function DecideShortage({ order, options, changed }: { order: any; options: any[]; changed: () => void }) {
  const [choices, setChoices] = useState<Record<string, string>>({});
  const decisions = options.map((o) => {
    const choice = choices[o.sku] ?? 'wait';
    return choice.startsWith('substitute:') ? { sku: o.sku, choice: 'substitute', substituteSku: choice.slice('substitute:'.length) } : { sku: o.sku, choice };
  });
  return (
    <fieldset class="card">
      <legend>{t('decideShortage')}</legend>
      {options.map((o) => (
        <label key={o.sku} class="field">
          <span>{o.sku}</span>
          <select value={choices[o.sku] ?? 'wait'} onChange={(e) => setChoices({ ...choices, [o.sku]: (e.target as HTMLSelectElement).value })}>
            <option value="wait">{t('waitForStock')}</option>
            {o.canCancelLine ? <option value="cancel_line">{t('dropLine')}</option> : null}
            {(o.substitutes ?? []).map((s: any) => (
              <option key={s.sku} value={`substitute:${s.sku}`}>
                {t('substitute')} {s.sku} ({s.available})
              </option>
            ))}
          </select>
        </label>
      ))}
      <ActionButton label={t('decide')} run={() => api('POST', `/v1/orders/${encodeURIComponent(order.id)}/decisions`, { decisions })} onDone={changed} />
    </fieldset>
  );
}
