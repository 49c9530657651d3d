#!/usr/bin/env python3
"""Checks that mlflow-cpp's database schema is interchangeable with MLflow's own.

(a) Creates a SQLite database with our DDL (the `mlflow_make_schema <path>` helper, which calls
    CreateSchema) and one with the real MLflow 3.6.0 (its SqlAlchemyStore: initial tables +
    alembic upgrade to bf29a5ff90ea), and compares them structurally (columns in order, types,
    NOT NULL, defaults, PK positions, indexes, foreign keys with actions, constraint names and
    CHECK clauses, alembic_version rows; see schema/sqlite_structure.py).
(b) Opens our database with the real newer MLflow (MLFLOW_VENV, 3.17.2): MlflowClient auto-upgrades
    it to its head; then runs a few calls that read and write it, and checks the revision moved.
(c) Opens our database with the real MLflow 3.6.0 itself: it must use it as is (revision unchanged)
    and read/write it.

With --postgres <admin conninfo> (or env MLFLOW_TEST_POSTGRES_URI), e.g.
postgresql://postgres@127.0.0.1:5432/postgres, the same three checks also run on PostgreSQL: two
scratch databases are created (and dropped), ours gets `mlflow_make_schema --print-ddl postgres`
through psql, the real one MLflow 3.6.0's store; compared with schema/pg_structure.py. Both venvs
then need psycopg2-binary.

Exit status 0 = all checks passed; 1 = a difference or an error (printed); 2 = bad usage.

    MLFLOW_VENV_360=/path/venv-3.6.0 MLFLOW_VENV=/path/venv-3.17.2 \
      python3 tests/interop/schema_compare.py --make-schema build/.../mlflow_make_schema

Venv pins used when this was written: `pip install mlflow==3.6.0 'sqlalchemy<2.1'` (3.6.0 does
not import with SQLAlchemy 2.1: FallbackAsyncAdaptedQueuePool is gone; 2.0.58 was resolved) and
`pip install mlflow==3.17.2`.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "schema"))
import pg_structure  # noqa: E402
import sqlite_structure  # noqa: E402

OUR_REVISION = "bf29a5ff90ea"

MAKE_REAL_DB = r"""
import sys
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
uri = sys.argv[1]
SqlAlchemyStore(uri, sys.argv[2])
RegistryStore(uri)
"""

OPEN_WITH_NEWER = r"""
import sys
import mlflow
from mlflow.tracking import MlflowClient
uri, artifacts = sys.argv[1], sys.argv[2]
mlflow.set_tracking_uri(uri)
client = MlflowClient(tracking_uri=uri, registry_uri=uri)
exps = client.search_experiments()
assert "Default" in [e.name for e in exps], exps
exp_id = client.create_experiment("schema-compare", artifact_location=artifacts)
run = client.create_run(exp_id, tags={"t": "v"})
client.log_param(run.info.run_id, "p", "1")
client.log_metric(run.info.run_id, "m", 1.5, step=2)
client.set_terminated(run.info.run_id)
got = client.get_run(run.info.run_id)
assert got.data.params == {"p": "1"} and got.data.metrics == {"m": 1.5}, got.data
client.create_registered_model("schema-compare-model")
mv = client.create_model_version("schema-compare-model", "s3://b/p", run_id=run.info.run_id)
assert mv.version == "1" or mv.version == 1, mv
print("mlflow", mlflow.__version__, "opened and wrote the database")
"""


def venv_python(env_name):
    venv = os.environ.get(env_name)
    if not venv:
        raise SystemExit(
            f"schema_compare: set {env_name} to the venv holding the real MLflow "
            f"(MLFLOW_VENV_360: mlflow==3.6.0 with sqlalchemy<2.1; MLFLOW_VENV: mlflow==3.17.2)"
        )
    python = Path(venv) / "bin" / "python"
    if not python.exists():
        raise SystemExit(f"schema_compare: {python} does not exist ({env_name}={venv})")
    return str(python)


def run(cmd, what, cwd):
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        print(f"schema_compare: {what} failed (exit {proc.returncode})")
        print(proc.stdout[-4000:])
        print(proc.stderr[-4000:])
        raise SystemExit(1)
    return proc.stdout


def alembic_rows(path):
    return sqlite_structure.describe(path)["alembic_version"]


def check_postgres(args, py360, py_newer, work):
    """The same two checks on PostgreSQL; returns failure lines."""
    failures = []
    admin = args.postgres
    base, _, _ = admin.rpartition("/")
    suffix = f"{os.getpid()}"
    names = {"real": f"mlflow_schema_real_{suffix}", "ours": f"mlflow_schema_ours_{suffix}"}
    uri = {k: f"{base}/{v}" for k, v in names.items()}
    psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    for name in names.values():
        run(psql + ["-d", admin, "-c", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}"],
            "create scratch database", work)
    try:
        ddl = run([args.make_schema, "--print-ddl", "postgres"], "mlflow_make_schema --print-ddl", work)
        (work / "ours_pg.sql").write_text(ddl)
        run(psql + ["-1", "-d", uri["ours"], "-f", str(work / "ours_pg.sql")], "our PostgreSQL DDL", work)
        run([py360, "-c", MAKE_REAL_DB, uri["real"].replace("postgresql://", "postgresql+psycopg2://"),
             str(work / "art360pg")], "MLflow 3.6.0 store on PostgreSQL", work)
        differences = pg_structure.diff(pg_structure.describe(uri["real"]), pg_structure.describe(uri["ours"]),
                                        "mlflow-3.6.0", "mlflow-cpp")
        if differences:
            failures.append("(a-pg) structural differences from MLflow 3.6.0 on PostgreSQL:")
            failures.extend("    " + d for d in differences)
        else:
            print("(a-pg) ok: PostgreSQL schema identical to MLflow 3.6.0's")
        # (c-pg) MLflow 3.6.0 uses it as is; then (b-pg) the newer MLflow upgrades it.
        out = run([py360, "-c", OPEN_WITH_NEWER, uri["ours"].replace("postgresql://", "postgresql+psycopg2://"),
                   str(work / "art-360-pg")], "MLflow 3.6.0 on our PostgreSQL database", work)
        rows = pg_structure.describe(uri["ours"])["alembic_version"]
        if rows != [OUR_REVISION]:
            failures.append(f"(c-pg) MLflow 3.6.0 changed alembic_version to {rows}")
        else:
            print(f"(c-pg) ok: {out.strip()}; revision still {OUR_REVISION}")
        out = run([py_newer, "-c", OPEN_WITH_NEWER.replace('"schema-compare"', '"schema-compare-2"')
                   .replace('"schema-compare-model"', '"schema-compare-model-2"'),
                   uri["ours"].replace("postgresql://", "postgresql+psycopg2://"),
                   str(work / "art-newer-pg")], "newer MLflow on our PostgreSQL database", work)
        rows = pg_structure.describe(uri["ours"])["alembic_version"]
        if len(rows) != 1 or rows[0] == OUR_REVISION:
            failures.append(f"(b-pg) expected one alembic row past {OUR_REVISION}, got {rows}")
        else:
            print(f"(b-pg) ok: {out.strip()}; upgraded {OUR_REVISION} -> {rows[0]}")
    finally:
        for name in names.values():
            subprocess.run(psql + ["-d", admin, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                           capture_output=True, timeout=120)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--make-schema", required=True, help="path of the mlflow_make_schema helper")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--postgres", default=os.environ.get("MLFLOW_TEST_POSTGRES_URI"),
                        help="admin conninfo of a PostgreSQL server for the PostgreSQL checks")
    args = parser.parse_args()

    py360 = venv_python("MLFLOW_VENV_360")
    py_newer = venv_python("MLFLOW_VENV")
    work = Path(tempfile.mkdtemp(prefix="mlflow-schema-compare-"))
    failures = []
    try:
        ours = work / "ours.db"
        real = work / "real360.db"
        run([args.make_schema, str(ours)], "mlflow_make_schema", work)
        run([py360, "-c", MAKE_REAL_DB, f"sqlite:///{real}", str(work / "art360")],
            "MLflow 3.6.0 store", work)

        # (a) structure
        differences = sqlite_structure.diff(
            sqlite_structure.describe(str(real)), sqlite_structure.describe(str(ours)),
            "mlflow-3.6.0", "mlflow-cpp",
        )
        if differences:
            failures.append("(a) structural differences from MLflow 3.6.0:")
            failures.extend("    " + d for d in differences)
        else:
            print(f"(a) ok: schema identical to MLflow 3.6.0's ({len(sqlite_structure.describe(str(ours))['tables'])} tables)")
        if alembic_rows(str(ours)) != [OUR_REVISION]:
            failures.append(f"(a) alembic_version rows: {alembic_rows(str(ours))}")

        # (c) MLflow 3.6.0 accepts our database as up to date and works on it
        same_db = work / "ours-opened-by-360.db"
        same_db.write_bytes(ours.read_bytes())
        out = run([py360, "-c", OPEN_WITH_NEWER, f"sqlite:///{same_db}", str(work / "art-360")],
                  "MLflow 3.6.0 on our database", work)
        if alembic_rows(str(same_db)) != [OUR_REVISION]:
            failures.append(f"(c) MLflow 3.6.0 changed alembic_version to {alembic_rows(str(same_db))}")
        else:
            print(f"(c) ok: {out.strip()}; revision still {OUR_REVISION}")

        # (b) the newer MLflow upgrades our database and works on it
        newer_db = work / "ours-opened-by-newer.db"
        newer_db.write_bytes(ours.read_bytes())
        out = run([py_newer, "-c", OPEN_WITH_NEWER, f"sqlite:///{newer_db}", str(work / "art-newer")],
                  "newer MLflow on our database", work)
        rows = alembic_rows(str(newer_db))
        if len(rows) != 1 or rows[0] == OUR_REVISION:
            failures.append(f"(b) expected one alembic row past {OUR_REVISION}, got {rows}")
        else:
            print(f"(b) ok: {out.strip()}; upgraded {OUR_REVISION} -> {rows[0]}")
        if args.postgres:
            failures += check_postgres(args, py360, py_newer, work)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            subprocess.run(["rm", "-rf", str(work)], check=False)

    for line in failures:
        print(line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
