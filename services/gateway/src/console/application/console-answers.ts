import { z } from 'zod';

/**
 * What the console's API (`/console/api/*`) answers: the schemas the gateway's OpenAPI document
 * gives its answers, from which the typed client the browser console uses is generated. Each
 * handler returns `AnswerOf<typeof schema>`, so the compiler holds what it returns to what the
 * document says. Named schemas (`Console…`) are components of the document.
 *
 * The models routes pass on what the registry answers (its version rows, decisions and
 * comparisons, which its own document does not describe yet) through these schemas: the fields
 * the console reads, checked, and nothing else (parseRelayed).
 */

const nullableNumber = z.number().nullable();
const metrics = z.record(z.string(), z.number());

/** A rule of the promotion policy, as the registry judged it. */
export const criterionAnswer = z
  .object({
    name: z.string().meta({ example: 'holdout_auc_margin' }),
    candidate: nullableNumber,
    champion: nullableNumber,
    threshold: nullableNumber,
    passed: z.boolean(),
    detail: z.string().nullable(),
  })
  .meta({ id: 'ConsoleCriterion', description: 'A rule of the promotion policy, as judged.' });

/** A training run as ml.training tells it (TrainingRun). */
export const trainingRunAnswer = z
  .object({
    runId: z.string(),
    modelName: z.string(),
    reason: z
      .string()
      .nullable()
      .describe('Why it ran (a TrainingRequested reason), IMPORT for an uploaded model.'),
    triggeredBy: z.array(z.string()),
    task: z.string().nullable(),
    asOf: nullableNumber.describe('The training window: outcomes known by then (epoch ms).'),
    requestedAt: nullableNumber,
    requestedBy: z.string().nullable(),
    status: z.enum(['requested', 'completed', 'failed']),
    modelVersion: z.string().nullable(),
    endedAt: nullableNumber,
    failure: z.string().nullable(),
  })
  .meta({ id: 'ConsoleTrainingRun' });

const subgroupAnswer = z.object({
  attribute: z.string(),
  group: z.string(),
  count: z.number(),
  metrics,
});

const lineageAnswer = z.object({
  encounterRanges: z.array(
    z.object({ partition: z.number(), fromOffset: z.number(), toOffset: z.number() }),
  ),
  batchIds: z.array(z.string()),
  trainRows: z.number(),
  validationRows: z.number(),
  holdoutRows: z.number(),
  holdoutId: z.string(),
});

/** A registry version row, with what ml.training says about its run. */
export const versionAnswer = z
  .object({
    modelName: z.string(),
    version: z.string(),
    stage: z.enum(['candidate', 'challenger', 'champion', 'archived', 'rejected']),
    runId: z.string().nullable(),
    algorithm: z.string().nullable(),
    threshold: nullableNumber,
    metrics: metrics.nullable(),
    subgroupMetrics: z.array(subgroupAnswer).nullable(),
    lineage: lineageAnswer.nullable(),
    artifactSha256: z.string().nullable(),
    registeredAt: z.string().nullable().describe('ISO 8601.'),
    run: trainingRunAnswer.nullable().describe("Its run, once the console's feed has read it."),
  })
  .meta({ id: 'ConsoleVersion' });

/** A decision about a version, as the registry projected it. */
const decisionAnswer = z
  .object({
    eventId: z.string(),
    kind: z.enum(['promoted', 'rejected', 'rolled-back', 'challenger']),
    version: z.string(),
    previousVersion: z.string().nullable(),
    decidedBy: z.string(),
    reason: z.string(),
    criteria: z.array(criterionAnswer),
    applied: z.boolean(),
    decidedAt: z.string().describe('ISO 8601.'),
  })
  .meta({ id: 'ConsoleDecision' });

/** `GET /console/api/models`: every model with its versions. */
export const modelsAnswer = z.object({
  models: z.array(
    z.object({
      modelName: z.string(),
      champion: z.string().nullable(),
      challenger: z.string().nullable(),
      versions: z.array(versionAnswer).describe('Newest first.'),
    }),
  ),
});

/** `GET /console/api/models/{name}/versions/{version}`: the version and every decision about it. */
export const versionDetailAnswer = versionAnswer
  .extend({ decisions: z.array(decisionAnswer) })
  .meta({ id: 'ConsoleVersionDetail' });

const metricComparison = z.object({
  metric: z.string(),
  a: nullableNumber,
  b: nullableNumber,
  delta: nullableNumber.describe('b − a, when both are known.'),
});

/** One version's live ROC curve and calibration, from its labelled predictions. */
const versionCurvesAnswer = z.object({
  version: z.string(),
  labelled: z.number(),
  positives: z.number(),
  rocAuc: nullableNumber.describe('Null with too few labelled predictions or one class only.'),
  roc: z.array(z.object({ falsePositiveRate: z.number(), truePositiveRate: z.number() })),
  calibration: z.array(
    z.object({
      lower: z.number(),
      upper: z.number(),
      count: z.number(),
      meanScore: z.number(),
      observedRate: z.number(),
    }),
  ),
});

/** `GET /console/api/models/{name}/compare`: the registry's holdout comparison and live curves. */
export const compareAnswer = z.object({
  holdout: z
    .object({
      a: z.string(),
      b: z.string(),
      sameHoldout: z.boolean(),
      basis: z.enum(['same-holdout', 'champion-evaluation', 'different-holdouts']),
      metrics: z.array(metricComparison),
      subgroups: z.array(metricComparison.extend({ group: z.string() })),
    })
    .nullable()
    .describe("The registry's comparison on the training runs' holdouts; null when it refused."),
  holdoutError: z
    .object({ message: z.string() })
    .nullable()
    .describe('Why the registry refused to compare (a version unknown or not projected yet).'),
  live: z.array(versionCurvesAnswer).describe('a, then b.'),
});

/** What a promotion or a rollback decided: the registry's answer, relayed. */
export const decidedAnswer = z
  .object({
    kind: z.enum(['promoted', 'rejected', 'rolled-back', 'challenger', 'unchanged']),
    event: z
      .object({
        envelope: z.object({ eventType: z.string(), eventId: z.string() }),
        toVersion: z.string().nullable().optional(),
      })
      .optional()
      .describe('The event published, unless `unchanged`.'),
    reason: z.string().optional().describe('Why nothing changed, when `unchanged`.'),
  })
  .meta({ id: 'ConsoleDecided' });

/** A decision the registry refused: its message and the rules it judged. */
export const refusedAnswer = z
  .object({
    message: z.string(),
    criteria: z.array(criterionAnswer).optional(),
  })
  .meta({ id: 'ConsoleRefusal' });

const scoreBin = z.object({ lower: z.number(), upper: z.number(), count: z.number() });

/** One second of the live view. */
export const liveSampleAnswer = z
  .object({
    at: z.number().describe('Epoch ms.'),
    encountersPerSecond: z.number(),
    predictionsPerSecond: z.number(),
    lag: z.record(z.string(), z.number()).describe('Records each consumer group has yet to read.'),
  })
  .meta({ id: 'ConsoleLiveSample' });

/** `GET /console/api/live`: the last samples, and the recent score distribution. */
export const liveAnswer = z
  .object({
    history: z.array(liveSampleAnswer),
    scores: z.array(scoreBin),
    predictionsRead: z.number(),
  })
  .meta({ id: 'ConsoleLiveState' });

/** The data of each `sample` event of `GET /console/api/live/stream`. */
export const liveUpdateAnswer = z
  .object({
    sample: liveSampleAnswer,
    scores: z.array(scoreBin),
    predictionsRead: z.number(),
  })
  .meta({ id: 'ConsoleLiveUpdate' });

/** `GET /console/api/drift`: PSI per feature over the alerting windows, and each alert. */
export const driftAnswer = z.object({
  series: z.array(
    z.object({
      feature: z.string(),
      threshold: z.number(),
      points: z.array(z.object({ at: z.number(), value: z.number(), drifted: z.boolean() })),
    }),
  ),
  alerts: z
    .array(
      z.object({
        eventId: z.string(),
        at: z.number(),
        modelName: z.string(),
        modelVersion: z.string(),
        kind: z.string(),
        severity: z.string(),
        windowStart: z.number(),
        windowEnd: z.number(),
        windowSize: z.number(),
        datasetDrift: z.boolean(),
        driftedFeatures: z.array(z.string()),
        breaches: z.array(
          z.object({
            feature: z.string(),
            test: z.string(),
            value: z.number(),
            threshold: z.number(),
          }),
        ),
        retraining: z.array(trainingRunAnswer),
      }),
    )
    .describe('Newest first.'),
});

/** `GET /console/api/encounter-form`: what the prediction form is built from. */
export const encounterFormAnswer = z.object({
  columns: z.array(z.string()),
  required: z.array(z.string()),
  example: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});

/** `POST /console/api/predictions`: one encounter scored, explained. */
export const predictionAnswer = z.object({
  modelName: z.string(),
  modelVersion: z.string(),
  prediction: z.object({
    score: z.number(),
    label: z.boolean(),
    threshold: z.number(),
    contributions: z.array(z.object({ feature: z.string(), value: z.number() })),
  }),
});

/** `GET /console/api/session`: whether this browser is signed in, and as whom. */
export const sessionAnswer = z.object({
  signedIn: z.boolean(),
  name: z.string().optional(),
  roles: z.array(z.string()).optional(),
});
