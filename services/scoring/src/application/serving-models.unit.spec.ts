import type { LoadedModel } from '@readmit/platform/serving';
import { ServingModels } from './serving-models';

function model(version: string) {
  const closed = { count: 0 };
  const loaded = {
    modelName: 'readmission',
    version,
    threshold: 0.3,
    artifactSha256: `sha-${version}`,
    scorer: { close: async () => void (closed.count += 1) },
  } as unknown as LoadedModel; // only the fields ServingModels touches
  return { loaded, closed };
}

describe('ServingModels', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lets scoring wait until a champion serves', async () => {
    const models = new ServingModels();
    let ready = false;
    const waiting = models.whenChampion().then(() => (ready = true));
    models.replace('challenger', model('v2').loaded);
    await Promise.resolve();
    expect(ready).toBe(false);
    models.replace('champion', model('v1').loaded);
    await waiting;
    expect(ready).toBe(true);
    await expect(models.whenChampion()).resolves.toBeUndefined();
  });

  it('closes a replaced session only after batches that took it are done, and never one still serving', async () => {
    const models = new ServingModels();
    const v1 = model('v1');
    const v2 = model('v2');
    models.replace('champion', v1.loaded);
    models.replace('challenger', v2.loaded);
    const taken = models.snapshot();

    // The challenger is promoted (same session, new threshold), then leaves the challenger role.
    models.replace('champion', { ...v2.loaded, threshold: 0.5 });
    models.replace('challenger', null);
    expect(taken.champion?.version).toBe('v1'); // a batch in flight keeps its snapshot
    expect(v1.closed.count).toBe(0);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(v1.closed.count).toBe(1);
    expect(v2.closed.count).toBe(0);
    expect(models.snapshot().champion).toMatchObject({ version: 'v2', threshold: 0.5 });

    await models.close();
    expect(v2.closed.count).toBe(1);
  });
});
