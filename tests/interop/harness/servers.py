"""Start and stop the two servers under test, each on a free loopback port in its own temp folder."""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests

from . import mysql_backend

READY_TIMEOUT_REAL_S = 90.0
READY_TIMEOUT_CPP_S = 30.0
STOP_TIMEOUT_S = 15.0

_live: list["ServerProc"] = []
_live_lock = threading.Lock()
_template_lock = threading.Lock()


def _sqlite_template(venv: str) -> Path:
    """An empty SQLite database initialized by this venv's MLflow, made once per venv.

    A real server started on a new file runs MLflow's whole alembic chain first (5 to 13 s of CPU
    here); a copy of this database is the same file without that cost. The default experiment is
    removed: each server makes its own on start, with an artifact location in its own folder.
    """
    path = Path(venv) / ".interop-sqlite-template.db"
    with _template_lock:
        if path.exists():
            return path
        from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with tempfile.TemporaryDirectory(prefix="interop-sqlite-tmpl-") as art:
            SqlAlchemyStore(f"sqlite:///{tmp}", art).engine.dispose()
        with sqlite3.connect(tmp) as db:
            db.execute("DELETE FROM experiments")
        db.close()
        os.replace(tmp, path)  # atomic: a concurrent maker of the same file is harmless
        return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    # Linux only: the server gets SIGTERM if the test process is killed, so nothing is left behind.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    os.setsid()


def server_env() -> dict:
    env = dict(os.environ)
    # Keep the reference light: no background job runner (huey) in the test server.
    env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    env.pop("MLFLOW_TRACKING_URI", None)
    env.pop("MLFLOW_REGISTRY_URI", None)
    return env


class ServerProc:
    """One server process. kind is 'real' (Python MLflow from the venv) or 'cpp' (our binary)."""

    def __init__(self, kind: str, label: str, *, venv: str | None = None, cpp_bin: str | None = None,
                 workdir: str | None = None, db_path: str | None = None, backend_uri: str | None = None):
        self.kind = kind
        self.label = label
        self.venv = venv
        self.cpp_bin = cpp_bin
        self.owns_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix=f"interop-{label}-"))
        self.db_path = Path(db_path) if db_path else self.workdir / "mlflow.db"
        # A database server's URI (mysql+pymysql://...) in place of the SQLite file.
        self.backend_uri = backend_uri or f"sqlite:///{self.db_path}"
        self.artifacts = self.workdir / "artifacts"
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / f"server-{label}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        common = ["--host", "127.0.0.1", "--port", str(self.port),
                  "--backend-store-uri", self.backend_uri,
                  "--artifacts-destination", str(self.artifacts)]
        if self.kind == "real":
            return [str(Path(self.venv) / "bin" / "mlflow"), "server", *common, "--workers", "1"]
        return [self.cpp_bin, "server", *common]

    def launch(self) -> None:
        # Always called from the main thread: PR_SET_PDEATHSIG fires when the forking THREAD exits.
        self.artifacts.mkdir(parents=True, exist_ok=True)
        if self.kind == "real" and self.backend_uri == f"sqlite:///{self.db_path}" and not self.db_path.exists():
            shutil.copyfile(_sqlite_template(self.venv), self.db_path)
        self.port = free_port()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.workdir, env=server_env(),
                                     preexec_fn=_die_with_parent)
        log.close()
        with _live_lock:
            _live.append(self)

    def ready_timeout(self) -> float:
        return READY_TIMEOUT_REAL_S if self.kind == "real" else READY_TIMEOUT_CPP_S

    def start(self) -> "ServerProc":
        start_many([self])
        return self

    def _probe(self) -> bool:
        try:
            return requests.get(self.url + "/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "<no log>"

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        with _live_lock:
            if self in _live:
                _live.remove(self)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=STOP_TIMEOUT_S)
        # Children that left the group (none expected) are reaped by the group kill above.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def cleanup(self) -> None:
        self.stop()
        if self.owns_workdir and not os.environ.get("MLFLOW_INTEROP_KEEP_TMP"):
            shutil.rmtree(self.workdir, ignore_errors=True)


def stop_all() -> None:
    with _live_lock:
        live = list(_live)
    for s in live:
        s.stop()


def candidate_spec() -> tuple[str, str | None]:
    """('cpp', path) or ('real', None) from MLFLOW_INTEROP_CANDIDATE; raises if unset."""
    cand = os.environ.get("MLFLOW_INTEROP_CANDIDATE", "").strip()
    if not cand:
        raise RuntimeError("MLFLOW_INTEROP_CANDIDATE is not set: give the mlflow-cpp binary path, "
                           "or 'real' to test the harness real-vs-real")
    if cand == "real":
        return "real", None
    if not os.access(cand, os.X_OK):
        raise RuntimeError(f"MLFLOW_INTEROP_CANDIDATE={cand} is not an executable file")
    return "cpp", cand


def make_server(role: str, venv: str, label: str | None = None, **kw) -> ServerProc:
    """role 'real' = the reference; role 'candidate' = mlflow-cpp (or a second real server).
    Under tests/mysql/with_mariadb.sh a server given no store gets a fresh MySQL database."""
    kind, path = ("real", None) if role == "real" else candidate_spec()
    if mysql_backend.enabled() and not kw.get("db_path") and not kw.get("backend_uri"):
        kw["backend_uri"] = mysql_backend.database_for(kind)
    if role == "real":
        return ServerProc("real", label or "real", venv=venv, **kw)
    return ServerProc(kind, label or "candidate", venv=venv, cpp_bin=path, **kw)


def start_many(servers: list[ServerProc]) -> None:
    """Launch servers together and wait until all answer /health (bounded); a server that dies or
    stays silent is relaunched on another port up to twice. On failure every server is stopped."""
    pending = list(servers)
    for attempt in range(3):
        for s in pending:
            s.launch()
        deadline = {id(s): time.monotonic() + s.ready_timeout() for s in pending}
        waiting = list(pending)
        failed = []
        while waiting:
            for s in list(waiting):
                if s._probe():
                    waiting.remove(s)
                elif s.proc.poll() is not None or time.monotonic() > deadline[id(s)]:
                    waiting.remove(s)
                    failed.append(s)
            if waiting:
                time.sleep(0.2)
        for s in failed:
            s.stop()
        if not failed:
            return
        pending = failed
    for s in servers:
        s.stop()
    raise RuntimeError("server(s) did not become ready: " + "; ".join(
        f"{s.label} ({' '.join(s.command())}) log tail:\n{s.log_tail()}" for s in pending))
