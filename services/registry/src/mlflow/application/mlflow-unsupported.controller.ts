import { Controller, Delete, Get, HttpCode, Patch, Post, Req, UseFilters } from '@nestjs/common';
import { RequireRole } from '@readmit/platform/auth';
import type { Request } from 'express';
import { unknownEndpoint, unsupportedWrite, type UnsupportedWrite } from '../domain/unsupported';
import { MlflowExceptionFilter } from './mlflow-exception.filter';

const PREFIX = 'api/2.0/mlflow';

/** The endpoint a request names, after /api/2.0/mlflow/. */
const endpointOf = (request: Request) => request.path.slice(`/${PREFIX}/`.length);

/**
 * MLflow's registry writes that Readmit does not take (create, rename, update, delete, stage
 * transitions, tags): FEATURE_DISABLED saying why and what to use instead, so an MLflow client
 * gets an MlflowException it can read rather than a bare 404. Role operate, as every write.
 */
@RequireRole('operate')
@UseFilters(MlflowExceptionFilter)
@Controller(PREFIX)
export class MlflowUnsupportedWritesController {
  @Post([
    'registered-models/create',
    'registered-models/rename',
    'model-versions/create',
    'model-versions/transition-stage',
    'registered-models/set-tag',
    'model-versions/set-tag',
  ] satisfies UnsupportedWrite[])
  @HttpCode(200)
  post(@Req() request: Request): never {
    throw unsupportedWrite(endpointOf(request));
  }

  @Patch(['registered-models/update', 'model-versions/update'] satisfies UnsupportedWrite[])
  patch(@Req() request: Request): never {
    throw unsupportedWrite(endpointOf(request));
  }

  @Delete([
    'registered-models/delete',
    'model-versions/delete',
    'registered-models/delete-tag',
    'model-versions/delete-tag',
  ] satisfies UnsupportedWrite[])
  delete(@Req() request: Request): never {
    throw unsupportedWrite(endpointOf(request));
  }
}

/**
 * The rest of MLflow's REST API (tracking: experiments, runs, logged models, …):
 * ENDPOINT_NOT_FOUND in MLflow's shape. Registered after every MLflow route, so it only takes
 * what none of them does.
 */
@RequireRole('read')
@UseFilters(MlflowExceptionFilter)
@Controller(PREFIX)
export class MlflowUnknownEndpointsController {
  @Get('*path')
  get(@Req() request: Request): never {
    throw unknownEndpoint(request.method, request.path);
  }

  @Post('*path')
  post(@Req() request: Request): never {
    throw unknownEndpoint(request.method, request.path);
  }

  @Patch('*path')
  patch(@Req() request: Request): never {
    throw unknownEndpoint(request.method, request.path);
  }

  @Delete('*path')
  delete(@Req() request: Request): never {
    throw unknownEndpoint(request.method, request.path);
  }
}
