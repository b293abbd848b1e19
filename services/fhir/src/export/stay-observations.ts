import type { EncounterAttributes } from '@readmit/ml';
import type { CodeableConcept, Observation, Procedure } from '../mapping/fhir-r4';
import { SYSTEM } from '../mapping/code-systems';
import type { Approximation } from './approximations';
import { FILLER_LABS, FILLER_PROCEDURES } from './filler-codes';
import type { StayFrame } from './stay-frame';

/** A value inside each band of A1Cresult (%, NGSP): > 8, > 7, else Norm. */
const A1C_PERCENT: Readonly<Record<string, number>> = { '>8': 9.1, '>7': 7.6, Norm: 5.9 };
/** A value inside each band of max_glu_serum (mg/dL): > 300, > 200, else Norm. */
const GLUCOSE_MG_DL: Readonly<Record<string, number>> = { '>300': 342, '>200': 246, Norm: 118 };
const KG_PER_POUND = 0.45359237;
/** The table's open top band (`>200` pounds) is sent as this weight. */
const TOP_BAND_POUNDS = 225;

const category = (code: 'laboratory' | 'vital-signs', display: string): CodeableConcept[] => [
  { coding: [{ system: SYSTEM.observationCategory, code, display }] },
];
const LABORATORY = category('laboratory', 'Laboratory');
const VITAL_SIGNS = category('vital-signs', 'Vital Signs');

const loinc = (code: string, display: string): CodeableConcept => ({
  coding: [{ system: SYSTEM.loinc, code, display }],
  text: display,
});

/** A lab result's code and value before it is dated and placed in the stay. */
interface LabResult {
  readonly code: CodeableConcept;
  readonly value: number;
  readonly unit: string;
}

/** The middle of a weight band in pounds (`[75-100)` → 87.5); null when it is not one. */
export function bandMiddlePounds(band: string): number | null {
  const range = /^\[(\d+)-(\d+)\)$/.exec(band);
  if (range) return (Number(range[1]) + Number(range[2])) / 2;
  return /^>\d+$/.test(band) ? TOP_BAND_POUNDS : null;
}

export interface StayObservations {
  readonly resources: (Observation | Procedure)[];
  readonly approximations: Approximation[];
}

/**
 * The stay's laboratory results (HbA1c and serum glucose in the row's bands, then routine panels
 * up to num_lab_procedures: the mapper counts every result), its body weight (a vital sign,
 * which no lab count includes) and num_procedures completed procedures.
 */
export function stayObservations(
  encounter: EncounterAttributes,
  frame: StayFrame,
): StayObservations {
  const approximations: Approximation[] = [];
  const results: LabResult[] = [];
  const a1c = encounter.A1Cresult === null ? undefined : A1C_PERCENT[encounter.A1Cresult];
  if (a1c !== undefined)
    results.push({
      code: loinc('4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood'),
      value: a1c,
      unit: '%',
    });
  const glucose =
    encounter.max_glu_serum === null ? undefined : GLUCOSE_MG_DL[encounter.max_glu_serum];
  if (glucose !== undefined)
    results.push({
      code: loinc('2345-7', 'Glucose [Mass/volume] in Serum or Plasma'),
      value: glucose,
      unit: 'mg/dL',
    });
  if (encounter.num_lab_procedures < results.length) approximations.push('fewer-labs-than-results');
  for (let index = results.length; index < encounter.num_lab_procedures; index++) {
    const lab = FILLER_LABS[index % FILLER_LABS.length];
    results.push({ code: loinc(lab.loinc, lab.display), value: lab.value, unit: lab.unit });
  }

  const resources: (Observation | Procedure)[] = results.map((result, index): Observation => ({
    resourceType: 'Observation',
    id: frame.id('lab', index + 1),
    status: 'final',
    category: LABORATORY,
    code: result.code,
    subject: frame.patient,
    encounter: frame.encounter,
    effectiveDateTime: frame.duringStay(index, results.length),
    valueQuantity: {
      value: result.value,
      unit: result.unit,
      system: SYSTEM.ucum,
      code: result.unit,
    },
  }));

  const pounds = encounter.weight === null ? null : bandMiddlePounds(encounter.weight);
  if (pounds !== null)
    resources.push({
      resourceType: 'Observation',
      id: frame.id('weight'),
      status: 'final',
      category: VITAL_SIGNS,
      code: loinc('29463-7', 'Body weight'),
      subject: frame.patient,
      encounter: frame.encounter,
      effectiveDateTime: frame.minutesAfterAdmission(30),
      valueQuantity: {
        value: Math.round(pounds * KG_PER_POUND * 100) / 100,
        unit: 'kg',
        system: SYSTEM.ucum,
        code: 'kg',
      },
    });

  for (let index = 0; index < encounter.num_procedures; index++) {
    const procedure = FILLER_PROCEDURES[index % FILLER_PROCEDURES.length];
    resources.push({
      resourceType: 'Procedure',
      id: frame.id('procedure', index + 1),
      status: 'completed',
      code: {
        coding: [{ system: SYSTEM.snomed, code: procedure.code, display: procedure.display }],
        text: procedure.display,
      },
      subject: frame.patient,
      encounter: frame.encounter,
      performedDateTime: frame.duringStay(index, encounter.num_procedures),
    });
  }
  return { resources, approximations };
}
