import { MEDICATION_COLUMNS } from '@readmit/ml';
import { MEDICATION_COLUMN_NAMES } from '../patient-history';
import { SYSTEM } from '../code-systems';
import {
  CONCEPT_MAPS,
  lookup,
  MAPPING_VERSION,
  preferredSourceCoding,
  sourceCodings,
  translate,
} from './index';

describe('the mapping ConceptMaps', () => {
  it('are versioned with the doc and named by their canonical url', () => {
    for (const [name, map] of Object.entries(CONCEPT_MAPS)) {
      expect(map.resourceType).toBe('ConceptMap');
      expect(map.version).toBe(MAPPING_VERSION);
      expect(map.url).toBe(`https://readmit.health/fhir/ConceptMap/${name}`);
    }
  });

  it('name the 23 medication columns of diabetic_data.csv', () => {
    expect([...MEDICATION_COLUMN_NAMES]).toEqual([...MEDICATION_COLUMNS]);
    const targets = new Set(
      CONCEPT_MAPS.medication.group?.flatMap((group) =>
        (group.element ?? []).flatMap((element) => (element.target ?? []).map((t) => t.code)),
      ),
    );
    for (const column of MEDICATION_COLUMN_NAMES) expect(targets).toContain(column);
  });

  it('translate a source code, and tell a listed code without target from an unknown one', () => {
    expect(translate('discharge-disposition', SYSTEM.nubcDischargeStatus, '06')).toBe('6');
    expect(translate('admission-type', SYSTEM.nubcPriority, '5')).toBe('7');
    expect(translate('admission-type', SYSTEM.nubcPriority, '9')).toBe('5');
    expect(lookup('race-ethnicity', SYSTEM.nullFlavor, 'UNK')).toEqual({
      kind: 'known',
      display: 'unknown',
    });
    expect(lookup('race-ethnicity', SYSTEM.cdcRace, '9999-9')).toBeUndefined();
    expect(translate('medication', SYSTEM.rxnorm, '593411')).toBeUndefined();
    expect(lookup('medication', SYSTEM.rxnorm, '593411')?.kind).toBe('known');
  });

  it('give the preferred source coding of a UCI value: NUBC before HL7', () => {
    expect(preferredSourceCoding('discharge-disposition', '1')).toMatchObject({
      system: SYSTEM.nubcDischargeStatus,
      code: '01',
    });
    expect(sourceCodings('discharge-disposition', '1').map((c) => c.code)).toEqual([
      '01',
      'home',
      'alt-home',
      '1',
    ]);
    expect(preferredSourceCoding('admission-source', '7')).toMatchObject({
      system: SYSTEM.nubcPointOfOrigin,
      code: '7',
    });
    expect(preferredSourceCoding('medication', 'metformin')).toMatchObject({
      system: SYSTEM.rxnorm,
      code: '6809',
    });
    expect(preferredSourceCoding('medication', 'glyburide-metformin')).toMatchObject({
      code: 'glyburide / metformin',
    });
    expect(preferredSourceCoding('race-ethnicity', 'Hispanic')?.code).toBe('2135-2');
    expect(preferredSourceCoding('gender', 'Unknown/Invalid')?.code).toBe('unknown');
  });

  it('leave the NULL ids to no element at all', () => {
    expect(preferredSourceCoding('admission-type', '6')).toBeUndefined();
    expect(preferredSourceCoding('admission-source', '17')).toBeUndefined();
    expect(preferredSourceCoding('discharge-disposition', '18')).toBeUndefined();
  });

  it('give every UCI id of IDs_mapping.csv but NULL a source coding', () => {
    const ids = {
      'admission-type': [1, 2, 3, 4, 5, 7, 8],
      'admission-source': [...Array.from({ length: 15 }, (_, i) => i + 1), ...range(18, 26)],
      'discharge-disposition': [...range(1, 17), ...range(19, 30)],
    } as const;
    for (const [map, values] of Object.entries(ids))
      for (const id of values)
        expect([map, id, preferredSourceCoding(map as keyof typeof ids, String(id))]).toEqual([
          map,
          id,
          expect.objectContaining({ code: expect.any(String) }),
        ]);
  });

  it('cover every specialty of the sample by a NUCC code, except those that map by text', () => {
    const byText = new Set(['Surgery-Thoracic']);
    const sample = [
      'InternalMedicine', 'Family/GeneralPractice', 'Cardiology', 'Surgery-General', 'Orthopedics-Reconstructive',
      'Nephrology', 'Psychiatry', 'Pulmonology', 'Surgery-Cardiovascular/Thoracic', 'ObstetricsandGynecology',
      'Urology', 'Pediatrics-Endocrinology', 'Gastroenterology', 'Hematology/Oncology', 'Pediatrics-CriticalCare',
      'Endocrinology', 'Surgery-Neuro', 'Pediatrics', 'Emergency/Trauma', 'Orthopedics',
      'PhysicalMedicineandRehabilitation', 'Radiology', 'Obsterics&Gynecology-GynecologicOnco', 'Otolaryngology',
      'Surgery-Colon&Rectal', 'Psychiatry-Child/Adolescent', 'Pediatrics-Pulmonology', 'Anesthesiology-Pediatric',
      'Neurology', 'Psychology', 'Pediatrics-Neurology', 'Pediatrics-Hematology-Oncology', 'Gynecology',
      'Surgery-Plastic', 'Surgery-Thoracic', 'Podiatry', 'Oncology', 'Surgery-PlasticwithinHeadandNeck',
      'Ophthalmology', 'Surgery-Pediatric', 'Pediatrics-EmergencyMedicine', 'InfectiousDiseases',
    ]; // prettier-ignore
    for (const name of sample) {
      const coding = preferredSourceCoding('specialty', name);
      if (byText.has(name)) expect(coding).toBeUndefined();
      else expect(translate('specialty', coding?.system, coding?.code)).toBe(name);
    }
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
