"""`mlflow-cpp db upgrade` on MySQL databases written by older MLflow releases.

Runs under tests/mysql/with_mariadb.sh (MLFLOW_TEST_MYSQL_URI = admin URI of a private MariaDB
server, MLFLOW_TEST_MYSQL_SOCKET its socket) in a venv with MLflow 3.17.2 and PyMySQL; the
reference migrations come from MLflow 3.6.0 (MLFLOW_VENV_360, also with PyMySQL).

For each starting revision of upgrade_compare.server_chain("mysql") (MLflow 0.9's tables without
alembic_version, "base", and a share of the 1.x, 2.x and 3.x fixture revisions): the real MLflow
3.6.0 builds a MySQL database at that revision and make_fixture.py fills it (every table a migration after it touches has rows), twice; one copy is
upgraded by `mlflow-cpp db upgrade`, the other by MLflow 3.6.0's own migrations. Both must be equal structurally
(schema/mysql_structure.py: column types, defaults, constraints and CHECKs by name, indexes) and
row by row, and equal to a fresh database mlflow-cpp creates; mlflow-cpp then serves the result
(upgrade_compare.py, shared with the PostgreSQL checks). The real MLflow 3.17.2 then opens our
upgraded database (its own migrations from bf29a5ff90ea to its head), finds nothing pending
after, and the result equals a database 3.17.2 creates from nothing.
MySQL commits DDL implicitly: a failing step leaves the revision of the last step done, and a
second run resumes from it. A revision we do not know is refused untouched.
"""
import json
import os
import sys
import uuid

import pytest

from upgrade_compare import (BINARY, OUR_REVISION, Backend, check_concurrent_upgrades_serialise, server_chain,
                             check_upgrade_equals_mlflow, progress, run, upgrade)
import mysql_structure  # tests/interop/schema, on sys.path from upgrade_compare

ADMIN = os.environ["MLFLOW_TEST_MYSQL_URI"].rstrip("/")
SOCKET = os.environ["MLFLOW_TEST_MYSQL_SOCKET"]
CLIENT = ["--no-defaults", "-S", SOCKET, "-u", "root"]

# Opens a database with the real MLflow of the running interpreter (3.17.2): its stores migrate it
# to their head; then prints the revision and whether alembic sees anything pending.
OPEN_WITH_REAL = r"""
import sys, tempfile
import sqlalchemy
from alembic.script import ScriptDirectory
from mlflow.store.db.utils import _get_alembic_config
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
uri = sys.argv[1]
SqlAlchemyStore(uri, tempfile.mkdtemp()).engine.dispose()
RegistryStore(uri).engine.dispose()
head = ScriptDirectory.from_config(_get_alembic_config(uri)).get_current_head()
engine = sqlalchemy.create_engine(uri)
with engine.connect() as c:
    rev = c.execute(sqlalchemy.text("SELECT version_num FROM alembic_version")).scalar()
engine.dispose()
print(rev, head)
"""


def mariadb(db, sql):
    res = run(["mariadb"] + CLIENT + ["-N", "-B", "--raw"] + ([db] if db else []) + ["-e", sql], timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


class Mysql(Backend):
    """A database's handle is its name; MLflow's URI is mysql+pymysql://, ours mysql://."""

    def new_database(self, tag):
        name = f"dbup_{tag}_{uuid.uuid4().hex[:8]}"
        mariadb(None, f"CREATE DATABASE {name}")
        ours = f"{ADMIN}/{name}"
        return name, ours.replace("mysql://", "mysql+pymysql://", 1), ours

    def rows(self, db):
        tables = mariadb(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                             "AND table_type = 'BASE TABLE' ORDER BY 1").split()
        out = {}
        for t in tables:
            cols = mariadb(db, "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                               f"DATABASE() AND table_name = '{t}' ORDER BY ordinal_position").split()
            pairs = ", ".join(f"'{c}', `{c}`" for c in cols)
            lines = mariadb(db, f"SELECT JSON_OBJECT({pairs}) FROM `{t}`").splitlines()
            out[t] = sorted(json.dumps(json.loads(line), sort_keys=True) for line in lines)
        return out

    def structure_diff(self, a, b, label_a, label_b):
        return mysql_structure.diff(structure(a), structure(b), label_a, label_b)

    def revision(self, db):
        return mariadb(db, "SELECT version_num FROM alembic_version").split()


MY = Mysql()


def structure(db):
    return mysql_structure.describe(SOCKET, db)


@pytest.fixture(scope="module")
def fresh():
    """A database mlflow-cpp creates from nothing (CreateSchema, through `db upgrade`)."""
    name, _, uri = MY.new_database("fresh")
    res = upgrade(uri)
    assert res.returncode == 0 and "Created MLflow's schema" in res.stdout, res.stdout + res.stderr
    return name


@pytest.mark.parametrize("revision", server_chain("mysql"))
def test_mysql_upgrade_equals_real_mlflow_upgrade(revision, fresh, tmp_path):
    ours, _ = check_upgrade_equals_mlflow(MY, revision, fresh, tmp_path, upgrade_says="each committed on its own")
    assert MY.revision(ours) == [OUR_REVISION]


def test_real_mlflow_opens_our_upgrade_with_nothing_pending():
    ours, ours_real_uri, ours_uri = MY.fixture("open", "7f2a7d5fae7d")
    res = upgrade(ours_uri)
    assert res.returncode == 0, res.stdout + res.stderr
    opened = run([sys.executable, "-c", OPEN_WITH_REAL, ours_real_uri])
    assert opened.returncode == 0, opened.stderr[-3000:]
    rev, head = opened.stdout.split()
    assert rev == head != OUR_REVISION  # 3.17.2 migrated it to its head; nothing left pending
    # Opening again changes nothing: no migration pending.
    shape = structure(ours)
    again = run([sys.executable, "-c", OPEN_WITH_REAL, ours_real_uri])
    assert again.returncode == 0 and again.stdout.split() == [head, head], again.stderr[-3000:]
    assert mysql_structure.diff(structure(ours), shape) == []
    # Equal to what 3.17.2 creates from nothing.
    new, new_real_uri, _ = MY.new_database("real317")
    made = run([sys.executable, "-c", OPEN_WITH_REAL, new_real_uri])
    assert made.returncode == 0, made.stderr[-3000:]
    assert mysql_structure.diff(structure(ours), structure(new), "ours-upgraded+3.17.2", "fresh-3.17.2") == []


def test_unknown_revision_is_refused_untouched(tmp_path):
    db, _, uri = MY.fixture("unknown", "451aebb31d03")
    mariadb(db, "UPDATE alembic_version SET version_num = 'ffffffffffff'")
    before, shape = MY.rows(db), structure(db)
    res = upgrade(uri)
    assert res.returncode != 0
    assert "ffffffffffff" in res.stderr and "not a revision this mlflow-cpp knows" in res.stderr, res.stderr
    assert MY.rows(db) == before
    assert mysql_structure.diff(structure(db), shape) == []
    srv = run([BINARY, "server", "--host", "127.0.0.1", "--port", "0", "--backend-store-uri", uri,
               "--artifacts-destination", str(tmp_path / "art")], timeout=60)
    assert srv.returncode != 0
    assert "does not know" in srv.stdout + srv.stderr, srv.stderr


def test_failed_step_keeps_last_revision_and_a_rerun_resumes():
    db, _, uri = MY.fixture("resume", "1a0cddfcaa16")
    # A table in the way of 71994744cf8e: 534353b11cbc (scorers) runs, then the next step fails.
    mariadb(db, "CREATE TABLE evaluation_datasets (x INTEGER)")
    res = upgrade(uri)
    assert res.returncode != 0
    assert "71994744cf8e" in res.stderr and "is at revision 534353b11cbc" in res.stderr, res.stderr
    assert MY.revision(db) == ["534353b11cbc"]
    assert "scorers" in mariadb(db, "SHOW TABLES").split()
    mariadb(db, "DROP TABLE evaluation_datasets")
    res = upgrade(uri)
    assert res.returncode == 0, res.stdout + res.stderr
    assert progress(res.stdout) == ["71994744cf8e", "3da73c924c2f", OUR_REVISION], res.stdout
    assert "from revision 534353b11cbc" in res.stdout
    assert MY.revision(db) == [OUR_REVISION]


def test_failed_first_step_of_a_database_without_revision_resumes():
    """MLflow 0.9's tables: alembic_version is created empty, its row written after 451aebb31d03;
    a failure in that step leaves it empty, and the rerun starts from the beginning again."""
    db, _, uri = MY.fixture("resume0", "base")
    mariadb(db, "ALTER TABLE metrics ADD COLUMN step INTEGER")  # in the way of 451aebb31d03
    res = upgrade(uri)
    assert res.returncode != 0
    assert "451aebb31d03" in res.stderr and "is at revision <none>" in res.stderr, res.stderr
    assert MY.revision(db) == []
    mariadb(db, "ALTER TABLE metrics DROP COLUMN step")
    res = upgrade(uri)
    assert res.returncode == 0, res.stdout + res.stderr
    assert len(progress(res.stdout)) == 40 and "from revision <none>" in res.stdout, res.stdout
    assert MY.revision(db) == [OUR_REVISION]


def test_concurrent_mysql_upgrades_serialise():
    check_concurrent_upgrades_serialise(MY, "451aebb31d03")
