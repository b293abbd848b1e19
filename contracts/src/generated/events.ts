// Generated from contracts/avro by `npm run contracts:generate`. Do not edit by hand.

/** Metadata every Readmit event carries; also sent as Kafka headers. */
export interface Envelope {
  /** Unique id of this event. */
  eventId: string;
  /** The event's record name, e.g. ModelPromoted. */
  eventType: string;
  /** When the fact happened. */
  occurredAt: number;
  /** Shared by every event of one flow (an upload, a training run, a backfill). */
  correlationId: string;
  /** The eventId of the event that caused this one; null for a flow's first event. */
  causationId: null | string;
  /** The service (and version) that wrote the event, e.g. ingest@0.1.0. */
  producer: string;
}

export type BackfillStatus = 'COMPLETED' | 'CANCELLED' | 'FAILED';

/** A backfill ended. Keyed by backfillId on ml.backfills. */
export interface BackfillCompleted {
  envelope: Envelope;
  backfillId: string;
  status: BackfillStatus;
  processed: number;
  durationMs: number;
  modelVersion: string;
  reason: null | string;
}

/** A half-open range [fromOffset, toOffset) of one topic partition: lineage of a batch or a dataset. */
export interface OffsetRange {
  topic: string;
  partition: number;
  /** First offset included. */
  fromOffset: number;
  /** First offset not included. */
  toOffset: number;
}

/** A backfill checkpoint: where to resume. Keyed by backfillId on ml.backfills. */
export interface BackfillProgressed {
  envelope: Envelope;
  backfillId: string;
  /** Per partition, fromOffset is where the backfill started and toOffset what it has finished. */
  checkpoints: OffsetRange[];
  processed: number;
  total: null | number;
  ratePerSecond: number;
  /** The version scoring it (resolved once when 'champion' was asked), so a resumed backfill keeps it. */
  modelVersion: null | string;
  /** The range of each partition, fixed when the backfill started, so a resumed one reads the same records. */
  ranges: OffsetRange[];
}

export type BackfillTarget = 'TOPIC' | 'TABLE';

/** Re-score a range of the encounter log with a model version. Keyed by backfillId on ml.backfills. */
export interface BackfillRequested {
  envelope: Envelope;
  backfillId: string;
  fromTime: null | number;
  toTime: null | number;
  /** Used instead of the time range when not empty. */
  offsetRanges: OffsetRange[];
  /** A version, or 'champion'. */
  modelVersion: string;
  targets: BackfillTarget[];
  /** Throttle so live scoring keeps its latency. */
  maxRatePerSecond: null | number;
  requestedBy: string;
}

export type BatchTrigger = 'COUNT' | 'TIME_WINDOW';

/** A summary of one column over the batch. */
export interface FeatureProfile {
  feature: string;
  count: number;
  missing: number;
  mean: null | number;
  stddev: null | number;
  min: null | number;
  max: null | number;
  topCategories: null | Record<string, number>;
}

/** Enough new labelled encounters (or a time window) have arrived since the last batch. Keyed by batchId on ml.batches. */
export interface BatchArrived {
  envelope: Envelope;
  batchId: string;
  /** 1 for the first batch, then consecutive. */
  sequence: number;
  trigger: BatchTrigger;
  encounterRanges: OffsetRange[];
  outcomeRanges: OffsetRange[];
  encounterCount: number;
  labeledCount: number;
  /** Outcomes per ReadmissionClass symbol. */
  labelCounts: Record<string, number>;
  windowStart: number;
  windowEnd: number;
  profile: FeatureProfile[];
}

/** One rule of the promotion policy with the values it was judged on. */
export interface PromotionCriterion {
  /** e.g. holdout_auc_margin, brier_tolerance, subgroup_auc_drop, artifact_verified. */
  name: string;
  candidate: null | number;
  champion: null | number;
  threshold: null | number;
  passed: boolean;
  detail: null | string;
}

/** A version became the challenger: scored beside the champion on live traffic (shadow) until it is promoted or rejected. Keyed by modelName on ml.models. */
export interface ChallengerAssigned {
  envelope: Envelope;
  modelName: string;
  version: string;
  /** The challenger it replaces, which goes back to candidate. */
  previousChallenger: null | string;
  artifactUri: string;
  artifactSha256: string;
  threshold: number;
  decidedBy: string;
  reason: string;
  criteria: PromotionCriterion[];
}

export type DriftKind = 'DATA' | 'PREDICTION' | 'PERFORMANCE';

export type DriftSeverity = 'LOW' | 'MEDIUM' | 'HIGH';

export interface DriftStatistic {
  feature: string;
  /** psi, ks, chi_square, wasserstein, auc_drop, brier_rise. */
  test: string;
  value: number;
  pValue: null | number;
  threshold: number;
  drifted: boolean;
}

/** A monitoring window departed from the model's reference profile. Keyed by modelVersion on ml.drift. */
export interface DriftDetected {
  envelope: Envelope;
  modelName: string;
  modelVersion: string;
  kind: DriftKind;
  severity: DriftSeverity;
  windowStart: number;
  windowEnd: number;
  windowSize: number;
  /** True when the share of drifted features crossed its threshold. */
  datasetDrift: boolean;
  driftedFeatures: string[];
  statistics: DriftStatistic[];
}

export type ReadmissionTask = 'ANY_READMISSION' | 'WITHIN_30_DAYS';

/** An externally trained ONNX model was uploaded to be judged like a training run's: the trainer scores it on the holdout of the log as of asOf and answers with TrainingCompleted (algorithm external) or TrainingFailed, under the same runId. Keyed by runId on ml.training. */
export interface ModelImportRequested {
  envelope: Envelope;
  runId: string;
  modelName: string;
  task: ReadmissionTask;
  /** The model is judged on the holdout of the training set as of this time. */
  asOf: number;
  /** The uploaded ONNX file, as received, in the object store. */
  stagedArtifactUri: string;
  stagedArtifactSha256: string;
  /** The feature spec (of a dataset export, fs1-…) the model's FP32 [N, F] input follows. */
  featureSpecId: string;
  /** The uploader's decision threshold; null: chosen by F1 on the validation side, as for our own models. */
  threshold: null | number;
  /** What trained it, as the uploader says (lightgbm, xgboost, sklearn, …); recorded, not checked. */
  framework: string;
  /** Metrics the uploader reported: recorded beside the registry's own, never used to decide. */
  claimedMetrics: Record<string, number>;
  /** The authenticated principal who uploaded it. */
  requestedBy: string;
}

export type DecisionMode = 'AUTOMATIC' | 'MANUAL';

/** A model version became champion. Keyed by modelName on ml.models. */
export interface ModelPromoted {
  envelope: Envelope;
  modelName: string;
  version: string;
  previousVersion: null | string;
  artifactUri: string;
  artifactSha256: string;
  threshold: number;
  mode: DecisionMode;
  decidedBy: string;
  reason: string;
  criteria: PromotionCriterion[];
}

/** A candidate was not promoted, with every criterion's values. Keyed by modelName on ml.models. */
export interface ModelRejected {
  envelope: Envelope;
  modelName: string;
  version: string;
  championVersion: null | string;
  decidedBy: string;
  reason: string;
  criteria: PromotionCriterion[];
}

/** The champion was replaced by an earlier version. Keyed by modelName on ml.models. */
export interface ModelRolledBack {
  envelope: Envelope;
  modelName: string;
  fromVersion: string;
  toVersion: string;
  artifactUri: string;
  artifactSha256: string;
  threshold: number;
  decidedBy: string;
  reason: string;
}

export interface SubgroupMetrics {
  /** race, gender or age_band. */
  attribute: string;
  group: string;
  count: number;
  metrics: Record<string, number>;
}

export interface TrainingLineage {
  encounterRanges: OffsetRange[];
  outcomeRanges: OffsetRange[];
  batchIds: string[];
  trainRows: number;
  validationRows: number;
  holdoutRows: number;
  /** Digest of the holdout set, so two models are compared on the same rows. */
  holdoutId: string;
}

/** The champion of the time scored on this run's holdout, so the registry compares both models on the same rows. */
export interface ChampionEvaluation {
  version: string;
  artifactSha256: string;
  threshold: number;
  metrics: Record<string, number>;
  subgroupMetrics: SubgroupMetrics[];
}

/** A training run produced a model artifact. Keyed by runId on ml.training. */
export interface TrainingCompleted {
  envelope: Envelope;
  runId: string;
  modelName: string;
  modelVersion: string;
  algorithm: string;
  params: Record<string, string>;
  artifactUri: string;
  artifactSha256: string;
  featureSpecVersion: string;
  threshold: number;
  /** Holdout metrics: roc_auc, pr_auc, log_loss, brier, … */
  metrics: Record<string, number>;
  subgroupMetrics: SubgroupMetrics[];
  lineage: TrainingLineage;
  durationMs: number;
  /** Null when there was no champion, or it could not be scored (another target, an unreadable artifact). */
  championEvaluation: null | ChampionEvaluation;
}

/** A training run ended without a model. Keyed by runId on ml.training. */
export interface TrainingFailed {
  envelope: Envelope;
  runId: string;
  modelName: string;
  /** dataset, training, export or upload. */
  stage: string;
  reason: string;
  retriable: boolean;
}

export type TrainingReason = 'BATCH_ARRIVED' | 'DRIFT_DETECTED' | 'MANUAL';

/** A training run is asked for. Keyed by runId on ml.training. */
export interface TrainingRequested {
  envelope: Envelope;
  runId: string;
  modelName: string;
  reason: TrainingReason;
  /** eventIds of the BatchArrived / DriftDetected events behind the request. */
  triggeredBy: string[];
  task: ReadmissionTask;
  /** Only outcomes known at this time enter the training set. */
  asOf: number;
  /** Algorithms to try, e.g. logistic_regression, gbdt. */
  candidates: string[];
  requestedBy: string;
}

/** ICD9CM: ICD-9-CM (the UCI table, discharges before October 2015); ICD10CM: ICD-10-CM. */
export type DiagnosisCodeSystem = 'ICD9CM' | 'ICD10CM';

/** Whether a medication was prescribed and how its dosage changed. */
export type MedicationChange = 'No' | 'Steady' | 'Up' | 'Down';

export type MedicationsChanged = 'No' | 'Ch';

export type DiabetesMedicationPrescribed = 'No' | 'Yes';

/** A patient encounter (one row of diabetic_data.csv without its label, which arrives later as OutcomeRecorded). Keyed by the encounter_id pseudonym on patient.encounters. Field names follow the CSV columns; '-' becomes '_' because Avro names cannot hold it. */
export interface EncounterRecorded {
  envelope: Envelope;
  /** Pseudonym of the encounter identifier (CSV: encounter_id): enc_ and 22 base64url characters of an HMAC-SHA-256 under the site key. Written as a long (the clear id) before pseudonyms; readers see those as legacy:<id>. Never logged. */
  encounter_id: string;
  /** Pseudonym of the patient identifier (CSV: patient_nbr): pat_ and 22 base64url characters of an HMAC-SHA-256 under the site key. Written as a long (the clear id) before pseudonyms; readers see those as legacy:<id>. Never logged. */
  patient_nbr: string;
  /** CSV: race; null where the data has '?'. */
  race: null | string;
  /** CSV: gender (Female, Male, Unknown/Invalid). */
  gender: string;
  /** CSV: age, a ten-year band such as [70-80). */
  age: string;
  /** CSV: weight band in pounds such as [75-100); mostly missing. */
  weight: null | string;
  /** CSV: admission_type_id; text in IDs_mapping.csv. */
  admission_type_id: number;
  /** CSV: discharge_disposition_id; text in IDs_mapping.csv. */
  discharge_disposition_id: number;
  /** CSV: admission_source_id; text in IDs_mapping.csv. */
  admission_source_id: number;
  /** CSV: time_in_hospital, days (1-14). */
  time_in_hospital: number;
  /** When the stay began (FHIR: Encounter.period.start), UTC. Null when the sender gives no dates, as the UCI table does. Needed to derive readmission labels from the stream; a date, so sealed. CSV: the optional column admitted_at (ISO 8601). */
  admittedAt: null | number;
  /** When the patient was discharged (FHIR: Encounter.period.end), UTC; never before admittedAt. Null when the sender gives no dates. Readmission windows run from it. CSV: the optional column discharged_at (ISO 8601). */
  dischargedAt: null | number;
  /** CSV: payer_code; null where '?'. */
  payer_code: null | string;
  /** CSV: medical_specialty of the admitting physician; null where '?'. */
  medical_specialty: null | string;
  /** CSV: num_lab_procedures. */
  num_lab_procedures: number;
  /** CSV: num_procedures (non-lab). */
  num_procedures: number;
  /** CSV: num_medications, distinct generic names administered. */
  num_medications: number;
  /** CSV: number_outpatient visits in the year before. */
  number_outpatient: number;
  /** CSV: number_emergency visits in the year before. */
  number_emergency: number;
  /** CSV: number_inpatient visits in the year before. */
  number_inpatient: number;
  /** CSV: diag_1, primary diagnosis code kept as text, in diagnosisCodeSystem (ICD-9-CM 250.83, V57, E888; ICD-10-CM E11.9, E119). */
  diag_1: null | string;
  /** CSV: diag_2, secondary diagnosis code as text, in diagnosisCodeSystem. */
  diag_2: null | string;
  /** CSV: diag_3, additional secondary diagnosis code as text, in diagnosisCodeSystem. */
  diag_3: null | string;
  /** The code system of diag_1, diag_2 and diag_3 (an inpatient stay is coded in the system of its discharge date, so its diagnoses share one). Null: ICD-9-CM, as in the UCI table and every event written before this field. CSV: the optional column diag_code_system. */
  diagnosisCodeSystem: null | DiagnosisCodeSystem;
  /** CSV: number_diagnoses entered. */
  number_diagnoses: number;
  /** CSV: max_glu_serum (None, Norm, >200, >300); 'None' means not measured. */
  max_glu_serum: null | string;
  /** CSV: A1Cresult (None, Norm, >7, >8); 'None' means not measured. */
  A1Cresult: null | string;
  /** CSV: metformin. */
  metformin: MedicationChange;
  /** CSV: repaglinide. */
  repaglinide: MedicationChange;
  /** CSV: nateglinide. */
  nateglinide: MedicationChange;
  /** CSV: chlorpropamide. */
  chlorpropamide: MedicationChange;
  /** CSV: glimepiride. */
  glimepiride: MedicationChange;
  /** CSV: acetohexamide. */
  acetohexamide: MedicationChange;
  /** CSV: glipizide. */
  glipizide: MedicationChange;
  /** CSV: glyburide. */
  glyburide: MedicationChange;
  /** CSV: tolbutamide. */
  tolbutamide: MedicationChange;
  /** CSV: pioglitazone. */
  pioglitazone: MedicationChange;
  /** CSV: rosiglitazone. */
  rosiglitazone: MedicationChange;
  /** CSV: acarbose. */
  acarbose: MedicationChange;
  /** CSV: miglitol. */
  miglitol: MedicationChange;
  /** CSV: troglitazone. */
  troglitazone: MedicationChange;
  /** CSV: tolazamide. */
  tolazamide: MedicationChange;
  /** CSV: examide. */
  examide: MedicationChange;
  /** CSV: citoglipton. */
  citoglipton: MedicationChange;
  /** CSV: insulin. */
  insulin: MedicationChange;
  /** CSV: glyburide-metformin. */
  glyburide_metformin: MedicationChange;
  /** CSV: glipizide-metformin. */
  glipizide_metformin: MedicationChange;
  /** CSV: glimepiride-pioglitazone. */
  glimepiride_pioglitazone: MedicationChange;
  /** CSV: metformin-rosiglitazone. */
  metformin_rosiglitazone: MedicationChange;
  /** CSV: metformin-pioglitazone. */
  metformin_pioglitazone: MedicationChange;
  /** CSV: change, whether any diabetic medication changed (Ch) or not (No). */
  change: MedicationsChanged;
  /** CSV: diabetesMed, whether any diabetic medication was prescribed. */
  diabetesMed: DiabetesMedicationPrescribed;
  /** When the encounter was recorded (discharge time for live data, ingest time for historical loads). */
  recordedAt: number;
  /** Where the record came from, e.g. csv:diabetic_data.csv, http, synthetic:seed=7. */
  source: string;
  /** The fields marked "sealed", encrypted together under the patient's data key (AES-256-GCM; Avro binary of those fields, see docs/security.md). When set, every sealed field is null on the wire; when null, the sealed fields are in the clear (written before sealing, or by a site that does not seal). Forgetting the patient destroys the key: these bytes then open for no one. */
  sealedFields?: null | Buffer;
}

/** CSV readmitted: NO, >30 (AFTER_30_DAYS) or <30 (WITHIN_30_DAYS). */
export type ReadmissionClass = 'NO' | 'AFTER_30_DAYS' | 'WITHIN_30_DAYS';

/** REPORTED: a label the sender gave (the UCI readmitted column, a corrected outcome); DERIVED: the readmission labeller found it from the patient's later admissions on the log. */
export type OutcomeDerivation = 'REPORTED' | 'DERIVED';

/** The readmission outcome of an encounter (CSV: readmitted), known weeks after discharge. Keyed by the encounter_id pseudonym on patient.outcomes. */
export interface OutcomeRecorded {
  envelope: Envelope;
  /** Pseudonym of the encounter identifier (as in EncounterRecorded); legacy:<id> when written as a long before pseudonyms. Never logged. */
  encounter_id: string;
  /** Pseudonym of the patient identifier (as in EncounterRecorded); legacy:<id> when written as a long before pseudonyms. Never logged. */
  patient_nbr: string;
  readmitted: ReadmissionClass;
  /** When the outcome became known. */
  recordedAt: number;
  /** How the outcome became known. Null: REPORTED, as every outcome written before this field. A reported outcome wins over a derived one for the same encounter. */
  derivation: null | OutcomeDerivation;
  /** The fields marked "sealed", encrypted together under the patient's data key (AES-256-GCM; Avro binary of those fields, see docs/security.md). When set, every sealed field is null on the wire; when null, the sealed fields are in the clear (written before sealing, or by a site that does not seal). Forgetting the patient destroys the key: these bytes then open for no one. */
  sealedFields?: null | Buffer;
}

export interface FeatureContribution {
  feature: string;
  value: number;
}

/** A readmission risk score for one encounter. Keyed by the encounter_id pseudonym on patient.predictions. */
export interface PredictionMade {
  envelope: Envelope;
  /** Pseudonym of the encounter identifier (as in EncounterRecorded); legacy:<id> when written as a long before pseudonyms. Never logged. */
  encounter_id: string;
  /** Pseudonym of the encounter's patient (as in EncounterRecorded): whose data key seals the score. Null in predictions written before predictions were sealed. Never logged. */
  patient_nbr: string | null;
  /** Predicted probability of readmission. */
  score: number;
  /** score >= threshold. */
  label: boolean;
  threshold: number;
  modelName: string;
  modelVersion: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: number;
  /** From consuming the encounter to producing the prediction. */
  latencyMs: number;
  /** Top contributing features when an explanation was asked for. */
  contributions: null | FeatureContribution[];
  /** The fields marked "sealed" (score, label, contributions), encrypted together under the patient's data key (AES-256-GCM; Avro binary of those fields, see docs/security.md). When set, every sealed field is null on the wire; when null, they are in the clear (written before predictions were sealed, or by a site that does not seal). Forgetting the patient destroys the key: the score then opens for no one. */
  sealedFields?: null | Buffer;
}

/** Who did what, when, and how it ended: one per state-changing request a service answered (allowed or refused). Keyed by principal on readmit.audit; kept forever. Carries pseudonyms only, never a patient identifier or a credential. */
export interface AuditRecorded {
  envelope: Envelope;
  /** The authenticated principal's id (an API key's name, an OIDC subject), or 'anonymous' when no credential was accepted. */
  principal: string;
  /** How the principal was authenticated: api-key, oidc, console-session, or none. */
  authMethod: string;
  /** The roles the principal held for this request. */
  roles: string[];
  /** The service that answered (gateway, ingest, registry, …). */
  service: string;
  /** What was asked, e.g. model.promote, model.rollback, encounters.upload, patient.forget. */
  action: string;
  /** What it was asked of, e.g. models/readmission/versions/7 (pseudonyms only). */
  resource: string;
  /** succeeded (2xx), refused (401, 403: not authenticated or not allowed), rejected (other 4xx), or failed (5xx). */
  outcome: string;
  /** The HTTP status answered. */
  status: number;
  /** The request's correlation id, to find its events and log lines. */
  requestId: null | string;
}

/** A patient's data key was destroyed (crypto-shredding): from here on, the sealed fields of every event about them open for no one, and every reader drops what it kept about them. Keyed by the patient pseudonym on patient.forgotten; kept forever so rebuilt projections forget too. */
export interface PatientForgotten {
  envelope: Envelope;
  /** Pseudonym of the forgotten patient. Never logged. */
  patient_nbr: string;
  /** The authenticated principal who asked (an API key's name, an OIDC subject, or a CLI operator's name). */
  requestedBy: string;
  /** True when a data key was destroyed; false when the patient had none (nothing sealed yet, or forgotten before). */
  keyDestroyed: boolean;
}

/** Every event type, by its name (the Avro record name, the TypeScript type and the eventType header). */
export interface EventTypeMap {
  BackfillCompleted: BackfillCompleted;
  BackfillProgressed: BackfillProgressed;
  BackfillRequested: BackfillRequested;
  BatchArrived: BatchArrived;
  ChallengerAssigned: ChallengerAssigned;
  DriftDetected: DriftDetected;
  ModelImportRequested: ModelImportRequested;
  ModelPromoted: ModelPromoted;
  ModelRejected: ModelRejected;
  ModelRolledBack: ModelRolledBack;
  TrainingCompleted: TrainingCompleted;
  TrainingFailed: TrainingFailed;
  TrainingRequested: TrainingRequested;
  EncounterRecorded: EncounterRecorded;
  OutcomeRecorded: OutcomeRecorded;
  PredictionMade: PredictionMade;
  AuditRecorded: AuditRecorded;
  PatientForgotten: PatientForgotten;
}

export type EventType = keyof EventTypeMap;

export type ReadmitEvent = EventTypeMap[EventType];

export const EVENT_TYPES = ['BackfillCompleted', 'BackfillProgressed', 'BackfillRequested', 'BatchArrived', 'ChallengerAssigned', 'DriftDetected', 'ModelImportRequested', 'ModelPromoted', 'ModelRejected', 'ModelRolledBack', 'TrainingCompleted', 'TrainingFailed', 'TrainingRequested', 'EncounterRecorded', 'OutcomeRecorded', 'PredictionMade', 'AuditRecorded', 'PatientForgotten'] as const satisfies readonly EventType[];
