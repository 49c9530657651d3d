"""The MLflow Python client against mlflow-cpp's basic-auth app, with MLFLOW_TRACKING_USERNAME /
MLFLOW_TRACKING_PASSWORD: a user logs a run in an experiment they created, is refused (as
PERMISSION_DENIED) where they may only read, and the admin's app client manages users and grants."""
import os
import subprocess
import sys
import textwrap

import pytest

from authutil import ADMIN, ADMIN_PW, CppAuthServer

CLIENT_SCRIPT = textwrap.dedent("""
    import mlflow, sys
    from mlflow.exceptions import MlflowException
    from mlflow.server import get_app_client
    uri = sys.argv[1]
    mlflow.set_tracking_uri(uri)
    import os
    if os.environ["MLFLOW_TRACKING_USERNAME"] == "admin":
        auth = get_app_client("basic-auth", tracking_uri=uri)
        auth.create_user("erin", "erin-password-1")
        exp = mlflow.create_experiment("admins-only")
        assert auth.get_user("erin").username == "erin"
        auth.grant_user_permission("erin", "experiment", exp, "READ")
        print("admin ok", exp)
        sys.exit(0)
    exp = mlflow.create_experiment("erins")
    with mlflow.start_run(experiment_id=exp) as run:
        mlflow.log_param("p", "1")
        mlflow.log_metric("m", 2.5)
        mlflow.set_tag("t", "v")
    got = mlflow.get_run(run.info.run_id)
    assert got.data.params == {"p": "1"} and got.data.metrics == {"m": 2.5}, got.data
    visible = sorted(e.name for e in mlflow.search_experiments())
    assert visible == ["Default", "admins-only", "erins"], visible
    admins = mlflow.get_experiment_by_name("admins-only")
    try:
        mlflow.MlflowClient().create_run(admins.experiment_id)
    except MlflowException as e:
        assert e.error_code == "PERMISSION_DENIED", e.error_code
        print("refused", e.error_code)
    else:
        raise AssertionError("a READ user created a run")
    print("user ok")
""")


def _client(cpp, user, password):
    env = dict(os.environ, MLFLOW_TRACKING_USERNAME=user, MLFLOW_TRACKING_PASSWORD=password,
               MLFLOW_HTTP_REQUEST_MAX_RETRIES="0")
    return subprocess.run([sys.executable, "-c", CLIENT_SCRIPT, cpp.url], env=env, capture_output=True, text=True,
                          timeout=300)


def test_python_client_with_credentials(tmp_path):
    with CppAuthServer(tmp_path / "cpp") as cpp:
        admin = _client(cpp, ADMIN, ADMIN_PW)
        assert admin.returncode == 0, admin.stdout + admin.stderr
        assert "admin ok" in admin.stdout
        user = _client(cpp, "erin", "erin-password-1")
        assert user.returncode == 0, user.stdout + user.stderr
        assert "refused PERMISSION_DENIED" in user.stdout and "user ok" in user.stdout
        wrong = _client(cpp, "erin", "not-erins-password")
        assert wrong.returncode != 0
        assert "401" in wrong.stderr or "UNAUTHENTICATED" in wrong.stderr, wrong.stderr[-2000:]


def test_refuses_to_start_without_an_admin_password(tmp_path):
    folder = tmp_path / "noadmin"
    folder.mkdir()
    ini = folder / "basic_auth.ini"
    ini.write_text(f"[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///{folder}/a.db\n"
                   "admin_username = admin\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_AUTH_")}
    env.update(MLFLOW_AUTH_CONFIG_PATH=str(ini), MLFLOW_FLASK_SERVER_SECRET_KEY="k")
    cmd = [os.environ["MLFLOW_CPP_BINARY"], "server", "--app-name", "basic-auth", "--port", "0",
           "--backend-store-uri", f"sqlite:///{folder}/mlflow.db"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "MLFLOW_AUTH_ADMIN_PASSWORD" in out.stdout + out.stderr
    env.pop("MLFLOW_FLASK_SERVER_SECRET_KEY")
    env["MLFLOW_AUTH_ADMIN_PASSWORD"] = "admin-password-123"
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "MLFLOW_FLASK_SERVER_SECRET_KEY" in out.stdout + out.stderr
