// The Readmit web console: plain JavaScript, no framework, no build step. Chart.js is loaded
// beside it from the gateway (no CDN). Every call goes to /console/api/* with the session cookie.
/* global Chart, document, window, fetch, EventSource, URLSearchParams */

const COLORS = ['#0b5cad', '#c2410c', '#1a6b2f', '#6b21a8', '#a4161a', '#4a5360'];
const PAGES = ['models', 'live', 'drift', 'predict'];
const charts = new Map();
let liveSource = null;
let modelsState = { models: [], selected: null };
let driftState = null;

const $ = (id) => document.getElementById(id);

function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name === 'onClick') node.addEventListener('click', value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof window.Node ? child : String(child));
  }
  return node;
}

function fmt(value, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (typeof value !== 'number') return String(value);
  return Number.isInteger(value) ? value.toLocaleString('en') : value.toFixed(digits);
}

function when(value) {
  if (value === null || value === undefined) return '–';
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? String(value)
    : date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

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

function say(message) {
  $('status').textContent = message;
}

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const response = await fetch(path, {
    credentials: 'same-origin',
    ...options,
    headers: options.body ? { 'content-type': 'application/json' } : {},
  });
  if (response.status === 401) {
    showSignIn();
    throw new Unauthorized('sign in first');
  }
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  return { ok: response.ok, status: response.status, body };
}

function chart(id, config) {
  charts.get(id)?.destroy();
  const instance = new Chart($(id), {
    ...config,
    options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
  });
  charts.set(id, instance);
  return instance;
}

// ---------- sign in and routing ----------

function showSignIn() {
  closeLive();
  $('nav').hidden = true;
  for (const page of PAGES) $(`page-${page}`).hidden = true;
  $('page-sign-in').hidden = false;
  $('api-key').focus();
}

async function signIn(event) {
  event.preventDefault();
  const response = await fetch('/console/api/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiKey: $('api-key').value }),
  });
  $('api-key').value = '';
  if (!response.ok) {
    $('sign-in-error').textContent = 'That API key is not accepted.';
    return;
  }
  $('sign-in-error').textContent = '';
  $('page-sign-in').hidden = true;
  route();
}

async function signOut() {
  await fetch('/console/api/session', { method: 'DELETE', credentials: 'same-origin' });
  showSignIn();
}

async function route(event) {
  const page = PAGES.includes(window.location.hash.slice(1))
    ? window.location.hash.slice(1)
    : 'models';
  const session = await fetch('/console/api/session', { credentials: 'same-origin' });
  if (!session.ok || !(await session.json()).signedIn) return showSignIn();
  $('nav').hidden = false;
  $('page-sign-in').hidden = true;
  for (const name of PAGES) {
    $(`page-${name}`).hidden = name !== page;
    const link = document.querySelector(`nav a[data-page="${name}"]`);
    if (name === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (page !== 'live') closeLive();
  // Moving between pages puts the keyboard and screen reader at the new page's heading.
  if (event?.type === 'hashchange') document.querySelector(`#page-${page} h2`).focus();
  say('');
  document.title = `${page[0].toUpperCase()}${page.slice(1)} · Readmit console`;
  try {
    if (page === 'models') await loadModels();
    if (page === 'live') await openLive();
    if (page === 'drift') await loadDrift();
    if (page === 'predict') await loadPredictForm();
  } catch (error) {
    if (!(error instanceof Unauthorized)) say(`Could not load the page: ${error.message}`);
  }
}

// ---------- models ----------

async function loadModels() {
  const { ok, body } = await api('/console/api/models');
  const list = $('models-list');
  list.replaceChildren();
  if (!ok) {
    say(`The registry answered: ${body?.message ?? 'an error'}`);
    return;
  }
  modelsState.models = body.models;
  if (body.models.length === 0) list.append(el('p', { text: 'No model has been registered yet.' }));
  for (const model of body.models) {
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
            onClick: () => loadVersion(model.modelName, version.version),
          }),
        ]),
      ),
    );
  }
  const versions = body.models.flatMap((model) => model.versions.map((version) => version.version));
  for (const [id, fallback] of [
    ['compare-a', versions[1] ?? versions[0]],
    ['compare-b', versions[0]],
  ]) {
    const select = $(id);
    const previous = select.value;
    select.replaceChildren(
      ...versions.map((version) => el('option', { value: version, text: version })),
    );
    select.value = versions.includes(previous) ? previous : (fallback ?? '');
  }
  if (modelsState.selected)
    await loadVersion(modelsState.selected.modelName, modelsState.selected.version);
}

async function loadVersion(modelName, version) {
  const { ok, body } = await api(
    `/console/api/models/${encodeURIComponent(modelName)}/versions/${encodeURIComponent(version)}`,
  );
  if (!ok) return say(body?.message ?? `Could not read ${version}`);
  modelsState.selected = { modelName, version };
  $('version-detail').hidden = false;
  $('version-title').textContent = `${modelName} ${version} (${body.stage})`;
  $('promote').textContent = `Promote ${version}`;
  $('promote').disabled = body.stage === 'champion';
  $('version-metrics').replaceChildren(
    table(
      ['Metric', 'Value'],
      Object.entries(body.metrics ?? {}).map(([name, value]) => [name, value]),
    ),
  );
  const lineage = body.lineage ?? {};
  const run = body.run ?? {};
  $('version-lineage').replaceChildren(
    table(
      ['Field', 'Value'],
      [
        ['Run', body.runId ?? '–'],
        ['Algorithm', body.algorithm ?? '–'],
        ['Threshold', body.threshold ?? null],
        ['Trained because', run.reason ?? '–'],
        ['Training window (outcomes known by)', when(run.asOf)],
        ['Requested by', run.requestedBy ?? '–'],
        ['Batch ids', (lineage.batchIds ?? []).join(', ') || '–'],
        [
          'Encounter offsets',
          (lineage.encounterRanges ?? [])
            .map((range) => `p${range.partition} [${range.fromOffset}, ${range.toOffset})`)
            .join(', ') || '–',
        ],
        [
          'Rows (train / validation / holdout)',
          `${fmt(lineage.trainRows)} / ${fmt(lineage.validationRows)} / ${fmt(lineage.holdoutRows)}`,
        ],
        ['Holdout id', lineage.holdoutId ?? '–'],
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
    ...(body.decisions ?? []).map((decision) =>
      el('div', {}, [
        el('p', {}, [
          el('strong', { text: decision.kind }),
          ` · ${when(decision.decidedAt)} · by ${decision.decidedBy} · ${decision.reason}`,
        ]),
        decision.criteria?.length ? criteriaTable(decision.criteria) : null,
      ]),
    ),
  );
  if ((body.decisions ?? []).length === 0)
    $('version-decisions').append(el('p', { class: 'muted', text: 'No decision yet.' }));
}

/** The y = x line of a unit-square chart: chance for ROC, perfect calibration. */
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

/** Axes from 0 to 1 with their titles. */
function unitSquare(xTitle, yTitle) {
  return {
    scales: {
      x: { min: 0, max: 1, title: { display: true, text: xTitle } },
      y: { min: 0, max: 1, title: { display: true, text: yTitle } },
    },
  };
}

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

async function decide(path, body, done) {
  const result = $('decision-result');
  result.textContent = 'Sending…';
  const { ok, body: answer } = await api(path, { method: 'POST', body: JSON.stringify(body) });
  result.replaceChildren();
  if (ok) {
    const event = answer.event ?? {};
    result.append(
      el('span', {
        class: 'passed',
        text: `${done(answer)}${event.envelope ? ` (${event.envelope.eventType} ${event.envelope.eventId})` : ''}`,
      }),
    );
  } else {
    result.append(el('span', { class: 'failed', text: answer?.message ?? 'refused' }));
    if (answer?.criteria?.length) result.append(criteriaTable(answer.criteria));
  }
  await loadModels();
  // The registry's projection trails its log by a moment: read the list again shortly.
  window.setTimeout(() => void loadModels().catch(() => undefined), 1_500);
}

async function promote() {
  const { modelName, version } = modelsState.selected;
  await decide(
    `/console/api/models/${encodeURIComponent(modelName)}/versions/${encodeURIComponent(version)}/promote`,
    {
      reason: $('decision-reason').value || 'decided in the web console',
      force: $('decision-force').checked,
    },
    (answer) =>
      answer.kind === 'promoted' ? `${version} is the champion` : `unchanged: ${answer.reason}`,
  );
}

async function rollback() {
  const { modelName } = modelsState.selected;
  await decide(
    `/console/api/models/${encodeURIComponent(modelName)}/rollback`,
    { reason: $('decision-reason').value || 'decided in the web console' },
    (answer) =>
      answer.kind === 'rolled-back'
        ? `rolled back to ${answer.event.toVersion ?? 'the previous champion'}`
        : `unchanged: ${answer.reason}`,
  );
}

async function compare(event) {
  event.preventDefault();
  const a = $('compare-a').value;
  const b = $('compare-b').value;
  const model = modelsState.models.find((entry) =>
    entry.versions.some((version) => version.version === a),
  );
  if (!model || !b) return;
  const query = new URLSearchParams({ a, b });
  const { ok, body } = await api(
    `/console/api/models/${encodeURIComponent(model.modelName)}/compare?${query}`,
  );
  const out = $('compare-result');
  out.replaceChildren();
  if (!ok)
    return out.append(el('p', { class: 'failed', text: body?.message ?? 'could not compare' }));
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
  const [left, right] = body.live;
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
      [left, right].map((curve) => [curve.version, curve.labelled, curve.positives, curve.rocAuc]),
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
  const { body } = await api('/console/api/live');
  const rates = chart('rates-chart', {
    type: 'line',
    data: {
      labels: [],
      datasets: [
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
      ],
    },
    options: {
      scales: { y: { beginAtZero: true, title: { display: true, text: 'records per second' } } },
    },
  });
  const scores = chart('scores-chart', {
    type: 'bar',
    data: {
      labels: [],
      datasets: [{ label: 'predictions', data: [], backgroundColor: COLORS[0] }],
    },
    options: {
      scales: { x: { title: { display: true, text: 'score' } }, y: { beginAtZero: true } },
    },
  });
  const lag = chart('lag-chart', {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: {
      scales: { y: { beginAtZero: true, title: { display: true, text: 'records behind' } } },
    },
  });
  const addSample = (sample) => {
    const label = new Date(sample.at).toISOString().slice(11, 19);
    rates.data.labels.push(label);
    rates.data.datasets[0].data.push(sample.encountersPerSecond);
    rates.data.datasets[1].data.push(sample.predictionsPerSecond);
    lag.data.labels.push(label);
    for (const [group, value] of Object.entries(sample.lag)) {
      let dataset = lag.data.datasets.find((entry) => entry.label === group);
      if (!dataset) {
        const color = COLORS[lag.data.datasets.length % COLORS.length];
        dataset = {
          label: group,
          data: new Array(lag.data.labels.length - 1).fill(null),
          borderColor: color,
          backgroundColor: color,
          pointRadius: 2,
        };
        lag.data.datasets.push(dataset);
      }
      dataset.data.push(value);
    }
    for (const dataset of lag.data.datasets)
      while (dataset.data.length < lag.data.labels.length) dataset.data.push(null);
    for (const series of [rates.data, lag.data]) {
      while (series.labels.length > 300) {
        series.labels.shift();
        for (const dataset of series.datasets) dataset.data.shift();
      }
    }
    $('live-encounters').textContent = fmt(sample.encountersPerSecond, 1);
    $('live-predictions').textContent = fmt(sample.predictionsPerSecond, 1);
    const total = Object.values(sample.lag).reduce((sum, value) => sum + value, 0);
    $('live-lag').textContent = Object.keys(sample.lag).length ? fmt(total) : '–';
    $('live-updated').textContent = label;
  };
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

// ---------- drift ----------

async function loadDrift() {
  const { body } = await api('/console/api/drift');
  driftState = body;
  const select = $('drift-feature');
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
  const series = driftState?.series.find((entry) => entry.feature === $('drift-feature').value);
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
  const { body } = await api('/console/api/encounter-form');
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

async function predict(event) {
  event.preventDefault();
  const encounter = {};
  for (const input of $('predict-fields').querySelectorAll('input')) {
    input.removeAttribute('aria-invalid');
    $(`error-${input.name}`).textContent = '';
    const value = input.value.trim();
    encounter[input.name] = value === '' ? null : value;
  }
  $('predict-error').textContent = '';
  $('predict-result').hidden = true;
  const { ok, status, body } = await api('/console/api/predictions', {
    method: 'POST',
    body: JSON.stringify(encounter),
  });
  if (!ok) {
    const unplaced = [];
    for (const error of body?.errors ?? []) {
      const input = $(`field-${error.field}`);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        $(`error-${error.field}`).textContent = error.message;
      } else unplaced.push(`${error.field}: ${error.message}`);
    }
    $('predict-error').textContent =
      `${body?.message ?? `HTTP ${status}`}${unplaced.length ? ` (${unplaced.join('; ')})` : ''}`;
    $('predict-fields').querySelector('[aria-invalid="true"]')?.focus();
    return;
  }
  const prediction = body.prediction;
  $('predict-result').hidden = false;
  $('predict-score').replaceChildren(
    'Risk score ',
    el('strong', { id: 'score-value', text: prediction.score.toPrecision(3) }),
    ` — ${prediction.label ? 'flagged' : 'not flagged'} at threshold ${fmt(prediction.threshold)} by ${body.modelName} ${body.modelVersion}`,
  );
  const contributions = prediction.contributions ?? [];
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

window.addEventListener('hashchange', route);
$('sign-in-form').addEventListener('submit', signIn);
$('sign-out').addEventListener('click', signOut);
$('promote').addEventListener('click', promote);
$('rollback').addEventListener('click', rollback);
$('compare-form').addEventListener('submit', compare);
$('drift-feature').addEventListener('change', drawPsi);
$('predict-form').addEventListener('submit', predict);
Chart.defaults.font.family = 'system-ui, sans-serif';
Chart.defaults.color = '#1b1f24';
route();
