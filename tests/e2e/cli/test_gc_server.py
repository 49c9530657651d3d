"""`mlflow-cpp gc` on a tracking server's store with proxied artifacts (mlflow-artifacts: URIs):
deleted through the server's proxy (--tracking-uri) or straight in the destination folder
(--artifacts-destination); and the real `mlflow gc` deleting through our proxy. On SQLite, and
on PostgreSQL under tests/pg/with_cluster.sh."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from clidiff import files_under, run_mlflow, run_ours  # noqa: E402
from mlflow_server import MlflowCppServer, selected_backend  # noqa: E402

CLIENT = r'''
import json, os, sys
import mlflow
from mlflow import MlflowClient
c = MlflowClient()
ids = []
for i in range(3):
    with mlflow.start_run() as r:
        f = os.path.join(sys.argv[1], f"a{i}.txt")
        open(f, "w").write("x" * (i + 1))
        mlflow.log_artifact(f, "d")
    ids.append(r.info.run_id)
    c.delete_run(r.info.run_id)
with mlflow.start_run() as r:
    mlflow.log_artifact(f, "d")
ids.append(r.info.run_id)
print(json.dumps(ids))
'''


def run_files(srv, run_id):
    return [f for f in files_under(srv.artifacts) if run_id in f]


def test_gc_proxied_artifacts(tmp_path):
    with MlflowCppServer(tmp_path / "srv") as srv:
        env = dict(os.environ, MLFLOW_TRACKING_URI=srv.url)
        out = subprocess.run([sys.executable, "-c", CLIENT, str(tmp_path)], capture_output=True, text=True, env=env,
                             timeout=300)
        assert out.returncode == 0, out.stderr
        via_proxy, via_folder, via_mlflow, active = json.loads(out.stdout.strip().splitlines()[-1])
        for rid in (via_proxy, via_folder, via_mlflow, active):
            assert run_files(srv, rid), rid

        r = run_ours(["gc", "--backend-store-uri", srv.backend_uri, "--tracking-uri", srv.url, "--run-ids", via_proxy],
                     cwd=str(tmp_path))
        assert r.returncode == 0, r.stderr
        assert r.stdout == f"Run with ID {via_proxy} has been permanently deleted.\n"
        assert run_files(srv, via_proxy) == []

        r = run_ours(["gc", "--backend-store-uri", srv.backend_uri, "--artifacts-destination", srv.artifacts,
                      "--run-ids", via_folder], cwd=str(tmp_path), env={"MLFLOW_TRACKING_URI": srv.url})
        assert r.returncode == 0, r.stderr
        assert run_files(srv, via_folder) == []
        assert run_files(srv, via_mlflow) and run_files(srv, active)

        # The server no longer knows them.
        for rid in (via_proxy, via_folder):
            status, body = srv.get("/api/2.0/mlflow/runs/get", params={"run_id": rid})
            assert status == 404 and body["error_code"] == "RESOURCE_DOES_NOT_EXIST"

        # An active run is refused, nothing changes.
        r = run_ours(["gc", "--backend-store-uri", srv.backend_uri, "--tracking-uri", srv.url, "--run-ids", active],
                     cwd=str(tmp_path))
        assert r.returncode == 1
        assert f"Run {active} is not in `deleted` lifecycle stage." in r.stderr
        assert run_files(srv, active)

        if selected_backend() == "sqlite":
            # The real `mlflow gc` deletes through our proxy what we serve.
            r = run_mlflow(["gc", "--backend-store-uri", srv.backend_uri, "--tracking-uri", srv.url],
                           cwd=str(tmp_path))
            assert r.returncode == 0, r.stderr
            assert r.stdout == f"Run with ID {via_mlflow} has been permanently deleted.\n"
            assert run_files(srv, via_mlflow) == []
            assert run_files(srv, active)
