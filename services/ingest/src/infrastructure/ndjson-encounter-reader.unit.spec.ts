import { Readable } from 'node:stream';
import { testPseudonymize } from '../../../../test/support/pseudonyms';
import { readEncounterJsonLines } from './ndjson-encounter-reader';

describe('readEncounterJsonLines', () => {
  it('passes over the lines before fromLine without parsing them', async () => {
    const skipped: number[] = [];
    const lines: number[] = [];
    const input = Readable.from(['{broken\n\n{also broken\n', '{"gender":"X"}\n']);
    for await (const row of readEncounterJsonLines(input, testPseudonymize, undefined, {
      fromLine: 3,
      onSkipped: (line) => skipped.push(line),
    }))
      lines.push(row.line);
    expect(skipped).toEqual([1]); // line 2 is blank: not a row
    expect(lines).toEqual([3, 4]);
  });
});
