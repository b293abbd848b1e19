import { ICD9_GROUPS, icd9Group, type Icd9Group } from './icd9-groups';
import {
  diagnosisGroup,
  guessDiagnosisCodeSystem,
  ICD10_RANGES,
  icd10Group,
  isIcd10Code,
  normalizeIcd10,
} from './icd10-groups';
import {
  dottedIcd9,
  GEM_SAMPLE as sample,
  GEM_SAMPLE_TEXT as sampleText,
} from '../../../../test/support/gem-sample';

describe('ICD10_RANGES', () => {
  it('is sorted and non-overlapping, over 3-character categories, in the ICD-9 groups', () => {
    for (const [index, range] of ICD10_RANGES.entries()) {
      expect(range.from).toMatch(/^[A-Z][0-9][0-9A-Z]$/);
      expect(range.to).toMatch(/^[A-Z][0-9][0-9A-Z]$/);
      expect(range.from <= range.to).toBe(true);
      expect(ICD9_GROUPS).toContain(range.group);
      if (index > 0) expect(ICD10_RANGES[index - 1].to < range.from).toBe(true);
    }
  });
});

describe('icd10Group boundaries', () => {
  // The first and last category of every written-out range, and the categories just outside it
  // (some of those, such as E12, E14, R02, R08, R38 and T89, are no ICD-10-CM category: 'other').
  it.each<[string, Icd9Group]>([
    ['A00', 'other'],
    ['B99', 'other'],
    ['C00', 'neoplasms'],
    ['C4A', 'neoplasms'],
    ['C7B', 'neoplasms'],
    ['D3A', 'neoplasms'],
    ['D49', 'neoplasms'],
    ['D50', 'other'],
    ['D89', 'other'],
    ['E00', 'other'],
    ['E07', 'other'],
    ['E08', 'other'],
    ['E09', 'other'],
    ['E10', 'diabetes'],
    ['E11', 'diabetes'],
    ['E12', 'other'],
    ['E13', 'other'],
    ['E14', 'other'],
    ['E15', 'other'],
    ['E89', 'other'],
    ['F01', 'other'],
    ['F99', 'other'],
    ['G00', 'other'],
    ['G99', 'other'],
    ['H00', 'other'],
    ['H95', 'other'],
    ['I00', 'circulatory'],
    ['I99', 'circulatory'],
    ['J00', 'respiratory'],
    ['J99', 'respiratory'],
    ['K00', 'digestive'],
    ['K95', 'digestive'],
    ['L00', 'other'],
    ['L99', 'other'],
    ['M00', 'musculoskeletal'],
    ['M1A', 'musculoskeletal'],
    ['M99', 'musculoskeletal'],
    ['N00', 'genitourinary'],
    ['N99', 'genitourinary'],
    ['O00', 'other'],
    ['O24', 'other'],
    ['O99', 'other'],
    ['O9A', 'other'],
    ['P00', 'other'],
    ['P96', 'other'],
    ['Q00', 'other'],
    ['Q99', 'other'],
    ['R00', 'circulatory'],
    ['R01', 'circulatory'],
    ['R02', 'other'],
    ['R03', 'other'],
    ['R04', 'respiratory'],
    ['R07', 'respiratory'],
    ['R08', 'other'],
    ['R09', 'other'],
    ['R10', 'other'],
    ['R11', 'digestive'],
    ['R15', 'digestive'],
    ['R16', 'other'],
    ['R19', 'other'],
    ['R29', 'other'],
    ['R30', 'genitourinary'],
    ['R36', 'genitourinary'],
    ['R37', 'other'],
    ['R38', 'other'],
    ['R39', 'genitourinary'],
    ['R40', 'other'],
    ['R56', 'other'],
    ['R57', 'circulatory'],
    ['R59', 'circulatory'],
    ['R60', 'other'],
    ['R64', 'other'],
    ['R65', 'injury'],
    ['R68', 'other'],
    ['R99', 'other'],
    ['S00', 'injury'],
    ['T88', 'injury'],
    ['T89', 'other'],
    ['U00', 'other'],
    ['U07', 'other'],
    ['U85', 'other'],
    ['V00', 'other'],
    ['Y99', 'other'],
    ['Z00', 'supplementary'],
    ['Z3A', 'supplementary'],
    ['Z99', 'supplementary'],
  ])('puts category %s in %s, alone or with more characters', (category, group) => {
    expect(icd10Group(category)).toBe(group);
    expect(icd10Group(`${category}.9`)).toBe(group);
    expect(icd10Group(`${category}0XXA`)).toBe(group);
  });
});

describe('icd10Group forms', () => {
  it.each<[string[], Icd9Group]>([
    [['E11.9', 'E119', 'e11.9', 'e119', ' E11.9 ', '\tE119\n'], 'diabetes'],
    [['S72.001A', 'S72001A', 's72.001a', ' s72001A'], 'injury'],
    [['I50.9', 'I509', 'i50.9'], 'circulatory'],
    [['O9A.211', 'O9A211', 'o9a.211'], 'other'],
    [['C4A.9', 'C4A9', 'c4a9'], 'neoplasms'],
    [['Z79.4', 'Z794', 'z79.4'], 'supplementary'],
    [['R19.7', 'R197', 'r19.7'], 'other'],
  ])('gives %j the same group, %s', (codes, group) => {
    for (const code of codes) expect(icd10Group(code)).toBe(group);
  });

  it('keeps a missing code missing', () => {
    expect(icd10Group(null)).toBeNull();
    expect(icd10Group('')).toBeNull();
    expect(icd10Group('   ')).toBeNull();
  });

  it.each([
    '250.00',
    '428',
    'E1',
    'E11.',
    'E1.19',
    'E.119',
    'EE11',
    '1E11',
    'E11.12345',
    'E119999X',
  ])('puts the malformed %j in other, and isIcd10Code rejects it', (code) => {
    expect(icd10Group(code)).toBe('other');
    expect(isIcd10Code(code)).toBe(false);
    expect(normalizeIcd10(code)).toBeNull();
  });

  it.each(['E11', 'E11.9', 'e119', 'S72.001A', 'T36.0X5A', 'O9A.211', ' Z3A.20 '])(
    'accepts the well-formed %j',
    (code) => {
      expect(isIcd10Code(code)).toBe(true);
    },
  );

  it('normalizes to upper case without the dot', () => {
    expect(normalizeIcd10(' t36.0x5a ')).toBe('T360X5A');
    expect(isIcd10Code(null)).toBe(false);
  });
});

/**
 * The sampled GEM pairs whose two codes fall in different groups, with why. The groups are
 * chapter-based, and the GEMs follow the meaning of a code across chapters.
 */
const CROSSINGS: Readonly<Record<string, readonly [Icd9Group, Icd9Group, string]>> = {
  'V5412>S62031D': [
    'supplementary',
    'injury',
    'fracture aftercare: ICD-9 V54.x, ICD-10 the fracture code with 7th character D',
  ],
  'V5413>S72001D': ['supplementary', 'injury', 'fracture aftercare (hip), as V5412'],
  'V5415>S72455D': ['supplementary', 'injury', 'fracture aftercare (upper leg), as V5412'],
  'V5416>S92515D': ['supplementary', 'injury', 'fracture aftercare (lower leg), as V5412'],
  '78552>R6521': [
    'circulatory',
    'injury',
    "septic shock: 785.52 is in Strack's 785; R65 follows its 995.9x sources",
  ],
  '7859>R0989': [
    'circulatory',
    'other',
    'R09 is other: the largest share of its codes comes from 799.0x/799.1/784.91',
  ],
  '7864>R093': ['respiratory', 'other', 'abnormal sputum: R09 is other, as 7859'],
  '5110>R091': ['respiratory', 'other', 'pleurisy: R09 is other, as 7859'],
  '7847>R040': [
    'other',
    'respiratory',
    'epistaxis is ICD-9 784 (head and neck); R04 follows hemoptysis 786.3x',
  ],
  '7841>R070': ['other', 'respiratory', 'throat pain is ICD-9 784; R07 follows chest pain 786.5x'],
  '7866>R222': ['respiratory', 'other', 'swelling in chest: R22 follows skin swelling 782.2'],
  '07882>R1111': [
    'other',
    'digestive',
    'epidemic vomiting syndrome is infectious in ICD-9; R11 follows 787.0x',
  ],
  '78791>R197': [
    'digestive',
    'other',
    'diarrhea: R19 follows abdominal mass and rigidity 789.3x/789.4x',
  ],
  '6259>R102': ['genitourinary', 'other', 'pelvic pain: R10 follows abdominal pain 789.0x'],
  '71960>R29898': [
    'musculoskeletal',
    'other',
    'joint symptoms: R29 follows nervous/musculoskeletal signs 781.x',
  ],
  '7197>R262': [
    'musculoskeletal',
    'other',
    'difficulty walking: R26 follows gait abnormality 781.2',
  ],
  'V471>R6889': [
    'supplementary',
    'other',
    'problems with internal organs: R68 follows general symptoms 780.x',
  ],
  'V6284>R45851': [
    'supplementary',
    'other',
    'suicidal ideation: an ICD-9 V code, an ICD-10 symptom',
  ],
  '25010>E1310': [
    'diabetes',
    'other',
    'type 2 ketoacidosis: approximate alternative E13; E13 is other like ICD-9 249',
  ],
  '25012>E1310': ['diabetes', 'other', 'as 25010'],
  '3572>E1142': [
    'other',
    'diabetes',
    'diabetic polyneuropathy: ICD-9 manifestation code, ICD-10 combination code',
  ],
  '36201>E11319': [
    'other',
    'diabetes',
    'diabetic retinopathy: ICD-9 manifestation code, ICD-10 combination code',
  ],
  '2733>C880': [
    'other',
    'neoplasms',
    'Waldenström macroglobulinemia: ICD-9 immunity chapter, ICD-10 neoplasms',
  ],
  '2111>K317': ['neoplasms', 'digestive', 'benign neoplasm of stomach: ICD-10 polyp of stomach'],
  '99591>A419': [
    'injury',
    'other',
    "sepsis: ICD-9 995.91 is in Strack's injury range 800–999, ICD-10 infectious",
  ],
  '99702>I97811': [
    'injury',
    'circulatory',
    'postprocedural stroke: ICD-10 puts complications in the organ chapters',
  ],
  '99859>K6811': [
    'injury',
    'digestive',
    'postoperative infection: an organ-chapter complication code',
  ],
  '4359>G459': [
    'circulatory',
    'other',
    'TIA: ICD-9 cerebrovascular (435), ICD-10 nervous system (G45)',
  ],
  '4550>K648': [
    'circulatory',
    'digestive',
    'hemorrhoids: ICD-9 veins (455), ICD-10 digestive (K64)',
  ],
};

describe('icd10Group against the CMS 2018 GEM sample', () => {
  it('holds 60 to 200 real pairs covering every group on both sides', () => {
    expect(sample.length).toBeGreaterThanOrEqual(60);
    expect(sampleText.split('\n').length).toBeLessThanOrEqual(201);
    for (const pair of sample) {
      expect(pair.icd9).toMatch(/^([0-9]{3,5}|V[0-9]{2,4}|E[0-9]{3,4})$/);
      expect(isIcd10Code(pair.icd10)).toBe(true);
      expect(pair.flags).toMatch(/^[01]{3}[0-9]{2}$/);
    }
    const icd9Groups = new Set(sample.map((pair) => icd9Group(dottedIcd9(pair.icd9))));
    const icd10Groups = new Set(sample.map((pair) => icd10Group(pair.icd10)));
    expect([...icd9Groups].sort()).toEqual([...ICD9_GROUPS].sort());
    expect([...icd10Groups].sort()).toEqual([...ICD9_GROUPS].sort());
  });

  it('lists only crossings that are in the sample', () => {
    const keys = new Set(sample.map((pair) => `${pair.icd9}>${pair.icd10}`));
    for (const key of Object.keys(CROSSINGS)) expect(keys).toContain(key);
  });

  it.each(sample.map((pair) => [`${pair.icd9} → ${pair.icd10}`, pair] as const))(
    'groups %s alike, or as a listed crossing',
    (_, pair) => {
      const crossing = CROSSINGS[`${pair.icd9}>${pair.icd10}`];
      const groups = [icd9Group(dottedIcd9(pair.icd9)), icd10Group(pair.icd10)];
      if (crossing === undefined) expect(groups[1]).toBe(groups[0]);
      else expect(groups).toEqual([crossing[0], crossing[1]]);
    },
  );
});

describe('diagnosisGroup', () => {
  it.each<[string | null, 'ICD9CM' | 'ICD10CM', Icd9Group | null]>([
    ['428', 'ICD9CM', 'circulatory'],
    ['4280', 'ICD9CM', 'circulatory'],
    ['250.83', 'ICD9CM', 'diabetes'],
    ['25083', 'ICD9CM', 'diabetes'],
    [' 486 ', 'ICD9CM', 'respiratory'],
    ['V5413', 'ICD9CM', 'supplementary'],
    ['E8809', 'ICD9CM', 'other'],
    ['E119', 'ICD10CM', 'diabetes'],
    ['E11.9', 'ICD10CM', 'diabetes'],
    ['V5413', 'ICD10CM', 'other'],
    ['I509', 'ICD10CM', 'circulatory'],
    [null, 'ICD9CM', null],
    [null, 'ICD10CM', null],
  ])('puts %j (%s) in %s', (code, system, group) => {
    expect(diagnosisGroup(code, system)).toBe(group);
  });

  it('gives an ICD-9 code the group icd9Group gives it', () => {
    for (const code of ['250.01', '428', 'V57', 'E888', '8', '715']) {
      expect(diagnosisGroup(code, 'ICD9CM')).toBe(icd9Group(code));
    }
  });
});

describe('guessDiagnosisCodeSystem', () => {
  it.each<[string | null, ReturnType<typeof guessDiagnosisCodeSystem>]>([
    ['428', 'ICD9CM'],
    ['250.83', 'ICD9CM'],
    ['4280', 'ICD9CM'],
    ['038.9', 'ICD9CM'],
    ['I50.9', 'ICD10CM'],
    ['i509', 'ICD10CM'],
    ['Z794', 'ICD10CM'],
    ['S72.001A', 'ICD10CM'],
    ['E119', 'ambiguous'],
    ['E11.9', 'ambiguous'],
    ['E880.9', 'ambiguous'],
    ['E8809', 'ambiguous'],
    ['V54.13', 'ambiguous'],
    ['V5413', 'ambiguous'],
    ['V00.01XA', 'ambiguous'],
    ['EXYZ', 'invalid'],
    ['hello', 'invalid'],
    ['12', 'invalid'],
    ['123456', 'invalid'],
    ['', null],
    [null, null],
  ])('says %j is %s', (code, guess) => {
    expect(guessDiagnosisCodeSystem(code)).toBe(guess);
  });
});
