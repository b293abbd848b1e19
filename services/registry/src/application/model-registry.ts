import type {
  ChallengerAssigned,
  ModelPromoted,
  ModelRejected,
  ModelRolledBack,
  PromotionCriterion,
  TrainingCompleted,
} from '@readmit/contracts';
import { readModelArtifact } from '@readmit/ml';
import { newEnvelope, type EventPublisher } from '@readmit/platform/kafka';
import { type ModelArtifactStore } from '@readmit/platform/storage';
import { advisoryLockName, lockInTransaction } from '@readmit/platform/database/advisory-locks';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { candidateEvidence, championEvidence } from '../domain/evidence';
import {
  judgeCandidate,
  type PromotionPolicy,
  type PromotionVerdict,
} from '../domain/promotion-policy';
import {
  awaitsDecision,
  type ModelHistory,
  type ModelVersion,
  type RegistryState,
} from '../domain/registry-state';
import type { RegistryMetrics } from './registry-metrics';

/** A command the registry refuses: `not-found` (404) or `conflict` (409), with the rules judged. */
export class RegistryCommandError extends Error {
  constructor(
    readonly code: 'not-found' | 'conflict',
    message: string,
    readonly criteria: readonly PromotionCriterion[] = [],
  ) {
    super(message);
    this.name = 'RegistryCommandError';
  }
}

/** What a command or an automatic decision did. `unchanged`: it was already so (idempotent). */
export type RegistryOutcome =
  | { readonly kind: 'promoted'; readonly event: ModelPromoted }
  | { readonly kind: 'rejected'; readonly event: ModelRejected }
  | { readonly kind: 'rolled-back'; readonly event: ModelRolledBack }
  | { readonly kind: 'challenger'; readonly event: ChallengerAssigned }
  | {
      readonly kind: 'unchanged';
      readonly modelName: string;
      readonly version: string;
      readonly reason: string;
    };

export interface ModelRegistryOptions {
  readonly topicPrefix: string;
  readonly policy: PromotionPolicy;
  /** Names this service in the events it writes, e.g. registry@0.1.0. */
  readonly producer: string;
}

export interface DecisionRequest {
  /** Who decided: a person's name or a system's. */
  readonly decidedBy: string;
  readonly reason: string;
}

/** Where the registry's state comes from: the log, read to its end (readRegistry). */
export type RegistryReader = () => Promise<RegistryState>;

/** The policy's name in the events it decides. */
export const POLICY_DECIDER = 'registry/promotion-policy';

/**
 * The model registry's write side. Every decision runs under a Postgres advisory lock per model
 * (shared by every registry instance and the CLI), reads the registry from the log, decides and
 * publishes before the lock is released: the next decider sees this decision, so two instances
 * never crown two champions. Each event also names the state it was decided against, so even a
 * decider without the lock could not split the registry (see decisionApplies).
 */
export class ModelRegistry {
  constructor(
    private readonly read: RegistryReader,
    private readonly publisher: EventPublisher,
    private readonly artifacts: ModelArtifactStore,
    private readonly lockDatabase: DataSource,
    private readonly logger: Logger,
    private readonly options: ModelRegistryOptions,
    /** Absent where nothing serves /metrics (the CLI, unit tests). */
    private readonly metrics?: RegistryMetrics,
  ) {}

  /** The registry as of now (no lock: reads never block decisions). */
  state(): Promise<RegistryState> {
    return this.read();
  }

  private async locked(
    modelName: string,
    decide: (history: ModelHistory) => Promise<RegistryOutcome>,
  ): Promise<RegistryOutcome> {
    const stopTimer = this.metrics?.decisionSeconds.startTimer();
    let outcome = 'failed';
    try {
      const result = await this.lockDatabase.transaction(async (manager) => {
        await lockInTransaction(
          manager,
          advisoryLockName('registry', `${this.options.topicPrefix}${modelName}`),
        );
        const state = await this.read();
        return decide(
          state.get(modelName) ?? { versions: new Map(), champion: null, challenger: null },
        );
      });
      outcome = result.kind;
      return result;
    } catch (error) {
      if (error instanceof RegistryCommandError) outcome = 'refused';
      throw error;
    } finally {
      this.metrics?.decisions.inc({ outcome });
      stopTimer?.();
    }
  }

  /** Whether the artifact is there, hashes to its sha256 and carries a readable model. */
  private async verify(training: TrainingCompleted): Promise<boolean> {
    try {
      const bytes = await this.artifacts.load(training.artifactUri, training.artifactSha256);
      readModelArtifact(bytes);
      return true;
    } catch (error) {
      this.logger.warn(
        {
          modelName: training.modelName,
          version: training.modelVersion,
          reason: (error as Error).message,
        },
        'artifact does not verify',
      );
      return false;
    }
  }

  private async judge(
    history: ModelHistory,
    candidate: ModelVersion,
    policy: PromotionPolicy,
  ): Promise<PromotionVerdict> {
    const champion = history.champion === null ? null : history.versions.get(history.champion);
    return judgeCandidate(
      candidateEvidence(candidate.training),
      champion ? championEvidence(candidate.training, champion.training) : null,
      await this.verify(candidate.training),
      policy,
    );
  }

  private envelope<
    K extends 'ModelPromoted' | 'ModelRejected' | 'ModelRolledBack' | 'ChallengerAssigned',
  >(eventType: K, cause?: TrainingCompleted) {
    return newEnvelope(eventType, { producer: this.options.producer, causedBy: cause?.envelope });
  }

  private async promoted(
    history: ModelHistory,
    candidate: ModelVersion,
    mode: ModelPromoted['mode'],
    request: DecisionRequest,
    criteria: PromotionCriterion[],
  ): Promise<RegistryOutcome> {
    const event: ModelPromoted = {
      envelope: this.envelope('ModelPromoted', candidate.training),
      modelName: candidate.modelName,
      version: candidate.version,
      previousVersion: history.champion,
      artifactUri: candidate.training.artifactUri,
      artifactSha256: candidate.training.artifactSha256,
      threshold: candidate.training.threshold,
      mode,
      decidedBy: request.decidedBy,
      reason: request.reason,
      criteria,
    };
    await this.publisher.publish('ModelPromoted', event.modelName, event);
    this.logger.info(
      {
        modelName: event.modelName,
        version: event.version,
        previousVersion: event.previousVersion,
        mode,
        decidedBy: event.decidedBy,
      },
      'model promoted',
    );
    return { kind: 'promoted', event };
  }

  private async rejected(
    history: ModelHistory,
    candidate: ModelVersion,
    request: DecisionRequest,
    criteria: PromotionCriterion[],
  ): Promise<RegistryOutcome> {
    const event: ModelRejected = {
      envelope: this.envelope('ModelRejected', candidate.training),
      modelName: candidate.modelName,
      version: candidate.version,
      championVersion: history.champion,
      decidedBy: request.decidedBy,
      reason: request.reason,
      criteria,
    };
    await this.publisher.publish('ModelRejected', event.modelName, event);
    this.logger.info(
      {
        modelName: event.modelName,
        version: event.version,
        reason: event.reason,
        decidedBy: event.decidedBy,
      },
      'model rejected',
    );
    return { kind: 'rejected', event };
  }

  private async challenger(
    history: ModelHistory,
    candidate: ModelVersion,
    request: DecisionRequest,
    criteria: PromotionCriterion[],
  ): Promise<RegistryOutcome> {
    const event: ChallengerAssigned = {
      envelope: this.envelope('ChallengerAssigned', candidate.training),
      modelName: candidate.modelName,
      version: candidate.version,
      previousChallenger: history.challenger,
      artifactUri: candidate.training.artifactUri,
      artifactSha256: candidate.training.artifactSha256,
      threshold: candidate.training.threshold,
      decidedBy: request.decidedBy,
      reason: request.reason,
      criteria,
    };
    await this.publisher.publish('ChallengerAssigned', event.modelName, event);
    this.logger.info(
      {
        modelName: event.modelName,
        version: event.version,
        previousChallenger: event.previousChallenger,
        decidedBy: event.decidedBy,
      },
      'challenger assigned',
    );
    return { kind: 'challenger', event };
  }

  /**
   * The policy's decision on a new version: promote it, reject it with the failed rules, or (in
   * manual mode, when it passes) make it the challenger until a person decides. A version that
   * was already decided is left alone, so a redelivered TrainingCompleted changes nothing.
   */
  async decideOnTraining(training: TrainingCompleted): Promise<RegistryOutcome> {
    return this.locked(training.modelName, async (history) => {
      const candidate = history.versions.get(training.modelVersion);
      if (!candidate)
        throw new Error(`${training.modelName} ${training.modelVersion} is not in ml.training yet`);
      if (!awaitsDecision(candidate))
        return unchanged(candidate, `already decided (${candidate.stage})`);
      const verdict = await this.judge(history, candidate, this.options.policy);
      const request = { decidedBy: POLICY_DECIDER, reason: verdict.reason };
      switch (verdict.kind) {
        case 'promote':
          return this.promoted(history, candidate, 'AUTOMATIC', request, verdict.criteria);
        case 'reject':
          return this.rejected(history, candidate, request, verdict.criteria);
        case 'await-approval':
          return this.challenger(history, candidate, request, verdict.criteria);
      }
    });
  }

  /**
   * A person promotes a version. It is judged by the policy against the champion as the policy
   * would; when it fails, `force` promotes it anyway (the failed rules stay in the event). An
   * artifact that does not verify is never promoted.
   */
  async promote(
    modelName: string,
    version: string,
    request: DecisionRequest & { readonly force?: boolean },
  ): Promise<RegistryOutcome> {
    return this.locked(modelName, async (history) => {
      const candidate = versionOf(history, modelName, version);
      if (history.champion === version) return unchanged(candidate, 'already the champion');
      const verdict = await this.judge(history, candidate, {
        ...this.options.policy,
        mode: 'automatic',
      });
      const artifact = verdict.criteria.find((rule) => rule.name === 'artifact_verified');
      if (!artifact?.passed)
        throw new RegistryCommandError(
          'conflict',
          `${modelName} ${version}: its artifact does not verify`,
          verdict.criteria,
        );
      if (verdict.kind === 'reject' && !request.force)
        throw new RegistryCommandError(
          'conflict',
          `${modelName} ${version} ${verdict.reason} (force to promote anyway)`,
          verdict.criteria,
        );
      const reason =
        verdict.kind === 'reject'
          ? `${request.reason} (forced: ${verdict.reason})`
          : request.reason;
      return this.promoted(history, candidate, 'MANUAL', { ...request, reason }, verdict.criteria);
    });
  }

  /**
   * Makes an earlier champion the champion again: `toVersion`, or by default the one that served
   * before the current champion. Only versions that have been champion qualify.
   */
  async rollback(
    modelName: string,
    request: DecisionRequest & { readonly toVersion?: string },
  ): Promise<RegistryOutcome> {
    return this.locked(modelName, async (history) => {
      const champion = history.champion;
      if (champion === null)
        throw new RegistryCommandError('conflict', `${modelName} has no champion to roll back`);
      const target = request.toVersion ?? previousChampion(history);
      if (!target)
        throw new RegistryCommandError(
          'conflict',
          `${modelName} has had no champion before ${champion}`,
        );
      const destination = versionOf(history, modelName, target);
      if (target === champion) return unchanged(destination, 'already the champion');
      if (!hasServed(destination))
        throw new RegistryCommandError(
          'conflict',
          `${modelName} ${target} has never been champion; promote it instead`,
        );
      if (!(await this.verify(destination.training)))
        throw new RegistryCommandError(
          'conflict',
          `${modelName} ${target}: its artifact does not verify`,
        );
      const event: ModelRolledBack = {
        envelope: this.envelope('ModelRolledBack'),
        modelName,
        fromVersion: champion,
        toVersion: target,
        artifactUri: destination.training.artifactUri,
        artifactSha256: destination.training.artifactSha256,
        threshold: destination.training.threshold,
        decidedBy: request.decidedBy,
        reason: request.reason,
      };
      await this.publisher.publish('ModelRolledBack', modelName, event);
      this.logger.info(
        { modelName, fromVersion: champion, toVersion: target, decidedBy: request.decidedBy },
        'model rolled back',
      );
      return { kind: 'rolled-back', event };
    });
  }

  /** A person makes a version the challenger (shadow-scored beside the champion). */
  async assignChallenger(
    modelName: string,
    version: string,
    request: DecisionRequest,
  ): Promise<RegistryOutcome> {
    return this.locked(modelName, async (history) => {
      const candidate = versionOf(history, modelName, version);
      if (history.challenger === version) return unchanged(candidate, 'already the challenger');
      if (history.champion === version)
        throw new RegistryCommandError('conflict', `${modelName} ${version} is the champion`);
      if (!(await this.verify(candidate.training)))
        throw new RegistryCommandError(
          'conflict',
          `${modelName} ${version}: its artifact does not verify`,
        );
      return this.challenger(history, candidate, request, []);
    });
  }

  /** A person rejects a candidate or the challenger. */
  async reject(
    modelName: string,
    version: string,
    request: DecisionRequest,
  ): Promise<RegistryOutcome> {
    return this.locked(modelName, async (history) => {
      const candidate = versionOf(history, modelName, version);
      if (candidate.stage === 'rejected') return unchanged(candidate, 'already rejected');
      if (candidate.stage !== 'candidate' && candidate.stage !== 'challenger')
        throw new RegistryCommandError(
          'conflict',
          `${modelName} ${version} is ${candidate.stage}; only candidates and the challenger can be rejected`,
        );
      return this.rejected(history, candidate, request, []);
    });
  }
}

function versionOf(history: ModelHistory, modelName: string, version: string): ModelVersion {
  const found = history.versions.get(version);
  if (!found) throw new RegistryCommandError('not-found', `${modelName} has no version ${version}`);
  return found;
}

function unchanged(version: ModelVersion, reason: string): RegistryOutcome {
  return { kind: 'unchanged', modelName: version.modelName, version: version.version, reason };
}

const hasServed = (version: ModelVersion) =>
  version.decisions.some(
    (decision) => decision.kind === 'promoted' || decision.kind === 'rolled-back-to',
  );

/** The version that was champion just before the current one. */
export function previousChampion(history: ModelHistory): string | null {
  let latest: { version: string; at: number } | null = null;
  for (const version of history.versions.values()) {
    if (version.version === history.champion) continue;
    const lastServed = [...version.decisions]
      .reverse()
      .find((decision) => decision.kind === 'archived' || decision.kind === 'rolled-back-from');
    if (lastServed && (!latest || lastServed.at >= latest.at))
      latest = { version: version.version, at: lastServed.at };
  }
  return latest?.version ?? null;
}
