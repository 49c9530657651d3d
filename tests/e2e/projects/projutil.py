"""Helpers for the `mlflow-cpp run` tests: copies of the example projects, the run command, REST reads."""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests

EXAMPLES = Path(os.environ.get("MLFLOW_CPP_EXAMPLES", Path(__file__).resolve().parents[3] / "examples" / "projects"))
VENV_BIN = str(Path(sys.executable).parent)  # the real MLflow's venv: `python` there has the client


def binary():
    path = os.environ.get("MLFLOW_CPP_BINARY")
    if not path or not os.path.exists(path):
        raise RuntimeError("MLFLOW_CPP_BINARY must point at the built mlflow-cpp binary")
    return path


def copy_example(name, dest):
    """A copy of examples/projects/<name> outside any git repository."""
    target = Path(dest) / name
    shutil.copytree(EXAMPLES / name, target)
    return target


def child_env(tracking_uri, **extra):
    env = dict(os.environ)
    for k in ("MLFLOW_RUN_ID", "MLFLOW_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_NAME"):
        env.pop(k, None)
    env["MLFLOW_TRACKING_URI"] = tracking_uri
    env["PATH"] = VENV_BIN + os.pathsep + env.get("PATH", "")
    env["MLFLOW_CPP"] = binary()
    env.update(extra)
    return env


def run_cpp(args, tracking_uri, cwd, timeout=300, **extra):
    return subprocess.run([binary(), "run", *args], cwd=cwd, env=child_env(tracking_uri, **extra),
                          capture_output=True, text=True, timeout=timeout)


def api(base, method, endpoint, body=None, params=None):
    r = requests.request(method, f"{base}/api/2.0/mlflow/{endpoint}", json=body, params=params, timeout=30)
    r.raise_for_status()
    return r.json()


def get_run(base, run_id):
    return api(base, "GET", "runs/get", params={"run_id": run_id})["run"]


def search_runs(base, experiment_id):
    out, token = [], None
    for _ in range(20):
        body = {"experiment_ids": [experiment_id], "max_results": 1000}
        if token:
            body["page_token"] = token
        got = api(base, "POST", "runs/search", body)
        out += got.get("runs", [])
        token = got.get("next_page_token")
        if not token:
            break
    return out


def experiment_id(base, name):
    return api(base, "GET", "experiments/get-by-name", params={"experiment_name": name})["experiment"]["experiment_id"]


def params_of(run):
    return {p["key"]: p["value"] for p in run["data"].get("params", [])}


def tags_of(run):
    return {t["key"]: t["value"] for t in run["data"].get("tags", [])}


def metric_history(base, run_id, key):
    got = api(base, "GET", "metrics/get-history", params={"run_id": run_id, "metric_key": key})
    return sorted((m["step"], m["value"]) for m in got.get("metrics", []))


def wait_for(predicate, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def git(cwd, *args):
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                              "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()
