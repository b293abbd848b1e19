import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { parseHostPort } from '@readmit/platform/config';
import { kafkaAclsOf, SERVICE_NAMES, TOPICS, type KafkaAcl } from '@readmit/contracts';
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
import {
  KAFKA_USERS_FILE,
  kafkaUserManifests,
  SCHEMA_REGISTRY_USER,
  strimziSecrets,
  TOPICS_ADMIN_USER,
  type StrimziAcl,
} from './support/kafka-users';
import {
  kafkaClientProblems,
  listenersOf,
  mountedSecretFile,
  podSpecOf,
} from './support/kafka-client-checks';
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
/** The overlay as applied, once Strimzi has created the Secrets its resources ask for. */
const withStrimziSecrets = (written: readonly Manifest[]) => [
  ...written,
  ...strimziSecrets(written),
];
const manifests = withStrimziSecrets(overlay.map((loaded) => loaded.manifest));
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

/** A binding as text, for readable differences: principal, resource, pattern, name, operation. */
const bindingText = (acl: KafkaAcl) =>
  `${acl.principal} ${acl.resource} ${acl.pattern} ${acl.name} ${acl.operation}`;

/** A KafkaUser's Strimzi ACL rules as our bindings again: one per operation, as text. */
function bindingsOf(user: Manifest | undefined): string[] {
  const acls = (user?.spec?.authorization as { acls?: StrimziAcl[] } | undefined)?.acls ?? [];
  const resources: Record<string, string> = { transactionalId: 'transactional-id' };
  const patterns: Record<string, string> = { prefix: 'prefixed' };
  return acls
    .flatMap(({ resource, operations }) =>
      operations.map((operation) => {
        const name = 'name' in resource ? resource.name : '';
        const pattern = 'patternType' in resource ? resource.patternType : '';
        const type = resources[resource.type] ?? resource.type;
        return `User:${user?.metadata.name} ${type} ${patterns[pattern] ?? pattern} ${name} ${operation.toLowerCase()}`;
      }),
    )
    .sort();
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

    it('a KafkaUser, or the User Operator that creates its Secret', () => {
      const written = overlay.map((loaded) => loaded.manifest);
      const scoringOf = (all: Manifest[]) =>
        all.find((m) => m.kind === 'Deployment' && m.metadata.name === 'scoring') as Manifest;
      const userRenamed = structuredClone(written);
      const user = userRenamed.find((m) => m.kind === 'KafkaUser' && m.metadata.name === 'scoring');
      (user?.metadata as { name: string }).name = 'scorer';
      const all = withStrimziSecrets(userRenamed);
      expect(kafkaClientProblems(scoringOf(all), 'scoring', all)).toEqual(
        expect.arrayContaining([
          'scoring: Secret scoring does not exist',
          'scoring: no KafkaUser scoring of a Kafka defined here',
        ]),
      );
      const withoutOperator = structuredClone(written);
      const kafka = withoutOperator.find((m) => m.kind === 'Kafka');
      delete (kafka?.spec?.entityOperator as { userOperator?: object }).userOperator;
      const unreconciled = withStrimziSecrets(withoutOperator);
      expect(kafkaClientProblems(scoringOf(unreconciled), 'scoring', unreconciled)).toContain(
        'scoring: Secret scoring does not exist',
      );
    });

    it('the ACLs of the topic catalog, with users.yaml not regenerated', () => {
      const stale = readManifests(KAFKA_USERS_FILE)
        .map((loaded) => structuredClone(loaded.manifest))
        .find((m) => m.kind === 'KafkaUser' && m.metadata.name === 'ingest');
      (stale?.spec?.authorization as { acls: StrimziAcl[] }).acls.pop();
      const current = bindingsOf(stale);
      expect(
        kafkaAclsOf('ingest')
          .map(bindingText)
          .filter((binding) => !current.includes(binding)),
      ).toEqual([
        'User:ingest transactional-id prefixed readmit-ingest write',
        'User:ingest transactional-id prefixed readmit-ingest describe',
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
    for (const broker of environment.READMIT_KAFKA_BROKERS.split(',')) {
      const parsed = parseHostPort(broker);
      expect(parsed?.host).toBe(`${kafka?.metadata.name}-kafka-bootstrap`);
      expect(listenersOf(kafka).map((l) => l.port)).toContain(parsed?.port);
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
    expect(kafkaClientProblems(job as Manifest, TOPICS_ADMIN_USER, manifests)).toEqual([]);
    expect(readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8')).toMatch(
      /^FROM \S+ AS cli$[\s\S]*?ENTRYPOINT \["node", "bin\/readmit.js"\]/m,
    );
  });

  describe('Kafka: a TLS listener, SCRAM users, ACLs from the topic catalog', () => {
    const kafka = named('Kafka', 'readmit');
    const users = readManifests(KAFKA_USERS_FILE).map((loaded) => loaded.manifest);
    const userNamed = (name: string) =>
      manifests.find((m) => m.kind === 'KafkaUser' && m.metadata.name === name);

    it("authenticates every connection and authorizes it by the KafkaUsers' ACLs", () => {
      expect(listenersOf(kafka).length).toBeGreaterThan(0);
      for (const listener of listenersOf(kafka))
        expect(listener).toMatchObject({ tls: true, authentication: { type: 'scram-sha-512' } });
      expect((kafka?.spec?.kafka as { authorization?: unknown }).authorization).toEqual({
        type: 'simple',
      });
      expect(kafka?.spec?.entityOperator).toHaveProperty('userOperator');
      for (const user of manifests.filter((m) => m.kind === 'KafkaUser'))
        expect([user.metadata.name, user.metadata.labels]).toEqual([
          user.metadata.name,
          { 'strimzi.io/cluster': kafka?.metadata.name },
        ]);
    });

    it('has k8s/kafka/users.yaml as `npm run k8s:kafka-users` writes it', () => {
      expect(users).toEqual(kafkaUserManifests());
    });

    it.each(SERVICE_NAMES)(
      'grants the KafkaUser %s exactly the ACLs the topic catalog derives for it',
      (service) => {
        const user = userNamed(service);
        expect(user?.spec?.authentication).toEqual({ type: 'scram-sha-512' });
        expect(bindingsOf(user)).toEqual(kafkaAclsOf(service, '').map(bindingText).sort());
      },
    );

    it('has a KafkaUser for every application it deploys', () => {
      expect([...APPLICATIONS].sort()).toEqual([...SERVICE_NAMES].sort());
    });

    it.each(APPLICATIONS)(
      'runs %s as the KafkaUser named after it, over TLS trusting the cluster CA',
      (name) => {
        expect(kafkaClientProblems(deploymentOf(name) as Manifest, name, manifests)).toEqual([]);
      },
    );

    it('connects the schema registry as its KafkaUser, over TLS trusting the cluster CA', () => {
      const pod = podSpecOf(named('Deployment', 'schema-registry') as Manifest);
      const container = pod?.containers[0] as IContainer;
      const { environment, problems } = containerEnvironment(container, manifests);
      expect(problems).toEqual([]);
      const [protocol, address] =
        environment.SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS.split('://');
      expect([protocol, environment.SCHEMA_REGISTRY_KAFKASTORE_SECURITY_PROTOCOL]).toEqual([
        'SASL_SSL',
        'SASL_SSL',
      ]);
      expect(parseHostPort(address)?.host).toBe(`${kafka?.metadata.name}-kafka-bootstrap`);
      const listener = listenersOf(kafka).find((l) => l.port === parseHostPort(address)?.port);
      expect(listener).toMatchObject({ tls: true, authentication: { type: 'scram-sha-512' } });
      expect(environment.SCHEMA_REGISTRY_KAFKASTORE_SASL_MECHANISM).toBe('SCRAM-SHA-512');
      const jaas = container.env?.find(
        (entry) => entry.name === 'SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG',
      );
      expect(jaas?.valueFrom?.secretKeyRef).toEqual({
        name: SCHEMA_REGISTRY_USER,
        key: 'sasl.jaas.config',
      });
      expect(userNamed(SCHEMA_REGISTRY_USER)).toBeDefined();
      expect(environment.SCHEMA_REGISTRY_KAFKASTORE_SSL_TRUSTSTORE_TYPE).toBe('PEM');
      const truststore = environment.SCHEMA_REGISTRY_KAFKASTORE_SSL_TRUSTSTORE_LOCATION;
      expect(mountedSecretFile(pod as IPodSpec, container, truststore)).toEqual({
        secret: `${kafka?.metadata.name}-cluster-ca-cert`,
        key: 'ca.crt',
      });
    });
  });
});
