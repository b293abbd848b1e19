import { decideChunk, keysToClaim, type ClaimCandidate, type KeyState } from './encounter-claims';

/** Encounter `id` as the claims see it: a pseudonym-like key (opaque text, sorted by code unit). */
const key = (id: number) => `enc_${String(id).padStart(6, '0')}`;

const row = (
  line: number,
  encounterId: number,
  outcome: ClaimCandidate['outcome'] = null,
): ClaimCandidate => ({ line, encounterId: key(encounterId), outcome });

const states = (entries: Array<[number, KeyState]>) =>
  new Map(entries.map(([id, state]) => [key(id), state]));
const claimed: KeyState = { claimed: true, outcome: null };
const known = (outcome: KeyState['outcome'] = null): KeyState => ({ claimed: false, outcome });

describe('keysToClaim', () => {
  it('asks for every id once, ascending, and for the stored outcome only of labelled ids', () => {
    expect(
      keysToClaim([row(2, 30, 'NO'), row(3, 10), row(4, 30), row(5, 20, 'WITHIN_30_DAYS')]),
    ).toEqual({ ids: [key(10), key(20), key(30)], labelled: [key(20), key(30)] });
  });
});

describe('decideChunk', () => {
  it('publishes claimed encounters with their label, and nothing for known ones with the same label', () => {
    const decision = decideChunk(
      [row(2, 1, 'NO'), row(3, 2), row(4, 3, 'NO')],
      states([
        [1, claimed],
        [2, known()],
        [3, known('NO')],
      ]),
    );
    expect(decision.verdicts).toEqual([
      { line: 2, encounter: 'new', publishOutcome: true },
      { line: 3, encounter: 'known', publishOutcome: false },
      { line: 4, encounter: 'known', publishOutcome: false },
    ]);
    expect([...decision.outcomeChanges]).toEqual([[key(1), 'NO']]);
  });

  it('publishes a first label or a corrected one for a known encounter, never erases one', () => {
    const decision = decideChunk(
      [row(2, 1, 'NO'), row(3, 2, 'AFTER_30_DAYS'), row(4, 3)],
      states([
        [1, known()],
        [2, known('NO')],
        [3, known('WITHIN_30_DAYS')],
      ]),
    );
    expect(decision.verdicts.map((verdict) => [verdict.encounter, verdict.publishOutcome])).toEqual(
      [
        ['known', true],
        ['known', true],
        ['known', false],
      ],
    );
    expect([...decision.outcomeChanges]).toEqual([
      [key(1), 'NO'],
      [key(2), 'AFTER_30_DAYS'],
    ]);
  });

  it('records an encounter repeated within the chunk once, and publishes a label changed by a later row', () => {
    const decision = decideChunk(
      [row(2, 7, 'NO'), row(3, 7, 'NO'), row(4, 7), row(5, 7, 'WITHIN_30_DAYS')],
      states([[7, claimed]]),
    );
    expect(decision.verdicts).toEqual([
      { line: 2, encounter: 'new', publishOutcome: true },
      { line: 3, encounter: 'known', publishOutcome: false },
      { line: 4, encounter: 'known', publishOutcome: false },
      { line: 5, encounter: 'known', publishOutcome: true },
    ]);
    expect([...decision.outcomeChanges]).toEqual([[key(7), 'WITHIN_30_DAYS']]);
  });

  it('records a claimed encounter whose label the log already holds without repeating the label', () => {
    // The keys follower saw its OutcomeRecorded but no EncounterRecorded.
    const decision = decideChunk(
      [row(2, 9, 'NO')],
      states([[9, { claimed: true, outcome: 'NO' }]]),
    );
    expect(decision.verdicts).toEqual([{ line: 2, encounter: 'new', publishOutcome: false }]);
    expect(decision.outcomeChanges.size).toBe(0);
  });

  it('refuses a row whose id the store was not asked about, naming its line and not its id', () => {
    expect(() => decideChunk([row(8, 123456)], states([]))).toThrow(
      /^line 8: its encounter was not claimed with the chunk$/,
    );
  });
});
