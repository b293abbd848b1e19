/** A patient's data key as kept: wrapped, and which wrapping key wrapped it. */
export interface StoredPatientKey {
  readonly wrapped: Buffer;
  readonly wrappingKeyId: string;
}

/**
 * Where the wrapped per-patient data keys live. Deleting a patient's row is the forget: with it
 * goes the only way to open that patient's sealed records.
 */
export interface PatientKeyStore {
  get(patient: string): Promise<StoredPatientKey | undefined>;
  /** The keys kept for these patients, by patient; patients without one are left out. */
  getMany(patients: readonly string[]): Promise<Map<string, StoredPatientKey>>;
  /** Stores `key` unless the patient has one already; either way, the one now kept. */
  putIfAbsent(patient: string, key: StoredPatientKey): Promise<StoredPatientKey>;
  /** putIfAbsent for many patients in one trip: the keys now kept for them, by patient. */
  putManyIfAbsent(
    keys: ReadonlyMap<string, StoredPatientKey>,
  ): Promise<Map<string, StoredPatientKey>>;
  /** Removes the patient's key; false when there was none. */
  delete(patient: string): Promise<boolean>;
}
