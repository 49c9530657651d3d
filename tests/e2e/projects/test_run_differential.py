"""The same projects run by the real `mlflow run` (MLflow 3.17.2) and by `mlflow-cpp run`, against
one real MLflow tracking server: the params, tags and metrics they record must be the same, apart
from the differences listed with reasons in known_differences.yaml."""
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
import yaml

sys.path.insert(0, os.path.dirname(__file__))
from projutil import (VENV_BIN, child_env, copy_example, experiment_id, git, metric_history,  # noqa: E402
                      params_of, run_cpp, search_runs, tags_of)

KNOWN = yaml.safe_load((Path(__file__).parent / "known_differences.yaml").read_text())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def real_server():
    work = Path(tempfile.mkdtemp(prefix="projects-real-"))
    port = free_port()
    log = open(work / "server.log", "w")
    env = dict(os.environ, MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false")
    env.pop("MLFLOW_TRACKING_URI", None)
    proc = subprocess.Popen([f"{VENV_BIN}/mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
                             "--backend-store-uri", f"sqlite:///{work}/mlflow.db",
                             "--artifacts-destination", str(work / "artifacts"), "--workers", "1"],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/health", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            raise RuntimeError("the real MLflow server exited: " + (work / "server.log").read_text()[-2000:])
        time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("the real MLflow server did not start in 120 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_real(args, url, cwd):
    return subprocess.run([f"{VENV_BIN}/mlflow", "run", *args], cwd=cwd, env=child_env(url), capture_output=True,
                          text=True, timeout=300)


def observe(url, exp_name, metric_keys):
    runs = search_runs(url, experiment_id(url, exp_name))
    assert len(runs) == 1, runs
    run = runs[0]
    return {
        "status": run["info"]["status"],
        "params": params_of(run),
        "tags": tags_of(run),
        "metrics": {k: metric_history(url, run["info"]["run_id"], k) for k in metric_keys},
    }


def compare(real, ours, run_name_given):
    assert ours["status"] == real["status"] == "FINISHED"
    assert ours["params"] == real["params"]
    assert ours["metrics"] == real["metrics"]
    real_tags, our_tags = dict(real["tags"]), dict(ours["tags"])
    if not run_name_given:
        assert "run-name-generated" in {k["id"] for k in KNOWN}
        real_tags.pop("mlflow.runName", None)
        our_tags.pop("mlflow.runName", None)
    assert our_tags == real_tags


CASES = [
    # (example, entry point, params, metric keys, --run-name, in a git work tree)
    ("shell", "main", ["alpha=0.25", "message=two words", "extra=x y"], ["score"], "shell-run", False),
    ("shell", "main", [], ["score"], None, True),
    ("python", "main", ["learning_rate=0.05", "epochs=3", "label=it's quoted"], ["loss", "final_loss"], "py-run", True),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_same_params_tags_metrics_as_mlflow_run(real_server, tmp_path, case):
    example, entry, params, metric_keys, run_name, in_git = CASES[case]
    if in_git:
        root = tmp_path / "repo"
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        git(root, "remote", "add", "origin", "https://user:secret@git.example.com/team/projects.git")
        proj = copy_example(example, root)
        git(root, "add", ".")
        git(root, "commit", "-q", "-m", "project")
    else:
        proj = copy_example(example, tmp_path)
    common = [str(proj), "-e", entry, "--env-manager", "local"]
    for p in params:
        common += ["-P", p]
    if run_name:
        common += ["--run-name", run_name]
    real_exp, our_exp = f"real-{case}", f"cpp-{case}"

    real = run_real([*common, "--experiment-name", real_exp], real_server, tmp_path)
    assert real.returncode == 0, real.stderr[-3000:]
    ours = run_cpp([*common, "--experiment-name", our_exp], real_server, tmp_path)
    assert ours.returncode == 0, ours.stderr

    real_obs, our_obs = observe(real_server, real_exp, metric_keys), observe(real_server, our_exp, metric_keys)
    compare(real_obs, our_obs, bool(run_name))
    # What was compared is what matters: the tags MLflow logs, and metrics the command logged.
    assert our_obs["tags"]["mlflow.source.type"] == "PROJECT"
    assert our_obs["tags"]["mlflow.project.backend"] == "local"
    assert all(our_obs["metrics"][k] for k in metric_keys)
    if in_git:
        assert our_obs["tags"]["mlflow.source.name"] == f"file://{root}#{example}"
        assert our_obs["tags"]["mlflow.source.git.commit"] == git(root, "rev-parse", "HEAD")
        assert our_obs["tags"]["mlflow.source.git.repoURL"] == "https://git.example.com/team/projects.git"
    if run_name:
        assert our_obs["tags"]["mlflow.runName"] == run_name
