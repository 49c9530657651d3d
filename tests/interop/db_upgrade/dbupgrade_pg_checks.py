"""`mlflow-cpp db upgrade` on PostgreSQL databases written by older MLflow releases.

Runs under tests/pg/with_cluster.sh (MLFLOW_TEST_PG_URI = admin URI of a private cluster). For
every fixture revision in tests/fixtures/db: the real MLflow 3.6.0 builds a PostgreSQL database at
that revision and make_fixture.py fills it with the fixture rows (twice); one copy is upgraded by
`mlflow-cpp db upgrade`, the other by MLflow's own migrations. Both must be equal structurally
(pg_structure.py: columns, types, defaults, constraints by name, indexes, sequences, alembic rows)
and row by row, and equal to a fresh CreateSchema database; then mlflow-cpp serves the result.
psql is the only client used here (the pytest venv has no PostgreSQL driver).
"""
import json
import os
import re
import subprocess
import sys
import urllib.parse
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
import pg_structure  # noqa: E402
from mlflow_server import MlflowCppServer  # noqa: E402

BINARY = os.environ["MLFLOW_CPP_BINARY"]
MAKE_SCHEMA = os.environ["MLFLOW_MAKE_SCHEMA"]
PY360 = str(Path(os.environ["MLFLOW_VENV_360"]) / "bin" / "python")
ADMIN = os.environ["MLFLOW_TEST_PG_URI"]
OUR_REVISION = "bf29a5ff90ea"
REVISIONS = sorted(p.stem for p in FIXTURES.glob("*.sql"))
assert len(REVISIONS) >= 8, REVISIONS


def run(cmd, timeout=300, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def psql(uri, sql, stdin=None):
    res = run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", uri, "-c", sql] if stdin is None
              else ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", uri], input=stdin)
    assert res.returncode == 0, res.stderr
    return res.stdout


def new_database(tag):
    name = f"dbup_{tag}_{uuid.uuid4().hex[:8]}"
    psql(ADMIN, f"CREATE DATABASE {name}")
    return urllib.parse.urlsplit(ADMIN)._replace(path="/" + name).geturl()


def rows(uri):
    tables = psql(uri, "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                       "current_schema() AND table_type = 'BASE TABLE' ORDER BY 1").split()
    out = {}
    for t in tables:
        lines = psql(uri, f'SELECT row_to_json(r_)::text FROM "{t}" r_').splitlines()
        out[t] = sorted(json.dumps(json.loads(line), sort_keys=True) for line in lines)
    return out


@pytest.fixture(scope="module")
def fresh_schema():
    uri = new_database("fresh")
    ddl = run([MAKE_SCHEMA, "--print-ddl", "postgres"])
    assert ddl.returncode == 0, ddl.stderr
    psql(uri, None, stdin=ddl.stdout)
    return uri


def structure_diff(a, b):
    return pg_structure.diff(pg_structure.describe(a), pg_structure.describe(b), "ours", "other")


@pytest.mark.parametrize("revision", REVISIONS)
def test_postgres_upgrade_equals_real_mlflow_upgrade(revision, fresh_schema, tmp_path):
    ours = new_database("ours")
    made = run([PY360, str(FIXTURES / "make_fixture.py"), revision, ours])
    assert made.returncode == 0, made.stderr[-3000:]
    theirs = new_database("theirs")
    made = run([PY360, str(FIXTURES / "make_fixture.py"), revision, theirs])
    assert made.returncode == 0, made.stderr[-3000:]
    before = rows(ours)

    if revision != "base":
        refused = run([BINARY, "server", "--host", "127.0.0.1", "--port", "0", "--backend-store-uri", ours,
                       "--artifacts-destination", str(tmp_path / "art")], timeout=60)
        assert refused.returncode != 0
        assert "mlflow-cpp db upgrade" in refused.stdout + refused.stderr

    res = run([BINARY, "db", "upgrade", ours])
    assert res.returncode == 0, res.stdout + res.stderr
    progress = re.findall(r"Running migration \d+/\d+ (\w+):", res.stdout)
    assert progress and progress[-1] == OUR_REVISION and revision not in progress
    ref = run([PY360, str(HERE / "mlflow_upgrade.py"), theirs])
    assert ref.returncode == 0, ref.stderr[-3000:]

    assert structure_diff(ours, theirs) == []
    assert structure_diff(ours, fresh_schema) == []
    ours_rows, their_rows = rows(ours), rows(theirs)
    assert ours_rows.keys() == their_rows.keys()
    for table in ours_rows:
        assert ours_rows[table] == their_rows[table], table
    assert ours_rows["latest_metrics"] and len(ours_rows["runs"]) == len(before["runs"]) == 3
    # Experiment ids keep coming from the sequence after the upgrade.
    assert psql(ours, "SELECT last_value FROM experiments_experiment_id_seq").strip() == \
        psql(theirs, "SELECT last_value FROM experiments_experiment_id_seq").strip()

    again = run([BINARY, "db", "upgrade", ours])
    assert again.returncode == 0 and "nothing to do" in again.stdout

    with MlflowCppServer(tmp_path, binary=BINARY, db_path=ours) as srv:
        data = srv.api("GET", "runs/get", params={"run_id": make_fixture.RUN_A})["run"]["data"]
        assert {p["key"]: p["value"] for p in data["params"]} == {"lr": "0.01", "layers": "3"}
        tags = {t["key"]: t["value"] for t in data["tags"]}
        assert tags.get("mlflow.user") == ("alice" if revision in ("base", "451aebb31d03") else None)
        srv.api("POST", "runs/log-metric", {"run_id": make_fixture.RUN_A, "key": "after", "value": 2.0,
                                            "timestamp": 5, "step": 1})


def test_postgres_failed_upgrade_leaves_database_unchanged():
    uri = new_database("fail")
    made = run([PY360, str(FIXTURES / "make_fixture.py"), "451aebb31d03", uri])
    assert made.returncode == 0, made.stderr[-3000:]
    psql(uri, "CREATE TABLE latest_metrics (x INTEGER)")
    before = rows(uri)
    shape = pg_structure.describe(uri)
    res = run([BINARY, "db", "upgrade", uri])
    assert res.returncode != 0
    assert "89d4b8295536" in res.stderr and "left unchanged" in res.stderr, res.stderr
    assert rows(uri) == before
    assert pg_structure.diff(pg_structure.describe(uri), shape) == []


def test_postgres_concurrent_upgrades_serialise():
    uri = new_database("race")
    made = run([PY360, str(FIXTURES / "make_fixture.py"), "451aebb31d03", uri])
    assert made.returncode == 0, made.stderr[-3000:]
    procs = [subprocess.Popen([BINARY, "db", "upgrade", uri], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    joined = [o[0] for o in outs]
    assert sum("nothing to do" in o for o in joined) == 1, joined
    assert sum("Upgraded database from revision 451aebb31d03" in o for o in joined) == 1, joined
    assert psql(uri, "SELECT version_num FROM alembic_version").split() == [OUR_REVISION]
