"""Differential client suite: experiments, runs, params, metrics, tags, log-batch, metric history."""
import math

import mlflow
import pytest
from mlflow.entities import Metric, Param, RunStatus, RunTag, ViewType

from harness.client_diff import run_scenario

T0 = 1_600_000_000_000  # fixed client timestamps are compared exactly


@pytest.mark.area("experiments")
def test_experiments(pair):
    def scenario(ctx):
        c = ctx.client
        e1 = ctx.call("create", c.create_experiment, "exp_A", tags={"team": "x", "k.dot": "v"})
        ctx.call("create duplicate", c.create_experiment, "exp_A")
        ctx.call("create empty name", c.create_experiment, "")
        ctx.call("create with artifact location", c.create_experiment, "exp_loc",
                 artifact_location="mlflow-artifacts:/custom/place")
        ctx.call("get", c.get_experiment, e1)
        ctx.call("get by name", c.get_experiment_by_name, "exp_A")
        ctx.call("get by name missing", c.get_experiment_by_name, "no such experiment")
        ctx.call("get missing id", c.get_experiment, "987654")
        ctx.call("get non-numeric id", c.get_experiment, "abc")
        ctx.call("get default", c.get_experiment, "0")
        ctx.call("set tag", c.set_experiment_tag, e1, "team", "y")
        ctx.call("set tag 2", c.set_experiment_tag, e1, "note", "")
        ctx.call("after tags", c.get_experiment, e1)
        ctx.call("delete tag", c.delete_experiment_tag, e1, "k.dot")
        ctx.call("delete missing tag", c.delete_experiment_tag, e1, "never-set")
        ctx.call("after tag delete", c.get_experiment, e1)
        ctx.call("rename", c.rename_experiment, e1, "exp_A_renamed")
        ctx.call("get old name", c.get_experiment_by_name, "exp_A")
        ctx.call("get new name", c.get_experiment_by_name, "exp_A_renamed")
        ctx.call("rename to existing", c.rename_experiment, e1, "exp_loc")
        ctx.call("rename to empty", c.rename_experiment, e1, "")
        ctx.call("delete", c.delete_experiment, e1)
        ctx.call("get deleted", c.get_experiment, e1)
        ctx.call("get deleted by name", c.get_experiment_by_name, "exp_A_renamed")
        ctx.call("create same name as deleted", c.create_experiment, "exp_A_renamed")
        ctx.call("rename deleted", c.rename_experiment, e1, "exp_whatever")
        ctx.call("delete again", c.delete_experiment, e1)
        ctx.call("restore", c.restore_experiment, e1)
        ctx.call("restore active", c.restore_experiment, e1)
        ctx.call("after restore", c.get_experiment, e1)
        ctx.call("delete missing", c.delete_experiment, "987654")
        ctx.call("restore missing", c.restore_experiment, "987654")
        ctx.call("delete default", c.delete_experiment, "0")
        # Fluent API
        exp = ctx.call("fluent set_experiment", mlflow.set_experiment, "exp_fluent")
        ctx.call("fluent set_experiment again", mlflow.set_experiment, "exp_fluent")
        ctx.call("fluent get_experiment_by_name", mlflow.get_experiment_by_name, "exp_fluent")
        ctx.call("fluent set_experiment_tags", mlflow.set_experiment_tags, {"a": "1", "b": "2"})
        ctx.call("fluent get", mlflow.get_experiment, exp.experiment_id)
        for i in range(3):
            ctx.call(f"bulk create {i}", c.create_experiment, f"exp_bulk_{i}", tags={"i": str(i)})
        ctx.call("search names", c.search_experiments, view_type=ViewType.ALL,
                 filter_string="name LIKE 'exp_%'", order_by=["name ASC"])
        ctx.call("search deleted only", c.search_experiments, view_type=ViewType.DELETED_ONLY,
                 order_by=["name"])
    run_scenario(pair, "client.experiments", scenario)


@pytest.mark.area("runs")
def test_runs(pair):
    def scenario(ctx):
        c = ctx.client
        e = c.create_experiment("runs_exp")
        r = ctx.call("create", c.create_run, e, start_time=T0, tags={"t1": "v1"}, run_name="first_run")
        rid = r.info.run_id
        ctx.call("get", c.get_run, rid)
        ctx.call("create no name", c.create_run, e, start_time=T0 + 1)
        ctx.call("create in missing experiment", c.create_run, "987654")
        ctx.call("update status", c.update_run, rid, status="FAILED")
        ctx.call("update name", c.update_run, rid, name="renamed_run")
        ctx.call("after update", c.get_run, rid)
        ctx.call("terminate", c.set_terminated, rid, status="FINISHED", end_time=T0 + 5000)
        ctx.call("after terminate", c.get_run, rid)
        ctx.call("terminate killed", c.set_terminated, rid, status="KILLED", end_time=T0 + 6000)
        ctx.call("get missing", c.get_run, "0" * 32)
        ctx.call("get malformed id", c.get_run, "not-a-run-id")
        ctx.call("delete", c.delete_run, rid)
        ctx.call("get deleted", c.get_run, rid)
        ctx.call("delete again", c.delete_run, rid)
        ctx.call("set tag on deleted", c.set_tag, rid, "x", "y")
        ctx.call("restore", c.restore_run, rid)
        ctx.call("after restore", c.get_run, rid)
        ctx.call("delete missing", c.delete_run, "f" * 32)
        ctx.call("restore missing", c.restore_run, "f" * 32)
        # Fluent: nested runs, parent tag, end status
        mlflow.set_experiment(experiment_id=e)
        with mlflow.start_run(run_name="parent") as parent:
            ctx.note("parent info", ctx.client.get_run(parent.info.run_id).info)
            with mlflow.start_run(run_name="child", nested=True) as child:
                mlflow.log_param("p", "1")
                ctx.note("child run", ctx.client.get_run(child.info.run_id))
            ctx.call("child after end", c.get_run, child.info.run_id)
        ctx.call("parent after end", c.get_run, parent.info.run_id)
        try:
            with mlflow.start_run(run_name="failing"):
                raise ValueError("boom")
        except ValueError:
            pass
        ctx.call("last active run", mlflow.last_active_run)
        ctx.call("search nested", c.search_runs, [e], "tags.mlflow.parentRunId != ''")
        # Deleted experiment: runs cannot be created in it
        e2 = c.create_experiment("runs_exp_deleted")
        r2 = c.create_run(e2, start_time=T0)
        c.delete_experiment(e2)
        ctx.call("create in deleted experiment", c.create_run, e2)
        ctx.call("log to run of deleted experiment", c.log_param, r2.info.run_id, "a", "b")
        ctx.call("runs of deleted experiment", c.search_runs, [e2], run_view_type=ViewType.ALL)
    run_scenario(pair, "client.runs", scenario)


@pytest.mark.area("logging")
def test_logging(pair):
    def scenario(ctx):
        c = ctx.client
        e = c.create_experiment("log_exp")
        rid = c.create_run(e, start_time=T0, run_name="logger").info.run_id
        ctx.call("param", c.log_param, rid, "alpha", "0.5")
        ctx.call("param same value", c.log_param, rid, "alpha", "0.5")
        ctx.call("param changed value", c.log_param, rid, "alpha", "0.6")
        ctx.call("param empty value", c.log_param, rid, "empty", "")
        ctx.call("param long value", c.log_param, rid, "long", "x" * 6000)
        ctx.call("param too long value", c.log_param, rid, "toolong", "y" * 6001)
        ctx.call("param key with chars", c.log_param, rid, "a/b c:d-e.f", "v")
        ctx.call("param bad key", c.log_param, rid, "bad$key", "v")
        ctx.call("param key ..", c.log_param, rid, "../up", "v")
        ctx.call("param key too long", c.log_param, rid, "k" * 251, "v")
        for i, (v, step) in enumerate([(1.0, 0), (2.5, 1), (0.5, 2), (float("nan"), 3),
                                       (float("inf"), 4), (float("-inf"), 5), (-0.0, 6), (1e-300, 7)]):
            ctx.call(f"metric {i}", c.log_metric, rid, "loss", v, timestamp=T0 + i, step=step)
        ctx.call("metric same point twice", c.log_metric, rid, "loss", 1.0, timestamp=T0, step=0)
        ctx.call("metric negative step", c.log_metric, rid, "neg", 3.0, timestamp=T0, step=-5)
        ctx.call("metric big step", c.log_metric, rid, "big", 3.0, timestamp=T0, step=2**62)
        ctx.call("metric latest by step", c.log_metric, rid, "order", 9.0, timestamp=T0 + 100, step=1)
        ctx.call("metric older step later ts", c.log_metric, rid, "order", 7.0, timestamp=T0 + 200, step=0)
        ctx.call("metric nan only", c.log_metric, rid, "nan_only", float("nan"), timestamp=T0)
        ctx.call("metric inf only", c.log_metric, rid, "inf_only", float("inf"), timestamp=T0)
        ctx.call("metric bad key", c.log_metric, rid, "bad key!", 1.0, timestamp=T0)
        ctx.call("tag", c.set_tag, rid, "color", "red")
        ctx.call("tag overwrite", c.set_tag, rid, "color", "blue")
        ctx.call("tag long", c.set_tag, rid, "long", "z" * 8000)
        ctx.call("tag too long", c.set_tag, rid, "toolong", "z" * 8001)
        ctx.call("tag runName", c.set_tag, rid, "mlflow.runName", "tag_named")
        ctx.call("delete tag", c.delete_tag, rid, "color")
        ctx.call("delete missing tag", c.delete_tag, rid, "color")
        ctx.call("run after logging", c.get_run, rid)
        for key in ("loss", "neg", "big", "order", "nan_only", "inf_only", "never"):
            ctx.call(f"history {key}", c.get_metric_history, rid, key)
        # log_batch at its limits (the client splits above them; raw limits are in test_http_raw)
        metrics = [Metric(f"m{i % 10}", float(i), T0 + i, i // 10) for i in range(1000)]
        ctx.call("batch 1000 metrics", c.log_batch, rid, metrics=metrics)
        params = [Param(f"bp{i}", str(i)) for i in range(100)]
        ctx.call("batch 100 params", c.log_batch, rid, params=params)
        tags = [RunTag(f"bt{i}", "v" * (i * 80)) for i in range(100)]
        ctx.call("batch 100 tags", c.log_batch, rid, tags=tags)
        ctx.call("batch mixed", c.log_batch, rid, metrics=metrics[:10], params=[Param("mixed", "1")],
                 tags=[RunTag("mixed", "1")])
        ctx.call("batch param conflict", c.log_batch, rid, params=[Param("alpha", "0.9")])
        ctx.call("batch duplicate param keys", c.log_batch, rid,
                 params=[Param("dup", "1"), Param("dup", "2")])
        ctx.call("batch bad metric key", c.log_batch, rid, metrics=[Metric("ok", 1.0, T0, 0),
                                                                   Metric("//bad", 1.0, T0, 0)])
        ctx.call("batch empty", c.log_batch, rid)
        ctx.call("batch 2500 metrics (client chunks)", c.log_batch, rid,
                 metrics=[Metric("chunked", float(i), T0, i) for i in range(2500)])
        ctx.call("history m3", c.get_metric_history, rid, "m3")
        ctx.call("history chunked", c.get_metric_history, rid, "chunked")
        ctx.call("run after batch", c.get_run, rid)
        ctx.call("log to missing run", c.log_metric, "e" * 32, "x", 1.0)
        # finished runs still accept logging; deleted runs do not
        c.set_terminated(rid, end_time=T0 + 10)
        ctx.call("log after finish", c.log_metric, rid, "after", 1.0, timestamp=T0)
        c.delete_run(rid)
        ctx.call("log to deleted run", c.log_metric, rid, "after", 2.0, timestamp=T0)
        ctx.call("param to deleted run", c.log_param, rid, "after", "x")
        ctx.call("batch to deleted run", c.log_batch, rid, params=[Param("after", "x")])
        # fluent logging
        mlflow.set_experiment(experiment_id=e)
        with mlflow.start_run(run_name="fluent_logging") as run:
            mlflow.log_params({"a": 1, "b": "two", "c": None})
            mlflow.log_metrics({"x": 1.0, "y": math.pi}, step=3, timestamp=T0)
            mlflow.log_metric("z", 5.0, step=1, timestamp=T0)
            mlflow.set_tags({"t": "1", "u": ""})
            mlflow.set_tag("v", 3)
        ctx.call("fluent run", c.get_run, run.info.run_id)
        ctx.call("fluent status", lambda: c.get_run(run.info.run_id).info.status)
        with mlflow.start_run(run_name="fluent_failed") as r2:
            mlflow.end_run(status=RunStatus.to_string(RunStatus.FAILED))
        ctx.call("fluent failed", c.get_run, r2.info.run_id)
    run_scenario(pair, "client.logging", scenario)
