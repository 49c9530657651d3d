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


def _mysql_as_far_as_mlflow_gets(tmp_path):
    """MLflow 3.17.2's auth migrations cannot finish on MariaDB: the initial revision names the
    foreign keys of experiment_permissions and registered_model_permissions both `fk_user_id`, a
    name MySQL allows once per database, so the second CREATE TABLE fails (errno 121) after the
    first tables were made (MySQL commits DDL as it goes). Ours leaves those two foreign keys unnamed
    (docs/reference/auth.md) and makes the whole schema. What MLflow did make must equal ours but for
    that name; should a later MLflow finish, this test says so."""
    real, ours = new_mysql_database(), new_mysql_database()
    proc = subprocess.run([os.path.join(os.environ["MLFLOW_AUTH_VENV"], "bin", "python"), "-c", _MIGRATE,
                           "mysql+pymysql://" + real.split("://", 1)[1]], capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and "registered_model_permissions" in proc.stderr and "121" in proc.stderr, \
        proc.stderr[-2000:]
    _ours_creates(tmp_path, ours)
    sock = os.environ["MLFLOW_TEST_MYSQL_SOCKET"]
    names = [u.rsplit("/", 1)[1].split("?")[0] for u in (real, ours)]
    a, b = (mysql_structure.describe(sock, n) for n in names)
    assert {"users", "experiment_permissions"} <= set(a["tables"]), sorted(a["tables"])
    assert set(a["tables"]) - {"alembic_version_auth"} <= set(b["tables"])
    # Only the tables MLflow made (its alembic_version_auth stays empty: no revision completed).
    b["tables"] = {t: v for t, v in b["tables"].items() if t in a["tables"] and t != "alembic_version_auth"}
    a["tables"].pop("alembic_version_auth", None)
    differences = mysql_structure.diff(a, b, "mlflow", "ours")
    # The one expected difference: the foreign key's name (and so its index's), fk_user_id in
    # MLflow's, the server's own in ours.
    expected = [d for d in differences
                if (d.startswith("table experiment_permissions constraints:") and '"kind": "FOREIGN KEY"' in d)
                or (d.startswith("table experiment_permissions indexes:") and '"columns": "user_id"' in d)]
    assert len(expected) == 4 and sum('"name": "fk_user_id"' in d for d in expected) == 2, differences
    assert [d for d in differences if d not in expected] == [], "\n".join(differences)


def test_auth_schema_is_mlflows(tmp_path):
    backend = selected_backend()
    assert backend in ("postgresql", "mysql"), "run under tests/pg/with_cluster.sh or tests/mysql/with_mariadb.sh"
    if backend == "postgresql":
        real, ours = new_pg_database(), new_pg_database()
        _mlflow_migrates("postgresql+psycopg2://" + real.split("://", 1)[1])  # SQLAlchemy 2.1's default is psycopg 3
        _ours_creates(tmp_path, ours)
        a, b = pg_structure.describe(real), pg_structure.describe(ours)
        differences = pg_structure.diff(a, b, "mlflow", "ours")
        versions = [_version_rows(pg_structure._psql(u, "SELECT version_num FROM alembic_version_auth"))
                    for u in (real, ours)]
    else:
        _mysql_as_far_as_mlflow_gets(tmp_path)
        return
    # Both made the same tables (users, roles, grants, the old per-kind tables) at the same head.
    assert {"users", "roles", "role_permissions", "user_role_assignments", "alembic_version_auth"} <= set(a["tables"])
    assert versions[0] == versions[1] == ["f1a2b3c4d5e6"], versions
    assert differences == [], "\n".join(differences)
