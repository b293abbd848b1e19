import {
  Controller,
  Get,
  HttpException,
  HttpStatus,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuthenticatedPrincipal, RequireRole, type Principal } from '@readmit/platform/auth';
import type { ReadmissionTask } from '@readmit/contracts';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { TrainingRun } from '../domain/training-runs';
import { versionCurves } from '../domain/version-curves';
import { ConsoleFeed } from '../infrastructure/console-feed';
import {
  RegistryClient,
  RegistryUnavailableError,
  type RegistryAnswer,
} from '../infrastructure/registry-client';
import { jsonBody } from './json-body';

const promoteBody = z.object({
  reason: z.string().trim().min(1).max(2000),
  /** Refused: the registry records the signed-in principal, whom nobody can name for it. */
  decidedBy: z
    .never({ error: 'not accepted: the decision is recorded as the signed-in principal’s' })
    .optional(),
  force: z.boolean().optional(),
});
const rollbackBody = promoteBody.omit({ force: true }).extend({
  toVersion: z.string().min(1).optional(),
});
const compareQuery = z.object({ a: z.string().min(1), b: z.string().min(1) });

interface VersionRow {
  readonly version: string;
  readonly runId?: string | null;
}

/**
 * `/console/api/models`: the registry's versions, decisions and comparisons (read over HTTP from
 * the registry service), with what ml.training says about each run (why it ran, its training
 * window), each version's live ROC curve and calibration (role read), and the promote and
 * rollback commands (role operate), which the registry decides by its own policy and lock and
 * records as the signed-in principal's (the gateway calls it with its own key, on their behalf).
 */
@ApiExcludeController()
@RequireRole('read')
@Controller('console/api/models')
export class ConsoleModelsController {
  constructor(
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    @Inject(ConsoleFeed) private readonly feed: ConsoleFeed,
  ) {}

  @Get()
  async models(@Res({ passthrough: true }) response: Response): Promise<unknown> {
    void this.feed.ensureStarted();
    const list = await this.ask(() => this.registry.models());
    if (list.status !== 200) return this.relay(list, response);
    const { models } = list.body as { models: Array<{ modelName: string }> };
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
    return { models: detailed };
  }

  @Get(':name/versions/:version')
  async version(
    @Param('name') name: string,
    @Param('version') version: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const answer = await this.ask(() => this.registry.version(name, version));
    if (answer.status !== 200) return this.relay(answer, response);
    const row = answer.body as VersionRow;
    return { ...row, run: this.runsById().get(row.runId ?? '') ?? null };
  }

  @Get(':name/compare')
  async compare(
    @Param('name') name: string,
    @Query() query: Record<string, string>,
  ): Promise<unknown> {
    const parsed = compareQuery.safeParse(query);
    if (!parsed.success)
      throw new HttpException(
        { message: 'invalid query', errors: [{ field: 'a, b', message: 'name two versions' }] },
        HttpStatus.BAD_REQUEST,
      );
    const { a, b } = parsed.data;
    const answer = await this.ask(() => this.registry.compare(name, a, b));
    const runs = [...this.runsById().values()];
    return {
      holdout: answer.status === 200 ? answer.body : null,
      holdoutError: answer.status === 200 ? null : answer.body,
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
  async promote(
    @Param('name') name: string,
    @Param('version') version: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @AuthenticatedPrincipal() principal: Principal,
  ): Promise<unknown> {
    const body = this.valid(promoteBody, jsonBody(request));
    const answer = await this.ask(() =>
      this.registry.promote(
        name,
        version,
        { reason: body.reason, force: body.force ?? false },
        principal.id,
      ),
    );
    return this.relay(answer, response);
  }

  @Post(':name/rollback')
  @RequireRole('operate')
  async rollback(
    @Param('name') name: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @AuthenticatedPrincipal() principal: Principal,
  ): Promise<unknown> {
    const body = this.valid(rollbackBody, jsonBody(request));
    const answer = await this.ask(() =>
      this.registry.rollback(
        name,
        { reason: body.reason, ...(body.toVersion ? { toVersion: body.toVersion } : {}) },
        principal.id,
      ),
    );
    return this.relay(answer, response);
  }

  private runsById(): Map<string, TrainingRun> {
    void this.feed.ensureStarted();
    return new Map(this.feed.trainingRuns().map((run) => [run.runId, run]));
  }

  private valid<T>(schema: z.ZodType<T>, input: unknown): T {
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    throw new HttpException(
      {
        message: 'invalid body',
        errors: parsed.error.issues.map((issue) => ({
          field: issue.path.join('.') || '(body)',
          message: issue.message,
        })),
      },
      HttpStatus.BAD_REQUEST,
    );
  }

  /**
   * The registry's answer with its own status (404, 409 with the criteria judged, …), except
   * its 401 and 403: those refuse the gateway's own key, a set-up problem (502), not the
   * console user's (whose 401 would send the page back to signing in).
   */
  private relay(answer: RegistryAnswer, response: Response): unknown {
    if (answer.status === 401 || answer.status === 403) {
      const said = (answer.body as { message?: unknown } | null)?.message;
      throw new HttpException(
        {
          message: `the registry refused the gateway's key (READMIT_REGISTRY_API_KEY): ${typeof said === 'string' ? said : answer.status}`,
        },
        HttpStatus.BAD_GATEWAY,
      );
    }
    response.status(answer.status);
    return answer.body;
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
