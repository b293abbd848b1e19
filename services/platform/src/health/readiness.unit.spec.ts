import { ReadinessRegistry } from './readiness';

describe('ReadinessRegistry', () => {
  it('is ready when there are no checks or every check passes', async () => {
    const registry = new ReadinessRegistry();
    expect(await registry.evaluate()).toEqual({ ready: true, checks: {} });
    registry.register('kafka', async () => undefined);
    expect(await registry.evaluate()).toEqual({ ready: true, checks: { kafka: { ready: true } } });
  });

  it('names the failing dependency and its error', async () => {
    const registry = new ReadinessRegistry();
    registry.register('kafka', async () => undefined);
    registry.register('postgres', async () => {
      throw new Error('connection refused');
    });
    expect(await registry.evaluate()).toEqual({
      ready: false,
      checks: { kafka: { ready: true }, postgres: { ready: false, error: 'connection refused' } },
    });
  });

  it('treats a check that hangs as not ready once the timeout passes', async () => {
    const registry = new ReadinessRegistry(50);
    registry.register('model', () => new Promise(() => undefined));
    const report = await registry.evaluate();
    expect(report.ready).toBe(false);
    expect(report.checks.model.error).toMatch(/did not answer within 50 ms/);
  });
});
