import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../../../test/support/endpoints';
import { localPrometheusConfig } from './components/prometheus.component';
import { componentsFor, CORE_COMPONENTS } from './infra-manager';
import { loadInfraSettings } from './infra-settings';
import { registerScrapeTarget, scrapeTargetsFolder } from './scrape-targets';

describe('the monitoring profile', () => {
  it('adds Prometheus, last, to the core servers only when asked', () => {
    expect(componentsFor([])).toEqual([...CORE_COMPONENTS]);
    expect(componentsFor(['monitoring'])).toEqual([...CORE_COMPONENTS, 'prometheus']);
    expect(loadInfraSettings(PROJECT_ROOT, {}).profiles).toEqual([]);
    expect(
      loadInfraSettings(PROJECT_ROOT, { READMIT_INFRA_PROFILES: ' monitoring ' }).profiles,
    ).toEqual(['monitoring']);
    expect(() => loadInfraSettings(PROJECT_ROOT, { READMIT_INFRA_PROFILES: 'tracing' })).toThrow(
      /READMIT_INFRA_PROFILES/,
    );
  });

  it('configures Prometheus with the project alert rules and the registered targets', () => {
    const rules = join(PROJECT_ROOT, 'infra', 'prometheus', 'rules');
    const config = parse(localPrometheusConfig('/home/x/.readmit', rules)) as {
      rule_files: string[];
      scrape_configs: Array<{
        honor_labels: boolean;
        file_sd_configs: Array<{ files: string[] }>;
      }>;
    };
    expect(config.rule_files).toEqual(readdirSync(rules).map((file) => join(rules, file)));
    expect(config.rule_files.length).toBeGreaterThan(0);
    const [job] = config.scrape_configs;
    expect(job.honor_labels).toBe(true);
    expect(job.file_sd_configs[0].files).toEqual([
      join(scrapeTargetsFolder('/home/x/.readmit'), '*.json'),
    ]);
  });

  it('registers a started service as a target, labelled with its name, until it stops', () => {
    const folder = mkdtempSync(join(tmpdir(), 'readmit-targets-'));
    try {
      const unregister = registerScrapeTarget(folder, 'scoring', 'http://127.0.0.1:43210');
      const [file] = readdirSync(folder);
      expect(JSON.parse(readFileSync(join(folder, file), 'utf8'))).toEqual([
        { targets: ['127.0.0.1:43210'], labels: { service: 'scoring' } },
      ]);
      unregister();
      expect(existsSync(join(folder, file))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
