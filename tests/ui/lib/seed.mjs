// Seeds a server through the REST API with what the UI tests and screenshots need: experiments,
// a parent run with child runs, metric histories, datasets, system metrics, artifacts (text, JSON,
// YAML, MLmodel, CSV, PNG, binary, one too large to preview), a registered model with versions,
// stages and aliases, and an MLflow 3 logged model.
import { makePng } from './png.mjs';

const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);

function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

async function logHistory(api, runId, key, values, t0, dt = 1000) {
  for (let i = 0; i < values.length; i += 1000) {
    const metrics = values.slice(i, i + 1000).map((v, j) => ({ key, value: v, timestamp: t0 + (i + j) * dt, step: i + j }));
    await api.post('runs/log-batch', { run_id: runId, metrics });
  }
}

const MLMODEL = `artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.11.9
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.5.1
mlflow_version: 3.1.0
model_size_bytes: 48213
model_uuid: 5b1c2d1ef0a44b8a9a3f3b7f1e2d4c6a
signature:
  inputs: '[{"type": "double", "name": "amount", "required": true}, {"type": "long", "name": "hour", "required": true}, {"type": "string", "name": "merchant_category", "required": true}]'
  outputs: '[{"type": "long", "name": "is_fraud", "required": true}]'
  params: null
utc_time_created: '2025-06-02 09:14:12.402117'
`;

export async function seed(api, { historyLength = 200 } = {}) {
  const rnd = lcg(42);
  const { experiment_id: exp } = await api.post('experiments/create', { name: 'fraud-detection', tags: [{ key: 'team', value: 'risk' }] });
  await api.post('experiments/set-experiment-tag', { experiment_id: exp, key: 'mlflow.note.content', value: 'Gradient-boosted models for card fraud. Baseline: **logistic regression**.' });
  const { experiment_id: exp2 } = await api.post('experiments/create', { name: 'image-segmentation' });
  await api.post('experiments/create', { name: 'churn-forecast', tags: [{ key: 'team', value: 'growth' }] });

  const mkRun = async (experiment_id, run_name, start, tags = []) =>
    (await api.post('runs/create', { experiment_id, run_name, start_time: start, tags: [{ key: 'mlflow.user', value: 'ana' }, { key: 'mlflow.source.name', value: 'train.py' }, { key: 'mlflow.source.git.commit', value: '3f9c2e1a7b6d5c4e3f2a1b0c9d8e7f6a5b4c3d2e' }, ...tags] })).run.info;

  const parent = await mkRun(exp, 'hyperparam-search', T0);
  const children = [];
  const lrs = [0.3, 0.1, 0.03, 0.01];
  const depths = [4, 8];
  let i = 0;
  for (const lr of lrs) {
    for (const depth of depths) {
      const start = T0 + 60000 * (i + 1);
      const info = await mkRun(exp, `trial-${i + 1}`, start, [{ key: 'mlflow.parentRunId', value: parent.run_id }, { key: 'stage', value: i % 3 === 0 ? 'candidate' : 'dev' }]);
      const quality = 1 - Math.abs(Math.log10(lr) + 1.5) / 2 + (depth === 8 ? 0.04 : 0);
      const loss = Array.from({ length: historyLength }, (_, s) => (1.2 - 0.5 * quality) * Math.exp(-s / (30 + 40 * quality)) + 0.08 + 0.03 * rnd());
      const acc = loss.map((l) => Math.min(0.999, 1 - l * 0.6 + 0.01 * rnd()));
      await logHistory(api, info.run_id, 'loss', loss, start);
      await logHistory(api, info.run_id, 'accuracy', acc, start);
      await api.post('runs/log-batch', {
        run_id: info.run_id,
        params: [{ key: 'learning_rate', value: String(lr) }, { key: 'max_depth', value: String(depth) }, { key: 'model', value: 'xgboost' }, { key: 'n_estimators', value: '400' }],
        metrics: [{ key: 'f1', value: 0.6 + 0.3 * quality, timestamp: start + 500000, step: 0 }, { key: 'auc', value: 0.8 + 0.15 * quality, timestamp: start + 500000, step: 0 }],
      });
      await api.post('runs/log-inputs', { run_id: info.run_id, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: { name: 'transactions-2025-05', digest: 'a1b2c3d4', source_type: 'local', source: '{"uri": "/data/tx.parquet"}' } }] });
      await api.post('runs/update', { run_id: info.run_id, status: 'FINISHED', end_time: start + 480000 + i * 7000 });
      children.push(info);
      i++;
    }
  }
  await api.post('runs/update', { run_id: parent.run_id, status: 'FINISHED', end_time: T0 + 60000 * 10 });

  const baseline = await mkRun(exp, 'baseline-logreg', T0 - 3600000);
  await api.post('runs/log-batch', { run_id: baseline.run_id, params: [{ key: 'model', value: 'logistic_regression' }, { key: 'C', value: '1.0' }], metrics: [{ key: 'f1', value: 0.61, timestamp: T0 - 3500000, step: 0 }, { key: 'auc', value: 0.83, timestamp: T0 - 3500000, step: 0 }] });
  await logHistory(api, baseline.run_id, 'loss', Array.from({ length: 50 }, (_, s) => 0.9 * Math.exp(-s / 20) + 0.25), T0 - 3600000);
  await api.post('runs/update', { run_id: baseline.run_id, status: 'FINISHED', end_time: T0 - 3000000 });

  const failed = await mkRun(exp, 'oom-trial', T0 + 3600000);
  await api.post('runs/log-batch', { run_id: failed.run_id, params: [{ key: 'model', value: 'xgboost' }, { key: 'max_depth', value: '16' }] });
  await api.post('runs/update', { run_id: failed.run_id, status: 'FAILED', end_time: T0 + 3700000 });

  const live = await mkRun(exp, 'nightly-retrain', Date.now() - 120000);
  await api.post('runs/log-batch', { run_id: live.run_id, params: [{ key: 'model', value: 'xgboost' }, { key: 'learning_rate', value: '0.05' }] });
  await logHistory(api, live.run_id, 'loss', Array.from({ length: 40 }, (_, s) => 0.8 * Math.exp(-s / 15) + 0.1), Date.now() - 120000, 2000);
  const sys = (k, f) => logHistory(api, live.run_id, k, Array.from({ length: 60 }, (_, s) => f(s)), Date.now() - 120000, 2000);
  await sys('system/cpu_utilization_percentage', (s) => 60 + 30 * Math.sin(s / 5) * rnd());
  await sys('system/system_memory_usage_megabytes', (s) => 4000 + s * 12);

  // Artifacts of the best trial: a model directory and files of every preview kind.
  const best = children[5];
  const uri = (await api.get('runs/get', { run_id: best.run_id })).run.info.artifact_uri;
  await api.upload(uri, 'model/MLmodel', MLMODEL);
  await api.upload(uri, 'model/requirements.txt', 'mlflow==3.1.0\nscikit-learn==1.5.1\nxgboost==2.1.0\n');
  await api.upload(uri, 'model/conda.yaml', 'channels:\n- conda-forge\ndependencies:\n- python=3.11.9\n- pip\n- pip:\n  - mlflow==3.1.0\nname: mlflow-env\n');
  await api.upload(uri, 'model/model.pkl', Buffer.from([0x80, 0x04, 0x95, 0x00, 0x00, 0x01, 0x02, 0xff, 0x00, 0x10, ...Array(200).fill(0)]));
  await api.upload(uri, 'metrics.json', JSON.stringify({ f1: 0.87, auc: 0.95, threshold: 0.42, confusion: [[9120, 31], [22, 187]] }));
  await api.upload(uri, 'data/sample.csv', 'amount,hour,merchant_category,is_fraud\n12.5,9,grocery,0\n980.0,3,electronics,1\n45.2,14,travel,0\n7.99,21,"food, delivery",0\n');
  await api.upload(uri, 'plots/confusion_matrix.png', makePng());
  await api.upload(uri, 'logs/train.log', Array.from({ length: 40 }, (_, k) => `[epoch ${k}] loss=${(0.9 * Math.exp(-k / 10)).toFixed(4)}`).join('\n') + '\n');
  await api.upload(uri, 'logs/debug-dump.log', 'x'.repeat(6 * 1024 * 1024));
  // An evaluation table (pandas "split" JSON, as mlflow.log_table writes it).
  await api.upload(uri, 'eval_results_table.json', JSON.stringify({
    columns: ['inputs', 'prediction', 'label', 'score'],
    data: [['amount=980, hour=3', 1, 1, 0.97], ['amount=12.5, hour=9', 0, 0, 0.02], ['amount=45.2, hour=14', 1, 0, 0.61]],
  }));
  await api.post('runs/set-tag', { run_id: best.run_id, key: 'mlflow.log-model.history', value: JSON.stringify([{ artifact_path: 'model', flavors: { sklearn: {} }, run_id: best.run_id }]) });

  // Registry: three versions, stages and aliases.
  await api.post('registered-models/create', { name: 'fraud-classifier', description: 'Card-fraud classifier served by the payments API.', tags: [{ key: 'owner', value: 'risk-team' }] });
  const versions = [];
  for (const r of [children[1], children[5], children[7]]) {
    const ruri = (await api.get('runs/get', { run_id: r.run_id })).run.info.artifact_uri;
    versions.push((await api.post('model-versions/create', { name: 'fraud-classifier', source: `${ruri}/model`, run_id: r.run_id })).model_version);
  }
  await api.post('model-versions/transition-stage', { name: 'fraud-classifier', version: '1', stage: 'Archived', archive_existing_versions: false });
  await api.post('model-versions/transition-stage', { name: 'fraud-classifier', version: '2', stage: 'Production', archive_existing_versions: false });
  await api.post('model-versions/transition-stage', { name: 'fraud-classifier', version: '3', stage: 'Staging', archive_existing_versions: false });
  await api.post('registered-models/alias', { name: 'fraud-classifier', alias: 'champion', version: '2' });
  await api.post('registered-models/alias', { name: 'fraud-classifier', alias: 'challenger', version: '3' });
  await api.post('model-versions/set-tag', { name: 'fraud-classifier', version: '2', key: 'validated', value: 'true' });
  await api.post('registered-models/create', { name: 'segmentation-unet' });

  // MLflow 3 logged model.
  const lm = (await api.post('logged-models', { experiment_id: exp, name: 'xgb-fraud', source_run_id: best.run_id, model_type: 'classifier' })).model;
  const lm2 = (await api.post('logged-models', { experiment_id: exp, name: 'logreg-fraud', source_run_id: baseline.run_id, model_type: 'baseline' })).model;
  // Metrics logged against the models (model_id on the metric), on a named evaluation dataset,
  // under keys of their own (sorted after the runs' loss chart) so the runs' f1 / auc histories
  // keep one point each.
  for (const [m, run, f1, auc, ts] of [[lm, best, 0.87, 0.95, T0], [lm2, baseline, 0.61, 0.83, T0 - 3600000]]) {
    await api.post('runs/log-batch', {
      run_id: run.run_id,
      metrics: [
        { key: 'val_f1', value: f1, timestamp: ts, step: 0, model_id: m.info.model_id, dataset_name: 'holdout', dataset_digest: 'e5f6a7b8' },
        { key: 'val_auc', value: auc, timestamp: ts, step: 0, model_id: m.info.model_id, dataset_name: 'holdout', dataset_digest: 'e5f6a7b8' },
      ],
    });
  }

  // Second experiment: a few runs.
  for (let k = 0; k < 3; k++) {
    const r = await mkRun(exp2, `unet-${k}`, T0 + k * 1000);
    await api.post('runs/log-batch', { run_id: r.run_id, params: [{ key: 'epochs', value: String(10 * (k + 1)) }], metrics: [{ key: 'iou', value: 0.6 + k * 0.05, timestamp: T0, step: 0 }] });
    await api.post('runs/update', { run_id: r.run_id, status: 'FINISHED', end_time: T0 + 100000 });
  }
  return { exp, exp2, parent, children, best, baseline, failed, live, loggedModel: lm, loggedModel2: lm2, versions };
}
