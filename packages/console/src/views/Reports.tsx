import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api';
import { ProblemNotice, Section, SelectField } from '../components';
import { money, t, words } from '../i18n';

type ReportName = 'sales' | 'fulfillment' | 'returns' | 'cancellations';

/** Each report's groupings, and the figure its chart shows. */
const REPORTS: Record<ReportName, { by: string[]; measure: (row: any) => number }> = {
  sales: { by: ['channel', 'paymentMethod', 'shippingMethod', 'country', 'carrier'], measure: (r) => r.orders },
  fulfillment: { by: [], measure: (r) => r.handedOver },
  returns: { by: ['sku', 'reason'], measure: (r) => r.returned ?? r.units ?? 0 },
  cancellations: { by: ['reason', 'channel'], measure: (r) => r.count },
};

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The reports of GET /v1/reports/*: a chart of the main figure, the table, and the CSV of the same rows. */
export function Reports() {
  const today = new Date();
  const [report, setReport] = useState<ReportName>('sales');
  const [by, setBy] = useState('channel');
  const [interval, setInterval] = useState('day');
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 29 * 86_400_000)));
  const [to, setTo] = useState(isoDay(today));
  const [rows, setRows] = useState<any[] | undefined>();
  const [error, setError] = useState<unknown>();
  const params = { by: REPORTS[report].by.length > 0 ? by : undefined, interval, from, to };
  const load = async () => {
    setError(undefined);
    try {
      setRows((await api<{ rows: any[] }>('GET', `/v1/reports/${report}${query(params)}`)).rows);
    } catch (err) {
      setError(err);
      setRows([]);
    }
  };
  useEffect(() => void load(), [report, by, interval, from, to]);
  const choose = (next: ReportName) => {
    setReport(next);
    setBy(REPORTS[next].by[0] ?? '');
  };
  const columns = rows && rows.length > 0 ? Object.keys(rows[0]) : [];
  return (
    <main id="main">
      <h1>{t('reports')}</h1>
      <div class="filters">
        <SelectField
          label={t('report')}
          value={report}
          onChange={(name) => choose(name as ReportName)}
          options={(Object.keys(REPORTS) as ReportName[]).map((name) => [name, t(name)] as const)}
        />
        {REPORTS[report].by.length > 0 ? (
          <SelectField label={t('groupBy')} value={by} onChange={setBy} options={REPORTS[report].by.map((b) => [b, words(b)] as const)} />
        ) : null}
        <SelectField
          label={t('interval')}
          value={interval}
          onChange={setInterval}
          options={[
            ['day', t('day')],
            ['week', t('week')],
            ['total', t('total')],
          ]}
        />
        <label class="field">
          <span>{t('from')}</span>
          <input type="date" value={from} onChange={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </label>
        <label class="field">
          <span>{t('to')}</span>
          <input type="date" value={to} onChange={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
        <a class="button" href={`/v1/reports/${report}${query({ ...params, format: 'csv' })}`} download>
          {t('downloadCsv')}
        </a>
      </div>
      <ProblemNotice error={error} />
      {rows === undefined ? (
        <p aria-busy="true">{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p>{t('nothingFound')}</p>
      ) : (
        <>
          <Section title={t('chart')}>
            <BarChart rows={rows} label={(r) => [r.period, r.key ?? r.locationId].filter(Boolean).join(' · ')} value={REPORTS[report].measure} />
          </Section>
          <table class="list">
            <thead>
              <tr>
                {columns.map((c) => (
                  <th scope="col" key={c}>
                    {words(c)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={i}>
                  {columns.map((c) => (
                    <td key={c}>{cell(c, row[c])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}

function cell(column: string, value: any): string {
  if (column === 'amounts' && Array.isArray(value)) return value.map((a: { amount: number; currency: string }) => money(a.amount, a.currency)).join(', ');
  if (column.endsWith('Rate') && typeof value === 'number') return `${(value * 100).toFixed(1)} %`;
  return value === null || value === undefined ? '–' : String(value);
}

/** Horizontal bars, one per row, each labelled with its figure: the table below holds the same data. */
function BarChart({ rows, label, value }: { rows: any[]; label: (row: any) => string; value: (row: any) => number }) {
  const shown = rows.slice(0, 40);
  const max = Math.max(1, ...shown.map(value));
  const rowHeight = 26;
  return (
    <svg class="chart" role="img" aria-label={t('chart')} width="100%" height={shown.length * rowHeight} viewBox={`0 0 600 ${shown.length * rowHeight}`}>
      {shown.map((row, i) => {
        const width = (value(row) / max) * 360;
        return (
          <g key={i} transform={`translate(0 ${i * rowHeight})`}>
            <text x="0" y="17" font-size="13">
              {label(row).slice(0, 30)}
            </text>
            <rect x="200" y="4" width={Math.max(1, width)} height="18" fill="#0b57d0" />
            <text x={205 + width} y="17" font-size="13">
              {value(row)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
