import { ForbiddenException, HttpException, UnauthorizedException } from '@nestjs/common';
import { ApiKeyVerifier, Authenticator, generateApiKey } from '@readmit/platform/auth';
import type { Request } from 'express';
import { MlflowRequestError } from '../domain/mlflow-error';
import { mlflowErrorResponse } from './mlflow-exception.filter';
import {
  parseMlflowRequest,
  searchModelVersions,
  searchRegisteredModels,
  setAliasRequest,
} from './mlflow-requests';
import { MlflowTokenCredentials } from './mlflow-token.credentials';

describe('MLflow requests and errors over HTTP', () => {
  it('answers errors in MLflow’s shape with MLflow’s statuses', () => {
    expect(mlflowErrorResponse(new MlflowRequestError('RESOURCE_DOES_NOT_EXIST', 'gone'))).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'gone' },
    });
    expect(mlflowErrorResponse(new MlflowRequestError('RESOURCE_CONFLICT', 'no')).status).toBe(409);
    expect(mlflowErrorResponse(new MlflowRequestError('FEATURE_DISABLED', 'no')).status).toBe(400);
    expect(mlflowErrorResponse(new MlflowRequestError('DATA_LOSS', 'bad bytes')).status).toBe(409);
    expect(mlflowErrorResponse(new ForbiddenException({ message: 'needs operate' }))).toEqual({
      status: 403,
      body: { error_code: 'PERMISSION_DENIED', message: 'needs operate' },
    });
    expect(mlflowErrorResponse(new UnauthorizedException({ message: 'send a key' })).body).toEqual({
      error_code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/^send a key \(MLflow clients: set MLFLOW_TRACKING_TOKEN/),
    });
    expect(
      mlflowErrorResponse(new HttpException({ message: 'slow down' }, 429)).body.error_code,
    ).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(mlflowErrorResponse(new Error('database down'))).toEqual({
      status: 500,
      body: { error_code: 'INTERNAL_ERROR', message: 'internal error' },
    });
  });

  it('reads GET parameters (a repeated one once or several times) and JSON bodies', () => {
    expect(
      parseMlflowRequest(searchRegisteredModels, { max_results: '1', order_by: 'name DESC' }),
    ).toEqual({
      max_results: 1,
      order_by: ['name DESC'],
    });
    expect(
      parseMlflowRequest(searchModelVersions, { order_by: ['name', 'version_number'] }),
    ).toEqual({
      max_results: 10_000,
      order_by: ['name', 'version_number'],
    });
    expect(
      parseMlflowRequest(
        setAliasRequest,
        {},
        { name: 'readmission', alias: 'champion', version: '3' },
      ),
    ).toEqual({ name: 'readmission', alias: 'champion', version: '3' });
  });

  it('refuses bad requests as INVALID_PARAMETER_VALUE in MLflow’s words', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error as MlflowRequestError;
      }
      throw new Error('not refused');
    };
    expect(
      refusal(() => parseMlflowRequest(setAliasRequest, { name: 'readmission' })),
    ).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message:
        "Missing value for required parameter 'alias'. Missing value for required parameter 'version'.",
    });
    expect(
      refusal(() => parseMlflowRequest(searchRegisteredModels, { max_results: '5000' })).message,
    ).toMatch(/Invalid value for parameter 'max_results'/);
    expect(
      refusal(() => parseMlflowRequest(searchRegisteredModels, { max_results: '0' })).code,
    ).toBe('INVALID_PARAMETER_VALUE');
  });
});

describe('MlflowTokenCredentials (an API key as MLFLOW_TRACKING_TOKEN)', () => {
  const { key } = generateApiKey();
  const principal = { id: 'notebook', roles: ['read' as const], method: 'api-key' as const };
  const verifier = {
    configured: true,
    verify: jest.fn(async (presented: string) => (presented === key ? principal : undefined)),
  } as unknown as ApiKeyVerifier;
  const credentials = new MlflowTokenCredentials(verifier, new Authenticator());
  const request = (path: string, authorization?: string) =>
    ({ path, headers: authorization ? { authorization } : {} }) as unknown as Request;

  it('takes a bearer API key on the MLflow routes', async () => {
    await expect(
      credentials.authenticate(
        request('/api/2.0/mlflow/registered-models/search', `Bearer ${key}`),
      ),
    ).resolves.toEqual({ principal });
    await expect(
      credentials.authenticate(
        request('/api/2.0/mlflow-artifacts/artifacts/models', `bearer ${key}`),
      ),
    ).resolves.toEqual({ principal });
  });

  it('refuses a key that is not accepted, and leaves other requests to the other sources', async () => {
    const { key: unknown } = generateApiKey();
    await expect(
      credentials.authenticate(
        request('/api/2.0/mlflow/registered-models/get', `Bearer ${unknown}`),
      ),
    ).resolves.toEqual({ refused: { status: 403, message: 'the API key is not accepted' } });
    await expect(
      credentials.authenticate(request('/v1/models', `Bearer ${key}`)),
    ).resolves.toBeUndefined();
    await expect(
      credentials.authenticate(
        request('/api/2.0/mlflow/registered-models/get', 'Bearer eyJhbGciOi.x.y'),
      ),
    ).resolves.toBeUndefined();
    await expect(
      credentials.authenticate(request('/api/2.0/mlflow/registered-models/get')),
    ).resolves.toBeUndefined();
  });

  it('joins the authenticator only where API keys are configured', () => {
    const authenticator = new Authenticator();
    new MlflowTokenCredentials(new ApiKeyVerifier([]), authenticator).onModuleInit();
    expect(authenticator.configured).toBe(false);
    new MlflowTokenCredentials(verifier, authenticator).onModuleInit();
    expect(authenticator.configured).toBe(true);
  });
});
