import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { sharedDataFile } from '../../../../test/support/endpoints';
import { encounterPseudonym, testPseudonymize } from '../../../../test/support/pseudonyms';
import { parseIdsMapping } from '@readmit/ml';
import { CsvHeaderError, readEncounterCsv, type CsvEncounterRow } from './csv-encounter-reader';

const mapping = parseIdsMapping(readFileSync(sharedDataFile('IDs_mapping.csv'), 'utf8'));

async function collect(rows: AsyncIterable<CsvEncounterRow>): Promise<CsvEncounterRow[]> {
  const all: CsvEncounterRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

describe('readEncounterCsv', () => {
  it('streams the real sample: 4,999 rows, none rejected, line numbers from 2', async () => {
    const rows = await collect(
      readEncounterCsv(
        createReadStream(sharedDataFile('diabetic_data_sample.csv')),
        testPseudonymize,
        mapping,
      ),
    );
    expect(rows).toHaveLength(4999);
    expect(rows.filter((row) => !row.result.ok)).toEqual([]);
    expect(rows[0].line).toBe(2);
    expect(rows[4998].line).toBe(5000);
  });

  it('reads every good row of a broken file and reports each bad one with its line and field', async () => {
    const lines = readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8')
      .split('\n')
      .slice(0, 6);
    const cells = lines[2].split(',');
    cells[4] = '[70-85)'; // age
    lines[2] = cells.join(',');
    lines[4] = lines[4].split(',').slice(0, 10).join(','); // truncated row
    const rows = await collect(
      readEncounterCsv(Readable.from([`${lines.join('\n')}\n`]), testPseudonymize, mapping),
    );
    expect(rows.map((row) => [row.line, row.result.ok])).toEqual([
      [2, true],
      [3, false],
      [4, true],
      [5, false],
      [6, true],
    ]);
    expect(rows[1].result.ok ? [] : rows[1].result.errors.map((error) => error.field)).toEqual([
      'age',
    ]);
    expect(rows[3].result.ok ? [] : rows[3].result.errors[0].message).toBe(
      'the row does not have one cell per column',
    );
  });

  it('reads ICD-10-CM rows from the optional diag_code_system column, the UCI file without it', async () => {
    const [headerLine, ...rest] = readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8')
      .split('\n')
      .slice(0, 4);
    const header = headerLine.trim().split(',');
    const withCodes = (line: string, codes: readonly string[]) => {
      const cells = line.trim().split(',');
      codes.forEach((code, index) => (cells[header.indexOf(`diag_${index + 1}`)] = code));
      return cells.join(',');
    };
    const text = [
      `diag_code_system,${headerLine.trim()}`,
      `ICD10CM,${withCodes(rest[0], ['E11.9', 'I509', 'N18.3'])}`,
      `,${rest[1].trim()}`,
      `ICD10CM,${withCodes(rest[2], ['428', 'I50.9', 'E11.9'])}`,
    ].join('\n');
    const rows = await collect(readEncounterCsv(Readable.from([`${text}\n`]), testPseudonymize));
    expect(rows[0].result.ok && rows[0].result.encounter).toMatchObject({
      diag_1: 'E11.9',
      diag_2: 'I509',
      diag_3: 'N18.3',
      diagnosisCodeSystem: 'ICD10CM',
    });
    // An empty cell is the UCI default, ICD-9-CM; an ICD-9 code in an ICD-10 row is refused.
    expect(rows[1].result.ok && rows[1].result.encounter.diagnosisCodeSystem).toBeNull();
    expect(rows[2].result.ok ? [] : rows[2].result.errors).toEqual([
      { field: 'diag_1', message: "'428' is not an ICD-10-CM code like E11.9, I50.9 or S72.001A" },
    ]);
  });

  it('takes columns in any order, CRLF line ends, a BOM, blank lines and quoted cells', async () => {
    const [headerLine, firstLine, secondLine] = readFileSync(
      sharedDataFile('diabetic_data_sample.csv'),
      'utf8',
    ).split('\n');
    const header = headerLine.split(',');
    const order = header.map((_, index) => index).reverse();
    const reordered = (cells: string[]) => order.map((index) => cells[index]);
    const first = firstLine.split(',');
    const second = secondLine.split(',');
    const specialty = header.indexOf('medical_specialty');
    second[specialty] = '"Surgery,\r\nGeneral"'; // a quoted cell with a comma and a line break
    const file = [
      `\uFEFF${reordered(header).join(',')}`,
      reordered(first).join(','),
      '',
      reordered(second).join(','),
    ].join('\r\n');
    const rows = await collect(
      readEncounterCsv(Readable.from([`${file}\r\n`]), testPseudonymize, mapping),
    );
    expect(rows.map((row) => [row.line, row.result.ok])).toEqual([
      [2, true],
      [4, true],
    ]);
    const parsed = rows.map((row) => (row.result.ok ? row.result.encounter : null));
    expect(parsed[0]?.encounter_id).toBe(encounterPseudonym(first[0]));
    expect(parsed[0]?.age).toBe(first[header.indexOf('age')]);
    expect(parsed[1]?.medical_specialty).toBe('Surgery,\r\nGeneral');
  });

  it('reads a file whose rows arrive in small chunks exactly like the whole file', async () => {
    const text = readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8');
    const whole = await collect(readEncounterCsv(Readable.from([text]), testPseudonymize, mapping));
    const chunks = text.match(/[\s\S]{1,4093}/g) as string[];
    const chunked = await collect(
      readEncounterCsv(Readable.from(chunks), testPseudonymize, mapping),
    );
    expect(chunked).toEqual(whole);
  });

  it('passes over the rows that start before fromLine without parsing them, lines counted as in the file', async () => {
    const lines = readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8').split('\n');
    const header = lines[0].split(',');
    const multiline = lines[2].split(',');
    multiline[header.indexOf('medical_specialty')] = '"Surgery,\nGeneral"'; // row of lines 3-4
    const broken = lines[3].split(',').slice(0, 5).join(','); // line 5: would be rejected if read
    const file = [lines[0], lines[1], multiline.join(','), broken, lines[4], lines[5]].join('\n');
    const skipped: number[] = [];
    const rows = await collect(
      readEncounterCsv(Readable.from([`${file}\n`]), testPseudonymize, mapping, {
        fromLine: 6,
        onSkipped: (line) => skipped.push(line),
      }),
    );
    expect(skipped).toEqual([2, 3, 5]);
    expect(rows.map((row) => [row.line, row.result.ok])).toEqual([
      [6, true],
      [7, true],
    ]);
    // A line inside a row that starts earlier does not start a row: fromLine 4 reads from 5.
    const fromInside = await collect(
      readEncounterCsv(Readable.from([`${file}\n`]), testPseudonymize, mapping, { fromLine: 4 }),
    );
    expect(fromInside.map((row) => row.line)).toEqual([5, 6, 7]);
  });

  it('refuses a file that is not diabetic_data.csv, naming the missing columns', async () => {
    const rows = collect(
      readEncounterCsv(Readable.from(['patient,score\n1,0.3\n']), testPseudonymize),
    );
    await expect(rows).rejects.toBeInstanceOf(CsvHeaderError);
    await expect(
      collect(readEncounterCsv(Readable.from(['patient,score\n1,0.3\n']), testPseudonymize)),
    ).rejects.toThrow(/the header lacks encounter_id, patient_nbr, race/);
  });
});
