import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The local Prometheus finds services through files (its `file_sd_configs`), not fixed ports:
 * whoever starts a service on a port writes a target file here and removes it when the service
 * stops, and Prometheus picks up the change within seconds.
 */
export function scrapeTargetsFolder(home: string): string {
  return join(home, 'run', 'prometheus-targets');
}

/** Registers `url` (e.g. http://127.0.0.1:43210) for scraping; returns the function that unregisters it. */
export function registerScrapeTarget(folder: string, service: string, url: string): () => void {
  const { host } = new URL(url);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${service}-${host.replace(/[^A-Za-z0-9.-]/g, '_')}.json`);
  // The target's `service` label names the service on `up` too (alerts ask for up{service="scoring"}).
  writeFileSync(file, `${JSON.stringify([{ targets: [host], labels: { service } }])}\n`);
  return () => rmSync(file, { force: true });
}
