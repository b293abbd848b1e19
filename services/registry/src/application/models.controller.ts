import {
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  actorOf,
  AuthenticatedPrincipal,
  RequireRole,
  type Principal,
} from '@readmit/platform/auth';
import { ErrorResponses, JsonResponse, ValidBody, ValidQuery } from '@readmit/platform/openapi';
import { PROJECTION_DATABASE } from '@readmit/platform/projections';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { compareVersions, type TrainingEvidence } from '../domain/evidence';
import { ModelDecisionRow } from '../projections/registry/model-decision.entity';
import { ModelVersionRow } from '../projections/registry/model-version.entity';
import { RegistryCommandError, type RegistryOutcome } from './model-registry';
import { ModelRegistryProvider } from './model-registry.provider';

const STAGES = ['candidate', 'challenger', 'champion', 'archived', 'rejected'] as const;

export const listQuery = z.object({
  stage: z.enum(STAGES).optional().describe('Only the versions in this stage.'),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('At most this many.'),
});
export const decisionsQuery = listQuery.pick({ limit: true });
export const compareQuery = z.object({
  a: z.string().min(1).describe('A version.'),
  b: z.string().min(1).describe('The version to compare it with.'),
});
export const decision = z.object({
  /**
   * Refused rather than ignored, so no client believes it chose the name: the decider recorded
   * is the authenticated principal (`dr.lee`, or `dr.lee via gateway-console` when a trusted
   * service sends the command for a person).
   */
  decidedBy: z
    .never({ error: 'not accepted: the decider recorded is the authenticated principal' })
    .optional()
    .describe('Not accepted: the decider recorded is the authenticated principal.'),
  reason: z.string().trim().min(1).max(2000).describe('Why: recorded in the decision event.'),
});
export const promoteBody = decision.extend({
  force: z
    .boolean()
    .default(false)
    .describe('Promote even when the promotion policy refuses (recorded in the event).'),
});
export const rollbackBody = decision.extend({
  toVersion: z
    .string()
    .min(1)
    .optional()
    .describe('The earlier champion to restore (default: the one before the current).'),
});

const NOT_FOUND = 'No such model or version.';
const DECIDED =
  'The decision: its event (ModelPromoted, ChallengerAssigned, ModelRejected or ModelRolledBack) and the rules that were judged.';
const REFUSED = 'The decision is refused: `criteria` lists the rules that were judged.';

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
@ApiTags('models')
@RequireRole('read')
@Controller('v1/models')
export class ModelsController {
  constructor(
    @Inject(PROJECTION_DATABASE) private readonly database: DataSource,
    @Inject(ModelRegistryProvider) private readonly provider: ModelRegistryProvider,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The models: how many versions, the champion and the challenger' })
  @JsonResponse(200, '`{ models: [{ modelName, versions, champion, challenger }] }`')
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
  @ApiOperation({ summary: "A model's versions, newest first" })
  @JsonResponse(200, '`{ modelName, versions: [...] }` from the registry projection')
  async versions(
    @Param('name') modelName: string,
    @ValidQuery(listQuery) { stage, limit }: z.output<typeof listQuery>,
  ) {
    const versions = await this.database.getRepository(ModelVersionRow).find({
      where: { modelName, ...(stage ? { stage } : {}) },
      order: { version: 'DESC' },
      take: limit,
    });
    return { modelName, versions };
  }

  @Get(':name/versions/:version')
  @ApiOperation({ summary: 'A version with its evidence and every decision about it' })
  @JsonResponse(200, 'The version row with its `decisions`')
  @ErrorResponses({ 404: NOT_FOUND })
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
  @ApiOperation({ summary: "A model's decisions, newest first" })
  @JsonResponse(200, '`{ modelName, decisions: [...] }`')
  async decisions(
    @Param('name') modelName: string,
    @ValidQuery(decisionsQuery) { limit }: z.output<typeof decisionsQuery>,
  ) {
    const decisions = await this.database.getRepository(ModelDecisionRow).find({
      where: { modelName },
      order: { logOffset: 'DESC' },
      take: limit,
    });
    return { modelName, decisions };
  }

  @Get(':name/compare')
  @ApiOperation({ summary: 'Two versions side by side: metrics, subgroups, lineage' })
  @JsonResponse(200, 'The comparison of the two versions')
  @ErrorResponses({ 404: NOT_FOUND, 409: 'A version whose training run is not projected yet.' })
  async compare(
    @Param('name') modelName: string,
    @ValidQuery(compareQuery) { a, b }: z.output<typeof compareQuery>,
  ) {
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
  @ApiOperation({ summary: 'Make a version champion (as the authenticated principal)' })
  @ErrorResponses({ 404: NOT_FOUND, 409: REFUSED })
  @JsonResponse(200, DECIDED)
  promote(
    @Param('name') modelName: string,
    @Param('version') version: string,
    @ValidBody(promoteBody) { reason, force }: z.output<typeof promoteBody>,
    @AuthenticatedPrincipal() principal: Principal,
  ) {
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
  @ApiOperation({ summary: 'Make a version the challenger (shadow-scored)' })
  @ErrorResponses({ 404: NOT_FOUND, 409: REFUSED })
  @JsonResponse(200, DECIDED)
  challenge(
    @Param('name') modelName: string,
    @Param('version') version: string,
    @ValidBody(decision) { reason }: z.output<typeof decision>,
    @AuthenticatedPrincipal() principal: Principal,
  ) {
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
  @ApiOperation({ summary: 'Reject a candidate or the challenger' })
  @ErrorResponses({ 404: NOT_FOUND, 409: REFUSED })
  @JsonResponse(200, DECIDED)
  reject(
    @Param('name') modelName: string,
    @Param('version') version: string,
    @ValidBody(decision) { reason }: z.output<typeof decision>,
    @AuthenticatedPrincipal() principal: Principal,
  ) {
    return command(() =>
      this.provider.registry.reject(modelName, version, { decidedBy: actorOf(principal), reason }),
    );
  }

  @Post(':name/rollback')
  @RequireRole('operate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make an earlier champion the champion again' })
  @ErrorResponses({ 404: NOT_FOUND, 409: REFUSED })
  @JsonResponse(200, DECIDED)
  rollback(
    @Param('name') modelName: string,
    @ValidBody(rollbackBody) { reason, toVersion }: z.output<typeof rollbackBody>,
    @AuthenticatedPrincipal() principal: Principal,
  ) {
    return command(() =>
      this.provider.registry.rollback(modelName, {
        decidedBy: actorOf(principal),
        reason,
        toVersion,
      }),
    );
  }
}
