import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';

/** One Kubernetes object as written in k8s/, with the file it came from. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly [key: string]: unknown };
  readonly spec?: Record<string, unknown>;
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
  readonly [key: string]: unknown;
}

export interface LoadedManifest {
  readonly file: string;
  readonly manifest: Manifest;
}

export interface Kustomization {
  readonly resources?: string[];
  readonly components?: string[];
  readonly patches?: Array<{ path?: string }>;
  readonly replicas?: Array<{ name: string; count: number }>;
  readonly images?: Array<{ name: string; newName?: string; newTag?: string }>;
}

export function readKustomization(folder: string): Kustomization {
  return parseAllDocuments(readFileSync(join(folder, 'kustomization.yaml'), 'utf8'))[0].toJS();
}

/** Every document of a YAML file; a syntax error anywhere throws. */
export function readManifests(file: string): LoadedManifest[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
    return { file, manifest: document.toJS() as Manifest };
  });
}

/**
 * What `kustomize build <folder>` would start from, without kustomize: the resources and
 * components it lists, followed recursively (patches and transformers are checked separately).
 */
export function resolveKustomization(folder: string): LoadedManifest[] {
  const kustomization = readKustomization(folder);
  return [...(kustomization.resources ?? []), ...(kustomization.components ?? [])].flatMap(
    (entry) => {
      const path = join(folder, entry);
      return statSync(path).isDirectory() ? resolveKustomization(path) : readManifests(path);
    },
  );
}

/** Files a kustomization names that must exist (resources, components, patches). */
export function referencedFiles(folder: string): string[] {
  const kustomization = readKustomization(folder);
  return [
    ...(kustomization.resources ?? []),
    ...(kustomization.components ?? []),
    ...(kustomization.patches ?? []).flatMap((patch) => (patch.path ? [patch.path] : [])),
  ].map((entry) => join(folder, entry));
}

interface Validatable {
  validate(): void;
}

/** The Kubernetes API schemas (from the kubernetes-models package) of the kinds k8s/ uses. */
const KUBERNETES_SCHEMAS: Record<string, (manifest: Manifest) => Validatable> = {
  'v1/Namespace': (manifest) => new Namespace(manifest as never),
  'v1/ConfigMap': (manifest) => new ConfigMap(manifest as never),
  'v1/Secret': (manifest) => new Secret(manifest as never),
  'v1/Service': (manifest) => new Service(manifest as never),
  'apps/v1/Deployment': (manifest) => new Deployment(manifest as never),
  'batch/v1/Job': (manifest) => new Job(manifest as never),
  'autoscaling/v2/HorizontalPodAutoscaler': (manifest) =>
    new HorizontalPodAutoscaler(manifest as never),
  'policy/v1/PodDisruptionBudget': (manifest) => new PodDisruptionBudget(manifest as never),
};

/**
 * Strimzi publishes its CRDs as YAML in its operator release, not on npm: its custom resources
 * are checked for the fields the operator requires to reconcile them.
 */
const STRIMZI_REQUIRED: Record<string, string[][]> = {
  'kafka.strimzi.io/v1beta2/Kafka': [
    ['spec', 'kafka', 'listeners'],
    ['metadata', 'annotations', 'strimzi.io/node-pools'],
    ['metadata', 'annotations', 'strimzi.io/kraft'],
  ],
  'kafka.strimzi.io/v1beta2/KafkaNodePool': [
    ['spec', 'replicas'],
    ['spec', 'roles'],
    ['spec', 'storage'],
    ['metadata', 'labels', 'strimzi.io/cluster'],
  ],
  // Ours always authenticate and carry ACLs (k8s/kafka/users.yaml).
  'kafka.strimzi.io/v1beta2/KafkaUser': [
    ['metadata', 'labels', 'strimzi.io/cluster'],
    ['spec', 'authentication', 'type'],
    ['spec', 'authorization', 'type'],
    ['spec', 'authorization', 'acls'],
  ],
};

/** Why a manifest does not match its kind's schema; empty when it does. */
export function schemaProblems({ file, manifest }: LoadedManifest): string[] {
  const kind = `${manifest.apiVersion}/${manifest.kind}`;
  const where = `${file}: ${manifest.kind} ${manifest.metadata?.name}`;
  const schema = KUBERNETES_SCHEMAS[kind];
  if (schema) {
    try {
      schema(manifest).validate();
      return [];
    } catch (error) {
      return [`${where}: ${(error as Error).message}`];
    }
  }
  const required = STRIMZI_REQUIRED[kind];
  if (!required) return [`${where}: no schema known for ${kind}`];
  return required
    .filter((path) => valueAt(manifest, path) === undefined)
    .map((path) => `${where}: ${path.join('.')} is required`);
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (current, key) =>
      current !== null && typeof current === 'object'
        ? (current as Record<string, unknown>)[key]
        : undefined,
    value,
  );
}
