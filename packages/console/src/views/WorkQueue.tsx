import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api';
import { ActionButton, ProblemNotice, SelectField } from '../components';
import { dateTime, t, words } from '../i18n';
import { href } from '../router';

/** A location's work queue (GET /v1/fulfillments?locationId=): pack what is open, hand over what is packed. */
export function WorkQueue({ refreshKey, locations }: { refreshKey: number; locations: string[] }) {
  const [known, setKnown] = useState<string[]>(locations);
  const [location, setLocation] = useState(locations[0] ?? '');
  const [status, setStatus] = useState('open');
  const [items, setItems] = useState<any[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (locations.length > 0) return;
    // Ops choose among every location inventory knows.
    api<{ id: string }[]>('GET', '/v1/locations')
      .then((all) => {
        setKnown(all.map((l) => l.id));
        setLocation((current) => current || all[0]?.id || '');
      })
      .catch(setError);
  }, []);
  const load = async () => {
    if (!location) return;
    setError(undefined);
    try {
      setItems((await api<{ items: any[] }>('GET', `/v1/fulfillments${query({ locationId: location, status, limit: 100 })}`)).items);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => void load(), [location, status, refreshKey]);
  return (
    <main id="main">
      <h1>{t('workQueue')}</h1>
      <div class="filters">
        <SelectField
          label={t('location')}
          value={location}
          onChange={setLocation}
          options={[['', t('chooseLocation')], ...known.map((id) => [id, id] as const)]}
        />
        <SelectField
          label={t('status')}
          value={status}
          onChange={setStatus}
          options={['open', 'picking', 'packed', 'handed_over', 'ready_for_pickup'].map((s) => [s, words(s)] as const)}
        />
      </div>
      <ProblemNotice error={error} />
      {items === undefined ? null : items.length === 0 ? (
        <p>{t('nothingFound')}</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{t('order')}</th>
              <th scope="col">{t('lines')}</th>
              <th scope="col">{t('shipBy')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((f) => (
              <tr key={f.id}>
                <td>
                  <a href={href('orders', f.orderId)}>{f.orderId.slice(0, 8)}</a> {f.orderOnHold ? <span class="flag">{t('onHold')}</span> : null}
                </td>
                <td>{(f.lines ?? []).map((l: any) => `${l.quantity} × ${l.sku}`).join(', ')}</td>
                <td>{dateTime(f.shipBy)}</td>
                <td>
                  {f.status === 'open' || f.status === 'picking' ? (
                    <ActionButton
                      label={t('pack')}
                      run={() => api('POST', `/v1/fulfillments/${encodeURIComponent(f.id)}/pack`, {})}
                      onDone={() => void load()}
                    />
                  ) : null}
                  {f.status === 'packed' ? (
                    <ActionButton
                      label={t('handOver')}
                      run={() => api('POST', `/v1/fulfillments/${encodeURIComponent(f.id)}/hand-over`, {})}
                      onDone={() => void load()}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
