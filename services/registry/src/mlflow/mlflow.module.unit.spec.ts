import { controllersOf, describePolicy, routesOf, type Route } from '@readmit/platform/auth';
import { MlflowModule } from './mlflow.module';

const routes = routesOf(controllersOf(MlflowModule));
const line = (route: Route) => `${route.method} ${route.path} → ${describePolicy(route.policy)}`;

describe('the MLflow routes', () => {
  it('need role read to read and role operate to change anything, as /v1/models', () => {
    expect(routes.map(line)).toEqual(
      expect.arrayContaining([
        'GET /api/2.0/mlflow/registered-models/search → role read',
        'GET /api/2.0/mlflow/registered-models/get → role read',
        'GET /api/2.0/mlflow/registered-models/get-latest-versions → role read',
        'POST /api/2.0/mlflow/registered-models/get-latest-versions → role read',
        'GET /api/2.0/mlflow/model-versions/get → role read',
        'GET /api/2.0/mlflow/model-versions/search → role read',
        'GET /api/2.0/mlflow/model-versions/get-download-uri → role read',
        'GET /api/2.0/mlflow/registered-models/alias → role read',
        'POST /api/2.0/mlflow/registered-models/alias → role operate',
        'DELETE /api/2.0/mlflow/registered-models/alias → role operate',
        'GET /api/2.0/mlflow-artifacts/artifacts → role read',
        'GET /api/2.0/mlflow-artifacts/artifacts/*path → role read',
      ]),
    );
    const writes = routes.filter(
      (route) =>
        route.method !== 'GET' &&
        !route.path.endsWith('/get-latest-versions') &&
        !route.path.endsWith('/*path'),
    );
    expect(writes.length).toBeGreaterThanOrEqual(14);
    expect(writes.filter((route) => describePolicy(route.policy) !== 'role operate')).toEqual([]);
  });

  it('registers the catch-all for the rest of MLflow’s API last, so it takes only what no route does', () => {
    expect(routes.slice(-4).map((route) => `${route.method} ${route.path}`)).toEqual([
      'GET /api/2.0/mlflow/*path',
      'POST /api/2.0/mlflow/*path',
      'PATCH /api/2.0/mlflow/*path',
      'DELETE /api/2.0/mlflow/*path',
    ]);
  });
});
