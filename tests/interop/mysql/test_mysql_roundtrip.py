"""MySQL database round trips between the real MLflow server (3.17.2 with PyMySQL) and mlflow-cpp, on
the private MariaDB server of tests/mysql/with_mariadb.sh (run by run.sh).

1. The real server creates a MySQL database (its own schema, at its head revision) and writes one of
   everything; both servers then serve that database and every entity reads back equal.
2. mlflow-cpp creates a MySQL database (our DDL, revision bf29a5ff90ea) and writes the same; the
   real server opens it — running its own alembic migrations on our schema up to its head — and
   reads everything back equal; mlflow-cpp then serves the upgraded database, equal again.
Equality is exact (same database, same ids and timestamps); only host/port and temp paths differ."""
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import servers  # noqa: E402
from test_db_roundtrip import compare_dumps, dump, populate  # noqa: E402


def _mariadb(sql, db=None):
    cmd = ["mariadb", "--no-defaults", "-S", os.environ["MLFLOW_TEST_MYSQL_SOCKET"], "-u", "root", "-N", "-B"]
    if db:
        cmd.append(db)
    out = subprocess.run(cmd + ["-e", sql], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def new_database():
    """A fresh database; its URI as MLflow spells it (SQLAlchemy + PyMySQL)."""
    name = f"rt_{uuid.uuid4().hex[:12]}"
    _mariadb(f"CREATE DATABASE {name}")
    admin = os.environ["MLFLOW_TEST_MYSQL_URI"].rstrip("/")
    return name, admin.replace("mysql://", "mysql+pymysql://", 1) + "/" + name


@pytest.fixture
def workroot():
    d = Path(tempfile.mkdtemp(prefix="interop-mysql-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def serve(role, label, uri, workroot, venv):
    work = workroot / f"work-{label}"
    work.mkdir(parents=True, exist_ok=True)
    return servers.make_server(role, venv, label=label, workdir=str(work), backend_uri=uri)


def real_open(uri, workroot):
    """Opens the database with the real MLflow's store in this process, which creates its schema or
    migrates an older one with MLflow's own alembic scripts (on MySQL this takes longer than a
    server's start-up allowance, so it is done here, unhurried)."""
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    store = SqlAlchemyStore(uri, str(workroot / "real-artifacts"))
    store.engine.dispose()


def revision(db):
    return _mariadb("SELECT version_num FROM alembic_version", db).split()


@pytest.mark.area("db_roundtrip")
def test_real_mysql_db_served_by_both(workroot, venv):
    db, uri = new_database()
    real_open(uri, workroot)
    writer = serve("real", "real-writer", uri, workroot, venv)
    try:
        writer.start()
        populate(writer.url)
    finally:
        writer.stop()
    head = revision(db)
    assert len(head) == 1 and head != ["bf29a5ff90ea"], head  # MLflow's own, newer schema
    real = serve("real", "real-served", uri, workroot, venv)
    ours = serve("candidate", "cand-served", uri, workroot, venv)
    try:
        servers.start_many([real, ours])
        d_real, d_ours = dump(real.url), dump(ours.url)
    finally:
        real.stop()
        ours.stop()
    assert d_real, "nothing was read back"
    compare_dumps("db.mysql.real_written.served_by_both", real, d_real, ours, d_ours).assert_ok()
    assert revision(db) == head  # serving never migrates


@pytest.mark.area("db_roundtrip")
def test_candidate_mysql_db_read_by_real_then_back(workroot, venv):
    db, uri = new_database()
    ours = serve("candidate", "cand-writer", uri, workroot, venv)
    try:
        ours.start()
        populate(ours.url)
        d_ours = dump(ours.url)
    finally:
        ours.stop()
    assert revision(db) == ["bf29a5ff90ea"]
    real_open(uri, workroot)  # MLflow migrates our schema to its head with its own alembic scripts
    real = serve("real", "real-reader", uri, workroot, venv)
    try:
        real.start()
        d_real = dump(real.url)
    finally:
        real.stop()
    assert revision(db) != ["bf29a5ff90ea"]
    problems = compare_dumps("db.mysql.candidate_written.read_by_real", ours, d_ours, real, d_real).problems
    ours2 = serve("candidate", "cand-reader", uri, workroot, venv)
    try:
        ours2.start()
        d_ours2 = dump(ours2.url)
    finally:
        ours2.stop()
    problems += compare_dumps("db.mysql.real_upgraded.read_by_candidate", real, d_real, ours2, d_ours2).problems
    assert not problems, "MySQL database round trip differences:\n" + "\n".join(problems[:60])


@pytest.mark.area("db_roundtrip")
def test_db_upgrade_on_mysql(workroot):
    """`mlflow-cpp db upgrade` on MySQL: an empty database gets the full schema, a current one is
    left alone, and one at a revision this mlflow-cpp does not know is refused untouched (the server
    refuses it too). (Migrations from every older MLflow revision:
    tests/interop/db_upgrade/dbupgrade_mysql_checks.py.)"""
    binary = os.environ["MLFLOW_INTEROP_CANDIDATE"]

    def upgrade(uri):
        return subprocess.run([binary, "db", "upgrade", uri], capture_output=True, text=True, timeout=300)

    db, uri = new_database()
    out = upgrade(uri)
    assert out.returncode == 0, out.stderr
    assert revision(db) == ["bf29a5ff90ea"]
    tables = _mariadb("SHOW TABLES", db).split()
    assert "experiments" in tables and "spans" in tables and "jobs" in tables, tables
    out = upgrade(uri.replace("mysql+pymysql://", "mysql://", 1))
    assert out.returncode == 0, out.stderr
    assert "nothing to do" in (out.stdout + out.stderr), out.stdout + out.stderr
    _mariadb("UPDATE alembic_version SET version_num = 'ffffffffffff'", db)  # no MLflow revision
    out = upgrade(uri)
    assert out.returncode != 0
    assert "not a revision this mlflow-cpp knows" in out.stderr, out.stderr
    assert revision(db) == ["ffffffffffff"]  # untouched
    # The server refuses it too.
    srv = subprocess.run([binary, "server", "--host", "127.0.0.1", "--port", "0", "--backend-store-uri", uri],
                         capture_output=True, text=True, timeout=60, cwd=workroot)
    assert srv.returncode != 0
    assert "does not know" in srv.stderr + srv.stdout, srv.stderr
