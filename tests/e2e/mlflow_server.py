"""Starts the real mlflow-cpp server binary on a free loopback port for end-to-end tests.

    with MlflowCppServer(binary, tmp_path) as srv:
        srv.post("/api/2.0/mlflow/experiments/create", {"name": "x"})
"""
import json
import os
import re
import signal
import sqlite3
import subprocess
import time
import uuid

import requests

LISTEN_RE = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")


def server_binary():
    path = os.environ.get("MLFLOW_CPP_BINARY")
    if not path or not os.path.exists(path):
        raise RuntimeError("MLFLOW_CPP_BINARY must point at the built mlflow-cpp binary")
    return path


def selected_backend():
    """'sqlite' (default), 'postgresql' (set by tests/pg/with_cluster.sh, which starts a cluster) or
    'mysql' (set by tests/mysql/with_mariadb.sh, which starts a MariaDB server)."""
    return os.environ.get("MLFLOW_CPP_TEST_BACKEND", "sqlite")


def _pg_admin_uri():
    uri = os.environ.get("MLFLOW_TEST_PG_URI")
    if not uri:
        raise RuntimeError("MLFLOW_CPP_TEST_BACKEND=postgresql needs MLFLOW_TEST_PG_URI: run under tests/pg/with_cluster.sh")
    return uri


def _psql(uri, sql):
    out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"psql failed: {out.stderr}")
    return out.stdout


def new_pg_database():
    """Creates an empty database on the test cluster; returns its URI (user:pass@127.0.0.1:port/db)."""
    admin = _pg_admin_uri()
    name = f"t_{uuid.uuid4().hex[:16]}"
    _psql(admin, f"CREATE DATABASE {name}")
    return admin.rsplit("/", 1)[0] + "/" + name


def _mysql_admin():
    uri = os.environ.get("MLFLOW_TEST_MYSQL_URI")
    sock = os.environ.get("MLFLOW_TEST_MYSQL_SOCKET")
    if not uri or not sock:
        raise RuntimeError("MLFLOW_CPP_TEST_BACKEND=mysql needs MLFLOW_TEST_MYSQL_URI: run under tests/mysql/with_mariadb.sh")
    return uri, sock


def _mysql(db, sql):
    """Runs SQL on a database of the test MariaDB server through the `mariadb` client (root over
    the server's private socket); returns the rows' text, fields separated by tabs."""
    _, sock = _mysql_admin()
    cmd = ["mariadb", "--no-defaults", "-S", sock, "-u", "root", "-N", "-B", "--raw"]
    if db:
        cmd.append(db)
    out = subprocess.run(cmd + ["-e", sql], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"mariadb failed: {out.stderr}")
    return out.stdout


def new_mysql_database():
    """Creates an empty database on the test MariaDB server; returns its mysql:// URI."""
    admin, _ = _mysql_admin()
    name = f"t_{uuid.uuid4().hex[:16]}"
    _mysql(None, f"CREATE DATABASE {name}")
    return admin.rstrip("/") + "/" + name


def _sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def _parse_field(f):
    try:
        return int(f)
    except ValueError:
        return f


def db_query(db, sql, params=()):
    """Runs one SELECT on a test database (SQLite path, PostgreSQL or MySQL URI), bypassing the
    server. `?` placeholders take params. Returns a list of tuples (ints parsed on PostgreSQL and
    MySQL)."""
    if str(db).startswith("mysql://"):
        parts = sql.split("?")
        if len(parts) != len(params) + 1:
            raise ValueError("placeholder count does not match params")
        text = parts[0] + "".join(_sql_literal(p) + rest for p, rest in zip(params, parts[1:]))
        # The store's SQL spelling, as mlflow-cpp's sessions read it: ANSI_QUOTES, and the column
        # `key` (reserved in MySQL) quoted outside string literals.
        pieces = text.split("'")
        pieces[::2] = [re.sub(r'(?<![\w."])key(?![\w"])', '"key"', p) for p in pieces[::2]]
        text = "SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT'; " + "'".join(pieces)
        out = _mysql(db.rsplit("/", 1)[1].split("?")[0], text)
        return [tuple(None if f == "NULL" else _parse_field(f) for f in line.split("\t"))
                for line in out.splitlines()]
    if str(db).startswith("postgresql://"):
        parts = sql.split("?")
        if len(parts) != len(params) + 1:
            raise ValueError("placeholder count does not match params")
        text = parts[0] + "".join(_sql_literal(p) + rest for p, rest in zip(params, parts[1:]))
        out = _psql(db, text)
        return [tuple(_parse_field(f) for f in line.split("\x1f")) for line in out.splitlines()]
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


class MlflowCppServer:
    def __init__(self, workdir, binary=None, extra_args=(), env=None, db_path=None):
        """db_path: the SQLite file, or on the PostgreSQL backend the database URI (reuse one to
        restart on the same data); by default a new file / a fresh database."""
        self.binary = binary or server_binary()
        self.workdir = str(workdir)
        self.backend = selected_backend()
        if self.backend == "postgresql":
            self.db_path = db_path or new_pg_database()
        elif self.backend == "mysql":
            self.db_path = db_path or new_mysql_database()
        else:
            self.db_path = db_path or os.path.join(self.workdir, "mlflow.db")
        self.backend_uri = (self.db_path if self.db_path.startswith(("postgresql://", "mysql://"))
                            else f"sqlite:///{self.db_path}")
        self.artifacts = os.path.join(self.workdir, "mlartifacts")
        self.extra_args = list(extra_args)
        self.env = dict(os.environ, **(env or {}))
        self.proc = None
        self.port = None
        self.session = requests.Session()
        self.stderr_path = os.path.join(self.workdir, f"server-{time.monotonic_ns()}.log")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=15.0):
        os.makedirs(self.workdir, exist_ok=True)
        cmd = [self.binary, "server", "--host", "127.0.0.1", "--port", "0",
               "--backend-store-uri", self.backend_uri,
               "--artifacts-destination", self.artifacts] + self.extra_args
        self._log = open(self.stderr_path, "w+")
        self.proc = subprocess.Popen(cmd, cwd=self.workdir, stdout=self._log, stderr=subprocess.STDOUT,
                                     env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.stderr_path) as f:
                m = LISTEN_RE.search(f.read())
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early: {open(self.stderr_path).read()}")
            time.sleep(0.01)
        else:
            raise RuntimeError("server did not report its port in time")
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/health", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.01)
        raise RuntimeError("server never became healthy")

    def stop(self, sig=signal.SIGTERM, timeout=20.0):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.session.close()
        return self.proc.returncode if self.proc else None

    def db_query(self, sql, params=()):
        """A SELECT on this server's database, read directly (not through the server)."""
        return db_query(self.db_path, sql, params)

    def kill(self):
        return self.stop(sig=signal.SIGKILL)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- HTTP helpers: return (status, parsed JSON or text) ---
    def request(self, method, path, body=None, params=None, headers=None, raw=None):
        h = {"Content-Type": "application/json"} if (body is not None or raw is not None) else {}
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        r = self.session.request(method, self.url + path, data=data, params=params, headers=h, timeout=60)
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, r.text

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body if body is not None else {}, **kw)

    def get(self, path, params=None, **kw):
        return self.request("GET", path, params=params, **kw)

    def api(self, method, endpoint, body=None, params=None):
        """Calls /api/2.0/mlflow/<endpoint>; raises on a non-200 answer."""
        status, out = self.request(method, "/api/2.0/mlflow/" + endpoint, body=body, params=params)
        if status != 200:
            raise AssertionError(f"{method} {endpoint} -> {status}: {out}")
        return out
