import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Post,
  Query,
  UseFilters,
} from '@nestjs/common';
import {
  actorOf,
  AuthenticatedPrincipal,
  RequireRole,
  type Principal,
} from '@readmit/platform/auth';
import { LOGGER } from '@readmit/platform/bootstrap';
import type { Logger } from 'pino';
import { RegistryCommandError, type RegistryOutcome } from '../../application/model-registry';
import { aliasDeletion, describeVersion, readmitAlias, refusedByRegistry } from '../domain/aliases';
import { mlflowModelVersion } from '../domain/entities';
import { doesNotExist } from '../domain/mlflow-error';
import { isReadmitAlias, versionWithAlias } from '../domain/stages';
import { MlflowExceptionFilter } from './mlflow-exception.filter';
import { MlflowRegistryView } from './mlflow-registry-view';
import { aliasRequest, parseMlflowRequest, setAliasRequest } from './mlflow-requests';
import { RegistryWriteSide } from './registry-write-side';

/** How long a command waits for the projection to show its decision before answering. */
const PROJECTION_WAIT_MS = 10_000;

/**
 * MLflow's aliases (`/api/2.0/mlflow/registered-models/alias`) as Readmit's serving roles.
 * Reading one needs role read. Setting `champion` is a promotion through the registry's policy,
 * exactly as `POST /v1/models/:name/versions/:version/promote` without force; `challenger`
 * assigns the challenger; a refusal is RESOURCE_CONFLICT with the failed rules, never a silent
 * move. Both need role operate and record the authenticated principal as the decider.
 */
@RequireRole('read')
@UseFilters(MlflowExceptionFilter)
@Controller('api/2.0/mlflow/registered-models/alias')
export class MlflowAliasesController {
  constructor(
    @Inject(MlflowRegistryView) private readonly view: MlflowRegistryView,
    @Inject(RegistryWriteSide) private readonly writeSide: RegistryWriteSide,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  async get(@Query() query: unknown) {
    const { name, alias } = parseMlflowRequest(aliasRequest, query);
    if (!isReadmitAlias(alias))
      throw doesNotExist(
        `Registered model alias ${alias} not found (Readmit's aliases are champion and challenger).`,
      );
    return { model_version: mlflowModelVersion(await this.view.versionWithAlias(name, alias)) };
  }

  @Post()
  @RequireRole('operate')
  @HttpCode(200)
  async set(
    @Query() query: unknown,
    @Body() body: unknown,
    @AuthenticatedPrincipal() principal: Principal,
  ) {
    const request = parseMlflowRequest(setAliasRequest, query, body);
    const alias = readmitAlias(request.alias);
    const target = await this.view.version(request.name, request.version);
    const decision = {
      decidedBy: actorOf(principal),
      reason: `set alias ${alias} on version ${describeVersion(target)} through the MLflow API`,
    };
    const registry = this.writeSide.registry;
    let outcome: RegistryOutcome;
    try {
      outcome =
        alias === 'champion'
          ? await registry.promote(target.modelName, target.version, { ...decision, force: false })
          : await registry.assignChallenger(target.modelName, target.version, decision);
    } catch (error) {
      if (!(error instanceof RegistryCommandError)) throw error;
      if (error.code === 'not-found') throw doesNotExist(error.message);
      throw refusedByRegistry(target.modelName, alias, target, error.message, error.criteria);
    }
    if (outcome.kind !== 'unchanged') await this.projected(outcome.event.envelope.eventId);
    return {};
  }

  @Delete()
  @RequireRole('operate')
  async delete(@Query() query: unknown, @Body() body: unknown) {
    const request = parseMlflowRequest(aliasRequest, query, body);
    const alias = readmitAlias(request.alias);
    const versions = await this.view.versionsOf(request.name);
    const refusal = aliasDeletion(request.name, alias, versionWithAlias(versions, alias));
    if (refusal) throw refusal;
    return {};
  }

  /**
   * Waits (briefly) until the projection shows a decision just made, so a client that sets an
   * alias and then reads it (`models:/<name>@champion`) sees its own write. The decision is on
   * the log either way: a projection that lags longer only delays the read.
   */
  private async projected(eventId: string): Promise<void> {
    const deadline = Date.now() + PROJECTION_WAIT_MS;
    while (Date.now() < deadline) {
      if (await this.view.reader.decisionProjected(eventId)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.logger.warn(
      { eventId, waitedMs: PROJECTION_WAIT_MS },
      'MLflow alias: the decision is on the log but not yet in the registry projection',
    );
  }
}
