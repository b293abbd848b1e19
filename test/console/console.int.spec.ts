import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  EXAMPLE_EVENTS,
  TOPICS,
  type DriftDetected,
  type EventType,
  type ModelPromoted,
  type ModelRolledBack,
  type TrainingCompleted,
} from '@readmit/contracts';
import { newEnvelope } from '@readmit/platform/kafka';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { gatewayService } from '../../services/gateway/src/gateway.definition';
import { registryEnvSchema } from '../../services/registry/src/registry.config';
import { RegistryModule } from '../../services/registry/src/registry.module';
import { testApiKey } from '../support/api-keys';
import { smallModelArtifact } from '../support/artifacts';
import { eventually, PROJECT_ROOT, uniqueName } from '../support/endpoints';
import { exampleEncounter, isolatedEventStreams, physical, watchEvents } from '../support/kafka';
import { SCORING_TOPICS, startScoringService } from '../support/scoring-service';
import { ServiceStarter } from '../support/service-starter';
import { encounterPseudonym } from '../support/pseudonyms';

/**
 * The web console end to end, in Debian's headless Chromium driven by playwright-core, against
 * a registry, a scoring service and a gateway on the real local platform (Kafka, schema
 * registry, Postgres): every page loads without console errors, a promote click produces a
 * ModelPromoted event, the live view updates, the prediction form returns a score. Screenshots
 * of every page go to test-output/console/ (git-ignored).
 */

const MODEL = 'readmission';
/** The person signing in to the console, and the gateway's own key for the registry. */
const PERSON = testApiKey('dr.lee', ['read', 'predict', 'operate']);
const GATEWAY = testApiKey('gateway-console', ['read', 'operate']);
const KEY = PERSON.key;
/** What the registry records for a decision taken in the console. */
const DECIDER = 'dr.lee via gateway-console';
const CHROMIUM = process.env.READMIT_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = join(PROJECT_ROOT, 'test-output', 'console');
const EVENTS: EventType[] = [
  'TrainingRequested',
  'TrainingCompleted',
  'DriftDetected',
  'PredictionMade',
  'OutcomeRecorded',
  'EncounterRecorded',
  'ModelPromoted',
];

describe('web console in headless Chromium', () => {
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let root: string;
  let services: ServiceStarter;
  let userData: string;
  let browser: BrowserContext;
  let page: Page;
  let gatewayUrl: string;
  const consoleErrors: string[] = [];

  const urlOf = (app: INestApplication) =>
    `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  /** Stores a real artifact and announces its run, as the trainer does. */
  const complete = async (version: string, auc: number): Promise<void> => {
    const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
    const stored = await artifacts.save(MODEL, version, smallModelArtifact(MODEL, version));
    const runId = `run-${version}-${uniqueName('r')}`;
    await streams.publisher.publish('TrainingRequested', runId, {
      ...EXAMPLE_EVENTS.TrainingRequested,
      envelope: newEnvelope('TrainingRequested', { producer: 'console-test' }),
      runId,
      modelName: MODEL,
      reason: 'MANUAL',
      triggeredBy: [],
    });
    const event: TrainingCompleted = {
      ...EXAMPLE_EVENTS.TrainingCompleted,
      envelope: newEnvelope('TrainingCompleted', { producer: 'console-test' }),
      runId,
      modelName: MODEL,
      modelVersion: version,
      artifactUri: stored.uri,
      artifactSha256: stored.sha256,
      metrics: { roc_auc: auc, pr_auc: auc - 0.1, brier: 0.2, expected_calibration_error: 0.03 },
      lineage: { ...EXAMPLE_EVENTS.TrainingCompleted.lineage, holdoutId: 'holdout-console' },
      championEvaluation: null,
    };
    await streams.publisher.publish('TrainingCompleted', runId, event);
  };

  /** Predictions of both versions for the same encounters, and their outcomes. */
  const labelledPredictions = async (): Promise<void> => {
    for (let id = 1; id <= 60; id++) {
      const readmitted = id % 3 === 0 ? 'WITHIN_30_DAYS' : 'NO';
      for (const [version, noise] of [
        ['v1', 0.25],
        ['v2', 0.45],
      ] as const) {
        const signal = readmitted === 'NO' ? 0.2 : 0.6;
        await streams.publisher.publish('PredictionMade', String(id), {
          ...EXAMPLE_EVENTS.PredictionMade,
          envelope: newEnvelope('PredictionMade', { producer: 'console-test' }),
          encounter_id: encounterPseudonym(900_000 + id),
          modelName: MODEL,
          modelVersion: version,
          score: Math.min(0.99, signal + noise * (((id * 37) % 11) / 10)),
        });
      }
      await streams.publisher.publish('OutcomeRecorded', String(id), {
        ...EXAMPLE_EVENTS.OutcomeRecorded,
        envelope: newEnvelope('OutcomeRecorded', { producer: 'console-test' }),
        encounter_id: encounterPseudonym(900_000 + id),
        readmitted,
      });
    }
  };

  /** Two drift alerts an hour apart, and the retraining request the second caused. */
  const driftAndRetraining = async (): Promise<DriftDetected> => {
    const example = EXAMPLE_EVENTS.DriftDetected;
    const earlier: DriftDetected = {
      ...example,
      envelope: newEnvelope('DriftDetected', { producer: 'console-test' }),
      modelName: MODEL,
      modelVersion: 'v1',
      severity: 'LOW',
      windowStart: example.windowStart - 3_600_000,
      windowEnd: example.windowEnd - 3_600_000,
      statistics: example.statistics.map((statistic) =>
        statistic.feature === 'age' && statistic.test === 'psi'
          ? { ...statistic, value: 0.12, drifted: false }
          : statistic,
      ),
    };
    await streams.publisher.publish('DriftDetected', 'v1', earlier);
    const alert: DriftDetected = {
      ...example,
      envelope: newEnvelope('DriftDetected', { producer: 'console-test' }),
      modelName: MODEL,
      modelVersion: 'v1',
    };
    await streams.publisher.publish('DriftDetected', 'v1', alert);
    const runId = `run-drift-${uniqueName('r')}`;
    await streams.publisher.publish('TrainingRequested', runId, {
      ...EXAMPLE_EVENTS.TrainingRequested,
      envelope: newEnvelope('TrainingRequested', {
        producer: 'console-test',
        causedBy: alert.envelope,
      }),
      runId,
      modelName: MODEL,
      reason: 'DRIFT_DETECTED',
      triggeredBy: [alert.envelope.eventId],
    });
    return alert;
  };

  const show = async (hash: string, heading: string) => {
    await page.goto(`${gatewayUrl}/console${hash}`);
    await page.getByRole('heading', { level: 2, name: heading }).waitFor();
  };
  const screenshot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    streams = await isolatedEventStreams(
      [...SCORING_TOPICS, TOPICS.outcomes, TOPICS.training, TOPICS.drift],
      EVENTS,
    );
    root = mkdtempSync(join(tmpdir(), 'readmit-console-'));
    userData = mkdtempSync(join(tmpdir(), 'readmit-chromium-'));
    mkdirSync(SCREENSHOTS, { recursive: true });

    services = new ServiceStarter({
      prefix: streams.prefix,
      env: { READMIT_OBJECT_STORE_ROOT: root },
    });
    const registry = await services.start(
      { name: 'registry', envSchema: registryEnvSchema, module: RegistryModule },
      {
        READMIT_DATABASE_SCHEMA: uniqueName('console').replace(/-/g, '_'),
        // A person promotes: passing versions wait as challengers.
        READMIT_PROMOTION_MODE: 'manual',
        READMIT_ORCHESTRATOR_ENABLED: 'false',
        // The gateway calls with its own key and names the signed-in person, whom it trusts.
        READMIT_API_KEYS: GATEWAY.entry,
        READMIT_AUTH_DELEGATES: GATEWAY.name,
      },
    );
    await startScoringService(services, root);
    const gateway = await services.start(gatewayService, {
      READMIT_API_KEYS: PERSON.entry,
      READMIT_REGISTRY_API_KEY: GATEWAY.key,
      READMIT_SCORING_TIMEOUT_MS: '10000',
      READMIT_INSTANCE_ID: uniqueName('gateway'),
      READMIT_REGISTRY_URL: urlOf(registry),
    });
    gatewayUrl = urlOf(gateway);

    await complete('v1', 0.71);
    await complete('v2', 0.69);
    await labelledPredictions();
    await driftAndRetraining();
    await eventually(async () => {
      const response = await fetch(`${urlOf(registry)}/v1/models/${MODEL}/versions`, {
        headers: { 'x-api-key': GATEWAY.key },
      });
      const body = (await response.json()) as { versions?: unknown[] };
      return body.versions?.length === 2 ? true : undefined;
    }, 30_000);

    // A fresh profile per run; the flags keep Chromium off the (closed) network.
    browser = await chromium.launchPersistentContext(userData, {
      executablePath: CHROMIUM,
      viewport: { width: 1366, height: 800 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await services?.stopAll();
    await streams?.publisher.disconnect();
    if (root) rmSync(root, { recursive: true, force: true });
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  it('asks for an API key, refuses a wrong one, and keeps the API closed without a session', async () => {
    const api = await fetch(`${gatewayUrl}/console/api/models`);
    expect(api.status).toBe(401);
    await page.goto(`${gatewayUrl}/console`);
    await page.getByRole('heading', { level: 2, name: 'Sign in' }).waitFor();
    expect(consoleErrors).toEqual([]);
    await page.getByLabel('API key').fill('not-the-key-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That API key is not accepted.').waitFor();
    // The refused sign-in's 403 is the one error this test expects.
    consoleErrors.length = 0;
    await screenshot('sign-in');
    await page.getByLabel('API key').fill(KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 2, name: 'Models' }).waitFor();
  });

  it('models: lists the versions; a promote click produces ModelPromoted; two versions compare with curves', async () => {
    const promoted = await watchEvents<ModelPromoted>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.models, streams.prefix),
      ['ModelPromoted'],
    );
    try {
      await page.getByRole('button', { name: 'Show version v1' }).click();
      await page.getByRole('heading', { level: 3, name: /readmission v1/ }).waitFor();
      await page.getByText('holdout-console').first().waitFor();
      await page.getByRole('button', { name: 'Promote v1' }).click();
      await page.getByText('v1 is the champion').waitFor();
      const event = await eventually(async () => promoted.events.find((e) => e.version === 'v1'));
      expect(event).toMatchObject({ modelName: MODEL, decidedBy: DECIDER, mode: 'MANUAL' });
    } finally {
      await promoted.stop();
    }

    await page.getByLabel('Version A').selectOption('v1');
    await page.getByLabel('Version B').selectOption('v2');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.getByText('Holdout basis: same-holdout').waitFor();
    // Both versions' live curves are drawn from the 60 labelled predictions each.
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Compare' }).click();
        const text = await page.locator('#compare-live').innerText();
        return /v1\s+60\s+20/.test(text) && /v2\s+60\s+20/.test(text) ? true : undefined;
      },
      20_000,
      500,
    );
    await screenshot('models');
    expect(consoleErrors).toEqual([]);
  });

  it('models: a promotion the policy refuses shows its criteria; forced, then rolled back by click', async () => {
    const decisions = await watchEvents<ModelPromoted | ModelRolledBack>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.models, streams.prefix),
      ['ModelPromoted', 'ModelRolledBack'],
    );
    try {
      await page.getByRole('button', { name: 'Show version v2' }).click();
      await page.getByRole('heading', { level: 3, name: /readmission v2/ }).waitFor();
      await page.getByRole('button', { name: 'Promote v2' }).click();
      // v2's holdout AUC (0.69) does not beat v1's (0.71) by the margin: 409 with the criteria.
      await page
        .locator('#decision-result')
        .getByRole('cell', { name: 'holdout_auc_margin' })
        .waitFor();
      expect(await page.locator('#decision-result').innerText()).toMatch(/failed/);
      consoleErrors.splice(
        0,
        consoleErrors.length,
        ...consoleErrors.filter((e) => !/status of 409/.test(e)),
      );

      await page.getByLabel('force (override a failed policy)').check();
      await page.getByRole('button', { name: 'Promote v2' }).click();
      await page.getByText('v2 is the champion').waitFor();
      await page.getByRole('button', { name: 'Roll back champion' }).click();
      await page.getByText('rolled back to v1').waitFor();
      const rolledBack = await eventually(async () =>
        decisions.events.find(
          (event): event is ModelRolledBack => 'fromVersion' in event && event.toVersion === 'v1',
        ),
      );
      expect(rolledBack).toMatchObject({ fromVersion: 'v2', decidedBy: DECIDER });
      expect(decisions.events.some((event) => 'version' in event && event.version === 'v2')).toBe(
        true,
      );
    } finally {
      await decisions.stop();
    }
    expect(consoleErrors).toEqual([]);
  });

  it('live: rates, lag and score distribution update without a reload', async () => {
    await show('#live', 'Live stream');
    const updated = async () => page.locator('#live-updated').innerText();
    const first = await eventually(async () => ((await updated()) !== '–' ? updated() : undefined));
    // Encounters flow in; the champion (v1) scores them; the view follows over SSE.
    for (let id = 1; id <= 200; id++)
      await streams.publisher.publish('EncounterRecorded', String(id), exampleEncounter(id));
    await eventually(async () => ((await updated()) !== first ? true : undefined), 15_000, 250);
    await eventually(
      async () =>
        Number((await page.locator('#live-read').innerText()).replace(/,/g, '')) >= 120 + 1
          ? true
          : undefined,
      30_000,
      250,
    );
    await screenshot('live');
    expect(consoleErrors).toEqual([]);
  });

  it('drift: PSI per feature with its threshold, and the retraining each alert caused', async () => {
    await show('#drift', 'Drift');
    await eventually(async () => {
      const options = await page.getByLabel('Feature').locator('option').allInnerTexts();
      return options.includes('age') ? true : undefined;
    });
    await page.getByText(/PSI of age per alerting window \(threshold 0\.200\)/).waitFor();
    const alerts = await page.locator('#drift-alerts').innerText();
    expect(alerts).toMatch(/HIGH/);
    expect(alerts).toMatch(/run-drift-.*: requested/);
    expect(alerts).toMatch(/LOW/);
    // Newest first: the HIGH alert caused the retraining, the earlier LOW one none.
    const rows = await page.locator('#drift-alerts tbody tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/HIGH[\s\S]*run-drift-/);
    expect(rows[1]).toMatch(/LOW[\s\S]*none/);
    await screenshot('drift');
    expect(consoleErrors).toEqual([]);
  });

  it('predict: field-level errors beside the fields, then a score with its top features', async () => {
    await show('#predict', 'Predict one encounter');
    // Every control of every page has a label a screen reader can announce.
    // (A string: the test's TypeScript has no DOM types.)
    const unlabelled = await page.evaluate(
      "[...document.querySelectorAll('input, select')].filter((c) => c.labels.length === 0).map((c) => c.id)",
    );
    expect(unlabelled).toEqual([]);
    await page.getByLabel('time_in_hospital *').fill('20');
    await page.getByRole('button', { name: 'Score' }).click();
    await page.locator('#error-time_in_hospital').getByText('is not a whole number').waitFor();
    expect(await page.getByLabel('time_in_hospital *').getAttribute('aria-invalid')).toBe('true');
    // The 400 is expected: the browser reports it as a failed resource.
    expect(consoleErrors.every((error) => /status of 400/.test(error))).toBe(true);
    consoleErrors.length = 0;

    await page.getByLabel('time_in_hospital *').fill('5');
    await page.getByRole('button', { name: 'Score' }).click();
    const score = Number(await page.locator('#score-value').innerText({ timeout: 30_000 }));
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(1);
    expect(await page.locator('#predict-score').innerText()).toMatch(/readmission v[12]/);
    expect(await page.locator('#predict-contributions tbody tr').count()).toBeGreaterThan(0);
    await screenshot('predict');
    expect(consoleErrors).toEqual([]);
  });
});
