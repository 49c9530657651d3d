"""The auth database's schema on PostgreSQL and MariaDB: one database made by MLflow 3.17.2's own
auth migrations (mlflow/server/auth/db/utils.py migrate, to head), one made by mlflow-cpp's
`--app-name basic-auth` at startup; their structures (tests/interop/schema: columns, types,
defaults, constraints and indexes by name, sequences) and alembic_version_auth must be equal.
Run by run_schema.sh under tests/pg/with_cluster.sh or tests/mysql/with_mariadb.sh (never skipped:
another backend fails)."""
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "interop" / "schema"))

import mysql_structure  # noqa: E402
import pg_structure  # noqa: E402
from authutil import CppAuthServer  # noqa: E402
from mlflow_server import new_mysql_database, new_pg_database, selected_backend  # noqa: E402

_MIGRATE = ("import sys; from sqlalchemy import create_engine; from mlflow.server.auth.db.utils import migrate; "
            "engine = create_engine(sys.argv[1]); migrate(engine, 'head'); engine.dispose()")


def _mlflow_migrates(sqlalchemy_url):
    subprocess.run([os.path.join(os.environ["MLFLOW_AUTH_VENV"], "bin", "python"), "-c", _MIGRATE, sqlalchemy_url],
                   check=True, timeout=300)


def _ours_creates(tmp_path, uri):
    with CppAuthServer(tmp_path / "cpp", auth_db=uri):
        pass  # the schema is made (and the admin user added) at startup


def _version_rows(describe_rows):
    return sorted(r[0] for r in describe_rows)


def test_auth_schema_is_mlflows(tmp_path):
    backend = selected_backend()
    assert backend in ("postgresql", "mysql"), "run under tests/pg/with_cluster.sh or tests/mysql/with_mariadb.sh"
    if backend == "postgresql":
        real, ours = new_pg_database(), new_pg_database()
        _mlflow_migrates(real)
        _ours_creates(tmp_path, ours)
        a, b = pg_structure.describe(real), pg_structure.describe(ours)
        differences = pg_structure.diff(a, b, "mlflow", "ours")
        versions = [_version_rows(pg_structure._psql(u, "SELECT version_num FROM alembic_version_auth"))
                    for u in (real, ours)]
    else:
        real, ours = new_mysql_database(), new_mysql_database()
        _mlflow_migrates("mysql+pymysql://" + real.split("://", 1)[1])
        _ours_creates(tmp_path, ours)
        sock = os.environ["MLFLOW_TEST_MYSQL_SOCKET"]
        names = [u.rsplit("/", 1)[1].split("?")[0] for u in (real, ours)]
        a, b = (mysql_structure.describe(sock, n) for n in names)
        differences = mysql_structure.diff(a, b, "mlflow", "ours")
        versions = [_version_rows(mysql_structure._mariadb(sock, n, "SELECT version_num FROM alembic_version_auth"))
                    for n in names]
    # Both made the same tables (users, roles, grants, the old per-kind tables) at the same head.
    assert {"users", "roles", "role_permissions", "user_role_assignments", "alembic_version_auth"} <= set(a["tables"])
    assert versions[0] == versions[1] == ["f1a2b3c4d5e6"], versions
    assert differences == [], "\n".join(differences)
