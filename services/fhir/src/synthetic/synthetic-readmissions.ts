import type { ReadmissionClass } from '@readmit/contracts';
import { SyntheticEncounters, type DriftSpec, type EncounterProfile } from '@readmit/ml';
import type { Encounter, Resource } from '../mapping/fhir-r4';
import { UciExportTally, type UciExportReport } from '../export/export-report';
import { resourceId } from '../export/resource-ids';
import { exportDatedPatient, patientRandom, readUciRows } from '../export/uci-export';
import {
  chainReadmissions,
  derivableLabel,
  planChainDates,
  type AdmissionWindow,
} from './readmission-chains';

export interface SyntheticReadmissionsOptions {
  /** Where the patients' first admissions fall: a stream sent later should be dated later. */
  readonly window: AdmissionWindow;
  readonly drift?: DriftSpec;
}

/** One stay to send: its admission time and its resources, with its Patient and problem list. */
export interface SyntheticStay {
  readonly admittedAt: number;
  /** `Encounter/<id>`: the stay's own Encounter among its resources (the rest are its context). */
  readonly encounter: string;
  readonly resources: readonly Resource[];
}

export interface SyntheticReadmissions {
  /** In admission order, as a hospital sends them. */
  readonly stays: readonly SyntheticStay[];
  /**
   * The generator's label of each stay (by encounter id) that the following stays realise: the
   * label a readmission labeller should derive. Stays ending care or left unmet are not here.
   */
  readonly expectedLabels: ReadonlyMap<string, ReadmissionClass>;
  readonly report: UciExportReport & {
    /** Patients made by chaining rows. */
    readonly chains: number;
    /** Rows labelled readmitted whose patient never came back: the input ran out first. */
    readonly unmet: number;
  };
}

/**
 * The synthetic stream's patient numbers for chains: each seed numbers encounters from 900M and
 * its own patients from 705M (SyntheticEncounters), so 700M + the encounter's place in its block
 * is free for a patient made from that encounter.
 */
const chainPatientNbr = (firstEncounterId: string) =>
  (BigInt(firstEncounterId) - 200_000_000n).toString();

/**
 * `count` synthetic encounters as FHIR without labels, whose dates carry the labels instead: rows
 * are strung into patients (chainReadmissions) whose next stay comes as the row's label says
 * (within 30 days, within a year, or not within the horizon), so a readmission labeller derives
 * the generator's labels from the stays alone. For `readmit demo --format fhir`. Each stay
 * carries its Patient, as an EHR sends a stay when it ends.
 */
export function syntheticReadmissions(
  profile: EncounterProfile,
  count: number,
  seed: number,
  options: SyntheticReadmissionsOptions,
): SyntheticReadmissions {
  const generator = new SyntheticEncounters(profile, seed, options.drift);
  const { rows, rejected } = readUciRows(Array.from({ length: count }, () => generator.next()));
  const tally = new UciExportTally();
  const stays: SyntheticStay[] = [];
  const expectedLabels = new Map<string, ReadmissionClass>();
  const chains = chainReadmissions(rows);
  for (const chain of chains) {
    const patientNbr = chainPatientNbr(chain.rows[0].encounter.encounter_id);
    const patientRows = chain.rows.map((row) => ({
      ...row,
      encounter: { ...row.encounter, patient_nbr: patientNbr },
    }));
    const dates = planChainDates(patientRows, options.window, patientRandom(patientNbr, seed));
    const exported = exportDatedPatient(patientRows, dates, seed);
    tally.add(exported);
    for (const [position, stay] of exported.stays.entries()) {
      const row = patientRows[position];
      const stayId = resourceId('e', row.encounter.encounter_id);
      stays.push({
        admittedAt: admissionOf(stay.resources, stayId),
        encounter: `Encounter/${stayId}`,
        resources: [...exported.patient, ...stay.resources],
      });
      const label = derivableLabel(row, position === patientRows.length - 1);
      if (label !== null) expectedLabels.set(row.encounter.encounter_id, label);
    }
  }
  stays.sort((a, b) => a.admittedAt - b.admittedAt);
  return {
    stays,
    expectedLabels,
    report: {
      ...tally.report(rejected),
      chains: chains.length,
      unmet: chains.filter((chain) => chain.unmet).length,
    },
  };
}

/** The admission instant of the stay's own Encounter (resource id `stayId`). */
function admissionOf(resources: readonly Resource[], stayId: string): number {
  const stay = resources.find(
    (resource): resource is Encounter =>
      resource.resourceType === 'Encounter' && resource.id === stayId,
  );
  const start = stay?.period?.start;
  if (start === undefined) throw new Error('an exported stay has no admission time');
  return Date.parse(start);
}
