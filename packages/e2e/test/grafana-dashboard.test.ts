import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { eventually, sampleOrder } from '@oms/testing';
import { startCluster, type Cluster } from './cluster';
import { analyzePromql, dashboardProblems, dashboardQueries, parseExposition, withSampleValues, type Dashboard, type KnownMetrics } from './dashboard-check';

const ROOT = path.resolve(__dirname, '../../..');
const dashboard: Dashboard & Record<string, any> = JSON.parse(readFileSync(path.join(ROOT, 'deploy/grafana/oms-overview.json'), 'utf8'));
/** Values for the dashboard's variables, so that its expressions become plain PromQL. */
const SAMPLE_VALUES = { service: 'ingestion', milestone: 'ready_to_fulfill' };

/** The RabbitMQ plugin's metrics the dashboard may read: the table in docs/observability-dashboards.md. */
function documentedRabbitMqRows() {
  const doc = readFileSync(path.join(ROOT, 'docs/observability-dashboards.md'), 'utf8');
  return [...doc.matchAll(/^\| `(rabbitmq_[a-z_]+)` \| (\w+) \| ([^|]*) \|[^|]*\| `(\w+)` \|$/gm)].map(([, name, type, labels, family]) => ({
    name,
    type,
    labels: [...labels.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]),
    family,
  }));
}
function documentedRabbitMqMetrics(): KnownMetrics {
  return new Map(documentedRabbitMqRows().map(({ name, labels }) => [name, new Set(labels)]));
}

/**
 * The metric definitions of the broker's own rabbitmq_prometheus plugin (installed with RabbitMQ, enabled or
 * not): its collector module disassembled by Erlang, whitespace removed. The definitions read like
 * `{queue_coarse_metrics,[{2,undefined,queue_messages_ready,gauge,"..."},...]}`.
 */
async function rabbitMqPluginDefinitions(): Promise<string> {
  const run = promisify(execFile);
  const { stdout } = await run('rabbitmq-plugins', ['directories', '--offline'], { timeout: 60000 });
  const archives = /Plugin archives directory: (.*)/.exec(stdout)?.[1].split(':') ?? [];
  const ebin = archives
    .filter((dir) => existsSync(dir))
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((d) => d.startsWith('rabbitmq_prometheus-'))
        .map((d) => path.join(dir, d, 'ebin')),
    )
    .find((dir) => existsSync(path.join(dir, 'prometheus_rabbitmq_core_metrics_collector.beam')));
  if (!ebin) throw new Error(`rabbitmq_prometheus is not among the plugins in ${archives.join(', ')}`);
  const beam = path.join(ebin, 'prometheus_rabbitmq_core_metrics_collector.beam');
  const disassemble = `io:format("~p~n", [beam_disasm:file("${beam}")]), halt().`;
  const { stdout: code } = await run('erl', ['-noshell', '-eval', disassemble], { timeout: 60000, maxBuffer: 64 * 1024 * 1024 });
  return code.replace(/\s+/g, '');
}

const queries = dashboardQueries(dashboard);
const panelsUsing = (test: (expr: string) => boolean) => queries.filter((q) => q.where.startsWith('panel') && test(q.expr));

describe('the Grafana dashboard deploy/grafana/oms-overview.json', () => {
  it('when it is read, then it is a dashboard with a Prometheus data source variable and a service variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    const variables = Object.fromEntries(dashboard.templating!.list.map((v) => [v.name, v as Record<string, any>]));
    expect(variables.DS_PROMETHEUS).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variables.service).toMatchObject({ type: 'query', multi: true, includeAll: true });
    const panels = dashboard.panels.filter((p: any) => p.type !== 'row');
    expect(panels.filter((p: any) => p.datasource?.uid !== '${DS_PROMETHEUS}').map((p: any) => p.title)).toEqual([]);
    const ids = dashboard.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('when its panels are listed, then each part of the overview is there', () => {
    const quantiles = (q: number) => panelsUsing((e) => e.includes(`histogram_quantile(${q},`) && e.includes('oms_order_milestone_seconds_bucket'));
    const parts = {
      intake: panelsUsing((e) => e.includes('oms_orders_accepted_total')),
      'end-to-end latency p50': quantiles(0.5),
      'end-to-end latency p95': quantiles(0.95),
      'end-to-end latency p99': quantiles(0.99),
      'queue depths': panelsUsing((e) => e.includes('rabbitmq_detailed_queue_messages_ready')),
      'DLQ sizes': panelsUsing((e) => e.includes('rabbitmq_detailed_queue_messages{') && e.includes('\\\\.dlq"')),
      'HTTP error rate': panelsUsing((e) => e.includes('oms_http_requests_total') && e.includes('status=~"5..')),
      'message error rate': panelsUsing((e) => e.includes('oms_messages_handled_total') && e.includes('dead_lettered')),
      'breaker states': panelsUsing((e) => e.includes('oms_circuit_breaker_open')),
      'message handling latency': panelsUsing((e) => e.includes('oms_message_handling_seconds_bucket')),
    };
    expect(
      Object.entries(parts)
        .filter(([, found]) => found.length === 0)
        .map(([part]) => part),
    ).toEqual([]);
  });

  it('when every expression is parsed with Prometheus’s PromQL grammar, then none has a syntax error', () => {
    const errors = queries.flatMap(({ where, expr }) => analyzePromql(withSampleValues(expr, SAMPLE_VALUES)).syntaxErrors.map((e) => `${where}: ${e}`));
    expect(queries.length).toBeGreaterThan(15);
    expect(errors).toEqual([]);
  });

  describe('the checker itself, on broken expressions', () => {
    const known: KnownMetrics = new Map([
      ['oms_messages_handled_total', new Set(['service', 'queue', 'type', 'outcome'])],
      ['oms_order_milestone_seconds_bucket', new Set(['service', 'milestone', 'le'])],
    ]);
    const problemsOf = (expr: string) => dashboardProblems([{ where: 'panel "t"', expr }], known, SAMPLE_VALUES);

    it('when the expressions are sound, then it finds nothing', () => {
      expect(problemsOf('sum by (queue) (rate(oms_messages_handled_total{service=~"$service", outcome="ok"}[$__rate_interval]))')).toEqual([]);
      expect(problemsOf('histogram_quantile(0.95, sum by (le) (rate(oms_order_milestone_seconds_bucket{milestone="$milestone"}[5m])))')).toEqual([]);
    });

    it.each([
      ['an unclosed parenthesis', 'sum(rate(oms_messages_handled_total[5m])', /syntax error/],
      ['an unclosed brace', 'rate(oms_messages_handled_total{outcome="ok"[5m])', /syntax error/],
      ['an unquoted label value', 'oms_messages_handled_total{outcome=ok}', /syntax error/],
      ['an unknown Grafana variable', 'rate(oms_messages_handled_total{queue=~"$nope"}[$__rate_interval]) * $factor', /syntax error/],
      ['a misspelt metric', 'rate(oms_message_handled_total[5m])', /unknown metric oms_message_handled_total/],
      ['a label the metric does not have', 'rate(oms_messages_handled_total{result="ok"}[5m])', /has no label "result"/],
      ['a grouping by a label no metric has', 'sum by (route) (rate(oms_messages_handled_total[5m]))', /grouping by "route"/],
    ])('when an expression has %s, then it is reported', (_what, expr, problem) => {
      expect(problemsOf(expr).join('\n')).toMatch(problem);
    });
  });

  it('when the documented RabbitMQ metrics are looked up in the broker’s own rabbitmq_prometheus plugin, then each is defined there, in the family named', async () => {
    const definitions = await rabbitMqPluginDefinitions();
    const rows = documentedRabbitMqRows();
    expect(rows.length).toBeGreaterThanOrEqual(4);
    // /metrics/detailed names a metric rabbitmq_detailed_<name>, where <name> is the plugin's own.
    const notDefined = rows.filter(({ name, type, family }) => {
      const familyStart = definitions.indexOf(`{${family},[`);
      const familyEnd = definitions.indexOf(']}', familyStart);
      return familyStart < 0 || !definitions.slice(familyStart, familyEnd).includes(`,${name.replace(/^rabbitmq_detailed_/, '')},${type},`);
    });
    expect(notDefined.map((r) => r.name)).toEqual([]);
  }, 120000);

  describe('against the metrics the running services expose', () => {
    let cluster: Cluster;
    let exposed: KnownMetrics;
    const api = () => request(cluster.gatewayUrl);
    const auth = () => ({ Authorization: `Bearer ${cluster.apiKey}` });

    beforeAll(async () => {
      cluster = await startCluster();
      // One order through the pipeline to ready_to_fulfill, so that the metrics have samples with their labels.
      await api().put('/v1/channels/webshop').set(auth()).send({ name: 'Web shop', type: 'web', defaultCurrency: 'EUR' }).expect(201);
      await api().put('/v1/locations/berlin').set(auth()).send({ name: 'Berlin warehouse', type: 'warehouse' }).expect(200);
      await api().post('/v1/inventory/movements').set(auth()).send({ sku: 'DASH-1', locationId: 'berlin', quantity: 5, type: 'receipt' }).expect(201);
      const placed = await api()
        .post('/v1/orders')
        .set(auth())
        .send(sampleOrder({ externalId: 'DASH-1', lines: [{ sku: 'DASH-1', quantity: 1, unitPrice: 1999 }] }))
        .expect(202);
      await eventually(async () => (await api().get(`/v1/orders/${placed.body.id}`).set(auth())).body.status === 'ready_to_fulfill', 30000);
      // Every service of the cluster shares this process's metric registry; scrape each all the same.
      exposed = new Map();
      for (const service of Object.values(cluster.services)) {
        const scraped = parseExposition((await request(service.url).get('/metrics').expect(200)).text);
        for (const [name, labels] of scraped) exposed.set(name, new Set([...(exposed.get(name) ?? []), ...labels]));
      }
    }, 120000);
    afterAll(async () => cluster?.stop());

    it('when the dashboard is checked, then every metric and label it reads is exposed by the services or documented for RabbitMQ', () => {
      const known = new Map([...exposed, ...documentedRabbitMqMetrics()]);
      expect(documentedRabbitMqMetrics().size).toBeGreaterThanOrEqual(4);
      expect(dashboardProblems(queries, known, SAMPLE_VALUES)).toEqual([]);
    });

    it('when an order became ready to fulfill, then the intake counter and the end-to-end histogram counted it', async () => {
      const text = (await request(cluster.gatewayUrl).get('/metrics').expect(200)).text;
      const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
      expect(value(/^oms_orders_accepted_total\{[^}]*channel="webshop",outcome="created"[^}]*\} (\S+)$/m)).toBe(1);
      for (const milestone of ['pending', 'stock_reserved', 'payment_approved', 'ready_to_fulfill'])
        expect([milestone, value(new RegExp(`^oms_order_milestone_seconds_count\\{[^}]*milestone="${milestone}"[^}]*\\} (\\S+)$`, 'm'))]).toEqual([
          milestone,
          1,
        ]);
      expect(text).toMatch(/^oms_http_requests_total\{[^}]*service="[a-z-]+"/m);
    });
  });
});
