import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { z } from 'zod';
import { kafkaSecurityEnvShape, parseHostPort, toKafkaSecurity } from '@readmit/platform/config';
import type { Manifest } from './k8s-manifests';
import { containerEnvironment } from './workload-checks';

/** A listener of a Strimzi Kafka resource (spec.kafka.listeners[]). */
export interface KafkaListener {
  readonly name: string;
  readonly port: number;
  readonly tls: boolean;
  readonly authentication?: { readonly type: string };
}

export function listenersOf(kafka: Manifest | undefined): KafkaListener[] {
  return (kafka?.spec?.kafka as { listeners?: KafkaListener[] } | undefined)?.listeners ?? [];
}

/** The pod spec of a Deployment or Job. */
export function podSpecOf(workload: Manifest): IPodSpec | undefined {
  return (workload.spec?.template as { spec?: IPodSpec } | undefined)?.spec;
}

/** The Secret key a container sees as the file at `path`, through a secret volume; else none. */
export function mountedSecretFile(
  pod: IPodSpec,
  container: IContainer,
  path: string,
): { secret: string; key: string } | undefined {
  for (const mount of container.volumeMounts ?? []) {
    if (!path.startsWith(`${mount.mountPath}/`)) continue;
    const file = path.slice(mount.mountPath.length + 1);
    const secret = pod.volumes?.find((volume) => volume.name === mount.name)?.secret;
    if (!secret?.secretName) continue;
    // Without items every key is a file of its name.
    const item = secret.items ? secret.items.find((each) => each.path === file) : { key: file };
    if (item) return { secret: secret.secretName, key: item.key };
  }
  return undefined;
}

/**
 * Why a workload would not reach the Strimzi cluster as KafkaUser `user`: its brokers are not a
 * listener of the Kafka resource, its TLS or SASL mechanism differ from the listener's, it does
 * not trust the file of the cluster CA's Secret, or it authenticates as another user or with
 * another Secret's password than the one the User Operator creates for `user`.
 */
export function kafkaClientProblems(
  workload: Manifest,
  user: string,
  manifests: readonly Manifest[],
): string[] {
  const name = workload.metadata.name;
  const pod = podSpecOf(workload);
  const container = pod?.containers[0];
  if (!pod || !container) return [`${name}: no container`];
  const { environment, problems } = containerEnvironment(container, manifests);
  const password = container.env?.find((entry) => entry.name === 'READMIT_KAFKA_SASL_PASSWORD')
    ?.valueFrom?.secretKeyRef;
  if (password?.name !== user || password.key !== 'password')
    problems.push(`${name}: READMIT_KAFKA_SASL_PASSWORD is not the password of KafkaUser ${user}`);
  const kafkaUser = manifests.find((m) => m.kind === 'KafkaUser' && m.metadata.name === user);
  const cluster = (kafkaUser?.metadata.labels as Record<string, string> | undefined)?.[
    'strimzi.io/cluster'
  ];
  const kafka = manifests.find((m) => m.kind === 'Kafka' && m.metadata.name === cluster);
  if (!kafka) problems.push(`${name}: no KafkaUser ${user} of a Kafka defined here`);

  const parsed = z.object(kafkaSecurityEnvShape).safeParse(environment);
  const read = parsed.success ? toKafkaSecurity(parsed.data) : undefined;
  if (!parsed.success) problems.push(`${name}: ${parsed.error.message}`);
  if (read && 'problems' in read) problems.push(...read.problems.map((p) => `${name}: ${p}`));
  if (!kafka || !read || 'problems' in read) return problems;
  const { tls, sasl } = read.security;

  for (const broker of (environment.READMIT_KAFKA_BROKERS ?? '').split(',')) {
    const address = parseHostPort(broker);
    const listener = listenersOf(kafka).find((candidate) => candidate.port === address?.port);
    if (address?.host !== `${cluster}-kafka-bootstrap` || !listener) {
      problems.push(`${name}: broker ${broker} is not a listener of Kafka ${cluster}`);
      continue;
    }
    if (listener.tls !== (tls !== null))
      problems.push(
        `${name}: TLS ${tls !== null} to listener ${listener.name} (TLS ${listener.tls})`,
      );
    if (sasl?.mechanism !== listener.authentication?.type)
      problems.push(
        `${name}: authenticates with ${sasl?.mechanism}, listener ${listener.name} with ${listener.authentication?.type}`,
      );
  }
  if (tls !== null) {
    const ca = tls.caFile ? mountedSecretFile(pod, container, tls.caFile) : undefined;
    if (ca?.secret !== `${cluster}-cluster-ca-cert` || ca.key !== 'ca.crt')
      problems.push(
        `${name}: READMIT_KAFKA_TLS_CA_FILE is not ca.crt of ${cluster}-cluster-ca-cert`,
      );
  }
  if (sasl?.mechanism !== 'oauthbearer' && sasl?.username !== user)
    problems.push(`${name}: authenticates as ${sasl?.username}, not KafkaUser ${user}`);
  return problems;
}
