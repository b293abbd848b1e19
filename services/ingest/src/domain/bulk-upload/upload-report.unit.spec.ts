import { MAX_LISTED, resumeLineOf, UploadTally } from './upload-report';

const error = [{ field: 'age', message: "'[70-85)' is not one of …" }];
const T0 = Date.UTC(2024, 0, 1);

describe('UploadTally', () => {
  it('counts each row by its fate and reports where the upload stands', () => {
    const tally = new UploadTally('u-1', null, T0);
    tally.handled({ line: 2, encounter: 'new', publishOutcome: true });
    tally.handled({ line: 3, encounter: 'new', publishOutcome: false });
    tally.rejected(4, error);
    tally.handled({ line: 5, encounter: 'known', publishOutcome: false });
    tally.handled({ line: 6, encounter: 'known', publishOutcome: true });
    expect(tally.report('completed', T0 + 1_500)).toEqual({
      uploadId: 'u-1',
      status: 'completed',
      fromLine: null,
      rows: 5,
      skipped: 0,
      encounters: 2,
      outcomes: 2,
      duplicates: 2,
      updatedOutcomes: 1,
      rejected: 1,
      lastCompleteLine: 6,
      resumeFromLine: 7,
      rejections: [{ line: 4, errors: error }],
      duplicateLines: [{ from: 5, to: 6 }],
      startedAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:01.500Z',
      finishedAt: '2024-01-01T00:00:01.500Z',
    });
  });

  it('lists duplicates as runs of consecutive rows, broken by any other row', () => {
    const tally = new UploadTally('u', null, T0);
    const known = (line: number) =>
      tally.handled({ line, encounter: 'known', publishOutcome: false });
    known(2);
    known(3);
    known(5); // line 4 was blank: still the next row
    tally.handled({ line: 6, encounter: 'new', publishOutcome: false });
    known(7);
    tally.rejected(8, error);
    known(9);
    known(12); // a row whose quoted cells spanned lines 9-11
    expect(tally.report('completed', T0).duplicateLines).toEqual([
      { from: 2, to: 5 },
      { from: 7, to: 7 },
      { from: 9, to: 12 },
    ]);
  });

  it('keeps its lists bounded while the counts stay exact', () => {
    const tally = new UploadTally('u', null, T0);
    for (let line = 2; line < 2 + 3 * MAX_LISTED; line += 1) {
      if (line % 2 === 0) tally.handled({ line, encounter: 'known', publishOutcome: false });
      else tally.rejected(line, error);
    }
    const report = tally.report('completed', T0);
    expect(report.duplicates + report.rejected).toBe(3 * MAX_LISTED);
    expect(report.duplicateLines).toHaveLength(MAX_LISTED);
    expect(report.rejections).toHaveLength(MAX_LISTED);
  });

  it('resumes after the last complete row, never before the line the upload started from', () => {
    const tally = new UploadTally('u', 50, T0);
    expect(tally.report('interrupted', T0)).toMatchObject({
      lastCompleteLine: null,
      resumeFromLine: 50,
    });
    tally.skipped(2);
    tally.skipped(3);
    // Cut while still passing over rows: resuming before line 50 would only re-send known rows.
    expect(tally.report('interrupted', T0)).toMatchObject({
      skipped: 2,
      rows: 0,
      lastCompleteLine: 3,
      resumeFromLine: 50,
    });
    tally.handled({ line: 50, encounter: 'new', publishOutcome: false });
    tally.handled({ line: 51, encounter: 'new', publishOutcome: false });
    expect(tally.report('interrupted', T0)).toMatchObject({
      lastCompleteLine: 51,
      resumeFromLine: 52,
    });
  });

  it('leaves finishedAt empty while receiving', () => {
    const tally = new UploadTally('u', null, T0);
    expect(tally.report('receiving', T0 + 10)).toMatchObject({
      status: 'receiving',
      finishedAt: null,
      resumeFromLine: 1,
    });
  });

  it('gives copies: a report does not change as the tally goes on', () => {
    const tally = new UploadTally('u', null, T0);
    tally.handled({ line: 2, encounter: 'known', publishOutcome: false });
    const before = tally.report('receiving', T0);
    tally.handled({ line: 3, encounter: 'known', publishOutcome: false });
    expect(before.duplicateLines).toEqual([{ from: 2, to: 2 }]);
  });
});

describe('resumeLineOf', () => {
  it('is the line after the last complete row, or where the upload began', () => {
    expect(resumeLineOf(null, null)).toBe(1);
    expect(resumeLineOf(null, 9)).toBe(10);
    expect(resumeLineOf(20, 9)).toBe(20);
    expect(resumeLineOf(20, 30)).toBe(31);
  });
});
