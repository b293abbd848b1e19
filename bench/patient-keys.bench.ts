// The cost of each layer of the key hierarchy for forgetting patients (issue 23), in one run:
// unwrapping a patient's data key with the AWS Encryption SDK (a message per key, the local raw
// AES keyring) against RFC 5649 key wrap under the wrapping key, a cached key, and sealing and
// opening one encounter's fields (AES-256-GCM). No servers needed.
//   npx tsx bench/patient-keys.bench.ts [--keys 2000] [--rounds 3]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { EXAMPLE_EVENTS } from '@readmit/contracts';
import {
  EnvelopeKeyEncryptionKey,
  open,
  MemoryPatientKeyStore,
  PatientKeys,
  seal,
  unwrapKey,
  wrapKey,
} from '@readmit/platform/privacy/keys';

const { values } = parseArgs({
  options: { keys: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '3' } },
});
const KEYS = Number(values.keys);
const ROUNDS = Number(values.rounds);

/** Microseconds per call of `run` over `count` calls. */
async function perCall(count: number, run: (index: number) => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index++) await run(index);
  return Number(process.hrtime.bigint() - started) / 1_000 / count;
}

async function main(): Promise<void> {
  const kek = EnvelopeKeyEncryptionKey.local(randomBytes(32));
  const wrapping = { id: 'wk-bench', key: randomBytes(32) };
  const dataKeys = Array.from({ length: KEYS }, () => randomBytes(32));
  const patients = dataKeys.map((_, index) => `pat_${String(index).padStart(22, '0')}`);
  const sdkWrapped = await Promise.all(
    dataKeys.map((key, index) => kek.wrap(key, { patient: patients[index] })),
  );
  const rfcWrapped = dataKeys.map((key) => wrapKey(wrapping.key, key));
  const keys = new PatientKeys(new MemoryPatientKeyStore(), wrapping);
  for (const patient of patients) await keys.keyFor(patient);
  const fields = Buffer.from(
    JSON.stringify({ ...EXAMPLE_EVENTS.EncounterRecorded, envelope: null }),
  );
  const sealed = seal(dataKeys[0], fields, `${patients[0]}/EncounterRecorded`);

  const rows: string[][] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const sdk = await perCall(KEYS, (i) => kek.unwrap(sdkWrapped[i], { patient: patients[i] }));
    const rfc = await perCall(KEYS, (i) => unwrapKey(wrapping.key, rfcWrapped[i]));
    const cached = await perCall(KEYS * 10, (i) => keys.existingKeyFor(patients[i % KEYS]));
    const sealUs = await perCall(KEYS * 10, () =>
      seal(dataKeys[0], fields, `${patients[0]}/EncounterRecorded`),
    );
    const openUs = await perCall(KEYS * 10, () =>
      open(dataKeys[0], sealed, `${patients[0]}/EncounterRecorded`),
    );
    rows.push([
      `round ${round}`,
      sdk.toFixed(1),
      rfc.toFixed(2),
      (sdk / rfc).toFixed(0),
      cached.toFixed(2),
      sealUs.toFixed(2),
      openUs.toFixed(2),
    ]);
  }
  console.log(
    `\n${KEYS} patient keys; one encounter's fields are ${fields.length} bytes (JSON), sealed ${sealed.length}\n`,
  );
  console.log(
    '| run | unwrap, Encryption SDK message (µs) | unwrap, RFC 5649 (µs) | SDK / RFC 5649 | cached key (µs) | seal one encounter (µs) | open one encounter (µs) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(`\ncommand: npx tsx bench/patient-keys.bench.ts --keys ${KEYS} --rounds ${ROUNDS}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
