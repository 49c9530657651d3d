// The npm `mlflow` client (2.0.7, a thin client of MLflow's 1.x REST API) against the real
// mlflow-cpp server. Experiments.list and setExperimentTag call endpoints that MLflow itself no
// longer serves, so they are not exercised.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const MLflow = require("mlflow");

const binary = process.env.MLFLOW_CPP_BINARY;
let server, client, workdir;

// The client logs every POST body to the console; keep test output readable.
console.log = () => {};

before(async () => {
  assert.ok(binary, "MLFLOW_CPP_BINARY must point at the mlflow-cpp binary");
  workdir = mkdtempSync(join(tmpdir(), "npm-client-"));
  server = spawn(binary, ["server", "--host", "127.0.0.1", "--port", "0",
                          "--backend-store-uri", `sqlite:///${workdir}/mlflow.db`,
                          "--artifacts-destination", join(workdir, "mlartifacts")],
                 { stdio: ["ignore", "ignore", "pipe"] });
  const port = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start: " + out)), 15000);
    server.stderr.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    server.on("exit", () => reject(new Error("server exited: " + out)));
  });
  client = new MLflow({ endpoint: `http://127.0.0.1:${port}` });
});

after(() => {
  server?.kill("SIGTERM");
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

test("experiments: create, get, update, delete, restore", async () => {
  const { Experiments } = client;
  const { experiment_id } = await Experiments.create({ name: "npm-exp" });
  assert.match(experiment_id, /^\d+$/);
  const { experiment } = await Experiments.get({ experiment_id });
  assert.equal(experiment.name, "npm-exp");
  assert.equal(experiment.lifecycle_stage, "active");
  await Experiments.update({ experiment_id, new_name: "npm-exp-2" });
  assert.equal((await Experiments.get({ experiment_id })).experiment.name, "npm-exp-2");
  await Experiments.delete({ experiment_id });
  assert.equal((await Experiments.get({ experiment_id })).experiment.lifecycle_stage, "deleted");
  await Experiments.restore({ experiment_id });
  assert.equal((await Experiments.get({ experiment_id })).experiment.lifecycle_stage, "active");
  await assert.rejects(Experiments.create({ name: "npm-exp-2" }), /RESOURCE_ALREADY_EXISTS/);
});

test("runs: create, log, search, history, update, delete, restore", async () => {
  const { Experiments, Runs, Metrics } = client;
  const { experiment_id } = await Experiments.create({ name: "npm-runs" });
  const { run } = await Runs.create({ experiment_id, start_time: 1000, tags: [{ key: "src", value: "npm" }] });
  const run_id = run.info.run_id;
  assert.match(run_id, /^[0-9a-f]{32}$/);

  await Runs.logParameter({ run_id, key: "lr", value: "0.01" });
  for (let step = 0; step < 5; step++) {
    await Runs.logMetric({ run_id, key: "loss", value: 1 / (step + 1), timestamp: 2000 + step, step });
  }
  await Runs.setTag({ run_id, key: "stage", value: "train" });
  await Runs.logBatch({
    run_id,
    metrics: [{ key: "acc", value: 0.9, timestamp: 3000, step: 0 }],
    params: [{ key: "depth", value: "6" }],
    tags: [{ key: "batch", value: "yes" }],
  });
  await Runs.deleteTag({ run_id, key: "batch" });

  const got = (await Runs.get({ run_id })).run;
  const params = Object.fromEntries(got.data.params.map((p) => [p.key, p.value]));
  assert.deepEqual(params, { lr: "0.01", depth: "6" });
  const metrics = Object.fromEntries(got.data.metrics.map((m) => [m.key, m]));
  assert.equal(metrics.loss.step, 4);
  assert.equal(metrics.acc.value, 0.9);
  const tags = Object.fromEntries(got.data.tags.map((t) => [t.key, t.value]));
  assert.equal(tags.stage, "train");
  assert.equal(tags.src, "npm");
  assert.equal(tags.batch, undefined);

  const history = await Metrics.getHistory({ run_id, metric_key: "loss" });
  assert.deepEqual(history.metrics.map((m) => m.step), [0, 1, 2, 3, 4]);

  const { runs } = await Runs.search({ experiment_ids: [experiment_id], filter: "metrics.acc > 0.5" });
  assert.equal(runs.length, 1);
  assert.equal(runs[0].info.run_id, run_id);

  const { run_info } = await Runs.update({ run_id, status: "FINISHED", end_time: 5000 });
  assert.equal(run_info.status, "FINISHED");
  assert.equal(run_info.end_time, 5000);

  await Runs.delete({ run_id });
  assert.equal((await Runs.get({ run_id })).run.info.lifecycle_stage, "deleted");
  await Runs.restore({ run_id });
  assert.equal((await Runs.get({ run_id })).run.info.lifecycle_stage, "active");
  await assert.rejects(Runs.get({ run_id: "0".repeat(32) }), /RESOURCE_DOES_NOT_EXIST/);
});
