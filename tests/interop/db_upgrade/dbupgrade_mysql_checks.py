"""`mlflow-cpp db upgrade` on MySQL databases written by older MLflow releases.

Runs under tests/mysql/with_mariadb.sh (MLFLOW_TEST_MYSQL_URI = admin URI of a private MariaDB
server, MLFLOW_TEST_MYSQL_SOCKET its socket) in a venv with MLflow 3.17.2 and PyMySQL; the
reference migrations come from MLflow 3.6.0 (MLFLOW_VENV_360, also with PyMySQL).

For every fixture revision mlflow-cpp migrates on MySQL (400f98739977 on, migrations.cc): the real
MLflow 3.6.0 builds a MySQL database at that revision and make_fixture.py fills it (twice); one
copy is upgraded by `mlflow-cpp db upgrade`, the other by MLflow 3.6.0's own migrations. Both must
be equal structurally (schema/mysql_structure.py) and row by row, and equal to a fresh database
mlflow-cpp creates; mlflow-cpp then serves the result. The real MLflow 3.17.2 then opens our
upgraded database (its own migrations from bf29a5ff90ea to its head), finds nothing pending
after, and the result equals a database 3.17.2 creates from nothing.
MySQL commits DDL implicitly: a failing step leaves the revision of the last step done, and a
second run resumes from it. Older databases are refused untouched.
"""
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "db"
sys.path.insert(0, str(REPO / "tests" / "interop" / "schema"))
sys.path.insert(0, str(REPO / "tests" / "e2e"))
sys.path.insert(0, str(FIXTURES))
import make_fixture  # noqa: E402
import mysql_structure  # noqa: E402
from mlflow_server import MlflowCppServer  # noqa: E402

BINARY = os.environ["MLFLOW_CPP_BINARY"]
PY360 = str(Path(os.environ["MLFLOW_VENV_360"]) / "bin" / "python")
ADMIN = os.environ["MLFLOW_TEST_MYSQL_URI"].rstrip("/")
SOCKET = os.environ["MLFLOW_TEST_MYSQL_SOCKET"]
OUR_REVISION = "bf29a5ff90ea"
OLDEST = "400f98739977"  # migrations.cc kMysqlOldestRevision
ALL_REVISIONS = sorted(p.stem for p in FIXTURES.glob("*.sql"))
# Fixture revisions in chain order (make_fixture's own list is alphabetical).
CHAIN = ["base", "451aebb31d03", "cfd24bdc0731", "bd07f7e963c5", "7f2a7d5fae7d", "acf3f17fdcc7",
         "0584bdc529eb", "400f98739977", "1a0cddfcaa16", "71994744cf8e"]
assert sorted(CHAIN) == ALL_REVISIONS, ALL_REVISIONS
REVISIONS = CHAIN[CHAIN.index(OLDEST):]

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


def run(cmd, timeout=600, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def mariadb(db, sql):
    res = run(["mariadb", "--no-defaults", "-S", SOCKET, "-u", "root", "-N", "-B", "--raw"] + ([db] if db else []) +
              ["-e", sql], timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


def new_database(tag):
    """(name, mysql+pymysql:// URI as MLflow spells it, mysql:// URI)."""
    name = f"dbup_{tag}_{uuid.uuid4().hex[:8]}"
    mariadb(None, f"CREATE DATABASE {name}")
    ours = f"{ADMIN}/{name}"
    return name, ours.replace("mysql://", "mysql+pymysql://", 1), ours


def fixture(tag, revision):
    name, real_uri, our_uri = new_database(tag)
    made = run([PY360, str(FIXTURES / "make_fixture.py"), revision, real_uri])
    assert made.returncode == 0, made.stderr[-3000:]
    return name, real_uri, our_uri


def rows(db):
    tables = mariadb(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                         "AND table_type = 'BASE TABLE' ORDER BY 1").split()
    out = {}
    for t in tables:
        cols = mariadb(db, "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() "
                           f"AND table_name = '{t}' ORDER BY ordinal_position").split()
        pairs = ", ".join(f"'{c}', `{c}`" for c in cols)
        lines = mariadb(db, f"SELECT JSON_OBJECT({pairs}) FROM `{t}`").splitlines()
        out[t] = sorted(json.dumps(json.loads(line), sort_keys=True) for line in lines)
    return out


def structure(db):
    return mysql_structure.describe(SOCKET, db)


def upgrade(uri):
    return run([BINARY, "db", "upgrade", uri])


def revision(db):
    return mariadb(db, "SELECT version_num FROM alembic_version").split()


@pytest.fixture(scope="module")
def fresh():
    """A database mlflow-cpp creates from nothing (CreateSchema, through `db upgrade`)."""
    name, _, uri = new_database("fresh")
    res = upgrade(uri)
    assert res.returncode == 0 and "Created MLflow's schema" in res.stdout, res.stdout + res.stderr
    return name


@pytest.mark.parametrize("revision", REVISIONS)
def test_mysql_upgrade_equals_real_mlflow_upgrade(revision, fresh, tmp_path):
    ours, _, ours_uri = fixture("ours", revision)
    theirs, theirs_real_uri, _ = fixture("theirs", revision)
    before = rows(ours)

    refused = run([BINARY, "server", "--host", "127.0.0.1", "--port", "0", "--backend-store-uri", ours_uri,
                   "--artifacts-destination", str(tmp_path / "art")], timeout=60)
    assert refused.returncode != 0
    assert "mlflow-cpp db upgrade" in refused.stdout + refused.stderr, refused.stderr

    res = upgrade(ours_uri)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "MySQL commits DDL implicitly" in res.stdout, res.stdout
    progress = re.findall(r"Running migration \d+/\d+ (\w+):", res.stdout)
    assert progress and progress[-1] == OUR_REVISION and revision not in progress, res.stdout
    ref = run([PY360, str(HERE / "mlflow_upgrade.py"), theirs_real_uri])
    assert ref.returncode == 0, ref.stderr[-3000:]

    assert mysql_structure.diff(structure(ours), structure(theirs), "ours", "mlflow-3.6.0") == []
    assert mysql_structure.diff(structure(ours), structure(fresh), "ours", "fresh") == []
    ours_rows, their_rows = rows(ours), rows(theirs)
    assert ours_rows.keys() == their_rows.keys()
    for table in ours_rows:
        assert ours_rows[table] == their_rows[table], table
    assert ours_rows["latest_metrics"] and len(ours_rows["runs"]) == len(before["runs"]) == 3

    again = upgrade(ours_uri)
    assert again.returncode == 0 and "nothing to do" in again.stdout, again.stdout + again.stderr

    with MlflowCppServer(tmp_path, binary=BINARY, db_path=ours_uri) as srv:
        data = srv.api("GET", "runs/get", params={"run_id": make_fixture.RUN_A})["run"]["data"]
        assert {p["key"]: p["value"] for p in data["params"]} == {"lr": "0.01", "layers": "3"}
        srv.api("POST", "runs/log-metric", {"run_id": make_fixture.RUN_A, "key": "after", "value": 2.0,
                                            "timestamp": 5, "step": 1})


def test_real_mlflow_opens_our_upgrade_with_nothing_pending():
    ours, ours_real_uri, ours_uri = fixture("open", OLDEST)
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
    new, new_real_uri, _ = new_database("real317")
    made = run([sys.executable, "-c", OPEN_WITH_REAL, new_real_uri])
    assert made.returncode == 0, made.stderr[-3000:]
    assert mysql_structure.diff(structure(ours), structure(new), "ours-upgraded+3.17.2", "fresh-3.17.2") == []


def test_older_mysql_database_is_refused_untouched(tmp_path):
    older = CHAIN[CHAIN.index(OLDEST) - 1]
    db, _, uri = fixture("old", older)
    before, shape = rows(db), structure(db)
    res = upgrade(uri)
    assert res.returncode != 0
    assert "mlflow db upgrade" in res.stderr and OLDEST in res.stderr, res.stderr
    assert rows(db) == before
    assert mysql_structure.diff(structure(db), shape) == []
    srv = run([BINARY, "server", "--host", "127.0.0.1", "--port", "0", "--backend-store-uri", uri,
               "--artifacts-destination", str(tmp_path / "art")], timeout=60)
    assert srv.returncode != 0
    assert "`mlflow db upgrade" in srv.stdout + srv.stderr, srv.stderr


def test_failed_step_keeps_last_revision_and_a_rerun_resumes():
    db, _, uri = fixture("resume", "1a0cddfcaa16")
    # A table in the way of 71994744cf8e: 534353b11cbc (scorers) runs, then the next step fails.
    mariadb(db, "CREATE TABLE evaluation_datasets (x INTEGER)")
    res = upgrade(uri)
    assert res.returncode != 0
    assert "71994744cf8e" in res.stderr and "is at revision 534353b11cbc" in res.stderr, res.stderr
    assert revision(db) == ["534353b11cbc"]
    assert "scorers" in mariadb(db, "SHOW TABLES").split()
    mariadb(db, "DROP TABLE evaluation_datasets")
    res = upgrade(uri)
    assert res.returncode == 0, res.stdout + res.stderr
    progress = re.findall(r"Running migration \d+/\d+ (\w+):", res.stdout)
    assert progress == ["71994744cf8e", "3da73c924c2f", OUR_REVISION], res.stdout
    assert "from revision 534353b11cbc" in res.stdout
    assert revision(db) == [OUR_REVISION]


def test_concurrent_mysql_upgrades_serialise():
    db, _, uri = fixture("race", OLDEST)
    procs = [subprocess.Popen([BINARY, "db", "upgrade", uri], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    joined = [o[0] for o in outs]
    assert sum("nothing to do" in o for o in joined) == 1, joined
    assert sum(f"Upgraded database from revision {OLDEST}" in o for o in joined) == 1, joined
    assert revision(db) == [OUR_REVISION]
