import { TOPICS, type TrainingCompleted } from '@readmit/contracts';
import { decisionApplies, type ModelDecisionEvent } from '@readmit/ml';
import type { MessageContext, Projection } from '@readmit/platform';
import type { EntityManager } from 'typeorm';
import { subjectOf, type Stage } from '../../domain/registry-state';
import { ModelDecisionRow, type DecisionRowKind } from './model-decision.entity';
import { ModelVersionRow } from './model-version.entity';

const UNTRAINED = {
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
} as const;

function trainingColumns(event: TrainingCompleted) {
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

async function onTrainingCompleted(
  event: TrainingCompleted,
  manager: EntityManager,
): Promise<void> {
  const key = { modelName: event.modelName, version: event.modelVersion };
  const existing = await manager.findOneBy(ModelVersionRow, key);
  // The first TrainingCompleted of a version wins, as in the registry's fold.
  if (existing?.runId) return;
  if (existing) await manager.update(ModelVersionRow, key, trainingColumns(event));
  else
    await manager.insert(ModelVersionRow, {
      ...key,
      stage: 'candidate',
      stageChangedAt: null,
      ...trainingColumns(event),
    });
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

/**
 * Applies a decision to the version rows under the same rules as the registry's fold
 * (decisionApplies), and records it in registry_decisions whether it applied or not.
 */
async function onDecision(
  decision: ModelDecisionEvent,
  manager: EntityManager,
  context: MessageContext,
): Promise<void> {
  const { eventType, event } = decision;
  const modelName = event.modelName;
  const subject = subjectOf(decision);
  const rows = await manager.findBy(ModelVersionRow, { modelName });
  const versionIn = (stage: Stage) => rows.find((row) => row.stage === stage)?.version ?? null;
  const serving = { champion: versionIn('champion'), challenger: versionIn('challenger') };
  const current = rows.find((row) => row.version === subject);
  const applies =
    decisionApplies(serving, decision) &&
    (eventType !== 'ModelRejected' ||
      !current ||
      current.stage === 'candidate' ||
      current.stage === 'challenger');
  const at = new Date(event.envelope.occurredAt);
  const setStage = async (version: string | null, stage: Stage) => {
    if (version === null) return;
    const key = { modelName, version };
    if (await manager.existsBy(ModelVersionRow, key))
      await manager.update(ModelVersionRow, key, { stage, stageChangedAt: at });
    else await manager.insert(ModelVersionRow, { ...key, stage, stageChangedAt: at, ...UNTRAINED });
  };
  if (applies) {
    switch (eventType) {
      case 'ModelPromoted':
      case 'ModelRolledBack':
        await setStage(serving.champion, 'archived');
        await setStage(subject, 'champion');
        break;
      case 'ChallengerAssigned':
        await setStage(serving.challenger, 'candidate');
        await setStage(subject, 'challenger');
        break;
      case 'ModelRejected':
        await setStage(subject, 'rejected');
        break;
    }
  }
  // A decision is one row even if its event were ever written twice.
  await manager
    .createQueryBuilder()
    .insert()
    .into(ModelDecisionRow)
    .orIgnore()
    .values({
      eventId: event.envelope.eventId,
      modelName,
      version: subject,
      kind: KIND[eventType],
      previousVersion: decidedAgainst(decision),
      mode: eventType === 'ModelPromoted' ? event.mode : null,
      decidedBy: event.decidedBy,
      reason: event.reason,
      criteria: eventType === 'ModelRolledBack' ? [] : event.criteria,
      applied: applies,
      decidedAt: at,
      logOffset: Number(context.offset),
    })
    .execute();
}

/** Model versions and every decision about them (registry_versions, registry_decisions). */
export const registryProjection: Projection = {
  name: 'registry',
  description: 'model versions with their stage, metrics and lineage, and every registry decision',
  topics: [TOPICS.training, TOPICS.models],
  entities: [ModelVersionRow, ModelDecisionRow],
  handlers: {
    TrainingCompleted: (event, manager) => onTrainingCompleted(event, manager),
    ModelPromoted: (event, manager, context) =>
      onDecision({ eventType: 'ModelPromoted', event }, manager, context),
    ModelRejected: (event, manager, context) =>
      onDecision({ eventType: 'ModelRejected', event }, manager, context),
    ModelRolledBack: (event, manager, context) =>
      onDecision({ eventType: 'ModelRolledBack', event }, manager, context),
    ChallengerAssigned: (event, manager, context) =>
      onDecision({ eventType: 'ChallengerAssigned', event }, manager, context),
  },
};
