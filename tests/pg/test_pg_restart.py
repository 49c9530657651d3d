"""The server outlives a PostgreSQL restart: pooled connections that died with the old server
process are dropped and replaced, and no request fails because of them."""
import os
import subprocess

import requests

from mlflow_server import MlflowCppServer, selected_backend

API = "/api/2.0/mlflow/"


def restart_cluster():
    d = os.environ["MLFLOW_TEST_PG_DIR"]
    pgbin = open(os.path.join(d, "pgbin")).read().strip()
    user = open(os.path.join(d, "run_user")).read().strip()
    # -l: the new postmaster must not inherit our pipes (it would hold them open).
    cmd = [os.path.join(pgbin, "pg_ctl"), "-D", os.path.join(d, "data"), "-l", os.path.join(d, "server.log"),
           "-m", "fast", "-w", "-t", "30", "restart"]
    if user:
        cmd = ["runuser", "-u", user, "--"] + cmd
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=60)


def test_requests_succeed_across_a_database_restart(tmp_path):
    assert selected_backend() == "postgresql", "run under tests/pg/with_cluster.sh"
    with MlflowCppServer(tmp_path, extra_args=["--db-pool-size", "4"]) as srv:
        rid = srv.api("POST", "runs/create", {"experiment_id": "0", "start_time": 1})["run"]["info"]["run_id"]
        # Several connections in the pool, all of which the restart will kill.
        s = [requests.Session() for _ in range(4)]
        for i, sess in enumerate(s):
            r = sess.post(srv.url + API + "runs/log-metric",
                          json={"run_id": rid, "key": "m", "value": i, "timestamp": i, "step": i}, timeout=30)
            assert r.status_code == 200
        restart_cluster()
        for i in range(4, 24):
            r = requests.post(srv.url + API + "runs/log-metric",
                              json={"run_id": rid, "key": "m", "value": i, "timestamp": i, "step": i}, timeout=30)
            assert r.status_code == 200, r.text
        hist = srv.api("GET", "metrics/get-history", params={"run_id": rid, "metric_key": "m"})["metrics"]
        assert [m["step"] for m in hist] == list(range(24))


def test_bad_backend_uris_are_refused_without_showing_the_password(tmp_path):
    from mlflow_server import server_binary
    for uri, expected in [("postgresql://u:secret@127.0.0.1:1/db", "cannot connect to PostgreSQL"),
                          ("mysql://u:secret@127.0.0.1:1/db", "cannot connect to MySQL"),
                          ("mssql://u:secret@127.0.0.1/db", "Unsupported backend store URI")]:
        out = subprocess.run([server_binary(), "server", "--port", "0", "--backend-store-uri", uri],
                             capture_output=True, text=True, timeout=30, cwd=tmp_path)
        assert out.returncode == 1
        assert expected in out.stderr and "u:***@" in out.stderr, out.stderr
        assert "secret" not in out.stderr
