import type { PatientKeyStore, StoredPatientKey } from './patient-key-store.port';

/** The store's contract in memory, counting trips: for unit tests and benchmarks, not services. */
export class MemoryPatientKeyStore implements PatientKeyStore {
  readonly rows = new Map<string, StoredPatientKey>();
  /** Calls of get and getMany. */
  reads = 0;

  async get(patient: string): Promise<StoredPatientKey | undefined> {
    this.reads += 1;
    return this.rows.get(patient);
  }

  async getMany(patients: readonly string[]): Promise<Map<string, StoredPatientKey>> {
    this.reads += 1;
    const found = new Map<string, StoredPatientKey>();
    for (const patient of patients) {
      const row = this.rows.get(patient);
      if (row) found.set(patient, row);
    }
    return found;
  }

  async putIfAbsent(patient: string, key: StoredPatientKey): Promise<StoredPatientKey> {
    if (!this.rows.has(patient)) this.rows.set(patient, key);
    return this.rows.get(patient) as StoredPatientKey;
  }

  async putManyIfAbsent(
    keys: ReadonlyMap<string, StoredPatientKey>,
  ): Promise<Map<string, StoredPatientKey>> {
    const kept = new Map<string, StoredPatientKey>();
    for (const [patient, key] of keys) kept.set(patient, await this.putIfAbsent(patient, key));
    return kept;
  }

  async delete(patient: string): Promise<boolean> {
    return this.rows.delete(patient);
  }
}
