import type { TrainingCompleted } from '@readmit/contracts';
import { decisionApplies, type ModelDecisionEvent, type ServingVersions } from '@readmit/ml';
import { subjectOf, type RegistryEvent, type Stage } from '../../domain/registry-state';
import type {
  DecisionRowKind,
  ModelDecisionRecord,
  ModelRows,
  ModelVersionRecord,
} from './registry-rows';

type TrainingColumns = Omit<
  ModelVersionRecord,
  'modelName' | 'version' | 'stage' | 'stageChangedAt'
>;

/** A version's training columns until its TrainingCompleted is read. */
export const UNTRAINED: TrainingColumns = {
  runId: null,
  algorithm: null,
  params: null,
  artifactUri: null,
  artifactSha256: null,
  featureSpecVersion: null,
  threshold: null,
  metrics: null,
  subgroupMetrics: null,
  lineage: null,
  championEvaluation: null,
  trainingDurationMs: null,
  registeredAt: null,
};

function trainingColumns(event: TrainingCompleted): TrainingColumns {
  return {
    runId: event.runId,
    algorithm: event.algorithm,
    params: event.params,
    artifactUri: event.artifactUri,
    artifactSha256: event.artifactSha256,
    featureSpecVersion: event.featureSpecVersion,
    threshold: event.threshold,
    metrics: event.metrics,
    subgroupMetrics: event.subgroupMetrics,
    lineage: event.lineage,
    championEvaluation: event.championEvaluation,
    trainingDurationMs: event.durationMs,
    registeredAt: new Date(event.envelope.occurredAt),
  };
}

/** The first TrainingCompleted of a version wins, as in the registry's fold. */
function registered(rows: ModelRows, event: TrainingCompleted): ModelRows {
  const existing = rows.versions.find((row) => row.version === event.modelVersion);
  if (existing?.runId) return rows;
  const versions = existing
    ? rows.versions.map((row) => (row === existing ? { ...row, ...trainingColumns(event) } : row))
    : [
        ...rows.versions,
        {
          modelName: event.modelName,
          version: event.modelVersion,
          stage: 'candidate' as const,
          stageChangedAt: null,
          ...trainingColumns(event),
        },
      ];
  return { ...rows, versions };
}

/** Puts a version in a stage (a version not yet registered gets a row without training). */
function withStage(
  versions: readonly ModelVersionRecord[],
  modelName: string,
  version: string | null,
  stage: Stage,
  at: Date,
): readonly ModelVersionRecord[] {
  if (version === null) return versions;
  const existing = versions.find((row) => row.version === version);
  if (existing)
    return versions.map((row) => (row === existing ? { ...row, stage, stageChangedAt: at } : row));
  return [...versions, { modelName, version, stage, stageChangedAt: at, ...UNTRAINED }];
}

/** The stage changes an applying decision makes, in order. */
function stageChanges(
  decision: ModelDecisionEvent,
  serving: ServingVersions,
): ReadonlyArray<readonly [string | null, Stage]> {
  const subject = subjectOf(decision);
  switch (decision.eventType) {
    case 'ModelPromoted':
    case 'ModelRolledBack':
      return [
        [serving.champion, 'archived'],
        [subject, 'champion'],
      ];
    case 'ChallengerAssigned':
      return [
        [serving.challenger, 'candidate'],
        [subject, 'challenger'],
      ];
    case 'ModelRejected':
      return [[subject, 'rejected']];
  }
}

const KIND: Record<ModelDecisionEvent['eventType'], DecisionRowKind> = {
  ModelPromoted: 'promoted',
  ModelRejected: 'rejected',
  ModelRolledBack: 'rolled-back',
  ChallengerAssigned: 'challenger',
};

function decidedAgainst({ eventType, event }: ModelDecisionEvent): string | null {
  switch (eventType) {
    case 'ModelPromoted':
      return event.previousVersion;
    case 'ModelRolledBack':
      return event.fromVersion;
    case 'ChallengerAssigned':
      return event.previousChallenger;
    case 'ModelRejected':
      return event.championVersion;
  }
}

function decisionRecord(
  decision: ModelDecisionEvent,
  applied: boolean,
  offset: string,
): ModelDecisionRecord {
  const { eventType, event } = decision;
  return {
    eventId: event.envelope.eventId,
    modelName: event.modelName,
    version: subjectOf(decision),
    kind: KIND[eventType],
    previousVersion: decidedAgainst(decision),
    mode: eventType === 'ModelPromoted' ? event.mode : null,
    decidedBy: event.decidedBy,
    reason: event.reason,
    criteria: eventType === 'ModelRolledBack' ? [] : event.criteria,
    applied,
    decidedAt: new Date(event.envelope.occurredAt),
    logOffset: Number(offset),
  };
}

/**
 * Applies a decision to the version rows under the same rules as the registry's fold
 * (decisionApplies; a rejection applies only to a candidate or the challenger), and records it
 * whether it applied or not. A decision is one row even if its event were ever written twice.
 */
function decided(rows: ModelRows, decision: ModelDecisionEvent, offset: string): ModelRows {
  const versionIn = (stage: Stage) =>
    rows.versions.find((row) => row.stage === stage)?.version ?? null;
  const serving = { champion: versionIn('champion'), challenger: versionIn('challenger') };
  const current = rows.versions.find((row) => row.version === subjectOf(decision));
  const applies =
    decisionApplies(serving, decision) &&
    (decision.eventType !== 'ModelRejected' ||
      !current ||
      current.stage === 'candidate' ||
      current.stage === 'challenger');
  const { modelName, envelope } = decision.event;
  const at = new Date(envelope.occurredAt);
  const versions = applies
    ? stageChanges(decision, serving).reduce(
        (changed, [version, stage]) => withStage(changed, modelName, version, stage, at),
        rows.versions,
      )
    : rows.versions;
  if (versions === rows.versions && rows.decision !== null) return rows;
  return { versions, decision: rows.decision ?? decisionRecord(decision, applies, offset) };
}

/**
 * The registry read model (registry_versions, registry_decisions) after one event: a
 * TrainingCompleted registers its version as a candidate; a decision moves versions between
 * stages and is recorded. Pure; returns `rows` itself when the event changes nothing.
 */
export function evolveModelRows(
  rows: ModelRows,
  registryEvent: RegistryEvent,
  position: { readonly offset: string },
): ModelRows {
  return registryEvent.eventType === 'TrainingCompleted'
    ? registered(rows, registryEvent.event)
    : decided(rows, registryEvent, position.offset);
}
