// @ts-check
// The Readmit web console: plain JavaScript, no framework, no build step. Chart.js and
// openapi-fetch are served beside it by the gateway (no CDN). Every call to /console/api/* goes
// through the typed client (openapi-fetch over the gateway's generated OpenAPI `paths`) with the
// session cookie: `npm run typecheck` checks this file (its own tsconfig.json, with the DOM), so a route, a parameter or a field
// the gateway's document does not have fails the type check (docs/development.md).
/* global document, window, EventSource, HTMLElement, HTMLInputElement, HTMLSelectElement, HTMLCanvasElement, HTMLButtonElement */
import createClient from './openapi-fetch.js';

/**
 * @typedef {import('../../../../platform/src/api-client/generated/gateway.js').paths} GatewayPaths
 * @typedef {import('../../../../platform/src/api-client/generated/gateway.js').components['schemas']} Schemas
 * @typedef {Schemas['ConsoleCriterion']} Criterion
 * @typedef {Schemas['ConsoleDecided']} Decided
 * @typedef {Schemas['ConsoleLiveSample']} LiveSample
 * @typedef {Schemas['ConsoleLiveUpdate']['scores']} ScoreBins
 * @typedef {Node | string | number | null | undefined} Cell
 * @typedef {string | number | boolean | null | undefined | ((event: Event) => void)} Attribute
 */

// Chart.js is a classic script (its UMD build) loaded before this module: a global.
const { Chart } = /** @type {{ Chart: typeof import('chart.js').Chart }} */ (
  /** @type {unknown} */ (window)
);

const COLORS = ['#0b5cad', '#c2410c', '#1a6b2f', '#6b21a8', '#a4161a', '#4a5360'];
const PAGES = ['models', 'live', 'drift', 'predict'];
/** @type {Map<string, { destroy(): void }>} */
const charts = new Map();
/** @type {EventSource | null} */
let liveSource = null;
/** @type {{ models: GatewayModels, selected: { modelName: string, version: string } | null }} */
let modelsState = { models: [], selected: null };
/** @type {Drift | null} */
let driftState = null;

/**
 * @typedef {NonNullable<Answer<'/console/api/models', 'get'>>['models']} GatewayModels
 * @typedef {NonNullable<Answer<'/console/api/drift', 'get'>>} Drift
 */
/**
 * The JSON body of a route's 200 answer.
 * @template {keyof GatewayPaths} Path
 * @template {'get' | 'post'} Method
 * @typedef {GatewayPaths[Path][Method] extends { responses: { 200: { content: { 'application/json': infer Body } } } } ? Body : never} Answer
 */

class Unauthorized extends Error {}

/**
 * The gateway's console API. A 401 means the session has ended: the page goes back to signing
 * in, and the call fails with Unauthorized.
 * @type {import('./openapi-fetch.js').Client<GatewayPaths>}
 */
const api = createClient({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use({
  onResponse({ response }) {
    if (response.status !== 401) return undefined;
    showSignIn();
    throw new Unauthorized('sign in first');
  },
});

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
function $(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found;
}

/**
 * An element of the page of a known kind (an input, a select, a canvas).
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} kind
 * @returns {T}
 */
function $as(id, kind) {
  const found = $(id);
  if (!(found instanceof kind)) throw new Error(`#${id} is not a ${kind.name}`);
  return found;
}

/**
 * @param {string} tag
 * @param {Record<string, Attribute>} [attributes]
 * @param {Cell | Cell[]} [children]
 * @returns {HTMLElement}
 */
function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') {
      if (name === 'onClick') node.addEventListener('click', value);
    } else if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of [children].flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof window.Node ? child : String(child));
  }
  return node;
}

/**
 * @param {unknown} value
 * @param {number} [digits]
 */
function fmt(value, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (typeof value !== 'number') return String(value);
  return Number.isInteger(value) ? value.toLocaleString('en') : value.toFixed(digits);
}

/** @param {string | number | null | undefined} value */
function when(value) {
  if (value === null || value === undefined) return '–';
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? String(value)
    : date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/**
 * @param {string[]} headers
 * @param {Cell[][]} rows
 * @param {string} [caption]
 */
function table(headers, rows, caption) {
  return el('table', {}, [
    caption ? el('caption', { class: 'muted', text: caption }) : null,
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headers.map((header) => el('th', { scope: 'col', text: header })),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((row) =>
        el(
          'tr',
          {},
          row.map((cell) =>
            cell instanceof window.Node
              ? el('td', {}, cell)
              : el('td', { class: typeof cell === 'number' ? 'num' : undefined, text: fmt(cell) }),
          ),
        ),
      ),
    ),
  ]);
}

/** @param {string} message */
function say(message) {
  $('status').textContent = message;
}

/**
 * Draws a chart on a canvas of the page, in place of the one it had.
 * @template {import('chart.js').ChartType} Type
 * @template Data
 * @template Label
 * @param {string} id
 * @param {import('chart.js').ChartConfiguration<Type, Data, Label>} config
 * @returns {import('chart.js').Chart<Type, Data, Label>}
 */
function chart(id, config) {
  charts.get(id)?.destroy();
  const instance = new Chart($as(id, HTMLCanvasElement), config);
  charts.set(id, instance);
  return instance;
}

/**
 * What an answer that is not 2xx says: its message, or its status.
 * @param {{ message?: string } | string | undefined} error
 * @param {string} otherwise
 */
function messageOf(error, otherwise) {
  if (typeof error === 'string') return error || otherwise;
  return error?.message ?? otherwise;
}

// ---------- sign in and routing ----------

function showSignIn() {
  closeLive();
  $('nav').hidden = true;
  for (const page of PAGES) $(`page-${page}`).hidden = true;
  $('page-sign-in').hidden = false;
  $('api-key').focus();
}

/** @param {SubmitEvent} event */
async function signIn(event) {
  event.preventDefault();
  const apiKey = $as('api-key', HTMLInputElement);
  const { response } = await api.POST('/console/api/session', { body: { apiKey: apiKey.value } });
  apiKey.value = '';
  if (!response.ok) {
    $('sign-in-error').textContent = 'That API key is not accepted.';
    return;
  }
  $('sign-in-error').textContent = '';
  $('page-sign-in').hidden = true;
  await route();
}

async function signOut() {
  await api.DELETE('/console/api/session');
  showSignIn();
}

/** @param {Event} [event] */
async function route(event) {
  const page = PAGES.includes(window.location.hash.slice(1))
    ? window.location.hash.slice(1)
    : 'models';
  const { data: session } = await api.GET('/console/api/session');
  if (!session?.signedIn) return showSignIn();
  $('nav').hidden = false;
  $('page-sign-in').hidden = true;
  for (const name of PAGES) {
    $(`page-${name}`).hidden = name !== page;
    const link = document.querySelector(`nav a[data-page="${name}"]`);
    if (name === page) link?.setAttribute('aria-current', 'page');
    else link?.removeAttribute('aria-current');
  }
  if (page !== 'live') closeLive();
  // Moving between pages puts the keyboard and screen reader at the new page's heading.
  const heading = document.querySelector(`#page-${page} h2`);
  if (event?.type === 'hashchange' && heading instanceof HTMLElement) heading.focus();
  say('');
  document.title = `${page[0].toUpperCase()}${page.slice(1)} · Readmit console`;
  try {
    if (page === 'models') await loadModels();
    if (page === 'live') await openLive();
    if (page === 'drift') await loadDrift();
    if (page === 'predict') await loadPredictForm();
  } catch (error) {
    if (!(error instanceof Unauthorized))
      say(`Could not load the page: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// ---------- models ----------

async function loadModels() {
  const { data, error } = await api.GET('/console/api/models');
  const list = $('models-list');
  list.replaceChildren();
  if (!data) {
    say(`The registry answered: ${messageOf(error, 'an error')}`);
    return;
  }
  modelsState.models = data.models;
  if (data.models.length === 0) list.append(el('p', { text: 'No model has been registered yet.' }));
  for (const model of data.models) {
    list.append(
      el('h3', { text: `${model.modelName}` }),
      el('p', {
        class: 'muted',
        text: `champion ${model.champion ?? 'none'} · challenger ${model.challenger ?? 'none'} · ${model.versions.length} versions`,
      }),
      table(
        [
          'Version',
          'Stage',
          'Algorithm',
          'ROC AUC',
          'PR AUC',
          'Brier',
          'ECE',
          'Trained because',
          'Registered',
          '',
        ],
        model.versions.map((version) => [
          version.version,
          el('span', { class: `stage stage-${version.stage}`, text: version.stage }),
          version.algorithm ?? '–',
          version.metrics?.roc_auc ?? null,
          version.metrics?.pr_auc ?? null,
          version.metrics?.brier ?? null,
          version.metrics?.expected_calibration_error ?? null,
          version.run?.reason ?? '–',
          when(version.registeredAt),
          el('button', {
            type: 'button',
            class: 'secondary',
            'data-version': version.version,
            'aria-label': `Show version ${version.version}`,
            text: 'Details',
            onClick: () => void loadVersion(model.modelName, version.version),
          }),
        ]),
      ),
    );
  }
  const versions = data.models.flatMap((model) => model.versions.map((version) => version.version));
  for (const [id, fallback] of [
    ['compare-a', versions[1] ?? versions[0]],
    ['compare-b', versions[0]],
  ]) {
    const select = $as(id, HTMLSelectElement);
    const previous = select.value;
    select.replaceChildren(
      ...versions.map((version) => el('option', { value: version, text: version })),
    );
    select.value = versions.includes(previous) ? previous : (fallback ?? '');
  }
  if (modelsState.selected)
    await loadVersion(modelsState.selected.modelName, modelsState.selected.version);
}

/**
 * @param {string} modelName
 * @param {string} version
 */
async function loadVersion(modelName, version) {
  const { data: body, error } = await api.GET('/console/api/models/{name}/versions/{version}', {
    params: { path: { name: modelName, version } },
  });
  if (!body) return say(messageOf(error, `Could not read ${version}`));
  modelsState.selected = { modelName, version };
  $('version-detail').hidden = false;
  $('version-title').textContent = `${modelName} ${version} (${body.stage})`;
  const promoteButton = $as('promote', HTMLButtonElement);
  promoteButton.textContent = `Promote ${version}`;
  promoteButton.disabled = body.stage === 'champion';
  $('version-metrics').replaceChildren(
    table(
      ['Metric', 'Value'],
      Object.entries(body.metrics ?? {}).map(([name, value]) => [name, value]),
    ),
  );
  const lineage = body.lineage;
  const run = body.run;
  $('version-lineage').replaceChildren(
    table(
      ['Field', 'Value'],
      [
        ['Run', body.runId ?? '–'],
        ['Algorithm', body.algorithm ?? '–'],
        ['Threshold', body.threshold ?? null],
        ['Trained because', run?.reason ?? '–'],
        ['Training window (outcomes known by)', when(run?.asOf)],
        ['Requested by', run?.requestedBy ?? '–'],
        ['Batch ids', (lineage?.batchIds ?? []).join(', ') || '–'],
        [
          'Encounter offsets',
          (lineage?.encounterRanges ?? [])
            .map((range) => `p${range.partition} [${range.fromOffset}, ${range.toOffset})`)
            .join(', ') || '–',
        ],
        [
          'Rows (train / validation / holdout)',
          `${fmt(lineage?.trainRows)} / ${fmt(lineage?.validationRows)} / ${fmt(lineage?.holdoutRows)}`,
        ],
        ['Holdout id', lineage?.holdoutId ?? '–'],
        ['Artifact sha256', body.artifactSha256 ?? '–'],
      ],
    ),
  );
  $('version-subgroups').replaceChildren(
    table(
      ['Attribute', 'Group', 'Rows', 'ROC AUC', 'Brier', 'Recall'],
      (body.subgroupMetrics ?? []).map((group) => [
        group.attribute,
        group.group,
        group.count,
        group.metrics.roc_auc ?? null,
        group.metrics.brier ?? null,
        group.metrics.recall ?? null,
      ]),
    ),
  );
  $('version-decisions').replaceChildren(
    ...body.decisions.map((decision) =>
      el('div', {}, [
        el('p', {}, [
          el('strong', { text: decision.kind }),
          ` · ${when(decision.decidedAt)} · by ${decision.decidedBy} · ${decision.reason}`,
        ]),
        decision.criteria.length ? criteriaTable(decision.criteria) : null,
      ]),
    ),
  );
  if (body.decisions.length === 0)
    $('version-decisions').append(el('p', { class: 'muted', text: 'No decision yet.' }));
}

/**
 * The y = x line of a unit-square chart: chance for ROC, perfect calibration.
 * @param {string} label
 */
function diagonal(label) {
  return {
    label,
    data: [
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ],
    showLine: true,
    pointRadius: 0,
    borderDash: [4, 4],
    borderColor: '#6e7781',
  };
}

/**
 * Axes from 0 to 1 with their titles.
 * @param {string} xTitle
 * @param {string} yTitle
 */
function unitSquare(xTitle, yTitle) {
  return {
    scales: {
      x: { min: 0, max: 1, title: { display: true, text: xTitle } },
      y: { min: 0, max: 1, title: { display: true, text: yTitle } },
    },
  };
}

/** @param {readonly Criterion[]} criteria */
function criteriaTable(criteria) {
  return table(
    ['Criterion', 'Passed', 'Candidate', 'Champion', 'Threshold', 'Detail'],
    criteria.map((criterion) => [
      criterion.name,
      el('span', {
        class: criterion.passed ? 'passed' : 'failed',
        text: criterion.passed ? 'passed' : 'failed',
      }),
      criterion.candidate,
      criterion.champion,
      criterion.threshold,
      criterion.detail ?? '',
    ]),
  );
}

/**
 * Sends a decision and shows what the registry decided, or why it refused.
 * @param {() => Promise<{ data?: Decided, error?: { message: string, criteria?: Criterion[] } }>} send
 * @param {(answer: Decided) => string} done
 */
async function decide(send, done) {
  const result = $('decision-result');
  result.textContent = 'Sending…';
  const { data: answer, error } = await send();
  result.replaceChildren();
  if (answer) {
    const envelope = answer.event?.envelope;
    result.append(
      el('span', {
        class: 'passed',
        text: `${done(answer)}${envelope ? ` (${envelope.eventType} ${envelope.eventId})` : ''}`,
      }),
    );
  } else {
    result.append(el('span', { class: 'failed', text: error?.message ?? 'refused' }));
    if (error?.criteria?.length) result.append(criteriaTable(error.criteria));
  }
  await loadModels();
  // The registry's projection trails its log by a moment: read the list again shortly.
  window.setTimeout(() => void loadModels().catch(() => undefined), 1_500);
}

function decisionReason() {
  return $as('decision-reason', HTMLInputElement).value || 'decided in the web console';
}

async function promote() {
  if (!modelsState.selected) return;
  const { modelName, version } = modelsState.selected;
  await decide(
    () =>
      api.POST('/console/api/models/{name}/versions/{version}/promote', {
        params: { path: { name: modelName, version } },
        body: { reason: decisionReason(), force: $as('decision-force', HTMLInputElement).checked },
      }),
    (answer) =>
      answer.kind === 'promoted' ? `${version} is the champion` : `unchanged: ${answer.reason}`,
  );
}

async function rollback() {
  if (!modelsState.selected) return;
  const { modelName } = modelsState.selected;
  await decide(
    () =>
      api.POST('/console/api/models/{name}/rollback', {
        params: { path: { name: modelName } },
        body: { reason: decisionReason() },
      }),
    (answer) =>
      answer.kind === 'rolled-back'
        ? `rolled back to ${answer.event?.toVersion ?? 'the previous champion'}`
        : `unchanged: ${answer.reason}`,
  );
}

/** @param {SubmitEvent} event */
async function compare(event) {
  event.preventDefault();
  const a = $as('compare-a', HTMLSelectElement).value;
  const b = $as('compare-b', HTMLSelectElement).value;
  const model = modelsState.models.find((entry) =>
    entry.versions.some((version) => version.version === a),
  );
  if (!model || !b) return;
  const { data: body, error } = await api.GET('/console/api/models/{name}/compare', {
    params: { path: { name: model.modelName }, query: { a, b } },
  });
  const out = $('compare-result');
  out.replaceChildren();
  if (!body)
    return out.append(el('p', { class: 'failed', text: messageOf(error, 'could not compare') }));
  if (body.holdout) {
    out.append(
      el('p', {
        class: 'muted',
        text: `Holdout basis: ${body.holdout.basis}${body.holdout.sameHoldout ? ' (same rows)' : ''}`,
      }),
      table(
        ['Metric', a, b, 'B − A'],
        body.holdout.metrics.map((metric) => [metric.metric, metric.a, metric.b, metric.delta]),
        'Holdout metrics from the training runs',
      ),
    );
  } else {
    out.append(
      el('p', { class: 'failed', text: body.holdoutError?.message ?? 'no holdout comparison' }),
    );
  }
  chart('roc-chart', {
    type: 'scatter',
    data: {
      datasets: [
        ...body.live.map((curve, index) => ({
          label: `${curve.version} (AUC ${fmt(curve.rocAuc)})`,
          data: curve.roc.map((point) => ({
            x: point.falsePositiveRate,
            y: point.truePositiveRate,
          })),
          showLine: true,
          pointRadius: 0,
          borderColor: COLORS[index],
          backgroundColor: COLORS[index],
        })),
        diagonal('chance'),
      ],
    },
    options: unitSquare('False positive rate', 'True positive rate'),
  });
  chart('calibration-chart', {
    type: 'scatter',
    data: {
      datasets: [
        ...body.live.map((curve, index) => ({
          label: curve.version,
          data: curve.calibration.map((bin) => ({ x: bin.meanScore, y: bin.observedRate })),
          showLine: true,
          borderColor: COLORS[index],
          backgroundColor: COLORS[index],
        })),
        diagonal('perfect'),
      ],
    },
    options: unitSquare('Mean predicted risk', 'Observed readmission rate'),
  });
  $('compare-live').replaceChildren(
    table(
      ['Version', 'Labelled predictions', 'Readmitted', 'Live ROC AUC'],
      body.live.map((curve) => [curve.version, curve.labelled, curve.positives, curve.rocAuc]),
      'Curves are drawn from each version’s live predictions whose outcomes have arrived (holdout scores are not kept); fewer than 20, or one class only, draws none.',
    ),
  );
}

// ---------- live ----------

function closeLive() {
  liveSource?.close();
  liveSource = null;
}

async function openLive() {
  const { data: body, error } = await api.GET('/console/api/live');
  if (!body) return say(messageOf(error, 'Could not read the live view'));
  const rates = chart(
    'rates-chart',
    lineChart('records per second', [
      {
        label: 'encounters / s',
        data: [],
        borderColor: COLORS[0],
        backgroundColor: COLORS[0],
        pointRadius: 0,
      },
      {
        label: 'predictions / s',
        data: [],
        borderColor: COLORS[1],
        backgroundColor: COLORS[1],
        pointRadius: 0,
      },
    ]),
  );
  /** @type {import('chart.js').ChartConfiguration<'bar', number[], string>} */
  const scoresConfig = {
    type: 'bar',
    data: {
      labels: [],
      datasets: [{ label: 'predictions', data: [], backgroundColor: COLORS[0] }],
    },
    options: {
      scales: { x: { title: { display: true, text: 'score' } }, y: { beginAtZero: true } },
    },
  };
  const scores = chart('scores-chart', scoresConfig);
  const lag = chart('lag-chart', lineChart('records behind', []));
  /** @param {LiveSample} sample */
  const addSample = (sample) => {
    const label = new Date(sample.at).toISOString().slice(11, 19);
    rates.data.labels?.push(label);
    rates.data.datasets[0].data.push(sample.encountersPerSecond);
    rates.data.datasets[1].data.push(sample.predictionsPerSecond);
    lag.data.labels?.push(label);
    const labelled = lag.data.labels?.length ?? 0;
    for (const [group, value] of Object.entries(sample.lag)) {
      let dataset = lag.data.datasets.find((entry) => entry.label === group);
      if (!dataset) {
        const color = COLORS[lag.data.datasets.length % COLORS.length];
        dataset = {
          label: group,
          data: new Array(labelled - 1).fill(null),
          borderColor: color,
          backgroundColor: color,
          pointRadius: 2,
        };
        lag.data.datasets.push(dataset);
      }
      dataset.data.push(value);
    }
    for (const dataset of lag.data.datasets)
      while (dataset.data.length < labelled) dataset.data.push(null);
    for (const series of [rates.data, lag.data]) {
      while ((series.labels?.length ?? 0) > 300) {
        series.labels?.shift();
        for (const dataset of series.datasets) dataset.data.shift();
      }
    }
    $('live-encounters').textContent = fmt(sample.encountersPerSecond, 1);
    $('live-predictions').textContent = fmt(sample.predictionsPerSecond, 1);
    const total = Object.values(sample.lag).reduce((sum, value) => sum + value, 0);
    $('live-lag').textContent = Object.keys(sample.lag).length ? fmt(total) : '–';
    $('live-updated').textContent = label;
  };
  /**
   * @param {ScoreBins} bins
   * @param {number} read
   */
  const setScores = (bins, read) => {
    scores.data.labels = bins.map((bin) => `${bin.lower.toFixed(2)}–${bin.upper.toFixed(2)}`);
    scores.data.datasets[0].data = bins.map((bin) => bin.count);
    $('live-read').textContent = fmt(read);
  };
  for (const sample of body.history) addSample(sample);
  setScores(body.scores, body.predictionsRead);
  rates.update();
  lag.update();
  scores.update();
  closeLive();
  liveSource = new EventSource('/console/api/live/stream');
  liveSource.addEventListener('sample', (message) => {
    // Each sample event's data is the document's ConsoleLiveUpdate.
    /** @type {Schemas['ConsoleLiveUpdate']} */
    const data = JSON.parse(message.data);
    addSample(data.sample);
    setScores(data.scores, data.predictionsRead);
    rates.update();
    lag.update();
    scores.update();
  });
  liveSource.addEventListener('error', () =>
    say('The live stream was interrupted; it reconnects by itself.'),
  );
  liveSource.addEventListener('open', () => say(''));
}

/**
 * A line chart over time.
 * @param {string} yTitle
 * @param {import('chart.js').ChartDataset<'line', (number | null)[]>[]} datasets
 * @returns {import('chart.js').ChartConfiguration<'line', (number | null)[], string>}
 */
function lineChart(yTitle, datasets) {
  return {
    type: 'line',
    data: { labels: [], datasets },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: yTitle } } } },
  };
}

// ---------- drift ----------

async function loadDrift() {
  const { data: body, error } = await api.GET('/console/api/drift');
  if (!body) return say(messageOf(error, 'Could not read the drift alerts'));
  driftState = body;
  const select = $as('drift-feature', HTMLSelectElement);
  const previous = select.value;
  select.replaceChildren(
    ...body.series.map((series) => el('option', { value: series.feature, text: series.feature })),
  );
  if (body.series.some((series) => series.feature === previous)) select.value = previous;
  drawPsi();
  const alerts = $('drift-alerts');
  alerts.replaceChildren();
  if (body.alerts.length === 0) {
    alerts.append(el('p', { text: 'No drift alert has been raised.' }));
    return;
  }
  alerts.append(
    table(
      ['Raised', 'Model', 'Kind', 'Severity', 'Window', 'Drifted features', 'Retraining it caused'],
      body.alerts.map((alert) => [
        when(alert.at),
        `${alert.modelName} ${alert.modelVersion}`,
        alert.kind,
        alert.severity,
        `${fmt(alert.windowSize)} rows to ${when(alert.windowEnd)}`,
        alert.breaches
          .map(
            (breach) =>
              `${breach.feature} ${breach.test} ${fmt(breach.value)} > ${fmt(breach.threshold)}`,
          )
          .join('; ') || alert.driftedFeatures.join(', '),
        alert.retraining.length === 0
          ? 'none'
          : alert.retraining
              .map(
                (run) =>
                  `${run.runId}: ${run.status}${run.modelVersion ? ` → ${run.modelVersion}` : ''}${run.failure ? ` (${run.failure})` : ''}`,
              )
              .join('; '),
      ]),
    ),
  );
}

function drawPsi() {
  const feature = $as('drift-feature', HTMLSelectElement).value;
  const series = driftState?.series.find((entry) => entry.feature === feature);
  if (!series) {
    charts.get('psi-chart')?.destroy();
    charts.delete('psi-chart');
    $('psi-caption').textContent = 'No PSI recorded yet.';
    return;
  }
  $('psi-caption').textContent =
    `PSI of ${series.feature} per alerting window (threshold ${fmt(series.threshold)})`;
  const labels = series.points.map((point) => when(point.at));
  chart('psi-chart', {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: `PSI ${series.feature}`,
          data: series.points.map((point) => point.value),
          borderColor: COLORS[0],
          backgroundColor: series.points.map((point) => (point.drifted ? COLORS[4] : COLORS[0])),
          pointRadius: 4,
        },
        {
          label: 'threshold',
          data: labels.map(() => series.threshold),
          borderColor: COLORS[4],
          borderDash: [6, 4],
          // One window alone draws no line: mark the threshold with a dash instead.
          pointStyle: 'line',
          pointRadius: labels.length === 1 ? 12 : 0,
        },
      ],
    },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'PSI' } } } },
  });
}

// ---------- predict ----------

async function loadPredictForm() {
  if ($('predict-fields').childElementCount > 0) return;
  const { data: body, error } = await api.GET('/console/api/encounter-form');
  if (!body) return say(messageOf(error, 'Could not read the form'));
  const required = new Set(body.required);
  $('predict-fields').replaceChildren(
    ...body.columns.map((column) => {
      const value = body.example[column];
      return el('div', { class: 'field' }, [
        el('label', {
          for: `field-${column}`,
          text: `${column}${required.has(column) ? ' *' : ''}`,
        }),
        el('input', {
          id: `field-${column}`,
          name: column,
          type: 'text',
          value: value === null || value === undefined ? '' : String(value),
          'aria-describedby': `error-${column}`,
          'aria-required': required.has(column) ? 'true' : undefined,
        }),
        el('span', { class: 'error', id: `error-${column}` }),
      ]);
    }),
  );
}

/** @param {SubmitEvent} event */
async function predict(event) {
  event.preventDefault();
  /** @type {Record<string, string | null>} */
  const encounter = {};
  for (const input of $('predict-fields').querySelectorAll('input')) {
    input.removeAttribute('aria-invalid');
    $(`error-${input.name}`).textContent = '';
    const value = input.value.trim();
    encounter[input.name] = value === '' ? null : value;
  }
  $('predict-error').textContent = '';
  $('predict-result').hidden = true;
  const {
    data: body,
    error,
    response,
  } = await api.POST('/console/api/predictions', {
    // The form has an input for every column the encounter-form answer named.
    body: /** @type {Schemas['Encounter']} */ (encounter),
  });
  if (!body) {
    const unplaced = [];
    for (const problem of error && 'errors' in error ? error.errors : []) {
      const input = document.getElementById(`field-${problem.field}`);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        $(`error-${problem.field}`).textContent = problem.message;
      } else unplaced.push(`${problem.field}: ${problem.message}`);
    }
    $('predict-error').textContent =
      `${messageOf(error, `HTTP ${response.status}`)}${unplaced.length ? ` (${unplaced.join('; ')})` : ''}`;
    const invalid = $('predict-fields').querySelector('[aria-invalid="true"]');
    if (invalid instanceof HTMLElement) invalid.focus();
    return;
  }
  const prediction = body.prediction;
  $('predict-result').hidden = false;
  $('predict-score').replaceChildren(
    'Risk score ',
    el('strong', { id: 'score-value', text: prediction.score.toPrecision(3) }),
    ` — ${prediction.label ? 'flagged' : 'not flagged'} at threshold ${fmt(prediction.threshold)} by ${body.modelName} ${body.modelVersion}`,
  );
  const contributions = prediction.contributions;
  chart('contributions-chart', {
    type: 'bar',
    data: {
      labels: contributions.map((entry) => entry.feature),
      datasets: [
        {
          label: 'contribution',
          data: contributions.map((entry) => entry.value),
          backgroundColor: contributions.map((entry) => (entry.value >= 0 ? COLORS[4] : COLORS[0])),
        },
      ],
    },
    options: { indexAxis: 'y', plugins: { legend: { display: false } } },
  });
  $('predict-contributions').replaceChildren(
    table(
      ['Feature', 'Contribution'],
      contributions.map((entry) => [entry.feature, entry.value]),
    ),
  );
}

// ---------- start ----------

window.addEventListener('hashchange', (event) => void route(event));
$('sign-in-form').addEventListener(
  'submit',
  (event) => void signIn(/** @type {SubmitEvent} */ (event)),
);
$('sign-out').addEventListener('click', () => void signOut());
$('promote').addEventListener('click', () => void promote());
$('rollback').addEventListener('click', () => void rollback());
$('compare-form').addEventListener(
  'submit',
  (event) => void compare(/** @type {SubmitEvent} */ (event)),
);
$('drift-feature').addEventListener('change', drawPsi);
$('predict-form').addEventListener(
  'submit',
  (event) => void predict(/** @type {SubmitEvent} */ (event)),
);
// Charts draw at once and fill their box.
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, sans-serif';
Chart.defaults.color = '#1b1f24';
void route();
