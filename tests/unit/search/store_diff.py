"""Developer tool: differential check of our compiled search SQL against MLflow's own SQL store.

  python store_diff.py /tmp/x.db > expected.jsonl      # real MLflow creates, seeds and searches the DB
  search_store_diff /tmp/x.db < expected.jsonl          # runs our compiled queries on the same DB

Each output line: {"entity", "filter", "order_by", "view", "max_results", "ids"} or {..., "error"}.
"""
import json
import math
import os
import random
import sys

from mlflow.entities import (Dataset, DatasetInput, InputTag, LoggedModelParameter, LoggedModelTag, Metric,
                             Param, RunTag, ViewType)
from mlflow.entities import RunStatus
from mlflow.entities.model_registry import RegisteredModelTag, ModelVersionTag
from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

db = sys.argv[1]
if os.path.exists(db):
    os.remove(db)
uri = f"sqlite:///{db}"
store = SqlAlchemyStore(uri, "/tmp/search-diff-artifacts")
reg = RegistryStore(uri)
rnd = random.Random(42)

exp_ids = [store.create_experiment(n, tags=[RunTag("team", t)] if t else None)
           for n, t in [("prod-a", "ml"), ("prod-b", "ds"), ("Prod-c", None), ("dev", "ml"), ("old", "ml")]]
store.delete_experiment(exp_ids[4])

run_ids = []
deleted_runs = set()
for i in range(60):
    exp = exp_ids[i % 3]
    names = ["train-%d" % i, "Train-%d" % i, "eval_%d" % i, "x%d" % i]
    r = store.create_run(exp, user_id=rnd.choice(["alice", "bob", "Alice", ""]), start_time=1000 + rnd.randint(0, 20) * 10,
                         tags=[], run_name=rnd.choice(names))
    rid = r.info.run_id
    run_ids.append(rid)
    metrics, params, tags = [], [], []
    for k in ["m", "acc", "loss", "f1 score"]:
        x = rnd.random()
        if x < 0.2:
            continue  # missing
        v = rnd.choice([float("nan"), float("inf"), -float("inf"), 0.0]) if x < 0.3 else round(rnd.uniform(-1, 1), 2)
        metrics.append(Metric(k, v, 1, 0))
        if rnd.random() < 0.3:
            metrics.append(Metric(k, round(rnd.uniform(-1, 1), 2), 2, 1))  # a later value becomes latest
    for k in ["p", "lr", "model"]:
        if rnd.random() < 0.8:
            params.append(Param(k, rnd.choice(["x", "X", "x_1", "y", "0.1", "tree", "Tree", "a%b"])))
    for k in ["team", "mlflow.user", "version"]:
        if rnd.random() < 0.7:
            tags.append(RunTag(k, rnd.choice(["ml", "ML", "alice", "v1.0rc1", "V2", "b"])))
    store.log_batch(rid, metrics=metrics, params=params, tags=tags)
    status = rnd.choice(["FINISHED", "FAILED", "RUNNING", "KILLED"])
    if status != "RUNNING":
        store.update_run_info(rid, RunStatus.from_string(status), 2000 + i, None)
    if rnd.random() < 0.3:
        ds = rnd.choice([("iris", "d1"), ("wine", "d2"), ("Iris", "d3")])
        ctx = rnd.choice(["training", "eval", "Training"])
        store.log_inputs(rid, [DatasetInput(Dataset(ds[0], ds[1], "local", "{}"), [InputTag("mlflow.data.context", ctx)])])
    if rnd.random() < 0.1:
        store.delete_run(rid)
        deleted_runs.add(rid)

out = []


def emit(entity, filt, order_by, view, max_results, fn):
    rec = {"entity": entity, "filter": filt, "order_by": order_by, "view": view, "max_results": max_results}
    try:
        rec["ids"] = fn()
    except Exception as e:  # noqa: BLE001
        rec["error"] = str(e)
    print(json.dumps(rec))


RUN_FILTERS = [
    "", "metrics.m > 0", "metrics.m >= 0", "metrics.m = 0", "metrics.m != 0", "metrics.m < -0.5",
    "metrics.acc > 0.5 and params.p = 'x'", "metrics.`f1 score` <= 0.2", "params.p = 'x'", "params.p != 'x'",
    "params.p LIKE 'x%'", "params.p ILIKE 'x%'", "params.p LIKE 'x_1'", "params.p LIKE '%\\%%'", "params.model ILIKE 'TREE'",
    "tags.team = 'ml'", "tags.team ILIKE 'ml'", "tags.`mlflow.user` = 'alice'", "tags.version LIKE '%rc%'",
    "attributes.status = 'FINISHED'", "status != 'RUNNING'", "attributes.user_id = 'alice'", "user_id ILIKE 'a%'",
    "attributes.start_time >= 1100", "created < 1050", "end_time > 0", "attributes.run_name LIKE 'train-%'",
    "run_name ILIKE 'train-%'", "attributes.`Run name` = 'eval_5'", "run_name != 'x'",
    "datasets.name = 'iris'", "datasets.name ILIKE 'iris'", "datasets.context = 'eval'",
    "datasets.name = 'iris' AND datasets.context = 'training'", "datasets.digest IN ('d1', 'd2')",
    "datasets.name NOT IN ('iris')", "metrics.loss > -0.5 and metrics.loss < 0.5", "params.lr = '0.1' and tags.team = 'ML'",
    "params.lr IS NULL", "tags.team IS NOT NULL", "metrics.m != 0.5", "metrics.m <= 0",
]
RUN_ORDERS = [[], ["metrics.m ASC"], ["metrics.m DESC"], ["params.p"], ["params.p DESC"], ["tags.team DESC"],
              ["attributes.start_time ASC"], ["end_time DESC"], ["user_id"], ["run_name DESC"], ["status", "metrics.acc DESC"],
              ["metrics.`f1 score`", "params.model DESC"], ["created DESC"], ["attribute.run_id"]]
for f in RUN_FILTERS:
    emit("runs", f, [], "ACTIVE_ONLY", 1000, lambda f=f: [r.info.run_id for r in store.search_runs(exp_ids[:3], f, ViewType.ACTIVE_ONLY, 1000)])
for ob in RUN_ORDERS:
    for f in ["", "metrics.m > -2"]:
        emit("runs", f, ob, "ACTIVE_ONLY", 1000,
             lambda f=f, ob=ob: [r.info.run_id for r in store.search_runs(exp_ids[:3], f, ViewType.ACTIVE_ONLY, 1000, ob)])
for view in ["DELETED_ONLY", "ALL"]:
    emit("runs", "", [], view, 1000, lambda view=view: [r.info.run_id for r in store.search_runs(
        exp_ids[:3], "", ViewType.from_string(view.lower()), 1000)])
# Paging: collect pages of 7.
def paged(ob):
    ids, tok = [], None
    for _ in range(20):
        page = store.search_runs(exp_ids[:3], "", ViewType.ACTIVE_ONLY, 7, ob, tok)
        ids += [r.info.run_id for r in page]
        tok = page.token
        if not tok:
            break
    return ids
emit("runs-paged", "", ["metrics.m DESC"], "ACTIVE_ONLY", 7, lambda: paged(["metrics.m DESC"]))

EXP_FILTERS = ["", "name LIKE 'prod-%'", "name ILIKE 'prod-%'", "tags.team = 'ml'", "tags.team != 'ml'", "creation_time > 0",
               "name != 'dev'", "experiment_id = '%s'" % exp_ids[1], "experiment_id IN ('%s', '%s')" % (exp_ids[0], exp_ids[4]),
               "experiment_id NOT IN ('%s')" % exp_ids[0], "tags.team IS NULL", "tags.team IS NOT NULL"]
for f in EXP_FILTERS:
    for ob in [[], ["name"], ["name DESC"], ["experiment_id DESC"]]:
        for view in ["ACTIVE_ONLY", "ALL"]:
            emit("experiments", f, ob, view, 1000, lambda f=f, ob=ob, view=view: [
                e.experiment_id for e in store.search_experiments(ViewType.from_string(view.lower()), 1000, f, ob)])

# Registry
for name, tags in [("churn", {"team": "ml", "stage": "prod"}), ("Churn-2", {}), ("fraud", {"team": "ds"}),
                   ("qa-prompt", {"mlflow.prompt.is_prompt": "true"}), ("other", {"team": "ML"})]:
    reg.create_registered_model(name, [RegisteredModelTag(k, v) for k, v in tags.items()])
for name, n in [("churn", 3), ("fraud", 2), ("other", 1)]:
    for v in range(n):
        reg.create_model_version(name, f"mlflow-artifacts:/{name}/{v}" if v % 2 == 0 else f"s3://b/{name}/{v}",
                                 run_id=run_ids[v], tags=[ModelVersionTag("k", "v%d" % v)])
reg.delete_model_version("churn", "2")
for f in ["", "name ILIKE '%churn%'", "name LIKE '%churn%'", "tags.team = 'ml'", "tags.team != 'ml'",
          "tags.`mlflow.prompt.is_prompt` = 'true'", "tags.`mlflow.prompt.is_prompt` = 'false'", "name != 'fraud'",
          "name IN ('churn', 'fraud', 'qa-prompt')", "name NOT IN ('churn')"]:
    for ob in [[], ["name DESC"], ["timestamp DESC"]]:
        emit("registered_models", f, ob, "", 100, lambda f=f, ob=ob: [m.name for m in reg.search_registered_models(f, 100, ob)])
for f in ["", "name = 'churn'", "version_number > 1", "run_id = '%s'" % run_ids[0], "source_path LIKE 'mlflow-artifacts:/%'",
          "tags.k = 'v1'", "name ILIKE 'CHURN'", "name IN ('churn', 'other')", "run_id NOT IN ('%s')" % run_ids[0],
          "version_number = '2'", "name NOT IN ('fraud')"]:
    for ob in [[], ["version_number ASC"], ["name DESC"]]:
        emit("model_versions", f, ob, "", 1000, lambda f=f, ob=ob: [
            f"{m.name}:{m.version}" for m in reg.search_model_versions(f, 1000, ob)])

# Logged models
lm_ids = []
active_runs = [r for r in run_ids if r not in deleted_runs]
for i in range(12):
    exp = exp_ids[i % 2]
    m = store.create_logged_model(exp, name="model%d" % i, source_run_id=active_runs[i],
                                  tags=[LoggedModelTag("team", rnd.choice(["ml", "ds"]))] if i % 3 else None,
                                  params=[LoggedModelParameter("alpha", rnd.choice(["0.1", "0.5"]))],
                                  model_type=rnd.choice(["sklearn", "torch", None]))
    lm_ids.append(m.model_id)
    mets = []
    for t in range(rnd.randint(0, 3)):
        ds = rnd.choice([("test", "d1"), ("train", "d2"), (None, None)])
        mets.append(Metric("lm_acc", round(rnd.uniform(0, 1), 2), 1000 + t * 10 + i, t, model_id=m.model_id,
                           dataset_name=ds[0], dataset_digest=ds[1]))
    if mets:
        store.log_batch(active_runs[i], metrics=mets, params=[], tags=[])
store.delete_logged_model(lm_ids[5])
LM_FILTERS = ["", "metrics.lm_acc > 0.5", "params.alpha = '0.5'", "tags.team = 'ml'", "name LIKE 'model1%'",
              "model_type = 'sklearn'", "name IN ('model1', 'model2')", "creation_time > 0"]
LM_DATASETS = [None, [{"dataset_name": "test"}], [{"dataset_name": "test", "dataset_digest": "d1"}, {"dataset_name": "train"}]]
LM_ORDERS = [None, [{"field_name": "metrics.lm_acc", "ascending": False}], [{"field_name": "metrics.lm_acc", "ascending": True, "dataset_name": "test"}],
             [{"field_name": "name", "ascending": False}]]
for f in LM_FILTERS:
    for ds in LM_DATASETS:
        for ob in LM_ORDERS:
            rec = {"entity": "logged_models", "filter": f, "order_by": [], "lm_order_by": ob, "datasets": ds,
                   "view": "", "max_results": 100}
            try:
                rec["ids"] = [m.model_id for m in store.search_logged_models(exp_ids[:2], f or None, ds, 100, ob)]
            except Exception as e:  # noqa: BLE001
                rec["error"] = str(e)
            print(json.dumps(rec))
