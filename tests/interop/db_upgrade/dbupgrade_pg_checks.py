"""`mlflow-cpp db upgrade` on PostgreSQL databases written by older MLflow releases.

Runs under tests/pg/with_cluster.sh (MLFLOW_TEST_PG_URI = admin URI of a private cluster). For
each starting revision of upgrade_compare.server_chain("pg") (a share of tests/fixtures/db's): the
real MLflow 3.6.0 builds a PostgreSQL database at that revision and make_fixture.py fills it with the fixture rows (twice); one copy is upgraded by
`mlflow-cpp db upgrade`, the other by MLflow's own migrations. Both must be equal structurally
(pg_structure.py: columns, types, defaults, constraints by name, indexes, sequences, alembic rows)
and row by row, and equal to a fresh CreateSchema database; then mlflow-cpp serves the result
(upgrade_compare.py, shared with the MySQL checks).
psql is the only client used here (the pytest venv has no PostgreSQL driver).
"""
import json
import os
import urllib.parse
import uuid

import pytest

from upgrade_compare import (MAKE_SCHEMA, Backend, check_concurrent_upgrades_serialise, server_chain,
                             check_upgrade_equals_mlflow, run, upgrade)
import pg_structure  # tests/interop/schema, on sys.path from upgrade_compare

ADMIN = os.environ["MLFLOW_TEST_PG_URI"]


def psql(uri, sql, stdin=None):
    res = run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", uri, "-c", sql] if stdin is None
              else ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", uri], input=stdin)
    assert res.returncode == 0, res.stderr
    return res.stdout


class Postgres(Backend):
    """A database's handle and both URIs are its postgresql:// URI."""

    def new_database(self, tag):
        name = f"dbup_{tag}_{uuid.uuid4().hex[:8]}"
        psql(ADMIN, f"CREATE DATABASE {name}")
        uri = urllib.parse.urlsplit(ADMIN)._replace(path="/" + name).geturl()
        return uri, uri, uri

    def rows(self, uri):
        tables = psql(uri, "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                           "current_schema() AND table_type = 'BASE TABLE' ORDER BY 1").split()
        out = {}
        for t in tables:
            lines = psql(uri, f'SELECT row_to_json(r_)::text FROM "{t}" r_').splitlines()
            out[t] = sorted(json.dumps(json.loads(line), sort_keys=True) for line in lines)
        return out

    def structure_diff(self, a, b, label_a, label_b):
        return pg_structure.diff(pg_structure.describe(a), pg_structure.describe(b), label_a, label_b)

    def revision(self, uri):
        return psql(uri, "SELECT version_num FROM alembic_version").split()


PG = Postgres()


@pytest.fixture(scope="module")
def fresh_schema():
    uri, _, _ = PG.new_database("fresh")
    ddl = run([MAKE_SCHEMA, "--print-ddl", "postgres"])
    assert ddl.returncode == 0, ddl.stderr
    psql(uri, None, stdin=ddl.stdout)
    return uri


@pytest.mark.parametrize("revision", server_chain("pg"))
def test_postgres_upgrade_equals_real_mlflow_upgrade(revision, fresh_schema, tmp_path):
    ours, theirs = check_upgrade_equals_mlflow(PG, revision, fresh_schema, tmp_path)
    # Experiment ids keep coming from the sequence after the upgrade.
    assert psql(ours, "SELECT last_value FROM experiments_experiment_id_seq").strip() == \
        psql(theirs, "SELECT last_value FROM experiments_experiment_id_seq").strip()


def test_postgres_failed_upgrade_leaves_database_unchanged():
    uri, _, _ = PG.fixture("fail", "451aebb31d03")
    psql(uri, "CREATE TABLE latest_metrics (x INTEGER)")
    before = PG.rows(uri)
    shape = pg_structure.describe(uri)
    res = upgrade(uri)
    assert res.returncode != 0
    assert "89d4b8295536" in res.stderr and "left unchanged" in res.stderr, res.stderr
    assert PG.rows(uri) == before
    assert pg_structure.diff(pg_structure.describe(uri), shape) == []


def test_postgres_concurrent_upgrades_serialise():
    check_concurrent_upgrades_serialise(PG, "451aebb31d03")
