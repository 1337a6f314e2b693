import { parser } from '@prometheus-io/lezer-promql';

/**
 * Checks of a Grafana dashboard's PromQL: syntax (Prometheus's own lezer grammar, the one its web UI
 * uses), and that every metric and label an expression reads exists.
 */

export interface DashboardQuery {
  /** Where it is: the panel title or the variable name. */
  where: string;
  expr: string;
}

interface Panel {
  title?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}
export interface Dashboard {
  panels: Panel[];
  templating?: { list: Array<{ name: string; type: string; definition?: string }> };
}

/** Metric families and the label names seen on their samples. */
export type KnownMetrics = Map<string, Set<string>>;

/**
 * Every PromQL expression of the dashboard: the panels' targets, and the query variables'
 * `label_values(metric, label)` as the selector they stand for (`metric{label=~".+"}`).
 */
export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const walk = (panels: Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) if (target.expr) out.push({ where: `panel "${panel.title}"`, expr: target.expr });
      walk(panel.panels ?? []);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const labelValues = /^label_values\(\s*([^,()]+?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(variable.definition ?? '');
    out.push({ where: `variable "${variable.name}"`, expr: labelValues ? `${labelValues[1]}{${labelValues[2]}=~".+"}` : (variable.definition ?? '') });
  }
  return out;
}

/** Grafana's variables replaced by sample values, which leaves plain PromQL; an unknown variable stays (and fails to parse). */
export function withSampleValues(expr: string, samples: Record<string, string>): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, '5m')
    .replace(/\$\{([A-Za-z0-9_]+)(?::[a-z]+)?\}|\$([A-Za-z0-9_]+)/g, (whole, braced?: string, bare?: string) => samples[braced ?? bare ?? ''] ?? whole);
}

export interface PromqlAnalysis {
  syntaxErrors: string[];
  /** Each vector selector: its metric and the labels its matchers name. */
  selectors: Array<{ metric: string; labels: string[] }>;
  /** Labels named in `by (...)` / `without (...)` / `on (...)` / `ignoring (...)`. */
  grouping: string[];
}

export function analyzePromql(expr: string): PromqlAnalysis {
  const result: PromqlAnalysis = { syntaxErrors: [], selectors: [], grouping: [] };
  const text = (from: number, to: number) => expr.slice(from, to);
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) result.syntaxErrors.push(`syntax error at column ${node.from + 1}: "${text(Math.max(0, node.from - 10), node.from + 10)}"`);
      if (node.name === 'VectorSelector') {
        const identifier = node.node.getChild('Identifier');
        const matchers = node.node.getChild('LabelMatchers');
        const labels = matchers
          ? matchers.node
              .getChildren('UnquotedLabelMatcher')
              .map((m) => m.getChild('LabelName'))
              .filter((n) => n !== null)
          : [];
        result.selectors.push({ metric: identifier ? text(identifier.from, identifier.to) : '', labels: labels.map((l) => text(l.from, l.to)) });
      }
      if (node.name === 'LabelName' && node.node.parent?.name === 'GroupingLabels') result.grouping.push(text(node.from, node.to));
    },
  });
  return result;
}

/** Metric families and their sample labels from a Prometheus text exposition (/metrics). */
export function parseExposition(text: string): KnownMetrics {
  const known: KnownMetrics = new Map();
  const family = (name: string) => known.get(name) ?? known.set(name, new Set()).get(name)!;
  for (const line of text.split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) /.exec(line);
    if (type) family(type[1]);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!sample) continue;
    const labels = family(sample[1]);
    for (const [, label] of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)) labels.add(label);
  }
  return known;
}

/**
 * What is wrong with the dashboard's expressions: syntax errors, metrics nobody exposes, labels a metric
 * does not have (in matchers, and in groupings: a grouping label must exist on one of the expression's
 * metrics, `le` on a histogram's buckets). Empty when all is well.
 */
export function dashboardProblems(queries: DashboardQuery[], known: KnownMetrics, samples: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const { where, expr } of queries) {
    const promql = withSampleValues(expr, samples);
    const analysis = analyzePromql(promql);
    for (const error of analysis.syntaxErrors) problems.push(`${where}: ${error} in ${promql}`);
    if (analysis.selectors.length === 0) problems.push(`${where}: reads no metric: ${promql}`);
    const labelsInExpr = new Set<string>();
    for (const { metric, labels } of analysis.selectors) {
      const metricLabels = known.get(metric);
      if (!metricLabels) {
        problems.push(`${where}: unknown metric ${metric || '(none)'}`);
        continue;
      }
      metricLabels.forEach((l) => labelsInExpr.add(l));
      for (const label of labels) if (label !== '__name__' && !metricLabels.has(label)) problems.push(`${where}: ${metric} has no label "${label}"`);
    }
    for (const label of analysis.grouping) if (!labelsInExpr.has(label)) problems.push(`${where}: grouping by "${label}", which none of its metrics has`);
  }
  return problems;
}
