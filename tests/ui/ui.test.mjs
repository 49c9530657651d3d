// The web UI in headless Chromium against the real mlflow-cpp server (built binary, embedded UI),
// seeded through the REST API. Run: tests/ui/run.sh (ctest -L ui).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer } from './lib/server.mjs';
import { seed } from './lib/seed.mjs';
import { launch, watchedPage } from './lib/browser.mjs';

const TIMEOUT = 15000;
let srv, data, browser;

before(async () => {
  srv = await startServer();
  data = await seed(srv.api);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function open(hash, { allow = [] } = {}) {
  const { page, problems } = await watchedPage(browser.context);
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(`${srv.url}/${hash}`);
  return {
    page,
    // Problems other than the expected ones (regexes in `allow`).
    problems: () => problems.filter((p) => !allow.some((re) => re.test(p))),
  };
}

async function noProblems(p) {
  await p.page.waitForLoadState('networkidle');
  assert.deepEqual(p.problems(), []);
  await p.page.close();
}

const runsOf = (page) => page.locator('.vrow');

// Opaque pixels of a canvas within a small distance of a colour ('rgb(r, g, b)', as a run's
// colour dot gives it): how much of a run's line or point is on screen in its own colour.
function colorPixels(canvas, rgb) {
  return canvas.evaluate((c, color) => {
    const [r, g, b] = color.match(/\d+/g).map(Number);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 230 && Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 24) n++;
    }
    return n;
  }, rgb);
}

// Reads a canvas until `ok(count)` holds (a redraw can land a frame after the state that asked
// for it), at most `ms` milliseconds; returns the last count for the assertion's message.
// How many runs of a chart's list have the colour `rgb`: the palette has 16 colours, so two of
// three charted runs share one about once in eight seeds, and their pixels add up when none is
// hovered (a hovered run's namesakes fade, like every other run).
function runsColoured(page, rgb) {
  return page.locator('.legend-item .color-dot').evaluateAll((dots, c) => dots.filter((d) => d.style.background === c).length, rgb);
}

async function pixelsWhen(canvas, rgb, ok, ms = 3000) {
  const end = Date.now() + ms;
  let n = await colorPixels(canvas, rgb);
  while (!ok(n) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    n = await colorPixels(canvas, rgb);
  }
  return n;
}

describe('static serving', () => {
  it('serves index.html at / (no-cache) and hashed assets under /static-files/ (gzip, immutable)', async () => {
    const index = await fetch(`${srv.url}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /text\/html/);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text();
    const js = /src="\.\/static-files\/(assets\/[^"]+\.js)"/.exec(html);
    assert.ok(js, 'index.html references its script under static-files/');
    const asset = await fetch(`${srv.url}/static-files/${js[1]}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type'), /javascript/);
    assert.match(asset.headers.get('cache-control'), /immutable/);
    const etag = asset.headers.get('etag');
    const again = await fetch(`${srv.url}/static-files/${js[1]}`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal((await fetch(`${srv.url}/static-files/../../etc/passwd`)).status, 404);
    assert.equal(await (await fetch(`${srv.url}/health`)).text(), 'OK');
  });
});

describe('--static-dir', () => {
  it('serves another UI build from a directory, and refuses a directory without index.html', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'static-dir-'));
    mkdirSync(join(dir, 'static', 'js'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>other ui</title>');
    writeFileSync(join(dir, 'static', 'js', 'main.0a1b2c3d.js'), 'console.log(1)');
    const other = await startServer({ args: ['--static-dir', dir] });
    try {
      assert.match(await (await fetch(`${other.url}/`)).text(), /other ui/);
      const js = await fetch(`${other.url}/static-files/static/js/main.0a1b2c3d.js`);
      assert.equal(js.status, 200);
      assert.match(js.headers.get('cache-control'), /immutable/);
      assert.equal((await fetch(`${other.url}/static-files/index.html/../../x`)).status, 404);
      assert.equal((await fetch(`${other.url}/api/2.0/mlflow/experiments/get?experiment_id=0`)).status, 200);
    } finally {
      await other.stop();
    }
    rmSync(join(dir, 'index.html'));
    await assert.rejects(startServer({ args: ['--static-dir', dir] }), /no index\.html/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('pages render without console errors or failed requests', () => {
  const pages = () => ({
    'experiment list': '#/experiments',
    'runs table': `#/experiments/${data.exp}`,
    'chart view': `#/experiments/${data.exp}?compareRunsMode=CHART`,
    'run overview': `#/experiments/${data.exp}/runs/${data.best.run_id}`,
    'run model metrics': `#/experiments/${data.exp}/runs/${data.best.run_id}/model-metrics`,
    'run system metrics': `#/experiments/${data.exp}/runs/${data.live.run_id}/system-metrics`,
    'run artifacts': `#/experiments/${data.exp}/runs/${data.best.run_id}/artifacts/model/MLmodel`,
    'short run link': `#/runs/${data.best.run_id}`,
    'compare table': `#/compare-runs?runs=${encodeURIComponent(JSON.stringify(data.children.slice(0, 3).map((c) => c.run_id)))}&experiments=${encodeURIComponent(JSON.stringify([data.exp]))}`,
    'compare charts': `#/compare-runs?runs=${encodeURIComponent(JSON.stringify(data.children.slice(0, 3).map((c) => c.run_id)))}&tab=charts`,
    'compare parallel': `#/compare-runs?runs=${encodeURIComponent(JSON.stringify(data.children.slice(0, 3).map((c) => c.run_id)))}&tab=parallel`,
    'compare scatter': `#/compare-runs?runs=${encodeURIComponent(JSON.stringify(data.children.slice(0, 3).map((c) => c.run_id)))}&tab=scatter`,
    'compare experiments': `#/compare-experiments/s?experiments=${encodeURIComponent(JSON.stringify([data.exp, data.exp2]))}`,
    'model list': '#/models',
    'model page': '#/models/fraud-classifier',
    'model version': '#/models/fraud-classifier/versions/2',
    'logged models tab': `#/experiments/${data.exp}/models`,
    'logged model page': `#/experiments/${data.exp}/models/${data.loggedModel.info.model_id}`,
    'compare artifacts': `#/experiments/${data.exp}?compareRunsMode=ARTIFACT&artifactPath=metrics.json`,
    'eval table': `#/experiments/${data.exp}/runs/${data.best.run_id}/artifacts/eval_results_table.json`,
    'logged models charts': `#/experiments/${data.exp}/models?modelsView=charts&modelsGroupBy=source_run`,
  });
  it('every main page', async () => {
    for (const [name, hash] of Object.entries(pages())) {
      const p = await open(hash);
      await p.page.waitForSelector('h1', { timeout: TIMEOUT });
      await p.page.waitForLoadState('networkidle');
      assert.equal(await p.page.locator('.error-box').count(), 0, `${name}: an error box is shown`);
      assert.deepEqual(p.problems(), [], `${name}: console errors or failed requests`);
      await p.page.close();
    }
  });
  it('short run link lands on the run inside its experiment', async () => {
    const p = await open(`#/runs/${data.best.run_id}`);
    await p.page.waitForURL(new RegExp(`#/experiments/${data.exp}/runs/${data.best.run_id}`));
    assert.equal(await p.page.locator('[data-testid=run-title]').textContent(), 'trial-6');
    await noProblems(p);
  });
  it('dark mode is kept across reloads', async () => {
    const p = await open('#/experiments');
    await p.page.getByRole('button', { name: 'Toggle dark mode' }).click();
    const theme = await p.page.evaluate(() => document.documentElement.dataset.theme);
    await p.page.reload();
    assert.equal(await p.page.evaluate(() => document.documentElement.dataset.theme), theme);
    await p.page.getByRole('button', { name: 'Toggle dark mode' }).click();
    assert.notEqual(await p.page.evaluate(() => document.documentElement.dataset.theme), theme);
    await noProblems(p);
  });
});

describe('experiments', () => {
  it('creates, renames and searches experiments', async () => {
    const p = await open('#/experiments');
    await p.page.getByRole('button', { name: 'Create experiment' }).click();
    await p.page.getByLabel('Experiment name').fill('ui-created');
    await p.page.getByRole('button', { name: 'Create', exact: true }).click();
    await p.page.waitForURL(/#\/experiments\/\d+$/);
    await p.page.waitForSelector('h1:has-text("ui-created")');
    await p.page.goto(`${srv.url}/#/experiments?search=ui-created`);
    await p.page.getByRole('link', { name: 'ui-created' }).waitFor();
    await p.page.getByRole('button', { name: 'Rename' }).click();
    await p.page.getByLabel('New name').fill('ui-renamed');
    await p.page.getByRole('button', { name: 'Save' }).click();
    await p.page.goto(`${srv.url}/#/experiments?search=renamed`);
    await p.page.getByRole('link', { name: 'ui-renamed' }).waitFor();
    const found = await srv.api.post('experiments/search', { max_results: 10, filter: "name = 'ui-renamed'" });
    assert.equal(found.experiments.length, 1);
    await noProblems(p);
  });
});

describe('runs table', () => {
  it('filters with MLflow syntax and shows the server error next to the box', async () => {
    const p = await open(`#/experiments/${data.exp}`, { allow: [/http 400: .*runs\/search/, /console: Failed to load resource.*400/] });
    await runsOf(p.page).first().waitFor();
    const box = p.page.getByLabel('Search runs');
    await box.fill("params.max_depth = '8' and metrics.f1 > 0.8");
    await box.press('Enter');
    await p.page.waitForURL(/searchFilter=/);
    await p.page.waitForFunction(() => document.querySelectorAll('.vrow').length > 0 && [...document.querySelectorAll('.vrow .vsticky a')].every((a) => a.textContent.startsWith('trial')));
    const expected = (await srv.api.post('runs/search', { experiment_ids: [data.exp], filter: "params.max_depth = '8' and metrics.f1 > 0.8", max_results: 100 })).runs.length;
    assert.ok(expected > 0);
    assert.equal(await runsOf(p.page).count(), expected);
    await box.fill('metrics.f1 >>> 2');
    await box.press('Enter');
    const err = p.page.getByTestId('filter-error');
    await err.waitFor();
    assert.match(await err.textContent(), /.+/);
    assert.equal(await p.page.locator('.spinner').count(), 0, 'no spinner left after an error');
    assert.deepEqual(p.problems(), []);
    await p.page.close();
  });

  it('sorts on a metric column through the server', async () => {
    const p = await open(`#/experiments/${data.exp}?searchFilter=${encodeURIComponent("tags.stage = 'dev'")}`);
    await runsOf(p.page).first().waitFor();
    await p.page.locator('[role=columnheader]', { hasText: /^f1/ }).click();
    await p.page.waitForURL(/orderByKey=metrics/);
    const expected = (await srv.api.post('runs/search', { experiment_ids: [data.exp], filter: "tags.stage = 'dev'", order_by: ['metrics.`f1` DESC'], max_results: 100 })).runs;
    await p.page.waitForFunction((name) => document.querySelector('.vrow .vsticky a')?.textContent === name, expected[0].info.run_name);
    await p.page.locator('[role=columnheader]', { hasText: /^f1/ }).click();
    await p.page.waitForURL(/orderByAsc=true/);
    await p.page.waitForFunction((name) => document.querySelector('.vrow .vsticky a')?.textContent === name, expected[expected.length - 1].info.run_name);
    await noProblems(p);
  });

  it('column picker hides and shows columns', async () => {
    const p = await open(`#/experiments/${data.exp}`);
    await runsOf(p.page).first().waitFor();
    const header = (name) => p.page.locator('[role=columnheader]', { hasText: new RegExp(`^${name}`) });
    assert.equal(await header('accuracy').count(), 1);
    assert.equal(await header('stage').count(), 0);
    await p.page.getByRole('button', { name: /Columns/ }).click();
    const picker = p.page.getByRole('dialog', { name: 'Columns' });
    await picker.getByLabel('accuracy').uncheck();
    await picker.getByLabel('stage').check();
    // Columns are virtualized: scroll to the far right, where tag columns are.
    const scrollRight = () => p.page.locator('.vtable').evaluate((el) => { el.scrollLeft = el.scrollWidth; });
    assert.equal(await header('accuracy').count(), 0);
    await scrollRight();
    await header('stage').waitFor();
    // Kept per experiment across reloads.
    await p.page.reload();
    await runsOf(p.page).first().waitFor();
    assert.equal(await header('accuracy').count(), 0);
    await scrollRight();
    await header('stage').waitFor();
    await noProblems(p);
  });

  it('pins a run to the top and hides a run from the charts', async () => {
    const p = await open(`#/experiments/${data.exp}`);
    await runsOf(p.page).first().waitFor();
    const row = (name) => p.page.locator('.vrow', { has: p.page.locator('.vsticky a', { hasText: name }) });
    await row('baseline-logreg').getByRole('button', { name: 'Pin run' }).click();
    await p.page.waitForFunction(() => document.querySelector('.vrow .vsticky a')?.textContent === 'baseline-logreg');
    await p.page.getByRole('button', { name: 'Chart', exact: true }).click();
    const loss = p.page.locator('[data-metric=loss] [data-testid=line-chart]');
    await loss.waitFor();
    assert.equal(await loss.getAttribute('data-series-count'), '2');  // baseline-logreg and nightly-retrain
    await p.page.getByRole('button', { name: 'Table', exact: true }).click();
    await row('nightly-retrain').getByRole('button', { name: 'Hide run in charts' }).click();
    await p.page.getByRole('button', { name: 'Chart', exact: true }).click();
    await p.page.locator('[data-metric=loss] [data-testid=line-chart][data-series-count="1"]').waitFor();
    // Undo, so the other tests see the default view (the choice is kept in localStorage).
    await p.page.getByRole('button', { name: 'Table', exact: true }).click();
    await row('nightly-retrain').getByRole('button', { name: 'Show run in charts' }).click();
    await row('baseline-logreg').getByRole('button', { name: 'Unpin run' }).click();
    await noProblems(p);
  });

  it('nested runs expand, selection leads to compare', async () => {
    const p = await open(`#/experiments/${data.exp}`);
    await runsOf(p.page).first().waitFor();
    const before = await runsOf(p.page).count();
    await p.page.getByRole('button', { name: 'Expand child runs' }).click();
    await p.page.waitForFunction((n) => document.querySelectorAll('.vrow').length === n + 8, before);
    await p.page.getByLabel('Select run trial-1').check();
    await p.page.getByLabel('Select run trial-2').check();
    await p.page.getByRole('button', { name: 'Compare' }).click();
    await p.page.waitForURL(/#\/compare-runs\?runs=/);
    await p.page.getByTestId('compare-params').waitFor();
    assert.equal(await p.page.locator('[data-testid=compare-params] thead th').count(), 3);
    await noProblems(p);
  });
});

describe('charts', () => {
  it('a chart draws one series per selected run', async () => {
    const p = await open(`#/experiments/${data.exp}`);
    await runsOf(p.page).first().waitFor();
    await p.page.getByRole('button', { name: 'Expand child runs' }).click();
    for (const n of [1, 2, 3]) await p.page.getByLabel(`Select run trial-${n}`).check();
    await p.page.getByRole('button', { name: 'Chart', exact: true }).click();
    const chart = p.page.locator('[data-metric=loss] [data-testid=line-chart]');
    await chart.waitFor();
    await p.page.locator('[data-metric=loss] canvas').first().waitFor();
    assert.equal(await chart.getAttribute('data-series-count'), '3');
    // Smoothing and log scale redraw without errors.
    await p.page.getByRole('button', { name: 'Relative' }).click();
    await p.page.waitForURL(/x_axis=relative/);
    await p.page.getByLabel('Log scale').check();
    await p.page.getByLabel('Log x').check();
    await p.page.waitForURL(/x_axis_scale=log/);
    await p.page.locator('[data-metric=loss] canvas').first().waitFor();
    assert.equal(await chart.getAttribute('data-series-count'), '3');
    await noProblems(p);
  });
});

describe('run page', () => {
  it('previews CSV, JSON, YAML, an image; refuses binary and too-large files with a message', async () => {
    const base = `#/experiments/${data.exp}/runs/${data.best.run_id}/artifacts`;
    const p = await open(`${base}/data/sample.csv`);
    await p.page.getByTestId('csv-table').waitFor();
    assert.equal(await p.page.locator('[data-testid=csv-table] tbody tr').count(), 4);
    assert.equal(await p.page.locator('[data-testid=csv-table] tbody tr').nth(3).locator('td').nth(2).textContent(), 'food, delivery');
    await p.page.goto(`${srv.url}/${base}/metrics.json`);
    await p.page.getByTestId('json-preview').waitFor();
    assert.match(await p.page.getByTestId('json-preview').textContent(), /"threshold": 0.42/);
    await p.page.goto(`${srv.url}/${base}/model/MLmodel`);
    await p.page.getByTestId('yaml-preview').waitFor();
    await p.page.getByTestId('model-signature').waitFor();
    assert.match(await p.page.getByTestId('model-signature').textContent(), /merchant_category/);
    await p.page.goto(`${srv.url}/${base}/plots/confusion_matrix.png`);
    const img = p.page.locator('[data-testid=artifact-view] img');
    await img.waitFor();
    await p.page.waitForFunction(() => document.querySelector('[data-testid=artifact-view] img')?.naturalWidth === 160);
    await p.page.goto(`${srv.url}/${base}/model/model.pkl`);
    await p.page.getByText('No preview for this file type').waitFor();
    await p.page.goto(`${srv.url}/${base}/logs/debug-dump.log`);
    await p.page.getByTestId('preview-too-large').waitFor();
    await p.page.goto(`${srv.url}/${base}/logs/train.log`);
    await p.page.getByTestId('text-preview').waitFor();
    await noProblems(p);
  });

  it('detects a binary file behind a text extension', async () => {
    const uri = (await srv.api.get('runs/get', { run_id: data.baseline.run_id })).run.info.artifact_uri;
    await srv.api.upload(uri, 'weights.txt', Buffer.from([0, 1, 2, 3, 0, 255, 254]));
    const p = await open(`#/experiments/${data.exp}/runs/${data.baseline.run_id}/artifacts/weights.txt`);
    await p.page.getByTestId('preview-binary').waitFor();
    await noProblems(p);
  });

  it('a tag edit is saved', async () => {
    const p = await open(`#/experiments/${data.exp}/runs/${data.baseline.run_id}`);
    await p.page.getByLabel('New tag key').fill('reviewed_by');
    await p.page.getByLabel('New tag value').fill('lea');
    await p.page.getByRole('button', { name: 'Add tag' }).click();
    await p.page.locator('td', { hasText: 'reviewed_by' }).waitFor();
    let run = (await srv.api.get('runs/get', { run_id: data.baseline.run_id })).run;
    assert.equal(run.data.tags.find((t) => t.key === 'reviewed_by')?.value, 'lea');
    await p.page.locator('tr', { hasText: 'reviewed_by' }).getByRole('button', { name: 'Edit' }).click();
    await p.page.getByLabel('Value of reviewed_by').fill('max');
    await p.page.getByLabel('Value of reviewed_by').press('Enter');
    await p.page.locator('td', { hasText: 'max' }).waitFor();
    run = (await srv.api.get('runs/get', { run_id: data.baseline.run_id })).run;
    assert.equal(run.data.tags.find((t) => t.key === 'reviewed_by')?.value, 'max');
    // The description is the mlflow.note.content tag.
    await p.page.getByRole('button', { name: 'Edit description' }).click();
    await p.page.getByLabel('Description').fill('Baseline for **all** trials');
    await p.page.getByRole('button', { name: 'Save' }).click();
    await p.page.locator('.markdown strong', { hasText: 'all' }).waitFor();
    run = (await srv.api.get('runs/get', { run_id: data.baseline.run_id })).run;
    assert.equal(run.data.tags.find((t) => t.key === 'mlflow.note.content')?.value, 'Baseline for **all** trials');
    await noProblems(p);
  });

  it('an unknown run id shows "Run not found"', async () => {
    const p = await open(`#/experiments/${data.exp}/runs/0123456789abcdef0123456789abcdef`, { allow: [/http 404/, /console: Failed to load resource/] });
    await p.page.getByText('Run not found').waitFor();
    assert.deepEqual(p.problems(), []);
    await p.page.close();
  });
});

describe('model registry', () => {
  it('a model version alias moves', async () => {
    const p = await open('#/models/fraud-classifier/versions/3');
    await p.page.getByLabel('New alias').fill('champion');
    await p.page.getByRole('button', { name: 'Set alias' }).click();
    await p.page.locator('[data-testid=version-aliases]', { hasText: '@champion' }).waitFor();
    const model = (await srv.api.get('registered-models/get', { name: 'fraud-classifier' })).registered_model;
    assert.equal(model.aliases.find((a) => a.alias === 'champion')?.version, '3');
    await p.page.getByRole('link', { name: 'fraud-classifier' }).click();
    await p.page.getByTestId('versions-table').waitFor();
    assert.match(await p.page.locator('[data-testid=versions-table] tr', { hasText: 'Version 3' }).textContent(), /@champion/);
    assert.doesNotMatch(await p.page.locator('[data-testid=versions-table] tr', { hasText: 'Version 2' }).textContent(), /@champion/);
    await noProblems(p);
  });

  it('a stage transition is saved and the source run is linked', async () => {
    const p = await open('#/models/fraud-classifier/versions/1');
    await p.page.getByLabel('Transition stage').selectOption('Staging');
    await p.page.locator('.badge', { hasText: 'Staging' }).first().waitFor();
    const mv = (await srv.api.get('model-versions/get', { name: 'fraud-classifier', version: '1' })).model_version;
    assert.equal(mv.current_stage, 'Staging');
    await p.page.getByTestId('source-run-link').click();
    await p.page.waitForURL(new RegExp(`/runs/${mv.run_id}`));
    await p.page.getByTestId('run-title').waitFor();
    await noProblems(p);
  });
});

describe('runs table grouping', () => {
  it('groups runs by a param with min / avg / max of each metric, groups collapse', async () => {
    const p = await open(`#/experiments/${data.exp}`);
    await runsOf(p.page).first().waitFor();
    await p.page.getByLabel('Group by').selectOption('param:model');
    await p.page.waitForURL(/groupBy=param%3Amodel/);
    const group = (v) => p.page.locator(`.group-row[data-group="${v}"]`);
    await group('xgboost').waitFor();
    await group('logistic_regression').waitFor();
    const xgb = (await srv.api.post('runs/search', { experiment_ids: [data.exp], filter: "params.model = 'xgboost'", max_results: 100 })).runs;
    assert.ok(xgb.length > 2);
    assert.equal(await group('xgboost').getByTestId('group-count').textContent(), String(xgb.length));
    const f1s = xgb.flatMap((r) => (r.data.metrics ?? []).filter((m) => m.key === 'f1').map((m) => m.value));
    assert.ok(f1s.length > 1);
    const cell = group('xgboost').locator('[data-metric=f1] [data-value]');
    const avg = f1s.reduce((a, b) => a + b, 0) / f1s.length;
    assert.ok(Math.abs(Number(await cell.getAttribute('data-value')) - avg) < 1e-9, 'average by default');
    await p.page.getByLabel('Aggregate').selectOption('max');
    await p.page.waitForURL(/groupAgg=max/);
    await p.page.waitForFunction((v) => Number(document.querySelector('.group-row[data-group="xgboost"] [data-metric=f1] [data-value]')?.getAttribute('data-value')) === v, Math.max(...f1s));
    await p.page.getByLabel('Aggregate').selectOption('min');
    await p.page.waitForFunction((v) => Number(document.querySelector('.group-row[data-group="xgboost"] [data-metric=f1] [data-value]')?.getAttribute('data-value')) === v, Math.min(...f1s));
    // Collapsing the group hides its runs, expanding brings them back.
    const before = await runsOf(p.page).count();
    await p.page.getByRole('button', { name: 'Collapse group xgboost' }).click();
    await p.page.waitForFunction((n) => document.querySelectorAll('.vrow').length === n, before - xgb.length);
    await p.page.getByRole('button', { name: 'Expand group xgboost' }).click();
    await p.page.waitForFunction((n) => document.querySelectorAll('.vrow').length === n, before);
    // The group's checkbox selects all its runs.
    await group('logistic_regression').getByRole('checkbox').check();
    await p.page.getByText('1 selected').waitFor();
    await noProblems(p);
  });
});

describe('chart hover and x-axis', () => {
  const chartOf = (page, key) => page.locator(`[data-metric="${key}"] [data-testid=line-chart]`);
  async function threeRunsCharted() {
    const p = await open(`#/experiments/${data.exp}`);
    await runsOf(p.page).first().waitFor();
    await p.page.getByRole('button', { name: 'Expand child runs' }).click();
    for (const n of [1, 2, 3]) await p.page.getByLabel(`Select run trial-${n}`).check();
    await p.page.getByRole('button', { name: 'Chart', exact: true }).click();
    await p.page.locator('[data-metric=loss] canvas').first().waitFor();
    await p.page.locator('[data-metric=accuracy] canvas').first().waitFor();
    return p;
  }
  it('hovering a run in the list highlights it in every chart; hovering a line marks the run and shows a tooltip', async () => {
    const p = await threeRunsCharted();
    const id = data.children[1].run_id;  // trial-2
    await p.page.locator('.legend-item', { hasText: 'trial-2' }).hover();
    for (const key of ['loss', 'accuracy']) {
      await p.page.waitForFunction(([k, v]) => document.querySelector(`[data-metric="${k}"] [data-testid=line-chart]`)?.dataset.highlight === v, [key, id]);
    }
    assert.equal(await p.page.locator('[data-metric=f1] [data-testid=bar-chart]').getAttribute('data-highlight'), id);
    // Leaving the list clears the highlight.
    await p.page.mouse.move(5, 5);
    await p.page.waitForFunction(() => document.querySelector('[data-metric="loss"] [data-testid=line-chart]')?.dataset.highlight === '');
    // Hover a line: the tooltip names the run, step and value; the run is marked in the list and
    // highlighted in the other chart.
    const over = chartOf(p.page, 'loss').locator('.u-over');
    await over.scrollIntoViewIfNeeded();
    const box = await over.boundingBox();
    await p.page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.5);
    await p.page.mouse.move(box.x + box.width * 0.12, box.y + box.height * 0.5);
    const tip = chartOf(p.page, 'loss').locator('.u-tooltip');
    await tip.waitFor({ state: 'visible' });
    assert.match(await tip.textContent(), /^step \d+.*trial-\d/);
    const marked = p.page.locator('.legend-item.on');
    await marked.waitFor();
    const markedId = await marked.getAttribute('data-run-id');
    assert.ok([1, 2, 3].some((n) => data.children[n - 1].run_id === markedId));
    assert.equal(await chartOf(p.page, 'accuracy').getAttribute('data-highlight'), markedId);
    await noProblems(p);
  });

  it('the hovered run\'s line keeps its own colour and is drawn thicker, over the faded others', async () => {
    const p = await threeRunsCharted();
    const canvas = chartOf(p.page, 'loss').locator('canvas').first();
    for (const name of ['trial-1', 'trial-2', 'trial-3']) {
      const item = p.page.locator('.legend-item', { hasText: name });
      const rgb = await item.locator('.color-dot').evaluate((e) => e.style.background);
      await p.page.mouse.move(5, 5);
      await p.page.waitForFunction(() => document.querySelector('[data-metric="loss"] [data-testid=line-chart]')?.dataset.highlight === '');
      const plain = await colorPixels(canvas, rgb) / await runsColoured(p.page, rgb);
      const id = await item.getAttribute('data-run-id');
      await item.hover();
      await p.page.waitForFunction((v) => document.querySelector('[data-metric="loss"] [data-testid=line-chart]')?.dataset.highlight === v, id);
      const emphasised = await pixelsWhen(canvas, rgb, (n) => n >= 2 * plain);
      // Its own colour, twice as wide and on top: at least twice the pixels of that colour (a line
      // left under the others, or drawn in another colour, has about as many or fewer).
      assert.ok(plain > 50, `${name}: ${plain} pixels of ${rgb} without hover`);
      assert.ok(emphasised >= 2 * plain, `${name}: ${emphasised} pixels of ${rgb} when hovered, ${plain} a run of that colour when not`);
    }
    await noProblems(p);
  });

  it('a scatter chart highlights the run hovered in the list or in another chart', async () => {
    const p = await threeRunsCharted();
    await p.page.getByRole('button', { name: 'Add chart' }).click();
    await p.page.getByLabel('Chart type').selectOption('scatter');
    await p.page.getByRole('button', { name: 'Add', exact: true }).click();
    try {
      await scatterHighlights(p);
    } finally {
      // The added chart is kept per experiment: the other tests see the default layout.
      await p.page.evaluate((k) => localStorage.removeItem(k), `mlflow-cpp.charts.${data.exp}`);
    }
    await noProblems(p);
  });
  async function scatterHighlights(p) {
    const scatter = p.page.locator('[data-testid=scatter-plot][data-series-count="3"]');
    await scatter.locator('canvas').waitFor();
    const id = data.children[1].run_id;  // trial-2
    const item = p.page.locator('.legend-item', { hasText: 'trial-2' });
    const rgb = await item.locator('.color-dot').evaluate((e) => e.style.background);
    // The dialog's Add button was under the pointer: once it closes, a chart or the list may be, and
    // hover a run. Away from both, nothing is highlighted.
    await p.page.mouse.move(5, 5);
    await p.page.waitForFunction(() => document.querySelector('[data-testid=scatter-plot]')?.dataset.highlight === '');
    const plain = await colorPixels(scatter.locator('canvas'), rgb) / await runsColoured(p.page, rgb);
    await item.hover();
    await p.page.waitForFunction((v) => document.querySelector('[data-testid=scatter-plot]')?.dataset.highlight === v, id);
    // Drawn larger, in its colour, on top.
    const emphasised = await pixelsWhen(scatter.locator('canvas'), rgb, (n) => n >= 2 * plain);
    assert.ok(plain > 20 && emphasised >= 2 * plain, `${emphasised} pixels of ${rgb} when hovered, ${plain} a run of that colour when not`);
    await p.page.mouse.move(5, 5);
    await p.page.waitForFunction(() => document.querySelector('[data-testid=scatter-plot]')?.dataset.highlight === '');
    // A run hovered in a line chart is highlighted in the scatter too.
    const over = chartOf(p.page, 'loss').locator('.u-over');
    await over.scrollIntoViewIfNeeded();
    const box = await over.boundingBox();
    await p.page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.5);
    await p.page.mouse.move(box.x + box.width * 0.12, box.y + box.height * 0.5);
    const marked = await p.page.locator('.legend-item.on').getAttribute('data-run-id');
    await p.page.waitForFunction((v) => document.querySelector('[data-testid=scatter-plot]')?.dataset.highlight === v, marked, { timeout: 3000 })
      .catch(() => {});
    assert.equal(await scatter.getAttribute('data-highlight'), marked);
  }

  it('another metric as the x-axis', async () => {
    const p = await threeRunsCharted();
    await p.page.getByLabel('X-axis metric').selectOption('accuracy');
    await p.page.waitForURL(/x_axis=metric%3Aaccuracy/);
    await p.page.waitForFunction(() => document.querySelector('[data-metric="loss"] [data-testid=line-chart] canvas') !== null);
    assert.equal(await chartOf(p.page, 'loss').getAttribute('data-series-count'), '3');
    const over = chartOf(p.page, 'loss').locator('.u-over');
    await over.scrollIntoViewIfNeeded();
    const box = await over.boundingBox();
    await p.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await p.page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.5);
    const tip = chartOf(p.page, 'loss').locator('.u-tooltip');
    await tip.waitFor({ state: 'visible' });
    // x is an accuracy value (0..1), and each line still says its step.
    const m = /^accuracy (0\.\d+|1)/.exec(await tip.textContent());
    assert.ok(m, await tip.textContent());
    assert.match(await tip.textContent(), /step \d+/);
    await noProblems(p);
  });
});

describe('chart axis range and empty charts', () => {
  it('a line chart keeps a chosen y-axis range; "Hide empty charts" hides charts of metrics the shown runs lack', async () => {
    const p = await open(`#/experiments/${data.exp}`);
    await runsOf(p.page).first().waitFor();
    await p.page.getByRole('button', { name: 'Expand child runs' }).click();
    for (const n of [1, 2, 3]) await p.page.getByLabel(`Select run trial-${n}`).check();
    await p.page.getByRole('button', { name: 'Chart', exact: true }).click();
    const loss = p.page.locator('[data-metric="loss"] [data-testid=line-chart]');
    await p.page.locator('[data-metric=loss] canvas').first().waitFor();
    assert.notEqual(await loss.getAttribute('data-y-scale'), '0.1,0.5');
    await p.page.getByRole('button', { name: 'Edit chart loss' }).click();
    await p.page.getByLabel('Y-axis min').fill('0.1');
    await p.page.getByLabel('Y-axis max').fill('0.5');
    await p.page.getByRole('button', { name: 'Save' }).click();
    await p.page.waitForFunction(() => document.querySelector('[data-metric="loss"] [data-testid=line-chart]')?.dataset.yScale === '0.1,0.5');
    // Only the baseline run shown: it has no accuracy, so that chart is empty, and can be hidden.
    await p.page.goto(`${srv.url}/#/experiments/${data.exp}?compareRunsMode=CHART&searchFilter=${encodeURIComponent("attributes.run_name = 'baseline-logreg'")}`);
    await p.page.locator('.chart-cell[data-title="accuracy"]').waitFor();
    await p.page.getByLabel('Hide empty charts').check();
    await p.page.waitForURL(/hide_empty=true/);
    await p.page.waitForFunction(() => !document.querySelector('.chart-cell[data-title="accuracy"]'));
    assert.equal(await p.page.locator('.chart-cell[data-title="loss"]').count(), 1);
    await p.page.getByLabel('Hide empty charts').uncheck();
    await p.page.getByRole('button', { name: 'Reset layout' }).click();
    await noProblems(p);
  });
});

describe('chart grid layout', () => {
  it('adds scatter and parallel charts, edits, reorders, resizes and deletes; the layout is kept per experiment', async () => {
    const p = await open(`#/experiments/${data.exp2}?compareRunsMode=CHART`);
    await p.page.locator('[data-metric=iou]').waitFor();
    const titles = () => p.page.locator('.chart-cell').evaluateAll((els) => els.map((e) => e.dataset.title));
    const addChart = async (type) => {
      await p.page.getByRole('button', { name: 'Add chart' }).click();
      await p.page.getByLabel('Chart type').selectOption(type);
      await p.page.getByRole('button', { name: 'Add', exact: true }).click();
    };
    await addChart('scatter');
    await p.page.locator('.chart-cell[data-title="iou vs epochs"] [data-testid=scatter-plot][data-series-count="3"]').waitFor();
    await addChart('parallel');
    await p.page.locator('.chart-cell[data-title="Parallel coordinates (2)"] [data-testid=parallel-coordinates][data-series-count="3"]').waitFor();
    assert.deepEqual(await titles(), ['Parallel coordinates (2)', 'iou vs epochs', 'iou']);
    // Drag the scatter's grip onto the parallel chart: it takes its place.
    await p.page.getByLabel('Move chart iou vs epochs').dragTo(p.page.locator('.chart-cell[data-title="Parallel coordinates (2)"]'));
    await p.page.waitForFunction(() => document.querySelector('.chart-cell')?.dataset.title === 'iou vs epochs');
    // Edit: swap the scatter's axes.
    await p.page.getByRole('button', { name: 'Edit chart iou vs epochs' }).click();
    await p.page.getByLabel('X axis').selectOption('metrics:iou');
    await p.page.getByLabel('Y axis').selectOption('params:epochs');
    await p.page.getByRole('button', { name: 'Save' }).click();
    await p.page.locator('.chart-cell[data-title="epochs vs iou"]').waitFor();
    // Resize by the corner: two columns wide, 100 px taller.
    const cell = p.page.locator('.chart-cell[data-title="epochs vs iou"]');
    const h0 = Number(await cell.getAttribute('data-height'));
    const handle = await cell.locator('.chart-resize').boundingBox();
    await p.page.mouse.move(handle.x + 6, handle.y + 6);
    await p.page.mouse.down();
    await p.page.mouse.move(handle.x + 300, handle.y + 60, { steps: 5 });
    await p.page.mouse.move(handle.x + 600, handle.y + 106, { steps: 5 });
    await p.page.mouse.up();
    await p.page.waitForFunction((h) => document.querySelector('.chart-cell[data-title="epochs vs iou"]')?.dataset.height === String(h), h0 + 100);
    assert.equal(await cell.getAttribute('data-span'), '2');
    // Delete the automatic iou chart.
    await p.page.getByRole('button', { name: 'Delete chart iou' }).click();
    await p.page.waitForFunction(() => !document.querySelector('.chart-cell[data-title="iou"]'));
    // Kept across a reload, for this experiment only.
    await p.page.reload();
    await p.page.locator('.chart-cell[data-title="epochs vs iou"] [data-testid=scatter-plot]').waitFor();
    assert.deepEqual(await titles(), ['epochs vs iou', 'Parallel coordinates (2)']);
    assert.equal(await cell.getAttribute('data-span'), '2');
    assert.equal(await cell.getAttribute('data-height'), String(h0 + 100));
    const stored = await p.page.evaluate((k) => JSON.parse(localStorage.getItem(k)), `mlflow-cpp.charts.${data.exp2}`);
    assert.equal(stored.charts.length, 2);
    // Reset brings back one chart per metric.
    await p.page.getByRole('button', { name: 'Reset layout' }).click();
    await p.page.locator('.chart-cell[data-title="iou"]').waitFor();
    assert.deepEqual(await titles(), ['iou']);
    assert.equal(await p.page.evaluate((k) => localStorage.getItem(k), `mlflow-cpp.charts.${data.exp2}`), null);
    await noProblems(p);
  });
});

describe('compare artifacts', () => {
  it('compareRunsMode=ARTIFACT previews one file for each selected run', async () => {
    const p = await open(`#/experiments/${data.exp}`);
    await runsOf(p.page).first().waitFor();
    await p.page.getByRole('button', { name: 'Expand child runs' }).click();
    await p.page.getByLabel('Select run trial-6').check();
    await p.page.getByLabel('Select run trial-1').check();
    await p.page.getByRole('button', { name: 'Artifacts', exact: true }).click();
    await p.page.waitForURL(/compareRunsMode=ARTIFACT/);
    const node = p.page.locator('[data-testid=artifact-compare] .node[data-path="metrics.json"]');
    await node.waitFor();
    assert.match(await node.textContent(), /1\/2/);
    await node.click();
    await p.page.waitForURL(/artifactPath=metrics.json/);
    const col = (id) => p.page.locator(`.artifact-compare-col[data-run-id="${id}"]`);
    await col(data.best.run_id).getByTestId('json-preview').waitFor();
    assert.match(await col(data.best.run_id).getByTestId('json-preview').textContent(), /"threshold": 0.42/);
    await col(data.children[0].run_id).getByTestId('artifact-missing').waitFor();
    // Into a folder and back up.
    await p.page.locator('[data-testid=artifact-compare] .node[data-path="model"]').click();
    await p.page.locator('[data-testid=artifact-compare] .node[data-path="model/MLmodel"]').click();
    await col(data.best.run_id).getByTestId('yaml-preview').waitFor();
    await noProblems(p);
  });
});

describe('evaluation tables', () => {
  it('an eval-table JSON artifact is shown as a grid', async () => {
    const p = await open(`#/experiments/${data.exp}/runs/${data.best.run_id}/artifacts/eval_results_table.json`);
    const table = p.page.getByTestId('eval-table');
    await table.waitFor();
    assert.deepEqual(await table.locator('thead th').allTextContents(), ['inputs', 'prediction', 'label', 'score']);
    assert.equal(await table.locator('tbody tr').count(), 3);
    assert.equal(await table.locator('tbody tr').nth(2).locator('td').nth(3).textContent(), '0.61');
    await p.page.getByLabel('Filter rows').fill('hour=3');
    await p.page.waitForFunction(() => document.querySelectorAll('[data-testid=eval-table] tbody tr').length === 1);
    await p.page.getByRole('button', { name: 'Show JSON' }).click();
    assert.match(await p.page.getByTestId('json-preview').textContent(), /"columns"/);
    await noProblems(p);
  });
});

describe('logged models', () => {
  it('groups, orders and charts the models of an experiment', async () => {
    const p = await open(`#/experiments/${data.exp}/models`);
    const rows = p.page.locator('table[aria-label="Logged models"] tbody tr[data-model-id]');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2);
    await p.page.getByLabel('Order models by').selectOption('metric:val_f1 (holdout)');
    await p.page.waitForURL(/modelsOrder=/);
    assert.equal(await rows.first().getAttribute('data-model-id'), data.loggedModel.info.model_id);
    await p.page.getByLabel('Order models by').selectOption('name');
    await p.page.waitForFunction((id) => document.querySelector('table[aria-label="Logged models"] tbody tr[data-model-id]')?.dataset.modelId === id, data.loggedModel2.info.model_id);
    await p.page.getByLabel('Group models by').selectOption('model_type');
    await p.page.locator('tr.group-row[data-group="classifier"]').waitFor();
    await p.page.locator('tr.group-row[data-group="baseline"]').waitFor();
    await p.page.getByRole('button', { name: 'Charts', exact: true }).click();
    const charts = p.page.getByTestId('model-metric-chart');
    await charts.first().waitFor();
    assert.equal(await charts.count(), 2);
    for (const c of await charts.all()) assert.equal(await c.getAttribute('data-series-count'), '2');
    await noProblems(p);
  });

  it('the traces tab lists the model\'s traces, or says tracing is not available', async () => {
    const res = await fetch(`${srv.url}/ajax-api/3.0/mlflow/traces/search`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: data.exp } }], max_results: 1 }),
    });
    const p = await open(`#/experiments/${data.exp}/models/${data.loggedModel.info.model_id}/traces`, { allow: [/http 404: .*traces\/search/, /console: Failed to load resource.*404/] });
    if (res.status === 404) await p.page.getByTestId('traces-unavailable').waitFor();
    else {
      assert.equal(res.status, 200);
      await p.page.getByText('No traces').waitFor();
    }
    assert.equal(await p.page.locator('.error-box').count(), 0);
    assert.equal(await p.page.locator('.loading').count(), 0);
    await p.page.waitForLoadState('networkidle');
    assert.deepEqual(p.problems(), []);
    await p.page.close();
  });
});

describe('10,000 runs', () => {
  let experiment_id;
  it('load and scroll without rendering them all', async () => {
    ({ experiment_id } = await srv.api.post('experiments/create', { name: 'many-runs' }));
    const N = 10000;
    let next = 0;
    const worker = async () => {
      while (next < N) {
        const i = next++;
        const { run } = await srv.api.post('runs/create', { experiment_id, run_name: `r${String(i).padStart(5, '0')}`, start_time: 1700000000000 + i });
        await srv.api.post('runs/log-batch', { run_id: run.info.run_id, params: [{ key: 'i', value: String(i) }], metrics: [{ key: 'm', value: i, timestamp: 1, step: 0 }, { key: 'm', value: i + 1, timestamp: 2, step: 1 }] });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const p = await open(`#/experiments/${experiment_id}`);
    await runsOf(p.page).first().waitFor();
    await p.page.getByRole('button', { name: 'Load all' }).click();
    await p.page.getByText(`${N} runs loaded`).waitFor({ timeout: 60000 });
    const rendered = await runsOf(p.page).count();
    assert.ok(rendered < 120, `only visible rows are in the DOM (${rendered})`);
    await p.page.locator('.vtable').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await p.page.locator('.vrow .vsticky a', { hasText: 'r00000' }).waitFor();
    await noProblems(p);
  });

  it('"Runs in charts" offers MLflow\'s choices; all 10,000 runs chart quickly, none hides the charts', async () => {
    const p = await open(`#/experiments/${experiment_id}`);
    await runsOf(p.page).first().waitFor();
    const choice = p.page.getByLabel('Runs in charts');
    assert.deepEqual(await choice.locator('option').allTextContents(), ['Show first 10', 'Show first 20', 'Show all runs', 'Hide all runs', 'Hide finished runs']);
    await p.page.getByRole('button', { name: 'Load all' }).click();
    await p.page.getByText(`10000 runs loaded`).waitFor({ timeout: 60000 });
    await p.page.getByRole('button', { name: 'Chart', exact: true }).click();
    const chart = (n) => p.page.locator(`[data-metric=m] [data-testid=line-chart][data-series-count="${n}"] canvas`);
    await chart(10).waitFor();
    await choice.selectOption({ label: 'Show first 20' });
    await chart(20).waitFor();
    const t0 = Date.now();
    await choice.selectOption({ label: 'Show all runs' });
    await chart(10000).waitFor({ timeout: 60000 });
    const ms = Date.now() - t0;
    console.log(`# chart of 10,000 runs drawn in ${ms} ms`);
    assert.ok(ms < 30000, `a chart of all 10,000 runs took ${ms} ms`);
    await p.page.getByTestId('charted-count').getByText('Charting 10000 of the 10000 loaded runs').waitFor();
    // Hovering a run of the 10,000 still highlights it.
    await p.page.locator('.legend-item').nth(3).hover();
    await p.page.waitForFunction(() => (document.querySelector('[data-metric=m] [data-testid=line-chart]')?.dataset.highlight ?? '') !== '');
    await choice.selectOption({ label: 'Hide all runs' });
    await p.page.getByText('No runs to chart').waitFor();
    // The eye of a row overrides the mode.
    await p.page.getByRole('button', { name: 'Table', exact: true }).click();
    await runsOf(p.page).first().getByRole('button', { name: 'Show run in charts' }).click();
    await p.page.getByRole('button', { name: 'Chart', exact: true }).click();
    await chart(1).waitFor();
    await noProblems(p);
  });
});

describe('a server that goes down', () => {
  it('shows a clear message, not a blank page or a stuck spinner', async () => {
    const own = await startServer();
    const { experiment_id } = await own.api.post('experiments/create', { name: 'short-lived' });
    const { page } = await watchedPage(browser.context);
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(`${own.url}/#/experiments`);
    await page.getByRole('link', { name: 'short-lived' }).waitFor();
    await own.stop();
    // The page is loaded; moving inside it (no reload) makes API calls that now fail.
    await page.evaluate((id) => { window.location.hash = `#/experiments/${id}`; }, experiment_id);
    await page.getByText('Server unreachable').first().waitFor();
    assert.equal(await page.locator('.loading').count(), 0, 'no spinner left');
    await page.close();
  });
});
