"""Differential search suite: a corpus of runs and experiments, >100 filters and order-by clauses,
NaN / missing values in ordering, LIKE wildcards, IN lists, quoted identifiers, attributes, datasets."""
import time

import pytest
import requests
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag, ViewType

import search_corpus as corpus
from harness.client_diff import run_scenario

T0 = 1_600_000_000_000

# name -> (params, metrics {key: [values by step]}, tags, final status, datasets [(name, digest, ctx)])
RUNS = {
    "r01": ({"lr": "0.1", "opt": "adam", "p-1": "a%b"}, {"acc": [0.5, 0.9], "loss": [0.5]},
            {"env": "prod", "team": "a"}, "FINISHED", [("ds1", "abc123", "training")]),
    "r02": ({"lr": "0.01", "opt": "sgd", "empty": ""}, {"acc": [0.8], "loss": [float("nan")]},
            {"env": "dev", "my tag": "x y"}, "FINISHED", [("ds2", "def456", "eval")]),
    "r03": ({"lr": "0.1", "p-1": "axb"}, {"acc": [float("nan")], "loss": [2.0]},
            {"env": "prod_1", "t": "under_score"}, "FAILED", [("ds1", "abc123", "eval")]),
    "r04": ({"uni": "é", "with space": "v1"}, {"acc": [float("inf")], "step metric": [1, 2, 3]},
            {"env": "PROD", "quote": "it's"}, "KILLED", []),
    "r05": ({"p-1": "a%", "a.b": "dotted"}, {"acc": [float("-inf")], "loss": [0.0]},
            {"t": "underXscore", "env": ""}, "RUNNING", [("ds1", "abc123", "training"),
                                                         ("ds2", "def456", "eval")]),
    "r06": ({"opt": "Adam", "lr": "1e-3"}, {"acc": [0.0], "loss": [-1.0]},
            {"env": "prod"}, "FAILED", []),
    "r07": ({"lr": "0.2"}, {"loss": [1.0]}, {"env": "staging"}, "FINISHED", []),
    "r08": ({}, {}, {}, "RUNNING", [("ds3", "xyz", "testing")]),
    "r09": ({"opt": "adamw", "empty": "x"}, {"acc": [0.85, 0.2]}, {"team": "b"}, "FINISHED", []),
    "r10": ({"lr": "0.1"}, {"acc": [0.9]}, {"env": "prod"}, "FINISHED", []),
    "r11": ({"lr": "0.1"}, {"acc": [0.1]}, {"env": "prod"}, "FINISHED", []),  # deleted below
    "r12": ({"opt": "ADAM"}, {"acc": [0.85]}, {"t": "under_score"}, "SCHEDULED", []),
}
DELETED = {"r11"}


def build_run_corpus(c, exp_id):
    ids = {}
    for i, (name, (params, metrics, tags, status, datasets)) in enumerate(RUNS.items()):
        run = c.create_run(exp_id, start_time=T0 + i * 1000, run_name=name)
        rid = run.info.run_id
        ids[name] = rid
        ms = [Metric(k, float(v), T0 + step, step) for k, vs in metrics.items() for step, v in enumerate(vs)]
        c.log_batch(rid, metrics=ms, params=[Param(k, v) for k, v in params.items()],
                    tags=[RunTag(k, v) for k, v in tags.items()])
        if datasets:
            c.log_inputs(rid, [DatasetInput(Dataset(n, d, "local", f"file:///{n}", None, None),
                                            [InputTag("mlflow.data.context", ctx)]) for n, d, ctx in datasets])
        if status != "RUNNING":
            if status == "SCHEDULED":
                c.update_run(rid, status=status)
            else:
                c.set_terminated(rid, status=status, end_time=T0 + 100_000 + i * 100)
    for name in DELETED:
        c.delete_run(ids[name])
    return ids


def names(ids_by_name, runs):
    back = {v: k for k, v in ids_by_name.items()}
    return [back.get(r.info.run_id, "?") for r in runs]


def subst(f, ids):
    for name, rid in ids.items():
        f = f.replace("{id:%s}" % name, rid).replace("{ID:%s}" % name, rid.upper())
    return f


@pytest.mark.area("search")
def test_search_runs_corpus(pair):
    def scenario(ctx):
        c = ctx.client
        e = c.create_experiment("search_runs_corpus")
        e_other = c.create_experiment("search_runs_other")
        ids = build_run_corpus(c, e)
        other = c.create_run(e_other, start_time=T0 - 5, run_name="other_exp_run")
        ids["other"] = other.info.run_id
        c.log_batch(other.info.run_id, params=[Param("lr", "0.1")], metrics=[Metric("acc", 0.99, T0, 0)])

        def q(label, filt, order_by=None, view=ViewType.ACTIVE_ONLY, exps=(e,), max_results=1000):
            res = ctx.call(label, lambda: names(ids, c.search_runs(list(exps), subst(filt, ids),
                                                                  view, max_results, order_by or None)))
            return res

        for f in corpus.RUN_FILTERS:
            q(f"filter {f!r}", f)
        for ob in corpus.RUN_ORDER_BYS:
            q(f"order_by {ob!r}", "", ob)
            q(f"order_by {ob!r} all", "", ob, ViewType.ALL)
        for f, ob in corpus.RUN_COMBOS:
            q(f"combo {f!r} {ob!r}", f, ob)
        q("deleted only", "", None, ViewType.DELETED_ONLY)
        q("all view", "params.lr = '0.1'", ["metrics.acc DESC"], ViewType.ALL)
        q("two experiments", "params.lr = '0.1'", ["metrics.acc DESC"], ViewType.ALL, (e, e_other))
        q("no experiments", "", None, ViewType.ALL, ())
        q("missing experiment", "", None, ViewType.ALL, ("987654",))
        q("max_results 0", "", None, ViewType.ALL, (e,), 0)
        q("max_results 50001", "", None, ViewType.ALL, (e,), 50001)
        # full Run objects for a few queries: what search returns beyond names
        ctx.call("full runs", c.search_runs, [e], "params.lr = '0.1'", ViewType.ALL, 100, ["metrics.acc"])
        # paging over the corpus with every order
        for ob in ([], ["metrics.acc DESC"], ["params.lr"], ["tags.env DESC"], ["metrics.loss"]):
            pages, token = [], None
            for _ in range(10):
                page = c.search_runs([e], "", ViewType.ALL, 4, ob or None, token)
                pages.append(names(ids, page))
                token = page.token
                if not token:
                    break
            ctx.note(f"pages {ob!r}", pages)
        ctx.call("bad page token", c.search_runs, [e], "", ViewType.ALL, 4, None, "not-a-token")
    run_scenario(pair, "client.search_runs", scenario)


@pytest.mark.area("search")
def test_search_experiments_corpus(pair):
    def scenario(ctx):
        c = ctx.client
        made = {}
        for name, tags in [("srch_alpha", {"k": "v1"}), ("srch_Beta", {"k": "v2", "with space": "yes"}),
                           ("srch_gamma_1", {"k": "V1"}), ("srch%pct", {}), ("srch_under_x", {"k": ""}),
                           ("srch_deleted", {"k": "v1"})]:
            made[name] = c.create_experiment(name, tags=tags)
            time.sleep(0.005)  # distinct creation times keep the default order deterministic
        c.delete_experiment(made["srch_deleted"])

        def q(label, filt, order_by=None, view=ViewType.ACTIVE_ONLY):
            def run():
                out = c.search_experiments(view, 1000, filt, order_by or None)
                return [x.name for x in out if x.name.startswith("srch")]
            ctx.call(label, run)

        for f in corpus.EXPERIMENT_FILTERS:
            q(f"filter {f!r}", f)
            q(f"filter {f!r} all", f, None, ViewType.ALL)
        for ob in corpus.EXPERIMENT_ORDER_BYS:
            q(f"order_by {ob!r}", "name LIKE 'srch%'", ob)
        q("deleted only", "", None, ViewType.DELETED_ONLY)
        ctx.call("full objects", c.search_experiments, ViewType.ALL, 100, "name LIKE 'srch%'", ["name"])
        pages, token = [], None
        for _ in range(10):
            page = c.search_experiments(ViewType.ALL, 2, "name LIKE 'srch%'", ["name DESC"], token)
            pages.append([x.name for x in page])
            token = page.token
            if not token:
                break
        ctx.note("pages", pages)
        ctx.call("max_results 0", c.search_experiments, ViewType.ALL, 0)
        ctx.call("max_results 50001", c.search_experiments, ViewType.ALL, 50001)
        ctx.call("bad page token", c.search_experiments, ViewType.ALL, 10, "", None, "garbage")
    run_scenario(pair, "client.search_experiments", scenario)


@pytest.mark.area("registry")
def test_search_registry_corpus(pair):
    def scenario(ctx):
        c = ctx.client
        e = c.create_experiment("search_registry")
        run = c.create_run(e, start_time=T0, run_name="rs_run").info.run_id
        for name, tags in [("rs_alpha", {"k": "v1"}), ("rs_Beta", {"k": "v2", "with space": "yes"}),
                           ("rs%pct", {}), ("rs_gamma", {"k": "V1"})]:
            c.create_registered_model(name, tags=tags)
            time.sleep(0.005)
        # the client refuses to register prompts as models; the REST API takes the tag as is
        requests.post(ctx.uri + "/api/2.0/mlflow/registered-models/create", timeout=60, json={
            "name": "rs_prompt", "tags": [{"key": "mlflow.prompt.is_prompt", "value": "true"}]})
        for i in range(3):
            c.create_model_version("rs_alpha", f"s3://b/alpha/{i + 1}", run if i != 1 else None,
                                   tags={"vk": "x"} if i == 2 else None)
            time.sleep(0.005)
        c.create_model_version("rs_Beta", "s3://b/beta/1", run)
        ids = {"run": run, "RUN": run.upper()}

        def fill(f):
            return f.format(**ids) if "{" in f else f

        def models(label, filt, order_by=None):
            ctx.call(label, lambda: [m.name for m in c.search_registered_models(fill(filt) or None, 100,
                                                                                order_by or None)
                                     if m.name.startswith("rs")])

        for f in corpus.REGISTERED_MODEL_FILTERS:
            models(f"models filter {f!r}", f)
        for ob in corpus.REGISTERED_MODEL_ORDER_BYS:
            models(f"models order_by {ob!r}", "name LIKE 'rs%'", ob)

        def versions(label, filt, order_by=None):
            ctx.call(label, lambda: [(v.name, v.version) for v in c.search_model_versions(
                fill(filt), 1000, order_by or None) if v.name.startswith("rs")])

        for f in corpus.MODEL_VERSION_FILTERS:
            versions(f"versions filter {f!r}", f)
        for ob in corpus.MODEL_VERSION_ORDER_BYS:
            versions(f"versions order_by {ob!r}", "name LIKE 'rs%'", ob)
    run_scenario(pair, "client.search_registry", scenario)


@pytest.mark.area("logged_models")
def test_search_logged_models_corpus(pair):
    def scenario(ctx):
        from mlflow.entities import LoggedModelStatus
        c = ctx.client
        e = c.create_experiment("search_logged_models")
        run = c.create_run(e, start_time=T0, run_name="lm_run").info.run_id
        specs = [("lm_a", "agent", {"p": "1"}, {"t": "x"}, 0.9), ("lm_b", "clf", {"p": "2"}, {}, 0.3),
                 ("lm_c", None, {}, {"t": ""}, None), ("lm_B2", "agent", {"p": "3"}, {}, float("nan"))]
        for name, mtype, params, tags, acc in specs:
            m = c.create_logged_model(e, name, run if name != "lm_c" else None, tags, params, mtype)
            if acc is not None:
                c.log_metric(run, "acc", acc, timestamp=T0, step=0, model_id=m.model_id,
                             dataset_name="ds" if name != "lm_b" else None,
                             dataset_digest="d1" if name != "lm_b" else None)
            if name in ("lm_a", "lm_b"):
                c.finalize_logged_model(m.model_id, LoggedModelStatus.READY)
            time.sleep(0.005)

        def q(label, filt, order_by=None, datasets=None):
            ctx.call(label, lambda: [m.name for m in c.search_logged_models(
                [e], filt.replace("{run}", run) or None, datasets, 100, order_by or None)])

        for f in corpus.LOGGED_MODEL_FILTERS:
            q(f"filter {f!r}", f)
        for ob in corpus.LOGGED_MODEL_ORDER_BYS:
            q(f"order_by {ob!r}", "", ob)
        q("datasets ds", "", None, [{"dataset_name": "ds"}])
        q("datasets ds/d1 with metric filter", "metrics.acc > 0", None,
          [{"dataset_name": "ds", "dataset_digest": "d1"}])
    run_scenario(pair, "client.search_logged_models", scenario)
