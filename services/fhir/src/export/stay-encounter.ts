import type { EncounterAttributes } from '@readmit/ml';
import type {
  CodeableConcept,
  Condition,
  Encounter,
  EncounterDiagnosis,
  PractitionerRole,
} from '../mapping/fhir-r4';
import { SYSTEM } from '../mapping/code-systems';
import type { Approximation } from './approximations';
import { SYSTEMS } from './code-systems';
import { FILLER_DIAGNOSES } from './filler-codes';
import { reference } from './resource-ids';
import type { StayFrame } from './stay-frame';
import { idConcept, specialtyConcept, type UciIdColumn } from './uci-codes';

const DISCHARGE_DIAGNOSIS: CodeableConcept = {
  coding: [{ system: SYSTEM.diagnosisRole, code: 'DD', display: 'Discharge diagnosis' }],
};

/** A visit number (v2-0203 VN) in a system. */
export const visitNumber = (system: string, value: string) => ({
  use: 'official' as const,
  type: { coding: [{ system: SYSTEM.identifierType, code: 'VN' }] },
  system,
  value,
});

/** A diagnosis of the stay: its code and rank (1..3 for diag_1..3, 4 and on for the fillers). */
interface RankedDiagnosis {
  readonly code: string;
  readonly display?: string;
  readonly rank: number;
}

/**
 * The ranked diagnoses: diag_1..3 at ranks 1..3 (a missing one leaves its rank out), then real
 * ICD-9-CM codes not among them at ranks 4 and on, until number_diagnoses distinct codes.
 */
function rankedDiagnoses(encounter: EncounterAttributes, approximations: Approximation[]) {
  const named = [encounter.diag_1, encounter.diag_2, encounter.diag_3];
  const ranked: RankedDiagnosis[] = [];
  named.forEach((code, index) => {
    if (code !== null) ranked.push({ code, rank: index + 1 });
  });
  const distinct = new Set(ranked.map((diagnosis) => diagnosis.code));
  if (distinct.size < ranked.length) approximations.push('repeated-diagnosis');
  const firstMissing = named.indexOf(null);
  if (firstMissing >= 0 && named.slice(firstMissing).some((code) => code !== null))
    approximations.push('diagnosis-after-missing-one');
  if (encounter.number_diagnoses < distinct.size) approximations.push('fewer-diagnoses-than-named');
  const fillers = FILLER_DIAGNOSES.filter((filler) => !distinct.has(filler.code)).slice(
    0,
    Math.max(0, encounter.number_diagnoses - distinct.size),
  );
  if (fillers.length > 0 && firstMissing >= 0) approximations.push('filler-diagnosis-in-top-three');
  fillers.forEach((filler, index) => ranked.push({ ...filler, rank: 4 + index }));
  return ranked;
}

export interface StayEncounter {
  readonly resources: (Encounter | Condition | PractitionerRole)[];
  readonly approximations: Approximation[];
}

/**
 * The inpatient Encounter of a row (finished, dated, its priority, admit source and discharge
 * disposition from the ConceptMaps, its admitter's specialty) with its ranked discharge
 * diagnoses as Conditions and the admitter's PractitionerRole.
 */
export function stayEncounter(encounter: EncounterAttributes, frame: StayFrame): StayEncounter {
  const approximations: Approximation[] = [];
  const coded = (column: UciIdColumn): CodeableConcept | undefined => {
    const concept = idConcept(column, encounter[column]);
    if (concept.kind === 'not-exportable') approximations.push('id-not-exportable');
    return concept.kind === 'coded' ? concept.concept : undefined;
  };
  const priority = coded('admission_type_id');
  const admitSource = coded('admission_source_id');
  const dischargeDisposition = coded('discharge_disposition_id');

  const ranked = rankedDiagnoses(encounter, approximations);
  const conditions: Condition[] = ranked.map((diagnosis) => ({
    resourceType: 'Condition',
    id: frame.id('diagnosis', diagnosis.rank),
    verificationStatus: {
      coding: [{ system: SYSTEMS.conditionVerification, code: 'confirmed' }],
    },
    category: [
      {
        coding: [
          {
            system: SYSTEM.conditionCategory,
            code: 'encounter-diagnosis',
            display: 'Encounter Diagnosis',
          },
        ],
      },
    ],
    code: {
      coding: [
        {
          system: SYSTEM.icd9cm,
          code: diagnosis.code,
          ...(diagnosis.display === undefined ? {} : { display: diagnosis.display }),
        },
      ],
    },
    subject: frame.patient,
    encounter: frame.encounter,
    recordedDate: frame.dischargedAt,
  }));
  const diagnosis: EncounterDiagnosis[] = conditions.map((condition, index) => ({
    condition: reference('Condition', condition.id as string),
    use: DISCHARGE_DIAGNOSIS,
    rank: ranked[index].rank,
  }));

  const admitter: PractitionerRole | undefined =
    encounter.medical_specialty === null
      ? undefined
      : {
          resourceType: 'PractitionerRole',
          id: frame.id('admitter'),
          active: true,
          specialty: [specialtyConcept(encounter.medical_specialty)],
        };

  const stay: Encounter = {
    resourceType: 'Encounter',
    id: frame.id(),
    identifier: [visitNumber(SYSTEMS.encounterId, frame.encounterId)],
    status: 'finished',
    class: { system: SYSTEM.actCode, code: 'IMP', display: 'inpatient encounter' },
    ...(priority ? { priority } : {}),
    subject: frame.patient,
    ...(admitter
      ? {
          participant: [
            {
              type: [
                {
                  coding: [{ system: SYSTEM.participationType, code: 'ADM', display: 'admitter' }],
                },
              ],
              individual: reference('PractitionerRole', admitter.id as string),
            },
          ],
        }
      : {}),
    period: { start: frame.admittedAt, end: frame.dischargedAt },
    diagnosis,
    ...(admitSource || dischargeDisposition
      ? {
          hospitalization: {
            ...(admitSource ? { admitSource } : {}),
            ...(dischargeDisposition ? { dischargeDisposition } : {}),
          },
        }
      : {}),
  };
  return { resources: [stay, ...conditions, ...(admitter ? [admitter] : [])], approximations };
}
