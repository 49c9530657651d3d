"""The interop suite on MySQL: a fresh database of the private MariaDB server (tests/mysql/
with_mariadb.sh) for every server the harness starts, as the real MLflow spells its URI
(mysql+pymysql://, SQLAlchemy with PyMySQL; mlflow-cpp reads the same URI).

The real MLflow creates its MySQL schema by running its whole alembic chain, which takes longer on
MariaDB than a server's start-up allowance. So it is done once per session, unhurried, in this
process (the venv has MLflow and PyMySQL) on a template database; every real server then gets a
copy of the template (mariadb-dump | mariadb, about a second). mlflow-cpp creates its own schema
on its empty database, as it does in production.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import uuid

_template_lock = threading.Lock()
_template: str | None = None


def enabled() -> bool:
    """True under tests/mysql/with_mariadb.sh (which sets MLFLOW_CPP_TEST_BACKEND=mysql)."""
    return os.environ.get("MLFLOW_CPP_TEST_BACKEND") == "mysql"


def _socket() -> str:
    sock = os.environ.get("MLFLOW_TEST_MYSQL_SOCKET")
    if not sock or not os.environ.get("MLFLOW_TEST_MYSQL_URI"):
        raise RuntimeError("MLFLOW_CPP_TEST_BACKEND=mysql needs MLFLOW_TEST_MYSQL_URI and "
                           "MLFLOW_TEST_MYSQL_SOCKET: run under tests/mysql/with_mariadb.sh")
    return sock


def mariadb(sql: str, db: str | None = None) -> str:
    """Runs SQL as root over the server's private socket; returns the rows' text (tab separated)."""
    cmd = ["mariadb", "--no-defaults", "-S", _socket(), "-u", "root", "-N", "-B"]
    if db:
        cmd.append(db)
    out = subprocess.run(cmd + ["-e", sql], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"mariadb failed: {out.stderr}")
    return out.stdout


def uri_of(db: str) -> str:
    admin = os.environ["MLFLOW_TEST_MYSQL_URI"].rstrip("/")
    return admin.replace("mysql://", "mysql+pymysql://", 1) + "/" + db


def new_database(prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    mariadb(f"CREATE DATABASE {name}")
    return name


def _real_template() -> str:
    global _template
    with _template_lock:
        if _template is None:
            from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

            name = new_database("tmpl_real")
            with tempfile.TemporaryDirectory(prefix="interop-mysql-tmpl-") as art:
                SqlAlchemyStore(uri_of(name), art).engine.dispose()
            # The default experiment names the template's artifact folder: each real server makes
            # its own on start (MLflow creates experiment 0 when there is none).
            mariadb("DELETE FROM experiments", name)
            _template = name
        return _template


def database_for(kind: str) -> str:
    """A fresh database for a server of `kind` ('real' or 'cpp'); returns its URI."""
    if kind != "real":
        return uri_of(new_database("cand"))
    template = _real_template()
    name = new_database("real")
    dump = subprocess.run(["mariadb-dump", "--no-defaults", "-S", _socket(), "-u", "root", "--skip-comments",
                           template], capture_output=True, timeout=120)
    if dump.returncode != 0:
        raise RuntimeError(f"mariadb-dump failed: {dump.stderr.decode(errors='replace')}")
    load = subprocess.run(["mariadb", "--no-defaults", "-S", _socket(), "-u", "root", name], input=dump.stdout,
                          capture_output=True, timeout=120)
    if load.returncode != 0:
        raise RuntimeError(f"loading the template failed: {load.stderr.decode(errors='replace')}")
    return uri_of(name)
