import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensurePrometheusInstalled } from '../prerequisites';
import { scrapeTargetsFolder } from '../scrape-targets';
import { isHttpOk } from '../wait-for';
import { ServerComponent } from './server-component';

/** How often the local Prometheus scrapes and re-reads its target files: short, for a workstation. */
const LOCAL_SCRAPE_INTERVAL = '5s';

/**
 * Prometheus from Debian's package (the monitoring profile), run directly with a configuration
 * and data folder of its own under `.readmit/data/prometheus`. It evaluates the project's alert
 * rules (infra/prometheus/rules) and scrapes the services that `readmit` starts, which register
 * themselves as target files (see scrape-targets.ts) because they listen on ports picked at start.
 */
export class PrometheusComponent extends ServerComponent {
  readonly name = 'prometheus';
  readonly description = "Prometheus (Debian's prometheus package, monitoring profile)";

  endpoint(): string {
    return `http://localhost:${this.ctx.settings.ports.prometheus}`;
  }

  protected port(): number {
    return this.ctx.settings.ports.prometheus;
  }

  protected ownershipMarker(): string {
    return this.configFile;
  }

  private get home(): string {
    return this.ctx.paths.data('prometheus');
  }

  private get configFile(): string {
    return join(this.home, 'prometheus.yml');
  }

  async provision(): Promise<void> {
    ensurePrometheusInstalled(this.ctx.log);
  }

  async start(): Promise<void> {
    const binary = ensurePrometheusInstalled(this.ctx.log);
    mkdirSync(join(this.home, 'tsdb'), { recursive: true });
    mkdirSync(scrapeTargetsFolder(this.ctx.paths.home), { recursive: true });
    writeFileSync(this.configFile, localPrometheusConfig(this.ctx.paths.home, this.rulesFolder()));
    await this.launch(binary, [
      `--config.file=${this.configFile}`,
      `--storage.tsdb.path=${join(this.home, 'tsdb')}`,
      '--storage.tsdb.retention.time=2d',
      `--web.listen-address=127.0.0.1:${this.ctx.settings.ports.prometheus}`,
      '--web.enable-lifecycle',
    ]);
  }

  private rulesFolder(): string {
    return this.ctx.paths.projectFile('infra', 'prometheus', 'rules');
  }

  protected answers(): Promise<boolean> {
    return isHttpOk(`${this.endpoint()}/-/ready`);
  }
}

/**
 * The local scrape configuration: the alert rules the production one uses, and every service
 * registered in the target folder (file service discovery), re-read every few seconds.
 */
export function localPrometheusConfig(home: string, rulesFolder: string): string {
  const rules = readdirSync(rulesFolder)
    .filter((name) => name.endsWith('.yml'))
    .map((name) => join(rulesFolder, name));
  return stringify({
    global: { scrape_interval: LOCAL_SCRAPE_INTERVAL, evaluation_interval: LOCAL_SCRAPE_INTERVAL },
    rule_files: rules,
    scrape_configs: [
      {
        job_name: 'readmit',
        metrics_path: '/metrics',
        // Services label their own metrics with `service`, the same value as their target's label.
        honor_labels: true,
        file_sd_configs: [
          {
            files: [join(scrapeTargetsFolder(home), '*.json')],
            refresh_interval: LOCAL_SCRAPE_INTERVAL,
          },
        ],
      },
    ],
  });
}
