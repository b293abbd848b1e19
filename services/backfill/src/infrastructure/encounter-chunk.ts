import type { EncounterRecorded } from '@readmit/contracts';
import {
  InvalidEventError,
  PoisonMessageError,
  type DecodedEvent,
  type EventSerde,
} from '@readmit/platform/kafka';
import type { KafkaMessage } from 'kafkajs';

/** An encounter read from patient.encounters, and its offset there. */
export interface EncounterAt {
  readonly event: EncounterRecorded;
  readonly offset: number;
}

/** The encounters of a chunk of records, and the count of those that are not. */
export interface EncounterChunk {
  readonly encounters: readonly EncounterAt[];
  /** Records that are not encounters, or are poison. */
  readonly skipped: number;
  /** Encounters that break the field rules. */
  readonly invalid: number;
  /** Records sealed under patients' keys that this reader holds no keys for. */
  readonly sealedWithoutKeys: number;
}

const isEncounter = (decoded: DecodedEvent): decoded is DecodedEvent<'EncounterRecorded'> =>
  decoded.eventType === 'EncounterRecorded';

/** Decodes a chunk of records and keeps its encounters. */
export async function decodeEncounters(
  serde: EventSerde,
  chunk: readonly KafkaMessage[],
): Promise<EncounterChunk> {
  const encounters: EncounterAt[] = [];
  let skipped = 0;
  let invalid = 0;
  let sealedWithoutKeys = 0;
  const decoded = await serde.decodeAll(chunk.map((message) => message.value));
  for (const [index, result] of decoded.entries()) {
    // Poison records were dead-lettered by live consumers; a backfill only skips them. The
    // serde holds encounters to the field rules, so an invalid one is never re-scored.
    if (result instanceof InvalidEventError) invalid += 1;
    else if (result instanceof PoisonMessageError && result.reason === 'sealed_without_keys')
      sealedWithoutKeys += 1;
    else if (result instanceof PoisonMessageError || !isEncounter(result)) skipped += 1;
    else encounters.push({ event: result.event, offset: Number(chunk[index].offset) });
  }
  return { encounters, skipped, invalid, sealedWithoutKeys };
}
