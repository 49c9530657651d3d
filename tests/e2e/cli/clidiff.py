"""Helpers for the operator-command tests: data written by the real MLflow, both CLIs run on the
same folder (restored between runs), and what is left in the database and on disk."""
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from mlflow_server import server_binary  # noqa: E402

# Tables whose rows gc removes; compared between the two runs.
TABLES = ["experiments", "experiment_tags", "runs", "params", "metrics", "latest_metrics", "tags",
          "logged_models", "logged_model_params", "logged_model_tags", "logged_model_metrics",
          "trace_info", "trace_tags", "trace_request_metadata", "spans", "datasets", "inputs"]


def run_mlflow(args, cwd, env=None):
    """The real MLflow CLI (the venv's) with args."""
    e = dict(os.environ, **(env or {}))
    e.pop("MLFLOW_TRACKING_URI", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "mlflow", *args], cwd=cwd, capture_output=True, text=True,
                          env=e, timeout=300)


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
    for prefix in ("mlflow.exceptions.MlflowException: ", "Error: "):
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
