// MLflow's own web UI (the build in the pinned `mlflow` package) in headless Chromium, against
// `mlflow-cpp server --ui mlflow` and against the real `mlflow server`, both seeded with the same
// data through the REST API. For each page: it renders its content on ours; no request fails on
// ours that succeeds on the real server; the visible text is the same apart from ids and times
// (mlflow_ui_known_differences.json lists the allowed differences with their reasons).
// Run: tests/ui/run-mlflow-ui.sh (ctest -R ui_mlflow_differential).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer } from './lib/server.mjs';
import { startRealMlflow, realVenv } from './lib/real_mlflow.mjs';
import { seed } from './lib/seed.mjs';
import { seedTraces } from './lib/seed_traces.mjs';
import { launch } from './lib/browser.mjs';

const TIMEOUT = 30000;
const KNOWN = JSON.parse(readFileSync(new URL('./mlflow_ui_known_differences.json', import.meta.url), 'utf8')).differences;
// The UI finds its package through python3 on PATH: the venv's.
const withVenvPython = { ...process.env, PATH: `${join(realVenv(), 'bin')}:${process.env.PATH}` };

let ours, real, oursData, realData, browser;

before(async () => {
  [ours, real] = await Promise.all([
    startServer({ args: ['--ui', 'mlflow'], env: withVenvPython }),
    startRealMlflow(),
  ]);
  [oursData, realData] = await Promise.all([seed(ours.api, { historyLength: 60 }), seed(real.api, { historyLength: 60 })]);
  [oursData.traces, realData.traces] = await Promise.all([seedTraces(ours.url, oursData.exp), seedTraces(real.url, realData.exp)]);
  // Compare runs lists the artifacts the runs share. MLflow's UI reads the second run's file list
  // without checking it exists, so a run without artifacts breaks that section or not depending on
  // which answer arrives first (on either server): both compared runs get a file.
  await Promise.all([[ours, oursData], [real, realData]].map(async ([srv, d]) => {
    const uri = (await srv.api.get('runs/get', { run_id: d.children[0].run_id })).run.info.artifact_uri;
    await srv.api.upload(uri, 'metrics.json', JSON.stringify({ f1: 0.71 }));
  }));
  browser = await launch();
}, { timeout: 300000 });
after(async () => {
  await browser?.close();
  await Promise.all([ours?.stop(), real?.stop()]);
});

// Ids and times differ between the two servers; everything else must not.
function normalizeText(text) {
  return text
    .replace(/^#[0-9a-f]{6}$/gm, '<run-colour>')  // run colours derive from run ids
    .replace(/m-[0-9a-f]{32}/g, '<model-id>')
    .replace(/[0-9a-f]{32}/g, '<id>')
    .replace(/\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\b/g, '<datetime>')
    .replace(/\b\d{1,2}\/\d{1,2}\/\d{2,4},?\s*\d{1,2}:\d{2}(:\d{2})?\s*(AM|PM)?/gi, '<datetime>')
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, '<date>')
    .replace(/\b\d{1,2}:\d{2}(:\d{2})?\s*(AM|PM)?\b/gi, '<time>')
    .replace(/\b(\d+|a|an) (second|minute|hour|day|week|month|year)s? ago\b/g, '<ago>')
    .replace(/^now$/gm, '<ago>')
    .replace(/\b\d+(\.\d+)?\s?(ms|s|sec|min|h)\b/g, '<duration>')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

function normalizePath(u) {
  return u.pathname.replace(/m-[0-9a-f]{32}/g, '<model-id>').replace(/[0-9a-f]{32}/g, '<id>');
}

const API = /^\/(ajax-api|api|graphql|get-artifact|model-versions\/get-artifact)/;

// The UI polls some endpoints (runs every 30 s, traces), so the network never goes idle for
// Playwright's networkidle: a page is settled once no API call is in flight and none has started
// or ended for QUIET ms (at most SETTLE_MAX).
const QUIET = 1200;
const SETTLE_MAX = 10000;

async function visit(server, hash, ready, name) {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const requests = [];
  const pageErrors = [];
  let lastActivity = Date.now();
  let inFlight = 0;
  const isApi = (r) => API.test(new URL(r.url()).pathname);
  page.on('request', (r) => {
    if (!isApi(r)) return;
    inFlight++;
    lastActivity = Date.now();
  });
  page.on('requestfinished', (r) => {
    if (!isApi(r)) return;
    inFlight--;
    lastActivity = Date.now();
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (!API.test(u.pathname)) return;
    requests.push({ key: `${r.request().method()} ${normalizePath(u)}`, status: r.status(), url: r.url() });
  });
  page.on('requestfailed', (r) => {
    const u = new URL(r.url());
    if (!API.test(u.pathname)) return;
    inFlight--;
    lastActivity = Date.now();
    const f = r.failure()?.errorText ?? '';
    if (!f.includes('ERR_ABORTED')) requests.push({ key: `${r.request().method()} ${normalizePath(u)}`, status: 0, url: r.url() });
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await page.goto(`${server.url}/${hash}`);
    for (const text of ready) {
      await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible' }).catch(async (e) => {
        const shown = (await page.evaluate(() => document.body.innerText)).slice(0, 3000);
        const failed = requests.filter((q) => q.status === 0 || q.status >= 400).map((q) => `${q.status} ${q.url}`);
        throw new Error(`${name} on ${server === ours ? 'mlflow-cpp' : 'mlflow'}: '${text}' never shown (${e.message.split('\n')[0]}).\n` +
          `Failed requests: ${JSON.stringify(failed)}\nPage text:\n${shown}`);
      });
    }
    const settleEnd = Date.now() + SETTLE_MAX;
    while (Date.now() < settleEnd && (inFlight > 0 || Date.now() - lastActivity < QUIET)) await page.waitForTimeout(200);
    const panels = KNOWN.filter((d) => d.panel && (d.page === name || d.page === '*')).map((d) => d.panel);
    const text = await page.evaluate(([headings, keep]) => {
      // A known-different panel: the largest element around its heading that holds neither the
      // side navigation nor the page's own content (the texts the test waited for).
      const nav = (el) => [' Model training', ...keep].some((t) => el.innerText.includes(t.trim()));
      for (const heading of headings) {
        const hits = document.evaluate(`//*[text()[contains(., ${JSON.stringify(heading)})]]`, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
        for (let i = 0; i < hits.snapshotLength; i++) {
          let el = hits.snapshotItem(i);
          if (nav(el)) continue;
          while (el.parentElement && el.parentElement !== document.body && !nav(el.parentElement)) el = el.parentElement;
          el.style.display = 'none';
        }
      }
      return document.body.innerText;
    }, [panels, ready]);
    return { requests, text: normalizeText(text), pageErrors };
  } finally {
    await page.close();
  }
}

function known(page, field, value) {
  return KNOWN.some((d) => (d.page === page || d.page === '*') && d[field] !== undefined && new RegExp(d[field]).test(value));
}

async function differential(name, hashFor, ready) {
  const [o, r] = await Promise.all([visit(ours, hashFor(oursData), ready(oursData), name), visit(real, hashFor(realData), ready(realData), name)]);
  // 1. No request fails on ours that succeeds on the real server (or that the real server never sent).
  const realOk = new Set(r.requests.filter((q) => q.status > 0 && q.status < 400).map((q) => q.key));
  const realFailed = new Set(r.requests.filter((q) => q.status === 0 || q.status >= 400).map((q) => q.key));
  const failing = o.requests
    .filter((q) => q.status === 0 || q.status >= 400)
    .filter((q) => realOk.has(q.key) || !realFailed.has(q.key))
    .filter((q) => !known(name, 'request', q.key))
    .map((q) => `${q.status} ${q.url}`);
  assert.deepEqual(failing, [], `${name}: requests failing on mlflow-cpp but not on mlflow`);
  // 2. The same visible text, apart from ids and times.
  const oText = o.text.filter((l) => !known(name, 'text', l));
  const rText = r.text.filter((l) => !known(name, 'text', l));
  const onlyOurs = oText.filter((l) => !rText.includes(l));
  const onlyReal = rText.filter((l) => !oText.includes(l));
  assert.deepEqual({ onlyOurs, onlyReal }, { onlyOurs: [], onlyReal: [] }, `${name}: visible text differs`);
  assert.deepEqual(o.pageErrors.filter((e) => !r.pageErrors.includes(e)), [], `${name}: page errors on mlflow-cpp only`);
}

describe('--ui mlflow: serving', () => {
  it('serves the package\'s index.html and static files with the headers mlflow server sends', async () => {
    for (const srv of [ours, real]) {
      const index = await fetch(`${srv.url}/`);
      assert.equal(index.status, 200);
      assert.equal(index.headers.get('cache-control'), 'no-cache');
      assert.match(index.headers.get('content-type'), /^text\/html/);
    }
    const html = await (await fetch(`${ours.url}/`)).text();
    assert.equal(html, await (await fetch(`${real.url}/`)).text(), 'the same index.html as mlflow server');
    const js = /src="(static-files\/static\/js\/main\.[0-9a-f]+\.js)"/.exec(html);
    assert.ok(js, 'index.html references its main script under static-files/');
    const [o, r] = await Promise.all([fetch(`${ours.url}/${js[1]}`), fetch(`${real.url}/${js[1]}`)]);
    assert.equal(o.status, 200);
    assert.equal(o.headers.get('cache-control'), r.headers.get('cache-control'));
    assert.equal(o.headers.get('cache-control'), 'public, max-age=2419200');
    assert.ok(Math.abs(Date.parse(o.headers.get('expires')) - Date.parse(r.headers.get('expires'))) < 120000, 'Expires four weeks ahead');
    assert.match(o.headers.get('content-type'), /javascript/);
    assert.equal((await o.arrayBuffer()).byteLength, (await r.arrayBuffer()).byteLength);
    assert.equal((await fetch(`${ours.url}/static-files/../../etc/passwd`)).status, 404);
  });

  it('refuses to start with a clear message when python3 finds no mlflow package', async () => {
    await assert.rejects(startServer({ args: ['--ui', 'mlflow'], env: { ...process.env, PATH: '/usr/bin:/bin' } }),
      /--ui mlflow: no `mlflow` Python package is installed/);
  });

  it('answers server-info, ui-telemetry and switched-off features as mlflow server does', async () => {
    for (const path of ['ajax-api/3.0/mlflow/server-info', 'ajax-api/3.0/mlflow/ui-telemetry', 'ajax-api/3.0/mlflow/gateway/endpoints/list',
      'ajax-api/3.0/mlflow/workspaces', 'ajax-api/2.0/mlflow/gateway-proxy', 'ajax-api/3.0/mlflow/mcp-servers', 'ajax-api/2.0/mlflow/webhooks',
      'ajax-api/3.0/mlflow/assistant/config']) {
      const [o, r] = await Promise.all([fetch(`${ours.url}/${path}`), fetch(`${real.url}/${path}`)]);
      assert.equal(o.status, r.status, path);
      if (/json/.test(r.headers.get('content-type'))) {
        const [oj, rj] = [await o.json(), await r.json()];
        if (rj.error_code) assert.equal(oj.error_code, rj.error_code, path);
        else assert.deepEqual(oj, rj, path);
      }
    }
  });

  it('answers the assistant\'s provider list as mlflow server does with none available', async () => {
    // MLflow lists the assistant CLIs it could drive (and Ollama, which it always counts as
    // available); this server drives none, so it lists none (mlflow_ui_known_differences.json).
    const [o, r] = await Promise.all([ours, real].map((srv) => fetch(`${srv.url}/ajax-api/3.0/mlflow/assistant/providers`)));
    assert.equal(o.status, 200);
    assert.equal(r.status, 200);
    const [oj, rj] = [await o.json(), await r.json()];
    assert.deepEqual(Object.keys(oj).sort(), Object.keys(rj).sort());
    assert.deepEqual(oj, { providers: [], resolved: null, gateway_vendor_options: {} });
  });

  it('answers artifacts/presigned-download-url as mlflow server does', async () => {
    const artifactRoot = (srv) => join(srv.dir, 'local-store');
    const cases = async (srv, data) => {
      const { experiment_id } = await srv.api.post('experiments/create', { name: 'presigned-local', artifact_location: artifactRoot(srv) });
      const local = (await srv.api.post('runs/create', { experiment_id })).run.info.run_id;
      const proxied = data.best.run_id;
      return [
        { run_id: local, path: 'model/MLmodel' },
        { run_id: local, path: 'a.txt', expiration: 60 },
        { run_id: proxied, path: 'model/MLmodel' },
        { run_id: local },
        { path: 'a.txt' },
        { run_id: local, path: '../escape' },
        { run_id: local, path: 'a', expiration: 0 },
        { run_id: local, path: 'a', expiration: 604801 },
        { run_id: local, path: 'a', expiration: 'soon' },
        { run_id: local, path: 5 },
        { run_id: 'f'.repeat(32), path: 'a' },
      ];
    };
    const [oc, rc] = await Promise.all([cases(ours, oursData), cases(real, realData)]);
    for (let k = 0; k < oc.length; k++) {
      const call = (srv, body) => fetch(`${srv.url}/ajax-api/2.0/mlflow/artifacts/presigned-download-url`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const [o, r] = await Promise.all([call(ours, oc[k]), call(real, rc[k])]);
      const [oj, rj] = [await o.json(), await r.json()];
      const label = JSON.stringify(rc[k]);
      assert.equal(o.status, r.status, label);
      assert.equal(oj.error_code, rj.error_code, label);
      assert.equal(oj.message.replace(/[0-9a-f]{32}/g, '<id>'), rj.message.replace(/[0-9a-f]{32}/g, '<id>'), label);
    }
  });

  it('answers the UI\'s GraphQL queries as mlflow server does', async () => {
    const q = (srv, body) => fetch(`${srv.url}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then((x) => x.json());
    const getRun = 'query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") { mlflowGetRun(input: $data) { apiError { code message } run { info { runName status runUuid experimentId artifactUri endTime lifecycleStage startTime userId } experiment { experimentId name tags { key value } artifactLocation lifecycleStage } modelVersions { status version name source } data { metrics { key value step timestamp } params { key value } tags { key value } } inputs { datasetInputs { dataset { digest name profile schema source sourceType } tags { key value } } modelInputs { modelId } } outputs { modelOutputs { modelId step } } } } }';
    const history = 'query GetMetricHistoryBulkInterval($data: MlflowGetMetricHistoryBulkIntervalInput!) { mlflowGetMetricHistoryBulkInterval(input: $data) { __typename metrics { timestamp step runId key value } apiError { code message } } }';
    const norm = (x) => JSON.parse(JSON.stringify(x).replace(/[0-9a-f]{32}/g, '<id>'));
    // Lists that are sets on the wire (tags, params, latest metrics) in key order: their order is
    // the database's row order, not part of the API (as tests/interop/harness/normalize.py treats them).
    const sortTags = (x) => {
      if (Array.isArray(x)) {
        x.forEach(sortTags);
        if (x.every((v) => v && typeof v === 'object' && typeof v.key === 'string')) x.sort((a, b) => a.key.localeCompare(b.key));
      } else if (x && typeof x === 'object') {
        Object.values(x).forEach(sortTags);
      }
      return x;
    };
    for (const [o, r] of [
      [{ query: getRun, operationName: 'GetRun', variables: { data: { runId: oursData.best.run_id } } }, { query: getRun, operationName: 'GetRun', variables: { data: { runId: realData.best.run_id } } }],
      [{ query: getRun, variables: { data: { runId: 'nope' } } }, { query: getRun, variables: { data: { runId: 'nope' } } }],
      [{ query: history, variables: { data: { runIds: [oursData.best.run_id], metricKey: 'loss', maxResults: 20 } } }, { query: history, variables: { data: { runIds: [realData.best.run_id], metricKey: 'loss', maxResults: 20 } } }],
    ]) {
      assert.deepEqual(norm(sortTags(await q(ours, o))), norm(sortTags(await q(real, r))));
    }
  });
});

const exp = (d) => d.exp;
describe('MLflow\'s UI: the same pages on mlflow-cpp and on mlflow server', () => {
  it('experiment list', () => differential('experiments', () => '#/experiments', () => ['fraud-detection', 'churn-forecast']));
  it('runs table with a filter and a sort', () => differential('runs-table',
    (d) => `#/experiments/${exp(d)}/runs?searchFilter=${encodeURIComponent('params.model = "xgboost"')}&orderByKey=${encodeURIComponent('metrics.`f1`')}&orderByAsc=false`,
    () => ['trial-6']));
  it('run page: overview', () => differential('run-overview', (d) => `#/experiments/${exp(d)}/runs/${d.best.run_id}`, () => ['learning_rate']));
  it('run page: model metrics charts', () => differential('run-metrics', (d) => `#/experiments/${exp(d)}/runs/${d.best.run_id}/model-metrics`, () => ['loss']));
  it('run page: artifacts, an image', () => differential('run-artifact-image', (d) => `#/experiments/${exp(d)}/runs/${d.best.run_id}/artifacts/plots/confusion_matrix.png`, () => ['confusion_matrix.png']));
  it('run page: artifacts, a CSV preview', () => differential('run-artifact-csv', (d) => `#/experiments/${exp(d)}/runs/${d.best.run_id}/artifacts/data/sample.csv`, () => ['merchant_category']));
  it('compare runs', () => differential('compare-runs',
    (d) => `#/compare-runs?runs=${encodeURIComponent(JSON.stringify([d.children[0].run_id, d.children[5].run_id]))}&experiments=${encodeURIComponent(JSON.stringify([d.exp]))}`,
    () => ['max_depth']));
  it('registered model', () => differential('registered-model', () => '#/models/fraud-classifier', () => ['Version 3']));
  it('model version', () => differential('model-version', () => '#/models/fraud-classifier/versions/2', () => ['champion']));
  it('logged models', () => differential('logged-models', (d) => `#/experiments/${exp(d)}/models`, () => ['xgb-fraud']));
  it('a logged model', () => differential('logged-model', (d) => `#/experiments/${exp(d)}/models/${d.loggedModel.info.model_id}`, () => ['xgb-fraud']));
  it('traces list', () => differential('traces', (d) => `#/experiments/${exp(d)}/traces`, () => ['Which merchants had the most fraud last week?', '{"date":"2025-06-01"}']));
  // The experiment overview's charts are drawn from the trace analytics query (traces/metrics).
  it('experiment overview (trace analytics)', () => differential('experiment-overview', (d) => `#/experiments/${exp(d)}/overview`,
    () => ['Traces']));
  it('a trace\'s span tree', () => differential('trace-spans',
    (d) => `#/experiments/${exp(d)}/traces?selectedEvaluationId=${d.traces.ok}`, () => ['search-transactions', 'format-table']));
});
