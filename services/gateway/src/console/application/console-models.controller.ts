import {
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedPrincipal, RequireRole, type Principal } from '@readmit/platform/auth';
import {
  DescribeRequest,
  ErrorResponses,
  JsonResponse,
  type AnswerOf,
} from '@readmit/platform/openapi';
import type { ReadmissionTask } from '@readmit/contracts';
import type { Request } from 'express';
import { z } from 'zod';
import type { TrainingRun } from '../domain/training-runs';
import { versionCurves } from '../domain/version-curves';
import { ConsoleFeed } from '../infrastructure/console-feed';
import {
  RegistryClient,
  RegistryUnavailableError,
  type RegistryAnswer,
} from '../infrastructure/registry-client';
import {
  compareAnswer,
  decidedAnswer,
  modelsAnswer,
  refusedAnswer,
  versionDetailAnswer,
} from './console-answers';
import { checkedJsonBody } from './json-body';
import { passedOn, relayed } from './registry-answers';

export const promoteBody = z.object({
  reason: z.string().trim().min(1).max(2000).describe('Why: recorded in the decision event.'),
  /** Refused: the registry records the signed-in principal, whom nobody can name for it. */
  decidedBy: z
    .never({ error: 'not accepted: the decision is recorded as the signed-in principal’s' })
    .optional()
    .describe('Not accepted: the decision is recorded as the signed-in principal’s.'),
  force: z
    .boolean()
    .optional()
    .describe('Promote even when the promotion policy refuses (recorded in the event).'),
});
export const rollbackBody = promoteBody.omit({ force: true }).extend({
  toVersion: z
    .string()
    .min(1)
    .optional()
    .describe('The earlier champion to restore (default: the one before the current).'),
});
export const compareQuery = z.object({
  a: z.string().min(1).describe('A version.'),
  b: z.string().min(1).describe('The version to compare it with.'),
});

/** What the models routes read of the registry's version rows before checking them: the run. */
interface VersionRow {
  readonly version: string;
  readonly runId?: string | null;
}

const UNREACHABLE =
  'The registry did not answer, or refused the gateway’s own key (READMIT_REGISTRY_API_KEY).';
const NO_SUCH_VERSION = 'No such model or version (the registry’s answer).';
const DECIDED = 'The decision the registry took (or `unchanged`), as the signed-in principal’s.';
const REFUSED = 'The registry refused: `criteria` lists the rules it judged.';

/**
 * `/console/api/models`: the registry's versions, decisions and comparisons (read over HTTP from
 * the registry service), with what ml.training says about each run (why it ran, its training
 * window), each version's live ROC curve and calibration (role read), and the promote and
 * rollback commands (role operate), which the registry decides by its own policy and lock and
 * records as the signed-in principal's (the gateway calls it with its own key, on their behalf).
 */
@ApiTags('console')
@RequireRole('read')
@Controller('console/api/models')
export class ConsoleModelsController {
  constructor(
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    @Inject(ConsoleFeed) private readonly feed: ConsoleFeed,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every model with its versions and what trained each' })
  @JsonResponse(200, 'The models, each with its versions newest first.', modelsAnswer)
  @ErrorResponses({ 502: UNREACHABLE })
  async models(): Promise<AnswerOf<typeof modelsAnswer>> {
    void this.feed.ensureStarted();
    const list = passedOn(await this.ask(() => this.registry.models()));
    const { models } = list as { models: Array<{ modelName: string }> };
    const runs = this.runsById();
    const detailed = await Promise.all(
      models.map(async (model) => {
        const answer = await this.ask(() => this.registry.versions(model.modelName, 500));
        const versions =
          answer.status === 200 ? (answer.body as { versions: VersionRow[] }).versions : [];
        return {
          ...model,
          versions: versions.map((row) => ({ ...row, run: runs.get(row.runId ?? '') ?? null })),
        };
      }),
    );
    return relayed(modelsAnswer, { models: detailed });
  }

  @Get(':name/versions/:version')
  @ApiOperation({ summary: 'A version: its evidence, its run and every decision about it' })
  @JsonResponse(200, 'The version with its decisions, oldest first.', versionDetailAnswer)
  @ErrorResponses({ 404: NO_SUCH_VERSION, 502: UNREACHABLE })
  async version(
    @Param('name') name: string,
    @Param('version') version: string,
  ): Promise<AnswerOf<typeof versionDetailAnswer>> {
    const row = passedOn(await this.ask(() => this.registry.version(name, version))) as VersionRow;
    const run = this.runsById().get(row.runId ?? '') ?? null;
    return relayed(versionDetailAnswer, { ...row, run });
  }

  @Get(':name/compare')
  @ApiOperation({ summary: 'Two versions: holdout metrics from the registry, live curves' })
  @DescribeRequest({ query: compareQuery, invalid: 'Not two versions (field `a, b`).' })
  @JsonResponse(200, 'The comparison; `holdoutError` says why the registry gave none.', compareAnswer) // prettier-ignore
  @ErrorResponses({ 502: UNREACHABLE })
  async compare(
    @Param('name') name: string,
    @Query() query: Record<string, string>,
  ): Promise<AnswerOf<typeof compareAnswer>> {
    const parsed = compareQuery.safeParse(query);
    if (!parsed.success)
      throw new HttpException(
        { message: 'invalid query', errors: [{ field: 'a, b', message: 'name two versions' }] },
        HttpStatus.BAD_REQUEST,
      );
    const { a, b } = parsed.data;
    const answer = await this.ask(() => this.registry.compare(name, a, b));
    const runs = [...this.runsById().values()];
    const compared = answer.status === 200;
    return {
      holdout: compared ? relayed(compareAnswer.shape.holdout, answer.body) : null,
      holdoutError: compared ? null : relayed(compareAnswer.shape.holdoutError, answer.body),
      live: [a, b].map((version) => {
        const { labels, scores } = this.feed
          .labelledScores()
          .pairsOf(version, taskOf(runs, version));
        return versionCurves(version, labels, scores);
      }),
    };
  }

  @Post(':name/versions/:version/promote')
  @RequireRole('operate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Promote a version, as the signed-in principal' })
  @DescribeRequest({ body: { schema: promoteBody } })
  @JsonResponse(200, DECIDED, decidedAnswer)
  @JsonResponse(409, REFUSED, refusedAnswer)
  @ErrorResponses({ 404: NO_SUCH_VERSION, 502: UNREACHABLE })
  async promote(
    @Param('name') name: string,
    @Param('version') version: string,
    @Req() request: Request,
    @AuthenticatedPrincipal() principal: Principal,
  ): Promise<AnswerOf<typeof decidedAnswer>> {
    const body = checkedJsonBody(promoteBody, request);
    const answer = await this.ask(() =>
      this.registry.promote(
        name,
        version,
        { reason: body.reason, force: body.force ?? false },
        principal.id,
      ),
    );
    return relayed(decidedAnswer, passedOn(answer));
  }

  @Post(':name/rollback')
  @RequireRole('operate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Roll back to an earlier champion, as the signed-in principal' })
  @DescribeRequest({ body: { schema: rollbackBody } })
  @JsonResponse(200, DECIDED, decidedAnswer)
  @JsonResponse(409, REFUSED, refusedAnswer)
  @ErrorResponses({ 404: NO_SUCH_VERSION, 502: UNREACHABLE })
  async rollback(
    @Param('name') name: string,
    @Req() request: Request,
    @AuthenticatedPrincipal() principal: Principal,
  ): Promise<AnswerOf<typeof decidedAnswer>> {
    const body = checkedJsonBody(rollbackBody, request);
    const answer = await this.ask(() =>
      this.registry.rollback(
        name,
        { reason: body.reason, ...(body.toVersion ? { toVersion: body.toVersion } : {}) },
        principal.id,
      ),
    );
    return relayed(decidedAnswer, passedOn(answer));
  }

  private runsById(): Map<string, TrainingRun> {
    void this.feed.ensureStarted();
    return new Map(this.feed.trainingRuns().map((run) => [run.runId, run]));
  }

  private async ask(call: () => Promise<RegistryAnswer>): Promise<RegistryAnswer> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof RegistryUnavailableError)) throw error;
      throw new HttpException({ message: error.message }, HttpStatus.BAD_GATEWAY);
    }
  }
}

/** The task a version was trained for (from its run's request), any readmission if unknown. */
function taskOf(runs: readonly TrainingRun[], version: string): ReadmissionTask {
  return runs.find((run) => run.modelVersion === version)?.task ?? 'ANY_READMISSION';
}
