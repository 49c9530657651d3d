"""`mlflow-cpp db upgrade` on databases written by older MLflow releases, against the real MLflow.

For every fixture revision in tests/fixtures/db (see its README):
  * the committed dump equals what the real MLflow 3.6.0 builds today (make_fixture.py), so the
    fixtures cannot drift from MLflow's migrations;
  * `mlflow-cpp server` refuses the old database and names `mlflow-cpp db upgrade <uri>`;
  * `mlflow-cpp db upgrade` prints one line per migration and exits 0; the result equals, table by
    table, both a fresh CreateSchema database and the same fixture upgraded by MLflow 3.6.0's own
    alembic migrations, and every row equals the MLflow-upgraded database's;
  * `mlflow-cpp server` serves the upgraded database (reads the old rows, writes new ones);
  * MLflow 3.17.2 opens the upgraded database (auto-upgrades it to its head) and reads the rows.

Environment (set by run.sh): MLFLOW_CPP_BINARY, MLFLOW_MAKE_SCHEMA, MLFLOW_VENV_360; pytest runs
in the MLflow 3.17.2 venv.
"""
import math
import re
import sqlite3
import sys
import time

import pytest

# Paths, binaries, sys.path and the command runner (Python commands through a zygote) are shared
# with the PostgreSQL and MySQL checks.
from upgrade_compare import BINARY, FIXTURES, HERE, MAKE_SCHEMA, OUR_REVISION, PY360, run

import make_fixture  # noqa: E402 - on sys.path from upgrade_compare
import sqlite_structure  # noqa: E402
from mlflow_server import MlflowCppServer  # noqa: E402

REVISIONS = sorted(p.stem for p in FIXTURES.glob("*.sql"))
assert len(REVISIONS) >= 8, REVISIONS


def load_dump(revision, path):
    con = sqlite3.connect(path)
    con.executescript((FIXTURES / f"{revision}.sql").read_text())
    con.close()
    return path


def rows(path):
    """Every row of every table, columns by name, sorted."""
    con = sqlite3.connect(path)
    try:
        out = {}
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
            cols = sorted(r[1] for r in con.execute(f'PRAGMA table_info("{table}")'))
            select = ", ".join(f'"{c}"' for c in cols)
            out[table] = (cols, sorted(map(repr, con.execute(f'SELECT {select} FROM "{table}"'))))
        return out
    finally:
        con.close()


def structure_diff(a, b):
    """Structural differences (empty = equal): columns, indexes, FKs, constraints, alembic rows."""
    return sqlite_structure.diff(sqlite_structure.describe(a), sqlite_structure.describe(b), a, b)


def upgrade(db):
    res = run([BINARY, "db", "upgrade", f"sqlite:///{db}"])
    assert res.returncode == 0, res.stdout + res.stderr
    return res


@pytest.fixture(scope="module")
def fresh_schema(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("fresh") / "fresh.db")
    res = run([MAKE_SCHEMA, path])
    assert res.returncode == 0, res.stderr
    return path


@pytest.mark.parametrize("revision", REVISIONS)
def test_fixture_is_what_real_mlflow_builds(revision, tmp_path):
    regenerated = str(tmp_path / "regen.db")
    res = run([PY360, str(FIXTURES / "make_fixture.py"), revision, regenerated])
    assert res.returncode == 0, res.stderr[-3000:]
    committed = load_dump(revision, str(tmp_path / "committed.db"))
    assert structure_diff(committed, regenerated) == []
    assert rows(committed) == rows(regenerated)


@pytest.mark.parametrize("revision", REVISIONS)
def test_server_refuses_old_database_with_upgrade_hint(revision, tmp_path):
    db = load_dump(revision, str(tmp_path / "old.db"))
    uri = f"sqlite:///{db}"
    res = run([BINARY, "server", "--host", "127.0.0.1", "--port", "0", "--backend-store-uri", uri,
               "--artifacts-destination", str(tmp_path / "art")], timeout=60)
    assert res.returncode != 0
    out = res.stdout + res.stderr
    if revision == "base":
        # No alembic_version at all: not recognisably versioned; the message still says what to do.
        assert "alembic_version" in out, out
    else:
        assert f"mlflow-cpp db upgrade {uri}" in out, out
        assert revision in out, out
    # Refusing must not touch the database.
    assert rows(db) == rows(load_dump(revision, str(tmp_path / "again.db")))


@pytest.mark.parametrize("revision", REVISIONS)
def test_upgrade_equals_real_mlflow_upgrade(revision, tmp_path, fresh_schema):
    ours = load_dump(revision, str(tmp_path / "ours.db"))
    theirs = load_dump(revision, str(tmp_path / "theirs.db"))
    started = time.monotonic()
    res = upgrade(ours)
    elapsed = time.monotonic() - started
    assert elapsed < 60
    progress = re.findall(r"Running migration \d+/\d+ (\w+):", res.stdout)
    assert progress, res.stdout
    assert progress[-1] == OUR_REVISION
    assert revision not in progress
    assert len(progress) == len(set(progress))
    assert f"to {OUR_REVISION}" in res.stdout

    ref = run([PY360, str(HERE / "mlflow_upgrade.py"), theirs])
    assert ref.returncode == 0, ref.stderr[-3000:]

    assert structure_diff(ours, fresh_schema) == []
    assert structure_diff(ours, theirs) == []
    ours_rows, their_rows = rows(ours), rows(theirs)
    assert ours_rows.keys() == their_rows.keys()
    for table in ours_rows:
        assert ours_rows[table] == their_rows[table], table
    # Something real was migrated.
    assert ours_rows["runs"][1] and ours_rows["latest_metrics"][1]

    again = upgrade(ours)
    assert "nothing to do" in again.stdout


def expected_user_tag(revision):
    """Run A's mlflow.user tag: backfilled from runs.user_id by 90e64c465722 (fixtures before it)."""
    return "alice" if revision in ("base", "451aebb31d03") else None


@pytest.mark.parametrize("revision", REVISIONS)
def test_server_serves_upgraded_database(revision, tmp_path):
    db = load_dump(revision, str(tmp_path / "up.db"))
    upgrade(db)
    con = sqlite3.connect(db)
    had_registry = con.execute("SELECT count(*) FROM registered_models").fetchone()[0] > 0
    con.close()
    with MlflowCppServer(tmp_path, binary=BINARY, db_path=db) as srv:
        exps = srv.api("POST", "experiments/search", {"max_results": 100, "view_type": "ALL"})
        assert {e["name"] for e in exps["experiments"]} == {"Default", "exp-one", "exp-deleted"}
        data = srv.api("GET", "runs/get", params={"run_id": make_fixture.RUN_A})["run"]["data"]
        assert {p["key"]: p["value"] for p in data.get("params", [])} == {"lr": "0.01", "layers": "3"}
        tags = {t["key"]: t["value"] for t in data.get("tags", [])}
        assert tags.get("mlflow.user") == expected_user_tag(revision)
        assert tags["note"] == "x" * 240
        metrics = {m["key"]: m for m in data.get("metrics", [])}
        if revision == "base":
            assert metrics["loss"]["value"] == 1.5
        else:
            assert metrics["loss"]["value"] == 0.5 and int(metrics["loss"]["step"]) == 2
            assert metrics["acc"]["value"] == 0.95
        has_nan = revision not in ("base", "451aebb31d03")
        assert ("nanm" in metrics) == has_nan
        if has_nan:
            assert math.isnan(float(metrics["nanm"]["value"]))
        # Writes work on the upgraded schema too.
        rid = srv.api("POST", "runs/create", {"experiment_id": "1", "start_time": 1})["run"]["info"]["run_id"]
        srv.api("POST", "runs/log-metric", {"run_id": rid, "key": "m", "value": 1.0, "timestamp": 2, "step": 3})
        names = {m["name"] for m in srv.api("GET", "registered-models/search").get("registered_models", [])}
        assert names == ({"model-a", "model-b"} if had_registry else set())


OPEN_WITH_MLFLOW = r"""
import math, sys
import mlflow
from mlflow.tracking import MlflowClient
uri, run_a, user = sys.argv[1], sys.argv[2], sys.argv[3]
mlflow.set_tracking_uri(uri)
mlflow.set_registry_uri(uri)
client = MlflowClient(tracking_uri=uri, registry_uri=uri)
names = {e.name for e in client.search_experiments(view_type=3)}
assert names == {"Default", "exp-one", "exp-deleted"}, names
run = client.get_run(run_a)
assert run.data.params == {"lr": "0.01", "layers": "3"}, run.data.params
assert run.data.tags.get("mlflow.user", "") == user, run.data.tags
hist = client.get_metric_history(run_a, "loss")
assert len(hist) >= 1, hist
if "nanm" in run.data.metrics:
    assert math.isnan(run.data.metrics["nanm"]), run.data.metrics
with mlflow.start_run(experiment_id="1"):
    mlflow.log_metric("after_upgrade", 1.0)
print("models", sorted(m.name for m in client.search_registered_models()))
"""


@pytest.mark.parametrize("revision", REVISIONS)
def test_mlflow_317_opens_upgraded_database(revision, tmp_path):
    db = load_dump(revision, str(tmp_path / "up.db"))
    upgrade(db)
    res = run([sys.executable, "-c", OPEN_WITH_MLFLOW, f"sqlite:///{db}", make_fixture.RUN_A,
                expected_user_tag(revision) or ""],
              cwd=tmp_path, timeout=600)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-4000:]
    models = re.search(r"models (.*)", res.stdout).group(1)
    has_registry = models != "[]"
    assert (not has_registry) or models == "['model-a', 'model-b']", models
    con = sqlite3.connect(db)
    head = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    con.close()
    assert head != OUR_REVISION  # MLflow 3.17.2 moved it on to its own head
