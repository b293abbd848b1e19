import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  actorOf,
  AuthenticatedPrincipal,
  RequireRole,
  type Principal,
} from '@readmit/platform/auth';
import { PROJECTION_DATABASE } from '@readmit/platform/projections';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { compareVersions, type TrainingEvidence } from '../domain/evidence';
import { ModelDecisionRow } from '../projections/registry/model-decision.entity';
import { ModelVersionRow } from '../projections/registry/model-version.entity';
import { RegistryCommandError, type RegistryOutcome } from './model-registry';
import { ModelRegistryProvider } from './model-registry.provider';

const STAGES = ['candidate', 'challenger', 'champion', 'archived', 'rejected'] as const;

const listQuery = z.object({
  stage: z.enum(STAGES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const compareQuery = z.object({ a: z.string().min(1), b: z.string().min(1) });
const decision = z.object({
  /**
   * Refused rather than ignored, so no client believes it chose the name: the decider recorded
   * is the authenticated principal (`dr.lee`, or `dr.lee via gateway-console` when a trusted
   * service sends the command for a person).
   */
  decidedBy: z
    .never({ error: 'not accepted: the decider recorded is the authenticated principal' })
    .optional(),
  reason: z.string().trim().min(1).max(2000),
});
const promoteBody = decision.extend({ force: z.boolean().default(false) });
const rollbackBody = decision.extend({ toVersion: z.string().min(1).optional() });

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new BadRequestException({
    message: `invalid ${what}`,
    errors: parsed.error.issues.map((issue) => ({
      field: issue.path.join('.'),
      message: issue.message,
    })),
  });
}

/** Command errors become 404 / 409 with the rules that were judged. */
async function command(run: () => Promise<RegistryOutcome>): Promise<RegistryOutcome> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof RegistryCommandError)) throw error;
    const body = { message: error.message, criteria: error.criteria };
    throw error.code === 'not-found' ? new NotFoundException(body) : new ConflictException(body);
  }
}

/**
 * `/v1/models`: reads (role read) come from the registry projection in Postgres (a moment behind
 * the log); commands (role operate) go through the registry's write side, which decides on the
 * log itself and records the authenticated principal as the decider.
 */
@RequireRole('read')
@Controller('v1/models')
export class ModelsController {
  constructor(
    @Inject(PROJECTION_DATABASE) private readonly database: DataSource,
    @Inject(ModelRegistryProvider) private readonly provider: ModelRegistryProvider,
  ) {}

  @Get()
  async models() {
    const rows: Array<{
      modelName: string;
      versions: string;
      champion: string | null;
      challenger: string | null;
    }> = await this.database
      .getRepository(ModelVersionRow)
      .createQueryBuilder('version')
      .select('version.modelName', 'modelName')
      .addSelect('count(*)', 'versions')
      .addSelect("max(version.version) FILTER (WHERE version.stage = 'champion')", 'champion')
      .addSelect("max(version.version) FILTER (WHERE version.stage = 'challenger')", 'challenger')
      .groupBy('version.modelName')
      .orderBy('version.modelName')
      .getRawMany();
    return { models: rows.map((row) => ({ ...row, versions: Number(row.versions) })) };
  }

  @Get(':name/versions')
  async versions(@Param('name') modelName: string, @Query() query: Record<string, string>) {
    const { stage, limit } = parse(listQuery, query, 'query');
    const versions = await this.database.getRepository(ModelVersionRow).find({
      where: { modelName, ...(stage ? { stage } : {}) },
      order: { version: 'DESC' },
      take: limit,
    });
    return { modelName, versions };
  }

  @Get(':name/versions/:version')
  async version(@Param('name') modelName: string, @Param('version') version: string) {
    const row = await this.database
      .getRepository(ModelVersionRow)
      .findOneBy({ modelName, version });
    if (!row) throw new NotFoundException({ message: `${modelName} has no version ${version}` });
    const decisions = await this.database
      .getRepository(ModelDecisionRow)
      .createQueryBuilder('decision')
      .where('decision.modelName = :modelName', { modelName })
      .andWhere('(decision.version = :version OR decision.previousVersion = :version)', { version })
      .orderBy('decision.logOffset', 'ASC')
      .getMany();
    return { ...row, decisions };
  }

  @Get(':name/decisions')
  async decisions(@Param('name') modelName: string, @Query() query: Record<string, string>) {
    const { limit } = parse(listQuery.pick({ limit: true }), query, 'query');
    const decisions = await this.database.getRepository(ModelDecisionRow).find({
      where: { modelName },
      order: { logOffset: 'DESC' },
      take: limit,
    });
    return { modelName, decisions };
  }

  @Get(':name/compare')
  async compare(@Param('name') modelName: string, @Query() query: Record<string, string>) {
    const { a, b } = parse(compareQuery, query, 'query');
    const repository = this.database.getRepository(ModelVersionRow);
    const evidence = async (version: string): Promise<TrainingEvidence> => {
      const row = await repository.findOneBy({ modelName, version });
      if (!row) throw new NotFoundException({ message: `${modelName} has no version ${version}` });
      if (!row.metrics || !row.lineage || !row.artifactSha256 || !row.subgroupMetrics)
        throw new ConflictException({
          message: `${modelName} ${version}: its training run is not projected yet`,
        });
      return {
        modelVersion: row.version,
        artifactSha256: row.artifactSha256,
        metrics: row.metrics,
        subgroupMetrics: row.subgroupMetrics,
        lineage: row.lineage,
        championEvaluation: row.championEvaluation,
      };
    };
    return compareVersions(await evidence(a), await evidence(b));
  }

  @Post(':name/versions/:version/promote')
  @RequireRole('operate')
  @HttpCode(200)
  promote(
    @Param('name') modelName: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @AuthenticatedPrincipal() principal: Principal,
  ) {
    const { reason, force } = parse(promoteBody, body, 'body');
    return command(() =>
      this.provider.registry.promote(modelName, version, {
        decidedBy: actorOf(principal),
        reason,
        force,
      }),
    );
  }

  @Post(':name/versions/:version/challenge')
  @RequireRole('operate')
  @HttpCode(200)
  challenge(
    @Param('name') modelName: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @AuthenticatedPrincipal() principal: Principal,
  ) {
    const { reason } = parse(decision, body, 'body');
    return command(() =>
      this.provider.registry.assignChallenger(modelName, version, {
        decidedBy: actorOf(principal),
        reason,
      }),
    );
  }

  @Post(':name/versions/:version/reject')
  @RequireRole('operate')
  @HttpCode(200)
  reject(
    @Param('name') modelName: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @AuthenticatedPrincipal() principal: Principal,
  ) {
    const { reason } = parse(decision, body, 'body');
    return command(() =>
      this.provider.registry.reject(modelName, version, { decidedBy: actorOf(principal), reason }),
    );
  }

  @Post(':name/rollback')
  @RequireRole('operate')
  @HttpCode(200)
  rollback(
    @Param('name') modelName: string,
    @Body() body: unknown,
    @AuthenticatedPrincipal() principal: Principal,
  ) {
    const { reason, toVersion } = parse(rollbackBody, body, 'body');
    return command(() =>
      this.provider.registry.rollback(modelName, {
        decidedBy: actorOf(principal),
        reason,
        toVersion,
      }),
    );
  }
}
