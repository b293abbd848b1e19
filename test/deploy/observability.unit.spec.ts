import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../support/endpoints';
import { exportedMetrics, queryProblems } from './support/metric-checks';

/**
 * Dashboards and alerts are only as good as the series they query: every `readmit_*` metric a
 * Grafana panel or a Prometheus rule names must be exported by the code, with the labels it
 * matches on, so a metric renamed on one side fails here instead of showing an empty panel or
 * an alert that can never fire.
 */
const exported = exportedMetrics();
const RULES = join(PROJECT_ROOT, 'infra', 'prometheus', 'rules');
const DASHBOARDS = join(PROJECT_ROOT, 'infra', 'grafana', 'dashboards');

interface AlertRule {
  alert: string;
  expr: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}
interface Panel {
  title: string;
  datasource?: { uid: string };
  targets?: Array<{ expr: string; datasource?: { uid: string } }>;
  panels?: Panel[];
}

const alertRules = readdirSync(RULES).flatMap((file) =>
  (
    parse(readFileSync(join(RULES, file), 'utf8')) as { groups: Array<{ rules: AlertRule[] }> }
  ).groups.flatMap((group) => group.rules),
);
const dashboards = readdirSync(DASHBOARDS).map((file) => ({
  file,
  dashboard: JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as {
    uid: string;
    title: string;
    panels: Panel[];
  },
}));
const panelsOf = (panels: readonly Panel[]): Panel[] =>
  panels.flatMap((panel) => [panel, ...panelsOf(panel.panels ?? [])]);

describe('metrics the dashboards and alerts query', () => {
  it('finds the metrics the code declares, with their labels', () => {
    expect(exported.get('readmit_kafka_consumer_lag')).toEqual({
      type: 'gauge',
      labels: ['topic', 'partition', 'group'],
    });
    expect(exported.get('readmit_gateway_request_seconds')?.type).toBe('histogram');
    expect(exported.get('readmit_process_cpu_seconds_total')?.type).toBe('counter');
  });

  it('has the alerts the platform needs, each with a severity and a summary', () => {
    expect(alertRules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'ReadmitConsumerLagHigh',
        'ReadmitGatewayErrorRate',
        'ReadmitDriftDetected',
        'ReadmitNoChampion',
        'ReadmitScoringDown',
      ]),
    );
    for (const rule of alertRules) {
      expect(rule.labels?.severity).toMatch(/^(critical|warning|info)$/);
      expect(rule.annotations?.summary).toEqual(expect.any(String));
    }
  });

  it('queries in every alert rule only metrics and labels the code exports', () => {
    expect(alertRules.flatMap((rule) => queryProblems(rule.alert, rule.expr, exported))).toEqual(
      [],
    );
  });

  it('has the platform overview, scoring, and model quality and drift dashboards', () => {
    expect(dashboards.map(({ dashboard }) => dashboard.uid).sort()).toEqual([
      'readmit-model-quality',
      'readmit-overview',
      'readmit-scoring',
    ]);
    expect(new Set(dashboards.map(({ dashboard }) => dashboard.title)).size).toBe(3);
  });

  it.each(dashboards.map(({ file }) => file))(
    'queries in %s only metrics and labels the code exports, through the provisioned datasource',
    (file) => {
      const { dashboard } = dashboards.find(
        (entry) => entry.file === file,
      ) as (typeof dashboards)[0];
      const datasource = parse(
        readFileSync(
          join(PROJECT_ROOT, 'infra', 'grafana', 'provisioning', 'datasources', 'prometheus.yml'),
          'utf8',
        ),
      ) as { datasources: Array<{ uid: string }> };
      const uid = datasource.datasources[0].uid;
      const panels = panelsOf(dashboard.panels).filter((panel) => panel.targets);
      expect(panels.length).toBeGreaterThan(3);
      const problems = panels.flatMap((panel) =>
        (panel.targets ?? []).flatMap((target) => {
          const where = `${file} "${panel.title}"`;
          return [
            ...queryProblems(where, target.expr, exported),
            ...(target.datasource?.uid === uid ? [] : [`${where}: not the ${uid} datasource`]),
          ];
        }),
      );
      expect(problems).toEqual([]);
    },
  );

  it('fails when a metric or a label is renamed on one side only', () => {
    const expression = 'sum by (group) (readmit_kafka_consumer_lag{topic="x"})';
    expect(queryProblems('rule', expression, exported)).toEqual([]);
    // Renamed in the query…
    expect(queryProblems('rule', expression.replace('consumer_lag', 'lag'), exported)).toEqual([
      'rule: readmit_kafka_lag is not exported by any service',
    ]);
    expect(queryProblems('rule', expression.replace('topic=', 'topc='), exported)).toEqual([
      'rule: readmit_kafka_consumer_lag has no label topc',
    ]);
    // …or in the code.
    const renamed = new Map(exported);
    renamed.set('readmit_kafka_consumer_offset_lag', renamed.get('readmit_kafka_consumer_lag')!);
    renamed.delete('readmit_kafka_consumer_lag');
    expect(queryProblems('rule', expression, renamed)).toEqual([
      'rule: readmit_kafka_consumer_lag is not exported by any service',
    ]);
    // A histogram's series exist only with their suffixes.
    expect(queryProblems('p', 'readmit_gateway_request_seconds_bucket{le="1"}', exported)).toEqual(
      [],
    );
    expect(queryProblems('p', 'readmit_gateway_request_seconds', exported)).toEqual([
      'p: readmit_gateway_request_seconds is not exported by any service',
    ]);
  });

  it('covers the metrics the operations issue asks for', () => {
    for (const name of [
      'readmit_kafka_messages_consumed_total',
      'readmit_kafka_consumer_lag',
      'readmit_kafka_handler_duration_seconds',
      'readmit_scoring_batch_seconds',
      'readmit_scoring_predictions_total',
      'readmit_scoring_serving',
      'readmit_drift_statistic',
      'readmit_training_duration_seconds',
      'readmit_training_holdout_metric',
      'readmit_kafka_dead_letters_total',
      'readmit_gateway_requests_total',
      'readmit_gateway_request_seconds',
    ])
      expect(exported.has(name)).toBe(true);
    expect(exported.get('readmit_scoring_predictions_total')?.labels).toEqual([
      'role',
      'model_version',
      'label',
    ]);
    expect(exported.get('readmit_gateway_requests_total')?.labels).toEqual([
      'method',
      'route',
      'status',
    ]);
  });
});
