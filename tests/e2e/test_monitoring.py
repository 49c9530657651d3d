"""/metrics (MLflow's --expose-prometheus) and the structured access log, on the real server process."""
import json
import re

import requests

from mlflow_server import MlflowCppServer

API = "/api/2.0/mlflow/"


def sample(text, name, **labels):
    """The value of one series in Prometheus text, or None."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            return float(m.group(4))
    return None


def test_metrics_count_requests_latency_and_artifact_bytes(tmp_path):
    prom = tmp_path / "prom"
    with MlflowCppServer(tmp_path, extra_args=["--expose-prometheus", str(prom)]) as srv:
        assert prom.is_dir()
        for i in range(3):
            srv.api("POST", "runs/create", {"experiment_id": "0", "start_time": i})
        srv.request("POST", API + "runs/create", raw="123")  # refused: 400
        rid = srv.api("POST", "runs/create", {"experiment_id": "0", "start_time": 9})["run"]["info"]["run_id"]
        srv.api("POST", "runs/log-metric", {"run_id": rid, "key": "m", "value": 1, "timestamp": 1})
        payload = b"x" * 100_000
        r = requests.put(srv.url + "/api/2.0/mlflow-artifacts/artifacts/0/a/b.bin", data=payload, timeout=30)
        assert r.status_code == 200
        assert requests.get(srv.url + "/api/2.0/mlflow-artifacts/artifacts/0/a/b.bin", timeout=30).content == payload
        requests.get(srv.url + API + "runs/get", params={"run_id": "nosuch"}, timeout=10)
        r = requests.get(srv.url + "/metrics", timeout=10)
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        t = r.text
        ep = "/api/2.0/mlflow/runs/create"
        assert sample(t, "mlflow_cpp_http_requests_total", method="POST", endpoint=ep, status="200") == 4
        assert sample(t, "mlflow_cpp_http_requests_total", method="POST", endpoint=ep, status="400") == 1
        assert sample(t, "mlflow_cpp_http_request_duration_seconds_count", method="POST", endpoint=ep) == 5
        assert sample(t, "mlflow_cpp_http_request_duration_seconds_bucket", method="POST", endpoint=ep, le="+Inf") == 5
        assert sample(t, "mlflow_cpp_http_request_duration_seconds_sum", method="POST", endpoint=ep) > 0
        # Path parameters do not multiply series: the artifact routes count under their pattern.
        assert sample(t, "mlflow_cpp_http_requests_total", method="PUT",
                      endpoint="/api/2.0/mlflow-artifacts/artifacts/{path...}", status="200") == 1
        assert sample(t, "mlflow_cpp_http_requests_total", method="GET", endpoint="/api/2.0/mlflow/runs/get",
                      status="404") == 1
        assert sample(t, "mlflow_http_request_total", method="POST", status="200") >= 5  # MLflow's series
        assert sample(t, "mlflow_http_request_duration_seconds_count", method="POST", status="200") >= 5
        assert sample(t, "mlflow_cpp_artifact_bytes_total", direction="upload") == len(payload)
        assert sample(t, "mlflow_cpp_artifact_bytes_total", direction="download") == len(payload)
        assert sample(t, "mlflow_cpp_http_in_flight_requests") == 1  # this very request
        writes = sample(t, "mlflow_cpp_db_write_requests_total")
        commits = sample(t, "mlflow_cpp_db_write_transactions_total")
        assert writes >= 6 and 1 <= commits <= writes
        # Group commit batch sizes: one observation per commit, summing to the writes.
        assert sample(t, "mlflow_cpp_db_commit_batch_size_count") == commits
        assert sample(t, "mlflow_cpp_db_commit_batch_size_sum") == writes
        assert sample(t, "mlflow_cpp_db_commit_batch_size_bucket", le="+Inf") == commits
        # Database time: every write and read call observed, by kind.
        write_calls = sample(t, "mlflow_cpp_db_call_duration_seconds_count", kind="write")
        read_calls = sample(t, "mlflow_cpp_db_call_duration_seconds_count", kind="read")
        assert write_calls == writes
        assert read_calls >= 1
        assert sample(t, "mlflow_cpp_db_call_duration_seconds_sum", kind="write") > 0
        assert sample(t, "mlflow_cpp_db_call_duration_seconds_bucket", kind="write", le="+Inf") == write_calls
        assert sample(t, "mlflow_cpp_db_call_duration_seconds_bucket", kind="write", le="0.0001") <= write_calls
        # ... and they move with the traffic.
        srv.api("POST", "runs/set-tag", {"run_id": rid, "key": "k", "value": "v"})
        srv.api("GET", "runs/get", params={"run_id": rid})
        t2 = requests.get(srv.url + "/metrics", timeout=10).text
        assert sample(t2, "mlflow_cpp_db_call_duration_seconds_count", kind="write") == write_calls + 1
        assert sample(t2, "mlflow_cpp_db_call_duration_seconds_count", kind="read") > read_calls
        assert sample(t2, "mlflow_cpp_db_commit_batch_size_sum") == writes + 1
        # /health and /version are not counted, as in MLflow's exporter.
        requests.get(srv.url + "/health", timeout=10)
        assert "/health" not in requests.get(srv.url + "/metrics", timeout=10).text


def test_no_metrics_without_the_flag(server):
    assert requests.get(server.url + "/metrics", timeout=10).status_code == 404


def test_json_access_log_one_line_per_request(tmp_path):
    with MlflowCppServer(tmp_path, extra_args=["--access-log-format", "json"]) as srv:
        srv.api("POST", "experiments/create", {"name": "logged"})
        requests.get(srv.url + API + "experiments/get-by-name", params={"experiment_name": "nope"}, timeout=10)
        srv.stop()
        lines = [json.loads(l) for l in open(srv.stderr_path) if l.startswith("{")]
    created = [l for l in lines if l["path"] == API + "experiments/create"]
    assert len(created) == 1
    assert created[0]["method"] == "POST" and created[0]["status"] == 200 and created[0]["remote"] == "127.0.0.1"
    assert created[0]["duration_ms"] >= 0 and created[0]["bytes"] > 0
    assert [l["status"] for l in lines if l["path"].endswith("get-by-name")] == [404]


def test_access_log_is_quiet_by_default(server):
    server.api("POST", "experiments/create", {"name": "quiet"})
    assert "experiments/create" not in open(server.stderr_path).read()
