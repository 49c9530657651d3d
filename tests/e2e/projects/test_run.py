"""`mlflow-cpp run` against the real mlflow-cpp server: folders, git at a commit, params, errors,
interrupts, sweeps, nested runs, environments and the Kubernetes dry run."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, os.path.dirname(__file__))
from projutil import (api, binary, child_env, copy_example, experiment_id, get_run, git,  # noqa: E402
                      metric_history, params_of, run_cpp, search_runs, tags_of, wait_for)


def only_run(base, exp_name):
    runs = search_runs(base, experiment_id(base, exp_name))
    assert len(runs) == 1, runs
    return runs[0]


def test_folder_run_logs_params_tags_metrics(server, tmp_path):
    proj = copy_example("shell", tmp_path)
    out = run_cpp([str(proj), "--env-manager", "local", "-P", "alpha=0.25", "-P", "message=a b", "-P", "extra=1",
                   "--experiment-name", "folder", "--run-name", "first"], server.url, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "alpha=0.25 message=a b steps=3" in out.stdout  # the command's output is streamed through
    run = only_run(server.url, "folder")
    assert run["info"]["status"] == "FINISHED"
    assert run["info"]["run_name"] == "first"
    assert f"run={run['info']['run_id']} experiment={run['info']['experiment_id']} tracking={server.url}" in out.stdout
    assert params_of(run) == {"alpha": "0.25", "message": "'a b'", "steps": "3", "extra": "1"}
    tags = tags_of(run)
    assert tags["mlflow.source.name"] == str(proj)
    assert tags["mlflow.source.type"] == "PROJECT"
    assert tags["mlflow.project.entryPoint"] == "main"
    assert tags["mlflow.project.backend"] == "local"
    assert tags["mlflow.runName"] == "first"
    assert tags["mlflow.user"]
    assert "mlflow.project.env" not in tags and "mlflow.source.git.commit" not in tags
    assert metric_history(server.url, run["info"]["run_id"], "score") == [(0, 0.25), (1, 0.5), (2, 0.75)]


def test_git_repository_at_a_commit(server, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    copy_example("shell", work)
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "one")
    first = git(work, "rev-parse", "HEAD")
    mlproject = work / "shell" / "MLproject"
    mlproject.write_text(mlproject.read_text().replace("steps: {type: int, default: 3}", "steps: {type: int, default: 4}"))
    git(work, "commit", "-q", "-am", "two")
    second = git(work, "rev-parse", "HEAD")
    bare = tmp_path / "repo.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))

    uri = f"file://{bare}#shell"
    out = run_cpp([uri, "--version", first, "--env-manager", "local", "--experiment-name", "git"], server.url, tmp_path)
    assert out.returncode == 0, out.stderr
    out = run_cpp([str(bare) + "#shell", "--env-manager", "local", "--experiment-name", "git"], server.url, tmp_path)
    assert out.returncode == 0, out.stderr
    runs = sorted(search_runs(server.url, experiment_id(server.url, "git")), key=lambda r: r["info"]["start_time"])
    assert [r["info"]["status"] for r in runs] == ["FINISHED", "FINISHED"]
    at_commit, at_head = (tags_of(r) for r in runs)
    assert at_commit["mlflow.source.git.commit"] == first
    assert at_commit["mlflow.source.name"] == uri
    assert at_commit["mlflow.source.git.repoURL"] == f"file://{bare}"
    assert params_of(runs[0])["steps"] == "3"
    assert at_head["mlflow.source.git.commit"] == second
    assert params_of(runs[1])["steps"] == "4"
    # A fetched copy is temporary: nothing is left behind in the temp folder.
    bad = run_cpp([uri, "--version", "no-such-ref", "--env-manager", "local"], server.url, tmp_path)
    assert bad.returncode == 1
    assert "Unable to checkout version 'no-such-ref'" in bad.stderr


def test_wrong_parameters_create_no_run(server, tmp_path):
    proj = copy_example("shell", tmp_path)
    out = run_cpp([str(proj), "-e", "needs", "--env-manager", "local", "--experiment-name", "wrong"], server.url, tmp_path)
    assert out.returncode == 1
    assert "No value given for missing parameters: 'name'" in out.stderr
    out = run_cpp([str(proj), "-e", "needs", "-P", "name=x", "-P", "source=relative/path", "--env-manager", "local",
                   "--experiment-name", "wrong"], server.url, tmp_path)
    assert out.returncode == 1
    assert "Expected URI for parameter source but got relative/path" in out.stderr
    out = run_cpp([str(proj), "-e", "nope", "--env-manager", "local"], server.url, tmp_path)
    assert out.returncode == 1
    assert "Could not find nope among entry points ['main', 'sleep', 'fail', 'needs']" in out.stderr
    out = run_cpp(["-P", "alpha", str(proj), "--env-manager", "local"], server.url, tmp_path)
    assert out.returncode == 1 and "Invalid format for -P parameter" in out.stderr
    # Nothing was created for any of them.
    with pytest.raises(Exception):
        experiment_id(server.url, "wrong")


def test_failing_command_marks_run_failed(server, tmp_path):
    proj = copy_example("shell", tmp_path)
    out = run_cpp([str(proj), "-e", "fail", "-P", "code=7", "--env-manager", "local", "--experiment-name", "fail"],
                  server.url, tmp_path)
    assert out.returncode == 1
    assert "failing with 7" in out.stdout
    run = only_run(server.url, "fail")
    assert run["info"]["status"] == "FAILED"
    assert "failed" in out.stderr


def test_interrupt_kills_command_and_marks_run_killed(server, tmp_path):
    proj = copy_example("shell", tmp_path)
    pidfile = tmp_path / "child.pid"
    proc = subprocess.Popen([binary(), "run", str(proj), "-e", "sleep", "--env-manager", "local",
                             "--experiment-name", "killed"], cwd=tmp_path,
                            env=child_env(server.url, PIDFILE=str(pidfile)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), 60, "the command to start")
        child_pid = int(pidfile.read_text())
        run = only_run(server.url, "killed")
        assert run["info"]["status"] == "RUNNING"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert get_run(server.url, run["info"]["run_id"])["info"]["status"] == "KILLED"
    wait_for(lambda: not Path(f"/proc/{child_pid}").exists(), 10, "the command to be gone")


def test_sweep_of_six_with_max_parallel_three(server, tmp_path):
    proj = copy_example("shell", tmp_path)
    out = run_cpp([str(proj), "--env-manager", "local", "--experiment-name", "sweep", "--sweep", "alpha=0.1,0.2,0.3",
                   "--sweep", "steps=1,2", "--max-parallel", "3", "-P", "message=swept"], server.url, tmp_path,
                  timeout=600)
    assert out.returncode == 0, out.stderr
    runs = search_runs(server.url, experiment_id(server.url, "sweep"))
    assert len(runs) == 7
    parents = [r for r in runs if "mlflow.parentRunId" not in tags_of(r)]
    assert len(parents) == 1
    parent = parents[0]
    children = [r for r in runs if r is not parent]
    assert all(tags_of(c)["mlflow.parentRunId"] == parent["info"]["run_id"] for c in children)
    assert all(r["info"]["status"] == "FINISHED" for r in runs)
    grid = sorted((params_of(c)["alpha"], params_of(c)["steps"]) for c in children)
    assert grid == [(a, s) for a in ("0.1", "0.2", "0.3") for s in ("1", "2")]
    assert all(params_of(c)["message"] == "swept" for c in children)
    # Never more than three children at once (their run intervals).
    events = sorted([(c["info"]["start_time"], 1) for c in children] + [(c["info"]["end_time"], -1) for c in children],
                    key=lambda e: (e[0], e[1]))
    running, peak = 0, 0
    for _, delta in events:
        running += delta
        peak = max(peak, running)
    assert 1 <= peak <= 3


def test_async_returns_and_run_finishes(server, tmp_path):
    proj = copy_example("shell", tmp_path)
    start = time.monotonic()
    out = run_cpp([str(proj), "--async", "-P", "steps=2", "--env-manager", "local", "--experiment-name", "async"],
                  server.url, tmp_path)
    assert out.returncode == 0, out.stderr
    # The id comes first; the background run shares our stdout and may print after it.
    run_id = out.stdout.splitlines()[0].strip()
    assert len(run_id) == 32, out.stdout
    assert time.monotonic() - start < 30
    wait_for(lambda: get_run(server.url, run_id)["info"]["status"] == "FINISHED", 60, "the background run")
    assert params_of(get_run(server.url, run_id))["steps"] == "2"


def test_nested_runs_of_a_multistep_workflow(server, tmp_path):
    proj = copy_example("python", tmp_path)
    out = run_cpp([str(proj), "-e", "pipeline", "--env-manager", "local", "--experiment-name", "pipeline"],
                  server.url, tmp_path)
    assert out.returncode == 0, out.stderr
    runs = search_runs(server.url, experiment_id(server.url, "pipeline"))
    assert len(runs) == 3
    parent = next(r for r in runs if tags_of(r)["mlflow.project.entryPoint"] == "pipeline")
    steps = sorted((r for r in runs if r is not parent), key=lambda r: r["info"]["run_name"])
    assert [r["info"]["run_name"] for r in steps] == ["step-1", "step-2"]
    for step, lr in zip(steps, ("0.1", "0.2")):
        assert tags_of(step)["mlflow.parentRunId"] == parent["info"]["run_id"]
        assert params_of(step)["learning_rate"] == lr
        assert step["info"]["status"] == "FINISHED"
        # Logged by the real MLflow client inside the project command.
        assert len(metric_history(server.url, step["info"]["run_id"], "loss")) == 2


def _prefix_printing_project(folder, name):
    """A python_env project of this interpreter's version, no packages, whose command prints the
    environment it runs in (prefix=...)."""
    folder.mkdir()
    major_minor = f"{sys.version_info[0]}.{sys.version_info[1]}"
    (folder / "python_env.yaml").write_text(f'python: "{major_minor}"\nbuild_dependencies: []\ndependencies: []\n')
    (folder / "MLproject").write_text(f"name: {name}\npython_env: python_env.yaml\nentry_points:\n  main:\n"
                                      "    command: python -c \"import sys; print('prefix=' + sys.prefix)\"\n")
    return folder


def test_virtualenv_built_once_and_cached(server, tmp_path):
    proj = _prefix_printing_project(tmp_path / "venvproj", "venv")
    env_root = tmp_path / "envs"
    first = run_cpp([str(proj), "--experiment-name", "venv"], server.url, tmp_path, MLFLOW_ENV_ROOT=str(env_root))
    assert first.returncode == 0, first.stderr
    assert "Creating virtualenv" in first.stderr
    second = run_cpp([str(proj), "--experiment-name", "venv"], server.url, tmp_path, MLFLOW_ENV_ROOT=str(env_root))
    assert second.returncode == 0, second.stderr
    assert "Creating virtualenv" not in second.stderr
    envs = [p for p in env_root.iterdir() if p.is_dir()]
    assert len(envs) == 1
    assert f"prefix={envs[0]}" in first.stdout and f"prefix={envs[0]}" in second.stdout
    runs = search_runs(server.url, experiment_id(server.url, "venv"))
    assert [tags_of(r)["mlflow.project.env"] for r in runs] == ["virtualenv", "virtualenv"]


def _uv():
    """uv for --env-manager uv: MLFLOW_CPP_UV, uv on PATH, else the models venv's (pinned there by
    tests/models/make_venv.sh; ctest makes that venv first: fixture models_venv)."""
    import shutil

    found = os.environ.get("MLFLOW_CPP_UV") or shutil.which("uv")
    if found:
        return found
    maker = Path(__file__).resolve().parents[2] / "models" / "make_venv.sh"
    out = subprocess.run([str(maker)], capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0, out.stderr[-2000:]
    return str(Path(out.stdout.strip().splitlines()[-1]) / "bin" / "uv")


def test_uv_environment_built_once_and_cached(server, tmp_path):
    proj = _prefix_printing_project(tmp_path / "uvproj", "uvp")
    env_root = tmp_path / "envs"
    env = {"MLFLOW_ENV_ROOT": str(env_root), "MLFLOW_CPP_UV": _uv()}
    args = [str(proj), "--experiment-name", "uvp", "--env-manager", "uv"]
    first = run_cpp(args, server.url, tmp_path, **env)
    assert first.returncode == 0, first.stderr
    assert "Creating uv environment" in first.stderr
    second = run_cpp(args, server.url, tmp_path, **env)
    assert second.returncode == 0, second.stderr
    assert "Creating uv environment" not in second.stderr
    envs = [p for p in env_root.iterdir() if p.is_dir()]
    assert len(envs) == 1 and envs[0].name.startswith("mlflow-cpp-uv-"), envs
    assert "uv = " in (envs[0] / "pyvenv.cfg").read_text()
    assert f"prefix={envs[0]}" in first.stdout and f"prefix={envs[0]}" in second.stdout
    runs = search_runs(server.url, experiment_id(server.url, "uvp"))
    assert [tags_of(r)["mlflow.project.env"] for r in runs] == ["uv", "uv"]
    # Without uv: a clear error, and the command never runs.
    missing = run_cpp(args, server.url, tmp_path, MLFLOW_ENV_ROOT=str(tmp_path / "envs2"),
                      MLFLOW_CPP_UV=str(tmp_path / "no-such-uv"))
    assert missing.returncode != 0 and "--env-manager uv needs uv" in missing.stderr


def test_conda_and_docker_missing_are_clear_errors(server, tmp_path):
    conda_proj = tmp_path / "condaproj"
    conda_proj.mkdir()
    (conda_proj / "conda.yaml").write_text("name: x\ndependencies: [python]\n")
    (conda_proj / "MLproject").write_text("name: c\nentry_points:\n  main:\n    command: echo hi\n")
    env = {"PATH": "/usr/bin:/bin", "MLFLOW_CONDA_HOME": ""}
    out = run_cpp([str(conda_proj)], server.url, tmp_path, **env)
    assert out.returncode == 1
    assert "Could not find Conda executable at conda" in out.stderr

    docker_proj = tmp_path / "dockerproj"
    docker_proj.mkdir()
    (docker_proj / "MLproject").write_text("name: d\ndocker_env:\n  image: python:3.11\nentry_points:\n"
                                           "  main:\n    command: echo hi\n")
    out = run_cpp([str(docker_proj)], server.url, tmp_path, PATH="/nonexistent:/bin:/usr/bin")
    assert out.returncode == 1
    assert "Docker" in out.stderr  # no docker binary, or no engine answering it


def test_kubernetes_dry_run_writes_the_job(server, tmp_path):
    proj = tmp_path / "kproj"
    proj.mkdir()
    (proj / "MLproject").write_text(
        "name: kube-demo\ndocker_env:\n  image: python:3.11\nentry_points:\n  main:\n"
        "    parameters:\n      alpha: {type: float, default: 0.5}\n"
        "    command: \"python train.py --alpha {alpha} --label 'a b'\"\n")
    template = tmp_path / "job.yaml"
    template.write_text(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: \"{replaced}\"\n  namespace: mlflow\n"
        "spec:\n  ttlSecondsAfterFinished: 100\n  backoffLimit: 0\n  template:\n    spec:\n"
        "      containers:\n      - name: \"{replaced}\"\n        image: \"{replaced}\"\n"
        "        command: [\"{replaced}\"]\n        env:\n        - name: EXISTING\n          value: kept\n"
        "      restartPolicy: Never\n")
    config = tmp_path / "backend.json"
    config.write_text(f'{{"kube-job-template-path": "{template}", "repository-uri": "registry.local/kube-demo"}}')
    out = run_cpp([str(proj), "--backend", "kubernetes", "--backend-config", str(config), "--dry-run",
                   "-P", "alpha=0.7", "--experiment-id", "0"], server.url, tmp_path,
                  KUBE_MLFLOW_TRACKING_URI="http://tracking.svc:5000")
    assert out.returncode == 0, out.stderr
    job = yaml.safe_load(out.stdout)
    assert job["metadata"]["name"].startswith("kube-demo-")
    assert job["metadata"]["namespace"] == "mlflow"
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["name"] == "kube-demo"
    assert container["image"] == "registry.local/kube-demo"  # no git: no :<sha> suffix
    assert container["command"] == ["python", "train.py", "--alpha", "0.7", "--label", "'a b'"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["EXISTING"] == "kept"
    assert env["MLFLOW_TRACKING_URI"] == "http://tracking.svc:5000"
    assert env["MLFLOW_EXPERIMENT_ID"] == "0"
    # Missing backend config keys: MLflow's messages.
    config.write_text('{"repository-uri": "x"}')
    out = run_cpp([str(proj), "--backend", "kubernetes", "--backend-config", str(config), "--dry-run"], server.url,
                  tmp_path)
    assert out.returncode == 1
    assert "'kube-job-template-path' attribute must be specified in backend_config." in out.stderr


def test_sqlite_tracking_uri_without_a_server(tmp_path):
    proj = copy_example("shell", tmp_path)
    db = tmp_path / "direct.db"
    out = run_cpp(["-P", "steps=1", str(proj), "--env-manager", "local"], f"sqlite:///{db}", tmp_path)
    assert out.returncode == 0, out.stderr
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT run_uuid, status FROM runs").fetchall()
        assert len(rows) == 1 and rows[0][1] == "FINISHED"
        params = dict(con.execute("SELECT key, value FROM params WHERE run_uuid = ?", (rows[0][0],)).fetchall())
        assert params == {"alpha": "0.5", "message": "'hello world'", "steps": "1"}
    finally:
        con.close()
