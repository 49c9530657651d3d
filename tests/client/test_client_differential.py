"""Differential test of the C++ client: the same scenario logged by the C++ client
(client_scenario.cc) and by the real Python MlflowClient, read back through the Python client, must
be identical (ids, times the server sets, and the program's own name aside). Against a real
mlflow-cpp server and against a SQLite file the C++ client wrote with no server, read by the
Python client straight from the database."""
import json
import math
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from mlflow_server import MlflowCppServer  # noqa: E402

from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunTag  # noqa: E402

SCENARIO = os.environ.get("MLFLOW_CPP_CLIENT_SCENARIO")


def run_cpp(uri, name, cwd):
    out = subprocess.run([SCENARIO, uri, name], capture_output=True, text=True, timeout=300, cwd=cwd)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_python(uri, name):
    """The calls client_scenario.cc makes, through the Python client."""
    c = MlflowClient(uri)
    exp = c.create_experiment(name, tags={"team": "robotics", "unicode": "ünïcødé ✓"})
    run = c.create_run(exp, start_time=1700000000000, tags={"mlflow.user": "scenario-user", "stage": "train"},
                       run_name="main-run")
    rid = run.info.run_id
    c.log_param(rid, "lr", "0.001")
    c.log_param(rid, "optimizer", "adam")
    c.log_metric(rid, "loss", 1.5, timestamp=1700000000100, step=0)
    c.log_metric(rid, "loss", 0.75, timestamp=1700000000200, step=1)
    c.log_metric(rid, "loss", 0.25, timestamp=1700000000300, step=2)
    c.log_metric(rid, "nan_metric", float("nan"), timestamp=1700000000100, step=0)
    c.log_metric(rid, "inf_metric", float("inf"), timestamp=1700000000100, step=0)
    c.log_metric(rid, "tiny", 1e-300, timestamp=1700000000100, step=0)
    c.log_metric(rid, "big_step", 3.0, timestamp=1700000000100, step=9007199254740993)
    c.log_batch(rid, metrics=[Metric("batch_metric", i * 0.5, 1700000001000 + i, i) for i in range(1500)],
                params=[Param(f"p{i}", f"v{i}") for i in range(120)], tags=[RunTag("batch_tag", "yes")])
    c.log_batch(rid, metrics=[Metric("async_metric", i * 0.25, 1700000002000 + i, i) for i in range(3000)])
    c.set_tag(rid, "note", 'line1\nline2 "quoted"')
    c.set_tag(rid, "to_delete", "x")
    c.delete_tag(rid, "to_delete")
    c.log_text(rid, "hello from the scenario", "notes/hello.txt")
    c.log_text(rid, "artifact_path: model\nflavors: {}\n", "model/MLmodel")
    child = c.create_run(exp, start_time=1700000000500, tags={"mlflow.parentRunId": rid, "mlflow.user": "scenario-user"},
                         run_name="child-run")
    c.log_metric(child.info.run_id, "child_metric", 42, timestamp=1700000000600, step=0)
    c.set_terminated(child.info.run_id, "FINISHED", end_time=1700000000700)
    c.set_terminated(rid, "FINISHED", end_time=1700000009000)
    model = name + "-model"
    c.create_registered_model(model, tags={"owner": "scenario"}, description="scenario model")
    c.create_model_version(model, run.info.artifact_uri + "/model", rid, tags={"v": "1"}, description="first version")
    c.set_registered_model_alias(model, "champion", "1")
    return {"experiment_id": exp, "run_id": rid, "child_run_id": child.info.run_id, "model": model}


def norm_value(v):
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    return v


def snapshot(uri, ids):
    """What the Python client reads back, with the ids and names of this side replaced."""
    c = MlflowClient(uri)
    rid, cid = ids["run_id"], ids["child_run_id"]

    def scrub(s):
        return s.replace(rid, "<run>").replace(cid, "<child>").replace(ids["model"], "<model>")

    def scrub_uri(s):  # an artifact location: the part from the experiment's folder on
        s = scrub(s).replace("/" + ids["experiment_id"] + "/", "/<exp>/")
        return s[s.index("/<exp>/"):]

    def run_view(run_id):
        r = c.get_run(run_id)
        histories = {k: [(norm_value(m.value), m.step, m.timestamp) for m in c.get_metric_history(run_id, k)]
                     for k in r.data.metrics}
        return {
            "name": r.info.run_name, "status": r.info.status, "start": r.info.start_time, "end": r.info.end_time,
            "user": r.info.user_id, "lifecycle": r.info.lifecycle_stage,
            "params": r.data.params,
            "metrics": {k: norm_value(v) for k, v in r.data.metrics.items()},
            "tags": {k: scrub(v) for k, v in r.data.tags.items()},
            "histories": histories,
        }

    exp = c.get_experiment(ids["experiment_id"])
    main = run_view(rid)
    arts = sorted(f.path for f in c.list_artifacts(rid)) + sorted(f.path for f in c.list_artifacts(rid, "notes"))
    text = open(c.download_artifacts(rid, "notes/hello.txt", dst_path=os.environ["SNAP_TMP"])).read()
    mv = c.get_model_version(ids["model"], "1")
    rm = c.get_registered_model(ids["model"])
    return {
        "experiment": {"tags": exp.tags, "lifecycle": exp.lifecycle_stage},
        "main": main,
        "child": run_view(cid),
        "artifacts": arts,
        "artifact_text": text,
        "children": [scrub(r.info.run_id) for r in
                     c.search_runs([ids["experiment_id"]], f"tags.mlflow.parentRunId = '{rid}'")],
        "model_version": {"version": mv.version, "run_id": scrub(mv.run_id), "source": scrub_uri(mv.source),
                          "status": mv.status, "description": mv.description, "tags": mv.tags, "aliases": mv.aliases,
                          "stage": mv.current_stage},
        "registered_model": {"description": rm.description, "tags": rm.tags, "aliases": rm.aliases},
    }


@pytest.fixture
def snap_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("SNAP_TMP", str(tmp_path / "dl"))
    (tmp_path / "dl").mkdir()


def test_cpp_client_matches_python_client_over_http(tmp_path, snap_tmp):
    assert SCENARIO, "MLFLOW_CPP_CLIENT_SCENARIO must point at client_scenario"
    with MlflowCppServer(tmp_path / "srv") as srv:
        cpp_ids = run_cpp(srv.url, "cpp-side", tmp_path)
        py_ids = run_python(srv.url, "python-side")
        cpp, py = snapshot(srv.url, cpp_ids), snapshot(srv.url, py_ids)
    # Only what depends on the program differs: its name.
    assert cpp["main"]["tags"].pop("mlflow.source.name", None) is None
    assert cpp == py


def test_cpp_client_local_sqlite_reads_back_through_python(tmp_path, snap_tmp):
    """The C++ client writes a SQLite file with no server; MLflow upgrades it to its own schema head
    (`mlflow db upgrade`, as it requires before opening an older file) and the Python client reads
    it directly: the same as the scenario the Python client wrote to its own file."""
    cpp_db, py_db = tmp_path / "cpp.db", tmp_path / "py.db"
    cpp_dir, py_dir = tmp_path / "cpp", tmp_path / "py"
    cpp_dir.mkdir()
    py_dir.mkdir()
    cpp_ids = run_cpp(f"sqlite:///{cpp_db}", "local-side", cpp_dir)
    up = subprocess.run([sys.executable, "-m", "mlflow", "db", "upgrade", f"sqlite:///{cpp_db}"],
                        capture_output=True, text=True, timeout=300)
    assert up.returncode == 0, up.stderr
    cwd = os.getcwd()
    os.chdir(py_dir)  # the Python client's local artifacts go to ./mlruns, as the C++ client's do
    try:
        py_ids = run_python(f"sqlite:///{py_db}", "local-side")
        os.chdir(cpp_dir)
        cpp = snapshot(f"sqlite:///{cpp_db}", cpp_ids)
        os.chdir(py_dir)
        py = snapshot(f"sqlite:///{py_db}", py_ids)
    finally:
        os.chdir(cwd)
    assert cpp == py
