import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { readBundle } from '@readmit/fhir';
import { KAFKA_CLIENT, LOGGER, PLATFORM_CONFIG, SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { type PlatformConfig } from '@readmit/platform/config';
import { ReadinessRegistry } from '@readmit/platform/health';
import { KafkaMetrics, RetriableKafkaError } from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { FhirBundleConsumer, type BundleVerdict } from '../../infrastructure/fhir-bundle-consumer';
import type { IngestEnv } from '../../ingest.config';
import { FhirIngestService } from './fhir-ingest.service';
import type { FhirIssue } from '@readmit/fhir';

/** How long a message waits for the keys follower before it is tried again. */
const CATCH_UP_WAIT_MS = 10_000;
/** Enough of the issues to find the problem; the message itself is in the dead letter. */
const LISTED_ISSUES = 20;

/**
 * Reads FHIR bundles from fhir.bundles for the life of the service (READMIT_FHIR_TOPIC): each is
 * taken as `POST /fhir` takes it (transaction and collection all or nothing, batch per entry).
 */
@Injectable()
export class FhirTopicRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: FhirBundleConsumer | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(KafkaMetrics) metrics: KafkaMetrics,
    @Inject(LOGGER) logger: Logger,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(SERVICE_CONFIG) env: IngestEnv,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
    @Inject(FhirIngestService) private readonly fhir: FhirIngestService,
  ) {
    if (!env.READMIT_FHIR_TOPIC) return;
    this.consumer = new FhirBundleConsumer(kafka, metrics, logger, {
      groupId: 'readmit-ingest-fhir-bundles',
      topicPrefix: config.kafka.topicPrefix,
      readiness,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer?.start((value) => this.take(value));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  private async take(value: Buffer): Promise<BundleVerdict> {
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch {
      return { kind: 'refused', reason: 'undecodable', error: 'the message is not JSON' };
    }
    const bundle = readBundle(json);
    const mode = bundle.type === 'batch' ? 'each-entry' : 'all-or-nothing';
    if (bundle.type === undefined || (mode === 'all-or-nothing' && bundle.issues.length > 0))
      return refusedFor(bundle.issues);
    if (!(await this.fhir.whenReady(CATCH_UP_WAIT_MS)))
      throw new RetriableKafkaError('ingest is still reading the encounters already on the log');
    const result = await this.fhir.ingest(
      bundle.entries.map((entry) => ({
        resource: entry.resource,
        fullUrl: entry.fullUrl,
        location: entry.location,
        position: entry.index + 1,
      })),
      mode,
      'fhir-topic',
    );
    const issues = [...bundle.issues, ...result.issues];
    // A batch's good entries are published; its bad ones go to the dead letter with the message.
    return issues.length > 0 ? refusedFor(issues) : { kind: 'taken' };
  }
}

function refusedFor(issues: readonly FhirIssue[]): BundleVerdict {
  const listed = issues
    .slice(0, LISTED_ISSUES)
    .map((issue) => `${issue.expression?.[0] ?? 'Bundle'}: ${issue.diagnostics ?? issue.code}`);
  const more = issues.length > LISTED_ISSUES ? ` (and ${issues.length - LISTED_ISSUES} more)` : '';
  return { kind: 'refused', reason: 'invalid_event', error: `${listed.join('; ')}${more}` };
}
