import type { Resource } from '../mapping/fhir-r4';
import { APPROXIMATIONS, type Approximation } from './approximations';
import type { ResourceType } from './fhir-types';
import type { PatientExport, RejectedUciRow } from './uci-export';

/** What an export did: rows in and out, resources made, and the rows FHIR may not give back as they were. */
export interface UciExportReport {
  readonly rows: number;
  readonly exported: number;
  readonly patients: number;
  /** Rows the row rules refuse (the CSV path refuses them too), by input position. */
  readonly rejected: readonly RejectedUciRow[];
  readonly resources: Readonly<Partial<Record<ResourceType, number>>>;
  /** Rows per reason they may not come back exactly (a row may have several). */
  readonly approximations: Readonly<Record<Approximation, number>>;
  /** Rows whose age bands no date assignment fits (also under approximations). */
  readonly datesUnfit: number;
}

/** Adds up an export as its patients are made, so a streaming caller holds no FHIR. */
export class UciExportTally {
  private exported = 0;
  private patients = 0;
  private readonly resources: Partial<Record<ResourceType, number>> = {};
  private readonly approximations = Object.fromEntries(
    APPROXIMATIONS.map((reason) => [reason, 0]),
  ) as Record<Approximation, number>;

  add(exported: PatientExport): void {
    this.patients += 1;
    this.count(exported.patient);
    for (const stay of exported.stays) {
      this.exported += 1;
      this.count(stay.resources);
      for (const reason of new Set(stay.approximations)) this.approximations[reason] += 1;
    }
  }

  private count(resources: readonly Resource[]): void {
    for (const { resourceType } of resources)
      this.resources[resourceType] = (this.resources[resourceType] ?? 0) + 1;
  }

  report(rejected: readonly RejectedUciRow[]): UciExportReport {
    return {
      rows: this.exported + rejected.length,
      exported: this.exported,
      patients: this.patients,
      rejected,
      resources: { ...this.resources },
      approximations: { ...this.approximations },
      datesUnfit: this.approximations['age-band-unfit'],
    };
  }
}
