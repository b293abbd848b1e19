import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { PROJECT_ROOT } from '../../support/endpoints';
import type { Manifest } from './k8s-manifests';

const byKindAndName = (manifests: readonly Manifest[], kind: string, name: string) =>
  manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);

/** A Secret's values, from stringData or base64 data. */
function secretValues(secret: Manifest): Record<string, string> {
  const decoded = Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
  return { ...decoded, ...(secret.stringData ?? {}) };
}

/**
 * The environment a container starts with: its envFrom ConfigMaps and Secrets in order, then its
 * env entries (literal values and single keys of ConfigMaps and Secrets), as the kubelet builds it.
 * A reference to a missing object or key is a problem, not an empty value.
 */
export function containerEnvironment(
  container: IContainer,
  manifests: readonly Manifest[],
): { environment: Record<string, string>; problems: string[] } {
  const environment: Record<string, string> = {};
  const problems: string[] = [];
  const source = (kind: 'ConfigMap' | 'Secret', name = '') => {
    const found = byKindAndName(manifests, kind, name);
    if (!found) problems.push(`${container.name}: ${kind} ${name} does not exist`);
    return found === undefined ? {} : kind === 'Secret' ? secretValues(found) : (found.data ?? {});
  };
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(environment, source('ConfigMap', from.configMapRef.name));
    if (from.secretRef) Object.assign(environment, source('Secret', from.secretRef.name));
  }
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom?.configMapKeyRef ?? entry.valueFrom?.secretKeyRef;
    if (!ref) {
      environment[entry.name] = entry.value ?? '';
      continue;
    }
    const kind = entry.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret';
    const value = source(kind, ref.name)[ref.key];
    if (value === undefined)
      problems.push(
        `${container.name}: ${entry.name} names key ${ref.key} missing from ${ref.name}`,
      );
    else environment[entry.name] = value;
  }
  return { environment, problems };
}

/** The HTTP paths the platform's controllers serve (`@Get('…')` in health and metrics). */
export function platformHttpPaths(): string[] {
  return ['health/health.controller.ts', 'metrics/metrics.controller.ts'].flatMap((file) =>
    [
      ...readFileSync(join(PROJECT_ROOT, 'services', 'platform', 'src', file), 'utf8').matchAll(
        /@Get\('([^']*)'\)/g,
      ),
    ].map((match) => `/${match[1]}`),
  );
}

/**
 * Why a service's pods would not be probed or scraped where it answers: liveness on /health,
 * readiness on /ready, both on the port the service listens on, and the scrape annotations.
 */
export function probeProblems(
  deployment: IDeployment,
  container: IContainer,
  httpPort: string | undefined,
  servedPaths: readonly string[],
): string[] {
  const name = deployment.metadata?.name ?? '?';
  const problems: string[] = [];
  const portNumber = (port: number | string | undefined) =>
    typeof port === 'string'
      ? container.ports?.find((candidate) => candidate.name === port)?.containerPort
      : port;
  const expectations = [
    ['livenessProbe', container.livenessProbe, '/health'],
    ['readinessProbe', container.readinessProbe, '/ready'],
  ] as const;
  for (const [probe, spec, path] of expectations) {
    const get = spec?.httpGet;
    if (!get) {
      problems.push(`${name}: has no HTTP ${probe}`);
      continue;
    }
    if (get.path !== path) problems.push(`${name}: ${probe} asks ${get.path}, not ${path}`);
    if (!servedPaths.includes(get.path ?? ''))
      problems.push(`${name}: ${probe} path ${get.path} is not served by the platform`);
    if (String(portNumber(get.port)) !== httpPort)
      problems.push(`${name}: ${probe} port ${get.port} is not READMIT_HTTP_PORT ${httpPort}`);
  }
  const annotations = deployment.spec?.template.metadata?.annotations ?? {};
  if (annotations['prometheus.io/port'] !== httpPort)
    problems.push(`${name}: is scraped on port ${annotations['prometheus.io/port']}`);
  if (!servedPaths.includes(annotations['prometheus.io/path'] ?? ''))
    problems.push(
      `${name}: is scraped on ${annotations['prometheus.io/path']}, which is not served`,
    );
  return problems;
}
