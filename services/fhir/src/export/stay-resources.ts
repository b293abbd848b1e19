import type { EncounterAttributes } from '@readmit/ml';
import type { Resource } from '../mapping/fhir-r4';
import type { Approximation } from './approximations';
import { medicationOrders } from './medication-orders';
import { priorVisits } from './prior-visits';
import { stayCoverage } from './stay-coverage';
import { stayEncounter } from './stay-encounter';
import type { StayFrame } from './stay-frame';
import { stayObservations } from './stay-observations';

/** The FHIR of one row: every resource of its stay, and what of the row it may not carry. */
export interface StayExport {
  /** The stay's Encounter first, then its diagnoses, admitter, results, orders, visits, coverage. */
  readonly resources: Resource[];
  readonly approximations: readonly Approximation[];
}

/**
 * Everything one row of the UCI table needs besides its Patient (docs/fhir-mapping.md, Export to
 * FHIR): the inpatient Encounter, its diagnoses, admitter, lab results, weight, procedures and
 * medication orders, the orders and visits of the year before it, and its coverage.
 */
export function stayResources(encounter: EncounterAttributes, frame: StayFrame): StayExport {
  const stay = stayEncounter(encounter, frame);
  const observations = stayObservations(encounter, frame);
  const orders = medicationOrders(encounter, frame);
  return {
    resources: [
      ...stay.resources,
      ...observations.resources,
      ...orders.resources,
      ...priorVisits(encounter, frame),
      ...stayCoverage(encounter.payer_code, frame),
    ],
    approximations: [
      ...stay.approximations,
      ...observations.approximations,
      ...orders.approximations,
    ],
  };
}
