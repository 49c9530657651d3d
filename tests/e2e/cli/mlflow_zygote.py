"""Runs the real `mlflow` CLI many times without paying its start-up each time: this process
imports MLflow (and the modules its commands load) once, then forks a child per command. The child
is a fresh process as far as the command can tell: its own working directory, environment, TZ,
stdin from /dev/null, stdout and stderr on the files it was given, and the exit code `python -m
mlflow` would have (click's, 1 for an uncaught exception after its traceback).

Protocol (one JSON object a line, both ways), used by clidiff.run_mlflow:
  -> {"args": [...], "cwd": "...", "env": {...}, "out": "path", "err": "path", "timeout": 300}
  <- {"code": N}   (-9 when the command ran past its timeout and was killed)
"""
import json
import os
import signal
import sys
import time
import traceback

import click

import mlflow
import mlflow.cli
# What the compared commands load on first use (SQL store, alembic, gc's artifact repositories):
# imported here once instead of in every child.
import mlflow.store.tracking.sqlalchemy_store  # noqa: F401
import mlflow.store.artifact.artifact_repository_registry  # noqa: F401


def run_child(req):
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    time.tzset()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, path in ((1, req["out"]), (2, req["err"])):
        f = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(f, fd)
        os.close(f)
    code = 0
    try:
        mlflow.cli.cli.main(args=req["args"], prog_name="python -m mlflow", standalone_mode=True)
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code
        else:  # sys.exit("message"): Python prints it and exits 1
            print(e.code, file=sys.stderr)
            code = 1
    except click.exceptions.Abort:
        code = 1
    except BaseException:  # noqa: BLE001 - what an uncaught exception does to `python -m mlflow`
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def wait_bounded(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return -9


def main():
    reply = sys.stdout
    for line in sys.stdin:
        req = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_child(req)
        reply.write(json.dumps({"code": wait_bounded(pid, req.get("timeout", 300))}) + "\n")
        reply.flush()


if __name__ == "__main__":
    main()
