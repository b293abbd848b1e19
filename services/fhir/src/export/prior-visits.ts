import type { EncounterAttributes } from '@readmit/ml';
import type { Coding, Encounter } from '../mapping/fhir-r4';
import { SYSTEM } from '../mapping/code-systems';
import { SYSTEMS } from './code-systems';
import { visitNumber } from './stay-encounter';
import type { StayFrame } from './stay-frame';

type VisitClass = 'AMB' | 'EMER' | 'IMP';

const CLASS: Readonly<Record<VisitClass, Coding>> = {
  AMB: { system: SYSTEM.actCode, code: 'AMB', display: 'ambulatory' },
  EMER: { system: SYSTEM.actCode, code: 'EMER', display: 'emergency' },
  IMP: { system: SYSTEM.actCode, code: 'IMP', display: 'inpatient encounter' },
};

/** When a visit of each class starts and how long it lasts, in minutes. */
const SHAPE: Readonly<Record<VisitClass, { start: number; length: number }>> = {
  AMB: { start: 9 * 60, length: 40 },
  EMER: { start: 15 * 60, length: 5 * 60 },
  IMP: { start: 11 * 60, length: 2 * 1440 },
};

/**
 * The visits of the year before the stay: number_outpatient ambulatory, number_emergency
 * emergency and number_inpatient inpatient encounters, finished, spread over the look-back
 * window and ended before the admission. They have no diagnoses, so the mapper counts them as
 * visits and leaves them out of the cohort (not coded); each has its own visit number.
 */
export function priorVisits(encounter: EncounterAttributes, frame: StayFrame): Encounter[] {
  const classes: VisitClass[] = [
    ...Array<VisitClass>(encounter.number_outpatient).fill('AMB'),
    ...Array<VisitClass>(encounter.number_emergency).fill('EMER'),
    ...Array<VisitClass>(encounter.number_inpatient).fill('IMP'),
  ];
  const days = frame.admissionDay - frame.lookBackFrom;
  const admittedMinute = frame.admissionDay * 1440 + frame.admissionMinute;
  return classes.map((visitClass, index) => {
    const day = frame.lookBackFrom + Math.floor(((index + 0.5) * days) / classes.length);
    const start = day * 1440 + SHAPE[visitClass].start;
    // Ended before the admission, however close to it the visit started.
    const end = Math.max(
      start + 1,
      Math.min(start + SHAPE[visitClass].length, admittedMinute - 60),
    );
    const number = index + 1;
    return {
      resourceType: 'Encounter',
      id: frame.id('visit', number),
      identifier: [visitNumber(SYSTEMS.priorVisit, `${frame.encounterId}-${number}`)],
      status: 'finished',
      class: CLASS[visitClass],
      subject: frame.patient,
      period: { start: frame.instant(0, start), end: frame.instant(0, end) },
    };
  });
}
