import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@readmit/contracts';
import { sharedDataFile } from '../../../../test/support/endpoints';
import { isolatedCatalog, testKafka } from '../../../../test/support/kafka';
import { runReadmit } from '../../../../test/support/processes';

describe('readmit datasets export', () => {
  it('writes the three sides as Parquet with the feature spec and manifest; nothing labelled is an error', async () => {
    const prefix = await isolatedCatalog(testKafka(), [TOPICS.encounters, TOPICS.outcomes]);
    const out = mkdtempSync(join(tmpdir(), 'readmit-dataset-'));
    try {
      const empty = runReadmit(['datasets', 'export', '--out', out, '--prefix', prefix]);
      expect(empty.status).toBe(1);
      expect(empty.stderr).toMatch(/readmit: no labelled encounters were recorded by /);
      expect(existsSync(join(out, 'manifest.json'))).toBe(false);

      const produced = runReadmit([
        'produce',
        '--csv',
        sharedDataFile('diabetic_data_sample.csv'),
        '--prefix',
        prefix,
      ]);
      expect(produced.status).toBe(0);
      const exported = runReadmit([
        'datasets',
        'export',
        '--task',
        'any',
        '--out',
        out,
        '--prefix',
        prefix,
      ]);
      expect(exported.stderr).toContain('4999 encounters and 4999 outcomes read');
      expect(exported.status).toBe(0);
      expect(exported.stdout).toMatch(
        /^ds-[0-9a-f]{16}: \d+ \/ \d+ \/ \d+ rows \(train \/ validation \/ holdout\), feature spec fs1-[0-9a-f]{16}, in /,
      );
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
        task: string;
        rows: Record<string, number>;
        lineage: { encounterRanges: Array<{ toOffset: number; fromOffset: number }> };
      };
      expect(manifest.task).toBe('ANY_READMISSION');
      expect(manifest.rows.train + manifest.rows.validation + manifest.rows.holdout).toBe(4999);
      expect(
        manifest.lineage.encounterRanges.reduce(
          (sum, range) => sum + range.toOffset - range.fromOffset,
          0,
        ),
      ).toBeGreaterThanOrEqual(4999);
      const { parquetMetadata } = await import('hyparquet');
      for (const side of ['train', 'validation', 'holdout']) {
        const bytes = readFileSync(join(out, `${side}.parquet`));
        const metadata = parquetMetadata(
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
        );
        expect(Number(metadata.num_rows)).toBe(manifest.rows[side]);
      }
      expect(existsSync(join(out, 'feature-spec.json'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
