import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { parseHostPort } from '@readmit/platform/config';
import { TOPICS } from '@readmit/contracts';
import { z } from 'zod';
import { PROJECT_ROOT } from '../support/endpoints';
import { APPLICATIONS, envSchemaOf } from './support/applications';
import { environmentProblems } from './support/environment-checks';
import {
  type LoadedManifest,
  type Manifest,
  readKustomization,
  readManifests,
  referencedFiles,
  resolveKustomization,
  schemaProblems,
} from './support/k8s-manifests';
import { containerEnvironment, platformHttpPaths, probeProblems } from './support/workload-checks';
import { TEST_PSEUDONYM_KEY } from '../support/pseudonyms';

/**
 * No cluster runs here, so this keeps k8s/ honest the way docker-compose.unit.spec.ts keeps
 * compose: every manifest matches the Kubernetes schema of its kind, every service is deployed
 * with the variables its config schema reads and accepts, probed where the platform answers,
 * and pointed at backing services that the manifests define.
 */
const K8S = join(PROJECT_ROOT, 'k8s');
const OVERLAYS = ['overlays/local', 'overlays/production'];

function yamlFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return entry.name.endsWith('.yaml') && entry.name !== 'kustomization.yaml' ? [path] : [];
  });
}

const base = resolveKustomization(join(K8S, 'base'));
const overlay = resolveKustomization(join(K8S, OVERLAYS[0]));
const manifests = overlay.map((loaded) => loaded.manifest);
const named = (kind: string, name: string) =>
  manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
const deploymentOf = (name: string) => named('Deployment', name) as IDeployment | undefined;
const containerOf = (name: string) => deploymentOf(name)?.spec?.template.spec?.containers[0];

/**
 * The environment once an operator has replaced the placeholders that must not work as they are:
 * the site pseudonym key (a usable placeholder would be a key anyone can read).
 */
function asReplaced(environment: Record<string, string>): Record<string, string> {
  return environment.READMIT_PSEUDONYM_KEY === 'REPLACE-ME'
    ? { ...environment, READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY }
    : environment;
}

/** Everything wrong with one application's Deployment, given all the manifests it can see. */
function deploymentProblems(
  name: string,
  all: readonly Manifest[],
  paths: readonly string[] = platformHttpPaths(),
) {
  const deployment = all.find((m) => m.kind === 'Deployment' && m.metadata.name === name) as
    IDeployment | undefined;
  const container = deployment?.spec?.template.spec?.containers[0];
  if (!deployment || !container) return [`${name}: no Deployment`];
  const { environment, problems } = containerEnvironment(container, all);
  return [
    ...problems,
    ...environmentProblems(name, envSchemaOf(name), asReplaced(environment)),
    ...probeProblems(deployment, container, environment.READMIT_HTTP_PORT, paths),
  ];
}

describe('k8s/', () => {
  it('has manifests that parse and match the schema of their kind', () => {
    const files = yamlFiles(K8S);
    expect(files.length).toBeGreaterThanOrEqual(10);
    const problems = files.flatMap((file) =>
      readManifests(file).flatMap((loaded) =>
        schemaProblems({ ...loaded, file: relative(PROJECT_ROOT, loaded.file) }),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('rejects a manifest that does not match its schema', () => {
    const deployment = structuredClone(
      base.find((loaded) => loaded.manifest.kind === 'Deployment') as LoadedManifest,
    );
    const container = (deployment.manifest as IDeployment).spec?.template.spec?.containers[0];
    (container as { ports: unknown }).ports = [{ containerPort: 'http' }];
    expect(schemaProblems(deployment)).toEqual([expect.stringMatching(/containerPort/)]);
    expect(
      schemaProblems({ file: 'x', manifest: { ...deployment.manifest, kind: 'Deploy' } }),
    ).toEqual([expect.stringMatching(/no schema known/)]);
  });

  it.each(['base', 'kafka', 'overlays/local', 'overlays/production'])(
    'lists in %s/kustomization.yaml only files that exist, and every yaml file beside it',
    (folder) => {
      const referenced = referencedFiles(join(K8S, folder));
      for (const file of referenced) expect(existsSync(file)).toBe(true);
      for (const file of yamlFiles(join(K8S, folder))) expect(referenced).toContain(file);
    },
  );

  it.each(OVERLAYS)('%s names only Deployments and images that the base defines', (name) => {
    const folder = join(K8S, name);
    const kustomization = readKustomization(folder);
    const all = resolveKustomization(folder).map((loaded) => loaded.manifest);
    const images = new Set(
      all.flatMap((manifest) => {
        const pod = manifest.spec?.template;
        const containers = (pod as { spec?: { containers?: IContainer[] } } | undefined)?.spec
          ?.containers;
        return (containers ?? []).map((container) => (container.image ?? '').split(':')[0]);
      }),
    );
    for (const { name } of kustomization.replicas ?? [])
      expect(all.some((m) => m.kind === 'Deployment' && m.metadata.name === name)).toBe(true);
    for (const { name } of kustomization.images ?? []) expect(images).toContain(name);
    for (const patch of kustomization.patches ?? [])
      for (const { manifest } of readManifests(join(folder, patch.path as string)))
        expect(
          all.some((m) => m.kind === manifest.kind && m.metadata.name === manifest.metadata.name),
        ).toBe(true);
  });

  it('deploys every application with a Service in front, from its own image', () => {
    expect(APPLICATIONS.length).toBeGreaterThanOrEqual(7);
    for (const name of APPLICATIONS) {
      const deployment = deploymentOf(name);
      expect(deployment).toBeDefined();
      expect(containerOf(name)?.image).toMatch(new RegExp(`^readmit/${name}:`));
      const service = named('Service', name);
      const podLabels = deployment?.spec?.template.metadata?.labels ?? {};
      const selector = (service?.spec?.selector ?? {}) as Record<string, string>;
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      for (const [label, value] of Object.entries(selector)) expect(podLabels[label]).toBe(value);
      const target = (service?.spec?.ports as Array<{ targetPort: string }>)[0].targetPort;
      expect(containerOf(name)?.ports?.map((port) => port.name)).toContain(target);
    }
  });

  it.each(APPLICATIONS)(
    'configures %s with the variables it reads and values it accepts, probes /health and /ready',
    (name) => {
      expect(deploymentProblems(name, manifests)).toEqual([]);
    },
  );

  it.each(APPLICATIONS)('gives %s resource requests and limits', (name) => {
    const resources = containerOf(name)?.resources;
    for (const kind of ['requests', 'limits'] as const)
      expect(Object.keys(resources?.[kind] ?? {}).sort()).toEqual(['cpu', 'memory']);
  });

  describe('fails when one side is renamed', () => {
    /** The problems a mutation adds to those the real manifests have (none, when all is well). */
    const added = (name: string, all: readonly Manifest[], paths?: readonly string[]) => {
      const before = deploymentProblems(name, manifests);
      return deploymentProblems(name, all, paths).filter((problem) => !before.includes(problem));
    };
    const renamed = (mutate: (copy: Manifest[]) => void) => {
      const copy = structuredClone(manifests);
      mutate(copy);
      return copy;
    };

    it('a variable in the ConfigMap', () => {
      const copy = renamed((all) => {
        const config = all.find(
          (m) => m.metadata.name === 'readmit-platform' && m.kind === 'ConfigMap',
        );
        const data = config?.data as Record<string, string>;
        data.READMIT_KAFKA_BROKER = data.READMIT_KAFKA_BROKERS;
        delete data.READMIT_KAFKA_BROKERS;
      });
      expect(added('scoring', copy)).toEqual([
        'scoring: sets READMIT_KAFKA_BROKER, which the service does not read',
        'scoring: does not set READMIT_KAFKA_BROKERS',
      ]);
    });

    it('a variable in the service config schema', () => {
      const schema = envSchemaOf('monitor');
      const { READMIT_DRIFT_WINDOW_ROWS: rows, ...rest } = schema.shape;
      const renamedSchema = z.object({ ...rest, READMIT_DRIFT_WINDOW_SIZE: rows });
      expect(Object.keys(rest)).not.toContain('READMIT_DRIFT_WINDOW_ROWS');
      const container = containerOf('monitor') as IContainer;
      const { environment } = containerEnvironment(container, manifests);
      expect(environmentProblems('monitor', renamedSchema, environment)).toContain(
        'monitor: sets READMIT_DRIFT_WINDOW_ROWS, which the service does not read',
      );
    });

    it('a probe path, in the manifest or in the health controller', () => {
      const copy = renamed((all) => {
        const deployment = all.find(
          (m) => m.kind === 'Deployment' && m.metadata.name === 'gateway',
        );
        const container = (deployment as IDeployment).spec?.template.spec?.containers[0];
        (container?.readinessProbe?.httpGet as { path: string }).path = '/readyz';
      });
      expect(added('gateway', copy)).toEqual([
        'gateway: readinessProbe asks /readyz, not /ready',
        'gateway: readinessProbe path /readyz is not served by the platform',
      ]);
      const served = platformHttpPaths().map((path) => (path === '/health' ? '/healthz' : path));
      expect(added('gateway', manifests, served)).toEqual([
        'gateway: livenessProbe path /health is not served by the platform',
      ]);
    });

    it('a Secret key a container reads', () => {
      const copy = renamed((all) => {
        const secret = all.find(
          (m) => m.kind === 'Secret' && m.metadata.name === 'readmit-gateway',
        );
        const data = secret?.stringData as Record<string, string>;
        data.keys = data['api-keys'];
        delete data['api-keys'];
      });
      expect(added('gateway', copy)).toEqual(
        expect.arrayContaining([
          'gateway: READMIT_API_KEYS names key api-keys missing from readmit-gateway',
          'gateway: does not set READMIT_API_KEYS',
        ]),
      );
    });
  });

  it('gives the site pseudonym key to ingest and the gateway only, as a placeholder they refuse to start with', () => {
    const holders = APPLICATIONS.filter(
      (name) =>
        containerEnvironment(containerOf(name) as IContainer, manifests).environment
          .READMIT_PSEUDONYM_KEY !== undefined,
    );
    expect(holders.sort()).toEqual(['gateway', 'ingest']);
    for (const name of holders) {
      const { environment } = containerEnvironment(containerOf(name) as IContainer, manifests);
      expect(environmentProblems(name, envSchemaOf(name), environment)).toEqual([
        expect.stringMatching(/READMIT_PSEUDONYM_KEY: must be base64 of at least 32 random bytes/),
      ]);
    }
  });

  it('points the services at the Kafka cluster, schema registry, database and object store it defines', () => {
    const { environment } = containerEnvironment(containerOf('scoring') as IContainer, manifests);
    const kafka = named('Kafka', 'readmit');
    const listeners = (kafka?.spec?.kafka as { listeners: Array<{ port: number; tls: boolean }> })
      .listeners;
    for (const broker of environment.READMIT_KAFKA_BROKERS.split(',')) {
      const parsed = parseHostPort(broker);
      expect(parsed?.host).toBe(`${kafka?.metadata.name}-kafka-bootstrap`);
      expect(listeners.filter((l) => !l.tls).map((l) => l.port)).toContain(parsed?.port);
    }
    const pools = manifests.filter((m) => m.kind === 'KafkaNodePool');
    expect(pools.length).toBeGreaterThan(0);
    for (const pool of pools)
      expect((pool.metadata.labels as Record<string, string>)['strimzi.io/cluster']).toBe(
        kafka?.metadata.name,
      );

    const urls = [
      environment.READMIT_SCHEMA_REGISTRY_URL,
      environment.READMIT_DATABASE_URL,
      environment.READMIT_S3_ENDPOINT,
    ];
    for (const url of urls) {
      const { hostname, port } = new URL(url);
      const service = named('Service', hostname);
      expect(service).toBeDefined();
      expect((service?.spec?.ports as Array<{ port: number }>).map((p) => p.port)).toContain(
        Number(port),
      );
    }
  });

  it('autoscales scoring and the gateway, scoring no further than the encounter partitions', () => {
    const autoscalers = manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler');
    expect(autoscalers.map((hpa) => hpa.metadata.name).sort()).toEqual(['gateway', 'scoring']);
    for (const hpa of autoscalers) {
      const spec = hpa.spec as {
        scaleTargetRef: { kind: string; name: string };
        minReplicas: number;
        maxReplicas: number;
      };
      expect(named(spec.scaleTargetRef.kind, spec.scaleTargetRef.name)).toBeDefined();
      expect(spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(spec.maxReplicas).toBeGreaterThan(spec.minReplicas);
    }
    expect(
      (named('HorizontalPodAutoscaler', 'scoring')?.spec?.maxReplicas as number) <=
        TOPICS.encounters.partitions,
    ).toBe(true);
  });

  it('keeps a pod of each replicated service through voluntary disruptions', () => {
    const budgets = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
    expect(budgets.map((pdb) => pdb.metadata.name)).toEqual(
      expect.arrayContaining(['scoring', 'gateway']),
    );
    for (const budget of budgets) {
      const selector = (budget.spec?.selector as { matchLabels: Record<string, string> })
        .matchLabels;
      const target = deploymentOf(budget.metadata.name);
      const labels = target?.spec?.template.metadata?.labels ?? {};
      for (const [label, value] of Object.entries(selector)) expect(labels[label]).toBe(value);
      const replicas = Math.max(
        target?.spec?.replicas ?? 1,
        (named('HorizontalPodAutoscaler', budget.metadata.name)?.spec?.minReplicas as number) ?? 0,
      );
      expect(replicas).toBeGreaterThan(budget.spec?.minAvailable as number);
    }
  });

  it('creates the topics with a Job running `readmit topics create` from the CLI image', () => {
    const job = manifests.find((m) => m.kind === 'Job');
    const container = (job?.spec?.template as { spec: { containers: IContainer[] } }).spec
      .containers[0];
    expect(container.image).toMatch(/^readmit\/cli:/);
    expect(container.args?.slice(0, 2)).toEqual(['topics', 'create']);
    const { environment, problems } = containerEnvironment(container, manifests);
    expect(problems).toEqual([]);
    const brokers = /^\$\((\w+)\)$/.exec(container.args?.[3] ?? '')?.[1] ?? '';
    expect(environment[brokers]).toBe(environment.READMIT_KAFKA_BROKERS);
    expect(readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8')).toMatch(
      /^FROM \S+ AS cli$[\s\S]*?ENTRYPOINT \["node", "bin\/readmit.js"\]/m,
    );
  });
});
