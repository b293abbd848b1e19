import { Controller, Get, Inject, Injectable } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';
import { PublicRoute } from '../auth/route-policy';
import { registeredControllers } from '../auth/route-table';
import { buildOpenApiDocument, type OpenApiDescription } from './openapi-document';

/** The injection token of the service's OpenApiDescription. */
export const OPENAPI_DESCRIPTION = Symbol('OPENAPI_DESCRIPTION');

/** The running service's document, built on first use from the controllers Nest registered. */
@Injectable()
export class OpenApiDocument {
  private built: OpenAPIObject | undefined;

  constructor(
    @Inject(ModulesContainer) private readonly modules: ModulesContainer,
    @Inject(OPENAPI_DESCRIPTION) private readonly description: OpenApiDescription,
  ) {}

  get(): OpenAPIObject {
    this.built ??= buildOpenApiDocument(registeredControllers(this.modules), this.description);
    return this.built;
  }
}

/**
 * `GET /openapi.json`: the service's OpenAPI document, open like `/health` (it describes the
 * routes, it holds no data; each route it lists checks its own role). Swagger UI reads the same
 * document at `/docs` (createService).
 */
@ApiExcludeController()
@PublicRoute()
@Controller()
export class OpenApiController {
  constructor(@Inject(OpenApiDocument) private readonly document: OpenApiDocument) {}

  @Get('openapi.json')
  openApi(): OpenAPIObject {
    return this.document.get();
  }
}
