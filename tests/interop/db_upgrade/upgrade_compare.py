"""What dbupgrade_pg_checks.py and dbupgrade_mysql_checks.py share: one fixture revision made twice
by the real MLflow 3.6.0 (tests/fixtures/db/make_fixture.py), one copy upgraded by `mlflow-cpp db
upgrade` and the other by MLflow's own migrations (mlflow_upgrade.py), then both compared in
structure and row by row, and with a database mlflow-cpp creates; then mlflow-cpp serves ours.
The server-specific parts (making a database, reading its rows and structure) come from a
`Backend` each checks file defines.

Environment (set by run.sh): MLFLOW_CPP_BINARY, MLFLOW_MAKE_SCHEMA, MLFLOW_VENV_360.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "db"
sys.path.insert(0, str(REPO / "tests" / "interop" / "schema"))
sys.path.insert(0, str(REPO / "tests" / "e2e"))
sys.path.insert(0, str(FIXTURES))
sys.path.insert(0, str(REPO / "tests" / "zygote"))
import make_fixture  # noqa: E402
from mlflow_server import MlflowCppServer  # noqa: E402
from zygote_client import run_python  # noqa: E402

BINARY = os.environ["MLFLOW_CPP_BINARY"]
MAKE_SCHEMA = os.environ["MLFLOW_MAKE_SCHEMA"]
PY360 = str(Path(os.environ["MLFLOW_VENV_360"]) / "bin" / "python")
# What the MLflow scripts here import, loaded once by each interpreter's zygote.
MLFLOW_PRELOAD = ("mlflow", "sqlalchemy", "alembic", "mlflow.store.tracking.sqlalchemy_store")
OUR_REVISION = "bf29a5ff90ea"
# The fixture revisions in chain order ("base": MLflow 0.9's tables, no alembic_version).
CHAIN = ["base", "451aebb31d03", "cfd24bdc0731", "bd07f7e963c5", "7f2a7d5fae7d", "acf3f17fdcc7",
         "0584bdc529eb", "400f98739977", "1a0cddfcaa16", "71994744cf8e"]
assert sorted(CHAIN) == sorted(p.stem for p in FIXTURES.glob("*.sql")), CHAIN


def server_chain(server):
    """The starting revisions one database server's checks upgrade from. Each start takes MLflow
    a minute or more on PostgreSQL and MariaDB, so CI splits them: both servers start from "base"
    (every one of our steps on that dialect), PostgreSQL from the odd positions of CHAIN after it
    and MariaDB from the even ones; SQLite (dbupgrade_checks.py) from all of them.
    MLFLOW_DBUPGRADE_EVERY_REVISION=1 runs every start on both."""
    if os.environ.get("MLFLOW_DBUPGRADE_EVERY_REVISION") == "1":
        return CHAIN
    return CHAIN[:1] + CHAIN[1::2] if server == "pg" else CHAIN[:1] + CHAIN[2::2]


# Revisions whose runs still get the mlflow.user tag from user_id (90e64c465722 comes after them).
USER_TAG_BACKFILLED = ("base", "451aebb31d03")


def run(cmd, timeout=600, **kw):
    if cmd[0] in (PY360, sys.executable):  # MLflow's start-up paid once per interpreter (tests/zygote)
        return run_python(cmd[0], cmd[1:], timeout=timeout, preload=MLFLOW_PRELOAD, **kw)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def upgrade(uri):
    return run([BINARY, "db", "upgrade", uri])


def progress(stdout):
    return re.findall(r"Running migration \d+/\d+ (\w+):", stdout)


class Backend:
    """One database server. A database is named by a handle (what rows/structure take) and has two
    URIs: MLflow's spelling (real_uri, for make_fixture.py and mlflow_upgrade.py) and ours."""

    def new_database(self, tag):  # -> (handle, real_uri, our_uri)
        raise NotImplementedError

    def fixture(self, tag, revision):
        """A new database at `revision` with the fixture rows, made by MLflow 3.6.0."""
        return self.fixture_pair(revision, (tag,))[0]

    def fixture_pair(self, revision, tags=("ours", "theirs")):
        """Equal fixture databases at `revision`, one per tag, made side by side. Each is made by
        MLflow itself: a copy (mariadb-dump) would not do, as it turns the indexes MySQL adds for
        foreign keys into declared ones, which MLflow's later CREATE INDEX then no longer replaces."""
        dbs = [self.new_database(tag) for tag in tags]
        procs = [subprocess.Popen([PY360, str(FIXTURES / "make_fixture.py"), revision, real_uri],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _, real_uri, _ in dbs]
        for p in procs:
            _, err = p.communicate(timeout=600)
            assert p.returncode == 0, err[-3000:]
        return dbs

    def rows(self, handle):  # -> {table: sorted JSON lines}
        raise NotImplementedError

    def structure_diff(self, a, b, label_a, label_b):  # -> list of differences
        raise NotImplementedError

    def revision(self, handle):  # -> alembic_version rows
        raise NotImplementedError


def check_upgrade_equals_mlflow(backend, revision, fresh, tmp_path, upgrade_says=""):
    """The main comparison for one fixture revision; returns (ours, theirs) handles for extra
    checks. `fresh`: the handle of a database mlflow-cpp created; `upgrade_says`: text our
    upgrade's output must hold."""
    (ours, _, ours_uri), (theirs, theirs_real_uri, _) = backend.fixture_pair(revision)
    before = backend.rows(ours)

    if revision != "base":  # a database without a revision is not one the server can check
        refused = run([BINARY, "server", "--host", "127.0.0.1", "--port", "0", "--backend-store-uri", ours_uri,
                       "--artifacts-destination", str(tmp_path / "art")], timeout=60)
        assert refused.returncode != 0
        assert "mlflow-cpp db upgrade" in refused.stdout + refused.stderr, refused.stderr

    res = upgrade(ours_uri)
    assert res.returncode == 0, res.stdout + res.stderr
    assert upgrade_says in res.stdout, res.stdout
    steps = progress(res.stdout)
    assert steps and steps[-1] == OUR_REVISION and revision not in steps, res.stdout
    if revision == "base":
        assert len(steps) == 40 and "from revision <none>" in res.stdout, res.stdout
    ref = run([PY360, str(HERE / "mlflow_upgrade.py"), theirs_real_uri])
    assert ref.returncode == 0, ref.stderr[-3000:]

    # (Plain asserts here are not rewritten by pytest: the messages say what differs.)
    diff = backend.structure_diff(ours, theirs, "ours", "mlflow-3.6.0")
    assert diff == [], "\n".join(diff)
    diff = backend.structure_diff(ours, fresh, "ours", "fresh")
    assert diff == [], "\n".join(diff)
    ours_rows, their_rows = backend.rows(ours), backend.rows(theirs)
    assert ours_rows.keys() == their_rows.keys()
    for table in ours_rows:
        assert ours_rows[table] == their_rows[table], (table, ours_rows[table], their_rows[table])
    assert ours_rows["latest_metrics"] and len(ours_rows["runs"]) == len(before["runs"]) == 3
    # Before MLflow 3.0 every table the fixture's revision has is filled (the migrations after it
    # touch each of them); no filled table ends empty.
    pre_3 = CHAIN.index(revision) < CHAIN.index("400f98739977")
    for table, old in before.items():
        assert old or not pre_3, f"fixture table {table} is empty"
        assert ours_rows.get(table) or not old, table

    again = upgrade(ours_uri)
    assert again.returncode == 0 and "nothing to do" in again.stdout, again.stdout + again.stderr

    with MlflowCppServer(tmp_path, binary=BINARY, db_path=ours_uri) as srv:
        data = srv.api("GET", "runs/get", params={"run_id": make_fixture.RUN_A})["run"]["data"]
        assert {p["key"]: p["value"] for p in data["params"]} == {"lr": "0.01", "layers": "3"}
        tags = {t["key"]: t["value"] for t in data["tags"]}
        assert tags.get("mlflow.user") == ("alice" if revision in USER_TAG_BACKFILLED else None)
        srv.api("POST", "runs/log-metric", {"run_id": make_fixture.RUN_A, "key": "after", "value": 2.0,
                                            "timestamp": 5, "step": 1})
    return ours, theirs


def check_concurrent_upgrades_serialise(backend, revision):
    """Two `db upgrade`s at once: one migrates, the other then finds nothing to do."""
    db, _, uri = backend.fixture("race", revision)
    procs = [subprocess.Popen([BINARY, "db", "upgrade", uri], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    joined = [o[0] for o in outs]
    assert sum("nothing to do" in o for o in joined) == 1, joined
    assert sum(f"Upgraded database from revision {revision}" in o for o in joined) == 1, joined
    assert backend.revision(db) == [OUR_REVISION]
