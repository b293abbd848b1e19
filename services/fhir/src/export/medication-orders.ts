import type { MedicationChange } from '@readmit/contracts';
import type { EncounterAttributes } from '@readmit/ml';
import type { MedicationRequest, Quantity } from '../mapping/fhir-r4';
import { SYSTEM } from '../mapping/code-systems';
import type { Dosage } from './fhir-types';
import { MEDICATION_COLUMN_NAMES, type MedicationColumn } from '../mapping/patient-history';
import type { Approximation } from './approximations';
import { SYSTEMS } from './code-systems';
import { FILLER_GENERICS } from './filler-codes';
import type { StayFrame } from './stay-frame';
import { medicationConcept } from './uci-codes';

/** A usual dose of each drug: amount per administration, its unit, administrations a day. */
interface UsualDose {
  readonly amount: number;
  readonly unit: 'mg' | 'U' | 'tablet';
  readonly perDay: number;
}

const UCUM_CODE: Readonly<Record<UsualDose['unit'], string>> = {
  mg: 'mg',
  U: '[iU]',
  tablet: '{tbl}',
};

const USUAL_DOSE: Readonly<Record<MedicationColumn, UsualDose>> = {
  metformin: { amount: 500, unit: 'mg', perDay: 2 },
  repaglinide: { amount: 1, unit: 'mg', perDay: 3 },
  nateglinide: { amount: 120, unit: 'mg', perDay: 3 },
  chlorpropamide: { amount: 250, unit: 'mg', perDay: 1 },
  glimepiride: { amount: 2, unit: 'mg', perDay: 1 },
  acetohexamide: { amount: 250, unit: 'mg', perDay: 1 },
  glipizide: { amount: 5, unit: 'mg', perDay: 2 },
  glyburide: { amount: 5, unit: 'mg', perDay: 1 },
  tolbutamide: { amount: 500, unit: 'mg', perDay: 2 },
  pioglitazone: { amount: 30, unit: 'mg', perDay: 1 },
  rosiglitazone: { amount: 4, unit: 'mg', perDay: 1 },
  acarbose: { amount: 50, unit: 'mg', perDay: 3 },
  miglitol: { amount: 50, unit: 'mg', perDay: 3 },
  troglitazone: { amount: 400, unit: 'mg', perDay: 1 },
  tolazamide: { amount: 250, unit: 'mg', perDay: 1 },
  examide: { amount: 1, unit: 'tablet', perDay: 1 },
  citoglipton: { amount: 1, unit: 'tablet', perDay: 1 },
  insulin: { amount: 10, unit: 'U', perDay: 2 },
  // Combinations are dosed in tablets of a fixed strength.
  'glyburide-metformin': { amount: 1, unit: 'tablet', perDay: 2 },
  'glipizide-metformin': { amount: 1, unit: 'tablet', perDay: 2 },
  'glimepiride-pioglitazone': { amount: 1, unit: 'tablet', perDay: 1 },
  'metformin-rosiglitazone': { amount: 1, unit: 'tablet', perDay: 2 },
  'metformin-pioglitazone': { amount: 1, unit: 'tablet', perDay: 2 },
};

/** No medicine anyone can order (the mapping reads them as always No). */
const UNORDERABLE: ReadonlySet<MedicationColumn> = new Set(['examide', 'citoglipton']);

/** How far before the admission the previous orders were written. */
const PREVIOUS_ORDER_DAYS_BEFORE = 30;

const statusOf = (encounter: EncounterAttributes, column: MedicationColumn): MedicationChange =>
  encounter[column.replace(/-/g, '_') as keyof EncounterAttributes] as MedicationChange;

/**
 * The previous order's amount per administration against this stay's, for a column's dose
 * change: Up means the dose went up since the previous order, so that one was lower.
 */
const PREVIOUS_FACTOR: Readonly<Record<'Steady' | 'Up' | 'Down', number>> = {
  Steady: 1,
  Up: 0.5,
  Down: 2,
};

function dosage(dose: UsualDose, amount: number): Dosage {
  const quantity: Quantity = {
    value: amount,
    unit: dose.unit,
    system: SYSTEM.ucum,
    code: UCUM_CODE[dose.unit],
  };
  return {
    text: `${amount} ${dose.unit} ${dose.perDay} times a day`,
    timing: { repeat: { frequency: dose.perDay, period: 1, periodUnit: 'd' } },
    doseAndRate: [{ doseQuantity: quantity }],
  };
}

/** What the medication columns of a row become: this stay's orders and the ones before it. */
export interface MedicationOrders {
  readonly resources: MedicationRequest[];
  readonly approximations: Approximation[];
}

/**
 * The stay's MedicationRequests and the patient's previous orders (written in the year before the
 * admission, no encounter, active) that give back the 23 columns, `change` and num_medications:
 * a drug ordered in the stay has a previous order at the same dose (Steady), a lower one (Up) or
 * a higher one (Down). `change` = Ch with no dose change needs a new drug (the first Steady one
 * loses its previous order) or, with none, a stopped one (an active previous order of a drug not
 * ordered now). Non-diabetes generics fill num_medications up.
 */
export function medicationOrders(
  encounter: EncounterAttributes,
  frame: StayFrame,
): MedicationOrders {
  const approximations: Approximation[] = [];
  const ordered = MEDICATION_COLUMN_NAMES.filter((column) => statusOf(encounter, column) !== 'No');
  const orderable = ordered.filter((column) => !UNORDERABLE.has(column));
  if (orderable.length < ordered.length) approximations.push('unorderable-medication');
  if ((orderable.length > 0 ? 'Yes' : 'No') !== encounter.diabetesMed)
    approximations.push('diabetes-med-contradicts-orders');

  const changed = orderable.some((column) => statusOf(encounter, column) !== 'Steady');
  if (encounter.change === 'No' && changed) approximations.push('change-contradicts-doses');
  // change = Ch with every dose as before: one drug must be new, or one stopped.
  const needsNewOrStopped = encounter.change === 'Ch' && !changed;
  const newDrug = needsNewOrStopped ? orderable[0] : undefined;
  const stoppedDrug =
    needsNewOrStopped && newDrug === undefined
      ? MEDICATION_COLUMN_NAMES.find(
          (column) => statusOf(encounter, column) === 'No' && !UNORDERABLE.has(column),
        )
      : undefined;
  if (needsNewOrStopped && newDrug === undefined && stoppedDrug === undefined)
    approximations.push('change-without-room');

  const resources: MedicationRequest[] = [];
  const request = (
    id: string,
    fields: Omit<MedicationRequest, 'resourceType' | 'id' | 'intent' | 'subject'>,
  ): MedicationRequest => ({
    resourceType: 'MedicationRequest',
    id,
    identifier: [{ system: SYSTEMS.order, value: id }],
    ...fields,
    intent: 'order',
    subject: frame.patient,
  });
  const previousOrderAt = frame.instant(
    Math.max(frame.lookBackFrom, frame.admissionDay - PREVIOUS_ORDER_DAYS_BEFORE),
    10 * 60,
  );
  const previous = (column: MedicationColumn, amount: number) =>
    resources.push(
      request(frame.id('prev', resources.length + 1), {
        status: 'active',
        medicationCodeableConcept: medicationConcept(column),
        authoredOn: previousOrderAt,
        dosageInstruction: [dosage(USUAL_DOSE[column], amount)],
      }),
    );

  const orderedAt = frame.minutesAfterAdmission(60);
  for (const column of orderable) {
    const dose = USUAL_DOSE[column];
    const status = statusOf(encounter, column) as 'Steady' | 'Up' | 'Down';
    resources.push(
      request(frame.id('med', resources.length + 1), {
        status: 'completed',
        medicationCodeableConcept: medicationConcept(column),
        encounter: frame.encounter,
        authoredOn: orderedAt,
        dosageInstruction: [dosage(dose, dose.amount)],
      }),
    );
    if (column !== newDrug) previous(column, dose.amount * PREVIOUS_FACTOR[status]);
  }
  if (stoppedDrug !== undefined) previous(stoppedDrug, USUAL_DOSE[stoppedDrug].amount);

  const fillers = encounter.num_medications - orderable.length;
  if (fillers < 0) approximations.push('fewer-medications-than-ordered');
  if (fillers > FILLER_GENERICS.length) approximations.push('more-medications-than-fillers');
  for (const name of FILLER_GENERICS.slice(0, Math.max(0, fillers)))
    resources.push(
      request(frame.id('med', resources.length + 1), {
        status: 'completed',
        medicationCodeableConcept: { text: name },
        encounter: frame.encounter,
        authoredOn: orderedAt,
      }),
    );
  return { resources, approximations };
}
