import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { newEnvelope, type EventPublisher } from '@readmit/platform/kafka';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { smallModelArtifact, type SmallModelOptions } from './artifacts';
import { exampleEncounter } from './kafka';

export const MODEL = 'readmission';

/**
 * Stores the small real model as `version` under `root` (a filesystem object store) and
 * announces it as the champion on ml.models, as the registry would.
 */
export async function promoteSmallModel(
  publisher: EventPublisher,
  root: string,
  version = 'v1',
  threshold = 0.3,
  options: SmallModelOptions = {},
): Promise<void> {
  const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
  const stored = await artifacts.save(
    MODEL,
    version,
    smallModelArtifact(MODEL, version, threshold, options),
  );
  await publisher.publish('ModelPromoted', MODEL, {
    ...EXAMPLE_EVENTS.ModelPromoted,
    envelope: newEnvelope('ModelPromoted', { producer: 'test' }),
    modelName: MODEL,
    version,
    previousVersion: null,
    artifactUri: stored.uri,
    artifactSha256: stored.sha256,
    threshold,
  });
}

/** Publishes example encounters with ids from..from+count-1, 1,000 per produce request. */
export async function publishExampleEncounters(
  publisher: EventPublisher,
  from: number,
  count: number,
): Promise<void> {
  for (let start = from; start < from + count; start += 1_000) {
    const size = Math.min(1_000, from + count - start);
    await publisher.publishAll(
      Array.from({ length: size }, (_, index) => {
        const event = exampleEncounter(start + index);
        return { eventType: 'EncounterRecorded' as const, key: event.encounter_id, event };
      }),
    );
  }
}
