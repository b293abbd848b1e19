import { EXAMPLE_EVENTS, type PredictionMade } from '@readmit/contracts';
import { Client } from 'pg';
import { dropTestSchema } from '../../../../test/support/database';
import { testEndpoints, uniqueName } from '../../../../test/support/endpoints';
import { encounterPseudonym, patientPseudonym } from '../../../../test/support/pseudonyms';
import { PREDICTION_TABLE, PredictionTable } from './prediction-table';

const predictionFor = (id: number, patient: string | null): PredictionMade => ({
  ...EXAMPLE_EVENTS.PredictionMade,
  encounter_id: encounterPseudonym(id),
  patient_nbr: patient,
});

describe('the backfill prediction table forgets patients', () => {
  const databaseUrl = testEndpoints().databaseUrl;
  const schema = uniqueName('backfill_table').replace(/-/g, '_');
  const table = new PredictionTable({ databaseUrl, schema });

  afterAll(async () => {
    await table.close();
    await dropTestSchema(schema);
  });

  const patientsOfRows = async (): Promise<string[]> => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ patient_nbr: string }>(
        `SELECT patient_nbr FROM "${schema}"."${PREDICTION_TABLE}" ORDER BY backfill_id, encounter_id`,
      );
      return rows.map((row) => row.patient_nbr);
    } finally {
      await client.end();
    }
  };

  it("deletes a forgotten patient's rows in every backfill and leaves the others", async () => {
    const [alice, bob] = [patientPseudonym(1), patientPseudonym(2)];
    // Two backfills over the same three encounters: two of alice's, one of bob's.
    for (const backfillId of ['bf-1', 'bf-2'])
      await table.write(backfillId, [
        predictionFor(1, alice),
        predictionFor(2, alice),
        predictionFor(3, bob),
      ]);
    expect(await table.count('bf-1')).toBe(3);

    expect(await table.forgetPatient(alice)).toBe(4);
    expect(await patientsOfRows()).toEqual([bob, bob]);
    expect(await table.forgetPatient(alice)).toBe(0);
  });

  it('refuses predictions without their patients: a row nobody can forget is never written', async () => {
    await expect(
      table.write('bf-3', [predictionFor(8, patientPseudonym(8)), predictionFor(9, null)]),
    ).rejects.toThrow('a prediction without its patient');
    expect(await table.count('bf-3')).toBe(0);
  });
});
