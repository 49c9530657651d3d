"""Helpers for the operator-command tests: data written by the real MLflow, both CLIs run on the
same folder (restored between runs), and what is left in the database and on disk."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from mlflow_server import server_binary  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "zygote"))
from zygote_client import run_python  # noqa: E402

# Tables whose rows gc removes; compared between the two runs.
TABLES = ["experiments", "experiment_tags", "runs", "params", "metrics", "latest_metrics", "tags",
          "logged_models", "logged_model_params", "logged_model_tags", "logged_model_metrics",
          "trace_info", "trace_tags", "trace_request_metadata", "spans", "datasets", "inputs"]


# The real CLI through a zygote (tests/zygote): MLflow imported once, a forked child per command.
MLFLOW_PRELOAD = ("mlflow", "mlflow.cli", "mlflow.store.tracking.sqlalchemy_store",
                  "mlflow.store.artifact.artifact_repository_registry")


def run_mlflow(args, cwd, env=None):
    """The real MLflow CLI (the venv's) with args, as `python -m mlflow` runs it."""
    e = dict(os.environ, **(env or {}))
    e.pop("MLFLOW_TRACKING_URI", None)
    e.update(env or {})
    return run_python(sys.executable, ["-m", "mlflow", *args], cwd=cwd, env=e, timeout=300, preload=MLFLOW_PRELOAD)


def run_ours(args, cwd, env=None):
    e = dict(os.environ)
    e.pop("MLFLOW_TRACKING_URI", None)
    e.update(env or {})
    return subprocess.run([server_binary(), *args], cwd=cwd, capture_output=True, text=True, env=e, timeout=300)


def db_state(db_path):
    """Every row of the compared tables, as sorted tuples per table."""
    con = sqlite3.connect(db_path)
    try:
        out = {}
        for t in TABLES:
            try:
                out[t] = sorted(tuple(map(str, r)) for r in con.execute(f"SELECT * FROM {t}"))
            except sqlite3.OperationalError:
                out[t] = None
        return out
    finally:
        con.close()


def files_under(root):
    found = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            found.append(os.path.relpath(os.path.join(dirpath, f), root))
    return sorted(found)


def last_error_line(stderr):
    """The message of the exception MLflow's CLI died of (its traceback's last line), or ours."""
    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    last = lines[-1]
    for prefix in ("mlflow.exceptions.MlflowException: ", "mlflow.exceptions.RestException: ", "Exception: ",
                   "Error: "):
        if last.startswith(prefix):
            return last[len(prefix):]
    return last


class Snapshot:
    """Saves a folder and puts it back, so both CLIs start from the same bytes at the same paths."""

    def __init__(self, folder):
        self.folder = str(folder)
        self.saved = self.folder + ".saved"
        shutil.copytree(self.folder, self.saved)

    def restore(self):
        shutil.rmtree(self.folder)
        shutil.copytree(self.saved, self.folder)


# Two experiments written by the real MLflow client on SQLite, with local artifacts: "kept" (an
# active run, a deleted run, a deleted and an active logged model) and "gone" (deleted, with an
# active run, a deleted run and a trace). Prints the ids as JSON.
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


def write_data(root):
    os.makedirs(root, exist_ok=True)
    out = subprocess.run([sys.executable, "-c", WRITER, str(root)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])
