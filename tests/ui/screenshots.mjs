// Screenshots of the main pages for the README (docs/screenshots/), from a server seeded like the
// tests. Run after a build: MLFLOW_CPP_BINARY=build/src/cli/mlflow-cpp node tests/ui/screenshots.mjs
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './lib/server.mjs';
import { seed } from './lib/seed.mjs';
import { launch } from './lib/browser.mjs';

const out = join(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
mkdirSync(out, { recursive: true });
const srv = await startServer({ args: process.env.STATIC_DIR ? ['--static-dir', process.env.STATIC_DIR] : [] });
const d = await seed(srv.api);
const browser = await launch();
const page = await browser.context.newPage();
await page.setViewportSize({ width: 1440, height: 860 });
const shot = async (name, hash, prepare) => {
  await page.goto(`${srv.url}/${hash}`);
  await page.waitForSelector('h1');
  if (prepare) await prepare();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(out, `${name}.png`) });
  console.log(`${name}.png`);
};
const ids = (runs) => encodeURIComponent(JSON.stringify(runs.map((r) => r.run_id)));
await shot('experiments', '#/experiments');
await shot('runs-table', `#/experiments/${d.exp}`, async () => {
  await page.getByRole('button', { name: 'Expand child runs' }).click();
});
await shot('runs-grouped', `#/experiments/${d.exp}?groupBy=param%3Amodel&groupAgg=max`, async () => {
  await page.waitForSelector('.group-row');
});
await shot('charts', `#/experiments/${d.exp}?compareRunsMode=CHART&line_smoothness=0.6`, async () => {
  await page.waitForSelector('[data-metric=loss] canvas');
  // A run hovered in the list, highlighted in every chart.
  await page.locator('.legend-item').nth(3).hover();
});
await shot('compare-artifacts', `#/experiments/${d.exp}`, async () => {
  // The tree may still be open from the runs-table shot (same page, only the hash changed).
  await page.locator('.vrow').first().waitFor();
  if (await page.getByRole('button', { name: 'Expand child runs' }).count()) await page.getByRole('button', { name: 'Expand child runs' }).click();
  for (const n of [6, 1, 8]) await page.getByLabel(`Select run trial-${n}`).check();
  await page.getByRole('button', { name: 'Artifacts', exact: true }).click();
  await page.locator('[data-testid=artifact-compare] .node[data-path="metrics.json"]').click();
  await page.waitForSelector('[data-testid=json-preview]');
});
await shot('eval-table', `#/experiments/${d.exp}/runs/${d.best.run_id}/artifacts/eval_results_table.json`, async () => {
  await page.waitForSelector('[data-testid=eval-table]');
});
await shot('run-page', `#/experiments/${d.exp}/runs/${d.best.run_id}`);
await shot('artifacts', `#/experiments/${d.exp}/runs/${d.best.run_id}/artifacts/data/sample.csv`, async () => {
  await page.waitForSelector('[data-testid=csv-table]');
});
await shot('compare', `#/compare-runs?runs=${ids(d.children)}&experiments=${encodeURIComponent(JSON.stringify([d.exp]))}&tab=parallel`);
await shot('model-registry', '#/models/fraud-classifier');
await page.evaluate(() => localStorage.setItem('mlflow-cpp.theme', 'dark'));
await page.reload();  // the theme is applied by index.html before the first paint
await shot('dark-mode', `#/experiments/${d.exp}?compareRunsMode=CHART`, async () => {
  await page.waitForSelector('[data-metric=loss] canvas');
});
await browser.close();
await srv.stop();
