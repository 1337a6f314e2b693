import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Field, ProblemNotice, Section } from '../components';
import { dateTime, t, words } from '../i18n';

/** Stock of a SKU by location with its movements, and inventory's stockout forecast and replenishment suggestions. */
export function Inventory() {
  const [sku, setSku] = useState('');
  const [stock, setStock] = useState<any>();
  const [movements, setMovements] = useState<any[]>([]);
  const [forecast, setForecast] = useState<any[]>([]);
  const [replenishment, setReplenishment] = useState<any[]>([]);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api<any>('GET', '/v1/inventory/forecast')
      .then((f) => setForecast(Array.isArray(f) ? f : (f.items ?? [])))
      .catch(setError);
    api<any>('GET', '/v1/inventory/replenishment')
      .then((r) => setReplenishment(Array.isArray(r) ? r : (r.items ?? [])))
      .catch(setError);
  }, []);
  const lookUp = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const path = `/v1/inventory/${encodeURIComponent(sku.trim())}`;
      setStock(await api('GET', path));
      setMovements((await api<{ movements: any[] }>('GET', `${path}/movements`)).movements);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <main id="main">
      <h1>{t('inventory')}</h1>
      <form class="filters" onSubmit={(e) => void lookUp(e)} role="search">
        <Field label={t('sku')} value={sku} onInput={setSku} required />
        <button type="submit">{t('skuLookup')}</button>
      </form>
      <ProblemNotice error={error} />
      {stock ? (
        <Section title={`${t('sku')} ${stock.sku}`}>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t('location')}</th>
                <th scope="col" class="num">
                  {t('onHand')}
                </th>
                <th scope="col" class="num">
                  {t('reserved')}
                </th>
                <th scope="col" class="num">
                  {t('available')}
                </th>
              </tr>
            </thead>
            <tbody>
              {stock.locations.map((l: any) => (
                <tr key={l.locationId}>
                  <td>{l.locationId}</td>
                  <td class="num">{l.onHand}</td>
                  <td class="num">{l.reserved}</td>
                  <td class="num">{l.available}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('movements')}</h3>
          <ul>
            {movements.map((m, i) => (
              <li key={i}>
                {dateTime(m.at ?? m.createdAt)} · {words(m.type)} · {m.locationId} · {m.quantity > 0 ? `+${m.quantity}` : m.quantity}
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      <div class="grid">
        <Section title={t('forecast')}>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t('sku')}</th>
                <th scope="col" class="num">
                  {t('dailySales')}
                </th>
                <th scope="col" class="num">
                  {t('available')}
                </th>
                <th scope="col" class="num">
                  {t('daysLeft')}
                </th>
              </tr>
            </thead>
            <tbody>
              {forecast.slice(0, 50).map((f) => (
                <tr key={f.sku}>
                  <td>{f.sku}</td>
                  <td class="num">{f.velocityPerDay}</td>
                  <td class="num">{f.available}</td>
                  <td class="num">{f.daysOfCover ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section title={t('replenishment')}>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t('sku')}</th>
                <th scope="col" class="num">
                  {t('dailySales')}
                </th>
                <th scope="col" class="num">
                  {t('suggested')}
                </th>
              </tr>
            </thead>
            <tbody>
              {replenishment.slice(0, 50).map((r) => (
                <tr key={r.sku}>
                  <td>{r.sku}</td>
                  <td class="num">{r.velocityPerDay}</td>
                  <td class="num">{r.suggestedQuantity}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      </div>
    </main>
  );
}
