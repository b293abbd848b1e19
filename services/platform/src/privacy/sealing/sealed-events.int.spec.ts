import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EVENT_SCHEMAS,
  EXAMPLE_EVENTS,
  type EncounterRecorded,
  type OutcomeRecorded,
  type PredictionMade,
} from '@readmit/contracts';
import avro from 'avsc';
import type { KafkaMessage } from 'kafkajs';
import { dropTestSchema } from '../../../../../test/support/database';
import { testEndpoints, uniqueName } from '../../../../../test/support/endpoints';
import { PatientForgottenError, PoisonMessageError } from '../../kafka/kafka-errors';
import { routeMessage } from '../../kafka/message-router';
import { EventSerde } from '../../kafka/serde/event-serde';
import { SealError } from '../keys/field-sealer';
import { createLocalKekFile, kekFromEnv } from '../keys/kek-config';
import type { KeyEncryptionKey } from '../keys/key-encryption-key';
import { unwrapKey } from '../keys/key-wrap';
import { PostgresPatientKeyStore } from '../keys/postgres-patient-key-store';
import { WrappingKeys } from '../keys/wrapping-keys';
import { openFields, sealedContentReaderOf } from './sealed-fields-codec';

const sealedReader = sealedContentReaderOf('EncounterRecorded', EVENT_SCHEMAS.EncounterRecorded)!;
const sealedPredictionReader = sealedContentReaderOf(
  'PredictionMade',
  EVENT_SCHEMAS.PredictionMade,
)!;
import { patientSealingFromEnv, type PatientSealing } from './sealer-from-env';

// Pseudonyms end in one of A, Q, g, w (the last base64url character holds 2 bits).
const PATIENTS = [`pat_${'a'.repeat(21)}A`, `pat_${'b'.repeat(21)}A`] as const;

function encounterOf(patient: string, index: number): EncounterRecorded {
  const encounter = `enc_${String(index).padStart(21, 'E')}A`;
  return { ...EXAMPLE_EVENTS.EncounterRecorded, encounter_id: encounter, patient_nbr: patient };
}

/** The prediction of an encounter: its score is the patient's data too, sealed under their key. */
function predictionOf(encounter: EncounterRecorded): PredictionMade {
  return {
    ...EXAMPLE_EVENTS.PredictionMade,
    encounter_id: encounter.encounter_id,
    patient_nbr: encounter.patient_nbr,
  };
}

/** The score as Avro writes a double: 8 bytes, little-endian. */
function doubleBytes(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return bytes;
}

function outcomeOf(encounter: EncounterRecorded): OutcomeRecorded {
  return {
    ...EXAMPLE_EVENTS.OutcomeRecorded,
    encounter_id: encounter.encounter_id,
    patient_nbr: encounter.patient_nbr,
  };
}

describe('patient events sealed on the real registry and Postgres', () => {
  const endpoints = testEndpoints();
  const schema = uniqueName('sealing').replace(/-/g, '_');
  const topicPrefix = `${uniqueName('sealing')}.`;
  const kekFile = join(mkdtempSync(join(tmpdir(), 'readmit-kek-')), 'kek');
  const kekEnv = { READMIT_KEK: `local:${kekFile}`, READMIT_KMS_REGION: 'us-east-1' };
  const database = { databaseUrl: endpoints.databaseUrl, databaseSchema: schema };
  const sealings: PatientSealing[] = [];
  const newSealing = async () => {
    const sealing = (await patientSealingFromEnv(kekEnv, database)) as PatientSealing;
    sealings.push(sealing);
    return sealing;
  };
  const serdeWith = (sealing?: PatientSealing) =>
    EventSerde.create(endpoints.schemaRegistryUrl, { topicPrefix, sealer: sealing?.sealer });

  beforeAll(() => createLocalKekFile(kekFile));
  afterAll(async () => {
    await Promise.all(sealings.map((sealing) => sealing.close()));
    await dropTestSchema(schema);
  });

  it('writes no clinical value in the clear, opens for a reader with the keys, and for nobody once the patient is forgotten', async () => {
    const writerSealing = await newSealing();
    const writer = serdeWith(writerSealing);
    await writer.register(['EncounterRecorded', 'OutcomeRecorded', 'PredictionMade']);
    const encounters = PATIENTS.flatMap((patient, p) =>
      [0, 1].map((i) => encounterOf(patient, p * 10 + i)),
    );
    const outgoing = [
      ...encounters.map((event) => ({ eventType: 'EncounterRecorded' as const, event })),
      ...encounters.map((encounter) => ({
        eventType: 'OutcomeRecorded' as const,
        event: outcomeOf(encounter),
      })),
      ...encounters.map((encounter) => ({
        eventType: 'PredictionMade' as const,
        event: predictionOf(encounter),
      })),
    ];
    await writer.prepareToWrite(outgoing);
    const messages = outgoing.map(({ eventType, event }) =>
      eventType === 'EncounterRecorded'
        ? writer.encode(eventType, event as EncounterRecorded)
        : eventType === 'OutcomeRecorded'
          ? writer.encode(eventType, event as OutcomeRecorded)
          : writer.encode(eventType, event as PredictionMade),
    );
    for (const message of messages) {
      for (const clear of ['[10-20)', 'Caucasian', 'AFTER_30_DAYS', 'number_inpatient'])
        expect(message.includes(Buffer.from(clear))).toBe(false);
      expect(message.includes(doubleBytes(EXAMPLE_EVENTS.PredictionMade.score))).toBe(false);
      // Pseudonyms stay readable: partitioning and joins need them.
      expect(
        message.includes(Buffer.from(PATIENTS[0])) || message.includes(Buffer.from(PATIENTS[1])),
      ).toBe(true);
    }

    // Another process with the keys opens every event, as it was written.
    const reader = serdeWith(await newSealing());
    const opened = await reader.decodeAll(messages);
    expect(
      opened.map((item) => (item instanceof PoisonMessageError ? item.reason : item.event)),
    ).toEqual(outgoing.map(({ event }) => event));

    // A reader without keys dead-letters them with a reason that says why.
    const keyless = serdeWith(undefined);
    await expect(keyless.decode(messages[0])).rejects.toMatchObject({
      reason: 'sealed_without_keys',
    });

    // Forget patient A: its key is destroyed.
    expect(await writerSealing.sealer.keys.forget(PATIENTS[0])).toBe(true);
    const afterForget = await serdeWith(await newSealing()).decodeAll(messages);
    const verdicts = afterForget.map((item) =>
      item instanceof PatientForgottenError
        ? 'forgotten'
        : item instanceof PoisonMessageError
          ? item.reason
          : (item.event as EncounterRecorded).patient_nbr,
    );
    expect(verdicts).toEqual([
      'forgotten',
      'forgotten',
      PATIENTS[1],
      PATIENTS[1],
      'forgotten',
      'forgotten',
      PATIENTS[1],
      PATIENTS[1],
      'forgotten',
      'forgotten',
      PATIENTS[1],
      PATIENTS[1],
    ]);
    // Every key the system still holds: the KEK opens the wrapping keys, they open every patient
    // key left; none of those, nor the wrapping keys themselves, opens A's sealed fields.
    const wrappingKeys = new WrappingKeys(
      endpoints.databaseUrl,
      schema,
      kekFromEnv(kekEnv) as KeyEncryptionKey,
    );
    const wrapping = await wrappingKeys.all().finally(() => wrappingKeys.close());
    const everyWrappingKey = [wrapping.active, ...wrapping.others.values()];
    const keyStore = new PostgresPatientKeyStore(endpoints.databaseUrl, schema);
    const stored = await keyStore
      .getMany([PATIENTS[0], PATIENTS[1]])
      .finally(() => keyStore.close());
    expect([...stored.keys()]).toEqual([PATIENTS[1]]);
    const heldKeys = [
      ...everyWrappingKey.map((key) => key.key),
      ...[...stored.values()].flatMap((row) =>
        everyWrappingKey
          .filter((key) => key.id === row.wrappingKeyId)
          .map((key) => unwrapKey(key.key, row.wrapped)),
      ),
    ];
    expect(heldKeys).toHaveLength(2);
    const sealedOfA = avro.Type.forSchema(
      EVENT_SCHEMAS.EncounterRecorded as avro.Schema,
    ).fromBuffer(messages[0].subarray(5)) as EncounterRecorded;
    const predictionOfA = avro.Type.forSchema(
      EVENT_SCHEMAS.PredictionMade as avro.Schema,
    ).fromBuffer(messages[8].subarray(5)) as PredictionMade;
    for (const key of heldKeys) {
      expect(() => openFields('EncounterRecorded', { ...sealedOfA }, key, sealedReader)).toThrow(
        SealError,
      );
      expect(() =>
        openFields('PredictionMade', { ...predictionOfA }, key, sealedPredictionReader),
      ).toThrow(SealError);
    }

    // The reader that had A's key cached still opens until its cache says otherwise; evicting
    // (on PatientForgotten) closes it at once.
    const readerKeys = sealings[1].sealer.keys;
    readerKeys.evict(PATIENTS[0]);
    await expect(reader.decode(messages[0])).rejects.toBeInstanceOf(PatientForgottenError);

    // A consumer passes a forgotten patient's event over: skipped, not dead-lettered.
    const handled: string[] = [];
    const outcome = await routeMessage(
      reader,
      { EncounterRecorded: async (event) => void handled.push(event.encounter_id) },
      `${topicPrefix}patient.encounters`,
      0,
      { value: messages[0], key: null, offset: '0', headers: {} } as unknown as KafkaMessage,
    );
    expect(outcome).toEqual({ kind: 'skipped', eventType: 'EncounterRecorded' });
    expect(handled).toEqual([]);
  });

  it('reads events written in the clear (before sealing, or by a site that does not seal) with or without keys', async () => {
    const plainWriter = serdeWith(undefined);
    await plainWriter.register(['EncounterRecorded']);
    const event = encounterOf(PATIENTS[1], 99);
    const message = plainWriter.encode('EncounterRecorded', event);
    expect(message.includes(Buffer.from('[10-20)'))).toBe(true);
    expect((await serdeWith(await newSealing()).decode(message)).event).toEqual(event);
    expect((await plainWriter.decode(message)).event).toEqual(event);
  });

  it('refuses to encode a sealable event whose key was not prepared, rather than write it in the clear', async () => {
    const writer = serdeWith(await newSealing());
    await writer.register(['EncounterRecorded']);
    expect(() =>
      writer.encode('EncounterRecorded', encounterOf(`pat_${'c'.repeat(21)}A`, 5)),
    ).toThrow('was not loaded before encoding');
  });
});
