"""`mlflow-cpp gc` against the real `mlflow gc` (MLflow 3.17.2) on the same SQLite database and
artifact folders, written by the real MLflow client: the lines printed, the error messages, the
rows left in every table and the artifact files left on disk must be the same."""
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clidiff import Snapshot, db_state, files_under, last_error_line, run_mlflow, run_ours  # noqa: E402

WRITER = r'''
import json, os, sys
os.environ["MLFLOW_ENABLE_ASYNC_TRACE_LOGGING"] = "false"  # the trace lands before its experiment is deleted
import mlflow
from mlflow import MlflowClient
root = sys.argv[1]
mlflow.set_tracking_uri("sqlite:///" + os.path.join(root, "mlflow.db"))
c = MlflowClient()
ids = {}
def exp(name):
    return c.create_experiment(name, artifact_location=os.path.join(root, "art", name))
def run(e, name):
    with mlflow.start_run(experiment_id=e, run_name=name) as r:
        mlflow.log_param("p", name)
        mlflow.log_metric("m", 1.0, step=1)
        mlflow.set_tag("t", name)
        f = os.path.join(root, name + ".txt")
        open(f, "w").write(name)
        mlflow.log_artifact(f, "files")
    return r.info.run_id
kept = exp("kept")
gone = exp("gone")
ids["kept"], ids["gone"] = kept, gone
ids["run_active"] = run(kept, "active")
ids["run_deleted"] = run(kept, "deleted")
ids["run_in_gone"] = run(gone, "in_gone")
ids["run_deleted_in_gone"] = run(gone, "deleted_in_gone")
mlflow.set_experiment(experiment_id=gone)
with mlflow.start_span("in_gone") as span:
    span.set_inputs({"x": 1})
m = c.create_logged_model(experiment_id=kept, name="gone_model", params={"a": "1"}, tags={"k": "v"})
os.makedirs(m.artifact_location, exist_ok=True)
open(os.path.join(m.artifact_location, "model.bin"), "w").write("weights")
keep_model = c.create_logged_model(experiment_id=kept, name="kept_model")
ids["model_deleted"], ids["model_kept"] = m.model_id, keep_model.model_id
c.delete_run(ids["run_deleted"])
c.delete_run(ids["run_deleted_in_gone"])
c.delete_logged_model(m.model_id)
c.delete_experiment(gone)
print(json.dumps(ids))
'''


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    # Written once (the real client takes a while); every test restores it before each CLI runs.
    root = tmp_path_factory.mktemp("gc") / "data"
    root.mkdir()
    out = subprocess.run([sys.executable, "-c", WRITER, str(root)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    import json
    ids = json.loads(out.stdout.strip().splitlines()[-1])
    return root, ids, Snapshot(root)


def both(root, snapshot, args, env=None):
    """Runs the real gc, records its result, restores the folder, runs ours; returns both results."""
    results = []
    for runner in (run_mlflow, run_ours):
        snapshot.restore()
        r = runner(["gc", *args], cwd=str(root), env=env)
        results.append((r, db_state(str(root / "mlflow.db")), files_under(str(root / "art"))))
    return results


def sqlite_uri(root):
    return "sqlite:///" + str(root / "mlflow.db")


def test_gc_everything_deleted(data):
    root, ids, snap = data
    args = ["--backend-store-uri", sqlite_uri(root)]
    env = {"MLFLOW_TRACKING_URI": sqlite_uri(root)}
    (theirs, their_db, their_files), (ours, our_db, our_files) = both(root, snap, args, env)
    assert theirs.returncode == 0, theirs.stderr
    assert ours.returncode == 0, ours.stderr
    # MLflow walks its ids in set order: compare the lines, not their order.
    assert sorted(ours.stdout.splitlines()) == sorted(theirs.stdout.splitlines())
    assert f"Run with ID {ids['run_deleted']} has been permanently deleted." in ours.stdout
    assert f"Experiment with ID {ids['gone']} has been permanently deleted." in ours.stdout
    assert f"Logged model with ID {ids['model_deleted']} has been permanently deleted." in ours.stdout
    assert our_db == their_db
    assert our_files == their_files
    assert not any(ids["run_deleted"] in f for f in our_files)
    assert any(ids["run_active"] in f for f in our_files)
    assert our_db["trace_info"] == [] and our_db["spans"] == []
    assert [r for r in our_db["experiments"] if r[0] == ids["gone"]] == []


@pytest.mark.parametrize("case", [
    "active_run", "recent_run", "active_experiment", "bad_age", "unknown_run", "active_model", "no_tracking_uri",
    "run_ids_only", "older_than_nothing",
])
def test_gc_same_answer(data, case):
    root, ids, snap = data
    uri = sqlite_uri(root)
    env = {"MLFLOW_TRACKING_URI": uri}
    args = {
        "active_run": ["--run-ids", ids["run_active"]],
        "recent_run": ["--run-ids", ids["run_deleted"], "--older-than", "1d"],
        "active_experiment": ["--experiment-ids", ids["kept"]],
        "bad_age": ["--older-than", "3x"],
        "unknown_run": ["--run-ids", "0123456789abcdef0123456789abcdef"],
        "active_model": ["--logged-model-ids", ids["model_kept"]],
        "no_tracking_uri": [],
        "run_ids_only": ["--run-ids", ids["run_deleted"]],
        "older_than_nothing": ["--older-than", "1.5d2h"],
    }[case]
    if case == "no_tracking_uri":
        env = {}
    (theirs, their_db, their_files), (ours, our_db, our_files) = both(root, snap, ["--backend-store-uri", uri, *args],
                                                                       env)
    assert (ours.returncode == 0) == (theirs.returncode == 0), (ours.stderr, theirs.stderr)
    if theirs.returncode != 0:
        assert last_error_line(ours.stderr) == last_error_line(theirs.stderr)
    assert sorted(ours.stdout.splitlines()) == sorted(theirs.stdout.splitlines())
    assert our_db == their_db
    assert our_files == their_files
