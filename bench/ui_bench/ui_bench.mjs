// UI benchmark: the same pages of mlflow-cpp's UI and of MLflow's own UI (the real `mlflow server`
// from the pinned venv), same data, same headless Chromium, measured the same way:
//   (a) 10,000 runs: navigation start -> the newest run's name is on screen in the runs table;
//   (b) 10 runs x 100,000 points: navigation start -> the chart of the metric is drawn with 10 lines
//       (a warm load: the first of REPEAT + 1 loads only fills the browser cache).
// run.sh seeds once through mlflow-cpp (--seed-only) and gives each server its own copy of that
// database; a server without the data is seeded here through the REST API. Prints figures and
// ratios; never fails.
//   node ui_bench.mjs --ours URL --mlflow URL [--repeat 3] [--seed-only] [--shots DIR]
import { client } from '../../tests/ui/lib/server.mjs';
import { launch } from '../../tests/ui/lib/browser.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => {
  if (v.startsWith('--')) a.push([v.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
  return a;
}, []));
const REPEAT = Number(args.repeat ?? 3);
const RUNS = Number(args.runs ?? 10000);
const POINTS = Number(args.points ?? 100000);

async function pool(n, total, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < total) await fn(next++);
  }));
}

// MLflow's server may answer 5xx under the seeding load (SQLite busy): retry a few times.
function retrying(api) {
  const post = async (path, body) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await api.post(path, body);
      } catch (e) {
        if (attempt >= 5 || !/: 5\d\d /.test(e.message)) throw e;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  };
  return { ...api, post };
}

async function seed(url, label) {
  const api = retrying(client(url));
  const t0 = Date.now();
  const found = await api.post('experiments/search', { max_results: 10, filter: "name = 'bench-10k-runs'" });
  if (found.experiments?.length) {
    const hist = await api.post('experiments/search', { max_results: 10, filter: "name = 'bench-long-history'" });
    return { runsExp: found.experiments[0].experiment_id, histExp: hist.experiments[0].experiment_id };
  }
  const { experiment_id: runsExp } = await api.post('experiments/create', { name: 'bench-10k-runs' });
  await pool(8, RUNS, async (i) => {
    const { run } = await api.post('runs/create', { experiment_id: runsExp, run_name: `b-${String(i).padStart(5, '0')}`, start_time: 1700000000000 + i * 1000 });
    await api.post('runs/log-batch', {
      run_id: run.info.run_id,
      params: Array.from({ length: 5 }, (_, k) => ({ key: `p${k}`, value: String((i * (k + 3)) % 17) })),
      metrics: Array.from({ length: 5 }, (_, k) => ({ key: `m${k}`, value: ((i * 7919 + k * 104729) % 1000) / 1000, timestamp: 1700000000000 + i * 1000, step: 0 })),
      tags: [{ key: 'team', value: i % 2 ? 'a' : 'b' }],
    });
    await api.post('runs/update', { run_id: run.info.run_id, status: 'FINISHED', end_time: 1700000000000 + i * 1000 + 5000 });
  });
  const { experiment_id: histExp } = await api.post('experiments/create', { name: 'bench-long-history' });
  const runIds = [];
  for (let r = 0; r < 10; r++) runIds.push((await api.post('runs/create', { experiment_id: histExp, run_name: `h-${r}`, start_time: 1700000000000 })).run.info.run_id);
  const batches = [];
  for (const id of runIds) for (let s = 0; s < POINTS; s += 1000) batches.push([id, s, runIds.indexOf(id)]);
  await pool(8, batches.length, async (b) => {
    const [id, s, r] = batches[b];
    const metrics = [];
    for (let k = s; k < Math.min(POINTS, s + 1000); k++) {
      metrics.push({ key: 'loss', value: (1 + r * 0.1) * Math.exp(-k / 20000) + 0.05 * Math.sin(k / 50) + (k % 9973 === 0 ? 0.5 : 0), timestamp: 1700000000000 + k * 100, step: k });
    }
    await api.post('runs/log-batch', { run_id: id, metrics });
  });
  for (const id of runIds) await api.post('runs/update', { run_id: id, status: 'FINISHED', end_time: 1700000000000 + POINTS * 100 });
  console.error(`seeded ${label} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { runsExp, histExp };
}

// Milliseconds from navigation start to the first animation frame at which `ready` (a function run
// in the page) holds: the page polls it on every frame, so the figure does not depend on how often
// the test driver looks.
async function measure(page, url, ready, arg) {
  await page.goto('about:blank');
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(ready, arg, { polling: 'raf', timeout: 180000 });
  return handle.jsonValue();
}

const newest = `b-${String(RUNS - 1).padStart(5, '0')}`;
// The same test for both UIs: an element whose own text is the newest run's name.
const tableReady = (name) => {
  const hit = document.evaluate(`//*[text()='${name}']`, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
  return hit && hit.getBoundingClientRect().height > 0 ? performance.now() : false;
};

const UIS = {
  ours: {
    table: (exp) => `#/experiments/${exp}`,
    chart: (exp) => `#/experiments/${exp}?compareRunsMode=CHART`,
    // uPlot draws in the microtask after it is created, before this frame.
    chartReady: () => (document.querySelector('[data-metric=loss] [data-testid=line-chart][data-series-count="10"] canvas') ? performance.now() : false),
  },
  mlflow: {
    table: (exp) => `#/experiments/${exp}/runs`,
    chart: (exp) => `#/experiments/${exp}/runs?compareRunsMode=CHART`,
    // MLflow draws line charts with Plotly (SVG): one line path per run in the chart's scatter layer.
    chartReady: () => ([...document.querySelectorAll('.js-plotly-plot')].some((p) => p.querySelectorAll('.scatterlayer .trace .js-line').length >= 10) ? performance.now() : false),
  },
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const targets = { ours: args.ours, mlflow: args.mlflow };
const seeded = {};
for (const [name, url] of Object.entries(targets)) if (url) seeded[name] = await seed(url, name);
if (args['seed-only']) process.exit(0);
const browser = await launch();
const results = {};
for (const [name, url] of Object.entries(targets)) {
  if (!url) continue;
  const ui = UIS[name];
  const page = await browser.context.newPage();
  const row = { table: [], chart: [] };
  for (let i = 0; i <= REPEAT; i++) {
    try {
      const t = await measure(page, `${url}/${ui.table(seeded[name].runsExp)}`, tableReady, newest);
      if (i > 0) row.table.push(t);  // the first load warms the browser cache, as a returning user has it
    } catch (e) {
      console.error(`${name} table: ${e.message.split('\n')[0]}`);
    }
    if (args.shots && i === 1) await page.screenshot({ path: `${args.shots}/${name}-table.png` });
    try {
      const t = await measure(page, `${url}/${ui.chart(seeded[name].histExp)}`, ui.chartReady);
      if (i > 0) row.chart.push(t);
    } catch (e) {
      console.error(`${name} chart: ${e.message.split('\n')[0]}`);
    }
    if (args.shots && i === 1) await page.screenshot({ path: `${args.shots}/${name}-chart.png` });
  }
  results[name] = { table: row.table.length ? median(row.table) : NaN, chart: row.chart.length ? median(row.chart) : NaN };
  await page.close();
}
await browser.close();

const fmt = (v) => (isNaN(v) ? 'n/a' : `${v.toFixed(0)} ms`);
console.log(`\nUI benchmark (headless Chromium, median of ${REPEAT} warm loads, from navigation start)`);
console.log('| figure | mlflow-cpp UI | MLflow UI | ratio (MLflow / ours) | target |');
console.log('|---|---|---|---|---|');
const line = (label, k, target) => {
  const o = results.ours?.[k] ?? NaN;
  const m = results.mlflow?.[k] ?? NaN;
  console.log(`| ${label} | ${fmt(o)} | ${fmt(m)} | ${isNaN(o) || isNaN(m) ? 'n/a' : (m / o).toFixed(1) + 'x'} | ${target} |`);
};
line(`first rendered runs table, ${RUNS.toLocaleString('en')} runs`, 'table', '<= 1 s');
line(`chart of 10 runs x ${POINTS.toLocaleString('en')} points drawn`, 'chart', '<= 500 ms');
