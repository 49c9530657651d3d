"""Both basic-auth servers for the auth suites: the real `mlflow server --app-name basic-auth`
(venv from run.sh, MLFLOW_AUTH_VENV) and mlflow-cpp with `--app-name basic-auth`, each with its own
auth config, auth database and tracking database under a temp folder.

    with RealAuthServer(tmp / "real", ADMIN_PW) as real, CppAuthServer(tmp / "cpp", ADMIN_PW) as cpp:
        status, body = cpp.call("admin", "GET", "/api/2.0/mlflow/users/get", params={"username": "admin"})
"""
import base64
import json
import os
import socket
import subprocess
import sys
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from mlflow_server import MlflowCppServer, new_mysql_database, new_pg_database, selected_backend  # noqa: E402

ADMIN = "admin"
ADMIN_PW = "admin-password-123"
SECRET = "test-secret-key"


def write_config(folder, default_permission="READ", auth_db=None):
    os.makedirs(folder, exist_ok=True)
    auth_db = auth_db or os.path.join(folder, "basic_auth.db")
    uri = auth_db if "://" in auth_db else f"sqlite:///{auth_db}"
    path = os.path.join(folder, "basic_auth.ini")
    with open(path, "w") as f:
        f.write("[mlflow]\n"
                f"default_permission = {default_permission}\n"
                f"database_uri = {uri}\n"
                f"admin_username = {ADMIN}\n"
                f"admin_password = {ADMIN_PW}\n"
                "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
                # Otherwise the real server runs PBKDF2 on every request: most of its time in the
                # scenario (712 s against 123 s for both servers, load 9). It drops a user's cached
                # credential when the password, admin flag or user changes, in the worker that made
                # the change (there is one), so the answers stay the same, except a Bearer header
                # (KNOWN_DIFFERENCES in test_auth_differential.py). Ours reads no such key: it keeps
                # a verified credential while the stored hash is unchanged (VerifiedCache,
                # src/server/auth/auth_gate.cc).
                "auth_cache_ttl_seconds = 3600\n")
    return path, auth_db


def auth_env(config_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_AUTH_")}
    env.update({"MLFLOW_AUTH_CONFIG_PATH": config_path, "MLFLOW_FLASK_SERVER_SECRET_KEY": SECRET})
    return env


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class _Calls:
    """call(user, method, path, body=None, params=None) with that user's Basic credentials
    (user None: no Authorization header). Returns (status, JSON or text)."""

    passwords = {ADMIN: ADMIN_PW}

    def call(self, user, method, path, body=None, params=None, headers=None):
        h = {}
        if user is not None:
            h["Authorization"] = basic(user, self.passwords.get(user, user + "-password"))
        if body is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        r = requests.request(method, self.url + path, data=json.dumps(body) if body is not None else None,
                             params=params, headers=h, timeout=120)
        try:
            return r.status_code, r.json(), r
        except ValueError:
            return r.status_code, r.text, r


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RealAuthServer(_Calls):
    def __init__(self, folder, default_permission="READ", auth_db=None):
        self.folder = str(folder)
        self.config, self.auth_db = write_config(self.folder, default_permission, auth_db)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def __enter__(self):
        venv = os.environ["MLFLOW_AUTH_VENV"]
        cmd = [os.path.join(venv, "bin", "mlflow"), "server", "--app-name", "basic-auth", "--host", "127.0.0.1",
               "--port", str(self.port), "--workers", "1",
               "--backend-store-uri", f"sqlite:///{os.path.join(self.folder, 'mlflow.db')}",
               "--artifacts-destination", os.path.join(self.folder, "mlartifacts")]
        self.log = open(os.path.join(self.folder, "real-server.log"), "w")
        # No background job runner (huey): it starts eight more Python processes that import MLflow,
        # minutes of CPU on a loaded 2-core machine, for jobs no auth check submits
        # (tests/interop/harness/servers.py starts its real server the same way).
        env = dict(auth_env(self.config), MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false")
        self.proc = subprocess.Popen(cmd, cwd=self.folder, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)
        deadline = time.monotonic() + 300  # a loaded 2-core machine takes minutes to import MLflow
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("real MLflow server exited: " + open(self.log.name).read()[-3000:])
            try:
                if requests.get(self.url + "/health", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError("real MLflow server did not start: " + open(self.log.name).read()[-3000:])

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()


class CppAuthServer(_Calls):
    """Under tests/pg/with_cluster.sh or tests/mysql/with_mariadb.sh (MLFLOW_CPP_TEST_BACKEND), the
    auth database (unless given) is a fresh database on that server, like the tracking store."""

    def __init__(self, folder, default_permission="READ", auth_db=None):
        if auth_db is None and selected_backend() == "postgresql":
            auth_db = new_pg_database()
        elif auth_db is None and selected_backend() == "mysql":
            auth_db = new_mysql_database()
        self.folder = str(folder)
        self.config, self.auth_db = write_config(self.folder, default_permission, auth_db)
        self.srv = MlflowCppServer(self.folder, extra_args=["--app-name", "basic-auth"], env=auth_env(self.config))
        self.srv.env = auth_env(self.config)

    @property
    def url(self):
        return self.srv.url

    def __enter__(self):
        self.srv.start(timeout=60)
        return self

    def __exit__(self, *exc):
        self.srv.stop()
