import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetricsRegistry } from '../../../services/platform/src/metrics/metrics-registry';
import { PROJECT_ROOT } from '../../support/endpoints';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** A metric the code registers: its type and label names (the registry's own `service` included). */
export interface ExportedMetric {
  readonly type: MetricType;
  readonly labels: readonly string[];
}

/** Labels every series carries besides the metric's own: the service's and the scrape's. */
const COMMON_LABELS = ['service', 'instance', 'job'];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.includes('.spec.') ? [path] : [];
  });
}

/**
 * The metrics the services export: every `new Counter|Gauge|Histogram|Summary({ name, labelNames })`
 * under services/, and the Node.js process metrics the platform's registry collects.
 */
export function exportedMetrics(): Map<string, ExportedMetric> {
  const metrics = new Map<string, ExportedMetric>();
  const declaration =
    /new (Counter|Gauge|Histogram|Summary)(?:<[^>]*>)?\(\{\s*name:\s*'([a-z_:][a-z0-9_:]*)'([\s\S]*?)registers/g;
  for (const file of sourceFiles(join(PROJECT_ROOT, 'services')))
    for (const [, type, name, body] of readFileSync(file, 'utf8').matchAll(declaration)) {
      const labelNames = /labelNames:\s*\[([^\]]*)\]/.exec(body)?.[1] ?? '';
      const labels = [...labelNames.matchAll(/'([a-z_]+)'/g)].map((match) => match[1]);
      metrics.set(name, { type: type.toLowerCase() as MetricType, labels });
    }
  const registry = createMetricsRegistry('probe');
  for (const metric of registry.getMetricsAsArray()) {
    const labels = (metric as unknown as { labelNames?: string[] }).labelNames ?? [];
    metrics.set(metric.name, { type: String(metric.type) as MetricType, labels });
  }
  registry.clear();
  return metrics;
}

/** The series a histogram or summary exposes beside its base name. */
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: [''],
  gauge: [''],
  histogram: ['_bucket', '_count', '_sum'],
  summary: ['', '_count', '_sum'],
};

/**
 * Why a PromQL expression would find no data: a `readmit_*` series no metric exports (a rename on
 * either side), or a label matcher on a label the metric does not have.
 */
export function queryProblems(
  where: string,
  expression: string,
  exported: ReadonlyMap<string, ExportedMetric>,
): string[] {
  const problems: string[] = [];
  for (const match of expression.matchAll(/\b(readmit_[a-z0-9_]+)(\{[^}]*\})?/g)) {
    const [, series, selector] = match;
    const metric = [...exported].find(([name, { type }]) =>
      SUFFIXES[type].some((suffix) => `${name}${suffix}` === series),
    );
    if (!metric) {
      problems.push(`${where}: ${series} is not exported by any service`);
      continue;
    }
    const [name, { labels, type }] = metric;
    const known = [...labels, ...COMMON_LABELS, ...(type === 'histogram' ? ['le'] : [])];
    for (const [, label] of (selector ?? '').matchAll(/([a-z_]+)\s*(?:=~|!~|!=|=)/g))
      if (!known.includes(label)) problems.push(`${where}: ${name} has no label ${label}`);
  }
  return problems;
}
