"""Hardening of the real server process over loopback HTTP (README "Security"): the Host and CORS
checks of MLflow's security middleware, body size limits, header timeouts, the connection bound,
and the classic attacks on MLflow servers, each as an attack that fails."""
import json
import os
import socket
import time

import pytest
import requests

from mlflow_server import MlflowCppServer

API = "/api/2.0/mlflow/"
J = {"Content-Type": "application/json"}


def raw_exchange(port, data, read_timeout=10.0, send_more=None):
    """Sends bytes on a fresh connection and returns (everything read until close or timeout, seconds)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    t0 = time.monotonic()
    try:
        s.sendall(data)
        if send_more:
            send_more(s)
        chunks = []
        deadline = t0 + read_timeout
        while time.monotonic() < deadline:
            try:
                b = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not b:
                break
            chunks.append(b)
            if b"\r\n\r\n" in b"".join(chunks) and b"Content-Length: " in b"".join(chunks):
                head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
                length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
                if len(body) >= length:
                    break
        return b"".join(chunks), time.monotonic() - t0
    finally:
        s.close()


def experiment_names(srv):
    return {e["name"] for e in srv.api("POST", "experiments/search", {"max_results": 1000})["experiments"]}


def run_count(srv):
    return len(srv.api("POST", "runs/search", {"experiment_ids": ["0"], "max_results": 1000}).get("runs", []))


# --- DNS rebinding and CORS ----------------------------------------------------------------------

def test_dns_rebinding_is_refused_and_writes_nothing(server):
    url = server.url + API + "experiments/create"
    r = requests.post(url, json={"name": "rebound"}, headers={"Host": "evil.example.com"}, timeout=10)
    assert r.status_code == 403
    assert r.text == "Invalid Host header - possible DNS rebinding attack detected"
    r = requests.get(server.url + API + "experiments/search?max_results=5",
                     headers={"Host": "evil.example.com:5000"}, timeout=10)
    assert r.status_code == 403
    assert "rebound" not in experiment_names(server)
    # Health checks stay open to load balancers whatever Host they send; localhost works.
    assert requests.get(server.url + "/health", headers={"Host": "evil.example.com"}, timeout=10).text == "OK"
    assert requests.get(server.url + API + "experiments/search?max_results=1",
                        headers={"Host": "localhost:5000"}, timeout=10).status_code == 200


def test_allowed_hosts_flag_replaces_the_defaults(tmp_path):
    with MlflowCppServer(tmp_path, extra_args=["--allowed-hosts", "mlflow.example.com,*.corp.example"]) as srv:
        get = lambda host: requests.get(srv.url + API + "experiments/search?max_results=1",  # noqa: E731
                                        headers={"Host": host}, timeout=10).status_code
        assert get("mlflow.example.com") == 200
        assert get("ml.corp.example") == 200
        assert get("localhost") == 403
        assert get("evil.example.com") == 403


def test_cross_origin_writes_are_blocked(tmp_path):
    with MlflowCppServer(tmp_path, extra_args=["--cors-allowed-origins", "https://ui.example.com"]) as srv:
        url = srv.url + API + "experiments/create"
        r = requests.post(url, json={"name": "csrf"}, headers={"Origin": "https://evil.example.com"}, timeout=10)
        assert (r.status_code, r.text) == (403, "Cross-origin request blocked")
        assert "csrf" not in experiment_names(srv)
        r = requests.post(url, json={"name": "from_ui"}, headers={"Origin": "https://ui.example.com"}, timeout=10)
        assert r.status_code == 200
        assert r.headers["Access-Control-Allow-Origin"] == "https://ui.example.com"
        assert r.headers["Access-Control-Allow-Credentials"] == "true"
        pre = requests.options(url, headers={"Origin": "https://evil.example.com",
                                             "Access-Control-Request-Method": "POST"}, timeout=10)
        assert (pre.status_code, pre.text) == (400, "Disallowed CORS origin")
        pre = requests.options(url, headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "content-type"}, timeout=10)
        assert pre.status_code == 200
        assert pre.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
        assert pre.headers["Access-Control-Allow-Headers"] == "content-type"


def test_x_frame_options(tmp_path, server):
    assert requests.get(server.url + "/", timeout=10).headers["X-Frame-Options"] == "SAMEORIGIN"
    with MlflowCppServer(tmp_path / "deny", extra_args=["--x-frame-options", "deny"]) as srv:
        r = requests.get(srv.url + API + "experiments/search?max_results=1", timeout=10)
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["X-Content-Type-Options"] == "nosniff"


# --- oversized bodies, slow clients, connection floods --------------------------------------------

def test_oversized_body_is_refused_at_once_without_reading_it(server):
    # 200 MB announced, 1 KB sent: the answer comes from the header alone.
    head = ("POST /api/2.0/mlflow/runs/log-batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {200 * 1024 * 1024}\r\n\r\n").encode()
    out, took = raw_exchange(server.port, head + b"{" + b" " * 1023)
    assert out.startswith(b"HTTP/1.1 413"), out[:200]
    assert took < 5
    assert b"Connection: close" in out or b"connection: close" in out.lower()


def test_oversized_chunked_body_is_refused_while_streaming(tmp_path):
    with MlflowCppServer(tmp_path, extra_args=["--max-request-body-mb", "1"]) as srv:
        before = run_count(srv)
        head = (b"POST /api/2.0/mlflow/runs/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 65536

        def send_chunks(s):
            # 2 MiB in chunks, stopping as soon as the server has answered and closed.
            for _ in range(32):
                try:
                    s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    return

        out, took = raw_exchange(srv.port, head, send_more=send_chunks)
        assert out.startswith(b"HTTP/1.1 413"), out[:200]
        assert took < 10
        assert run_count(srv) == before
        # A body under the limit still works.
        assert srv.api("POST", "runs/create", {"experiment_id": "0", "start_time": 1})["run"]["info"]["run_id"]


def test_slow_header_is_cut_off(tmp_path):
    with MlflowCppServer(tmp_path, extra_args=["--header-timeout", "1"]) as srv:
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        try:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
            t0 = time.monotonic()
            try:
                data = s.recv(1024)
            except ConnectionResetError:
                data = b""
            took = time.monotonic() - t0
        finally:
            s.close()
        assert data == b""  # closed without an answer
        assert took < 5
        # An idle connection (no byte sent) is not cut by the header timeout.
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        try:
            time.sleep(2)
            s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert s.recv(1024).startswith(b"HTTP/1.1 200")
        finally:
            s.close()


def test_connection_bound(tmp_path):
    with MlflowCppServer(tmp_path, extra_args=["--max-connections", "4"]) as srv:
        srv.session.close()
        idle = [socket.create_connection(("127.0.0.1", srv.port), timeout=10) for _ in range(4)]
        try:
            time.sleep(0.3)
            out, _ = raw_exchange(srv.port, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert out.startswith(b"HTTP/1.1 503"), out[:200]
        finally:
            for s in idle:
                s.close()
        deadline = time.monotonic() + 10
        status = None
        while time.monotonic() < deadline:
            out, _ = raw_exchange(srv.port, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            status = out[:12]
            if status == b"HTTP/1.1 200":
                break
            time.sleep(0.05)
        assert status == b"HTTP/1.1 200"


# --- the classic attacks --------------------------------------------------------------------------

SQL_MARKERS = ("SELECT ", "INSERT ", "UPDATE ", " FROM ", "sqlite_master", "Traceback", "[SQL:")


@pytest.mark.parametrize("flt", [
    "attributes.run_name = 'x' OR 1=1",
    "attributes.run_name = 'x'; DROP TABLE runs; --",
    "attributes.run_name = 'x' UNION SELECT * FROM experiments",
    "params.\"a' OR '1'='1\" = 'x'",
    "metrics.m > 0) OR (1=1",
    "tags.\"x\" = 'a''; DELETE FROM runs; --'",
])
def test_sql_in_filters_fails(server, flt):
    rid = server.api("POST", "runs/create", {"experiment_id": "0", "start_time": 1, "run_name": "keep"})
    rid = rid["run"]["info"]["run_id"]
    status, out = server.post(API + "runs/search", {"experiment_ids": ["0"], "filter": flt})
    if status == 200:
        assert out.get("runs", []) == []  # the injected condition matched nothing
    else:
        assert status == 400 and out["error_code"] == "INVALID_PARAMETER_VALUE"
        assert not any(m in out["message"] for m in SQL_MARKERS), out["message"]
    # The tables are intact.
    assert server.api("GET", "runs/get", params={"run_id": rid})["run"]["info"]["run_name"] == "keep"
    assert server.db_query("SELECT COUNT(*) FROM experiments")[0][0] >= 1


def test_errors_carry_no_sql_or_stack_traces(server):
    checks = [
        ("POST", API + "experiments/create", {"name": "dup"}),
        ("POST", API + "experiments/create", {"name": "dup"}),  # unique constraint
        ("POST", API + "runs/create", {"experiment_id": "999999"}),
        ("POST", API + "runs/log-metric", {"run_id": "nope", "key": "m", "value": 1, "timestamp": 1}),
        ("POST", API + "registered-models/create", {"name": "m"}),
        ("POST", API + "registered-models/create", {"name": "m"}),
        ("POST", API + "runs/search", {"experiment_ids": ["0"], "order_by": ["bogus.x"]}),
        ("POST", API + "runs/create", "{bad"),
    ]
    for method, path, body in checks:
        raw = body if isinstance(body, str) else None
        status, out = server.request(method, path, body=None if raw else body, raw=raw)
        text = json.dumps(out) if not isinstance(out, str) else out
        assert not any(m in text for m in SQL_MARKERS), (path, text)


@pytest.mark.parametrize("path", [
    "/api/2.0/mlflow-artifacts/artifacts/../../../../etc/passwd",
    "/api/2.0/mlflow-artifacts/artifacts/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/api/2.0/mlflow-artifacts/artifacts/..%2f..%2f..%2fetc%2fpasswd",
    "/api/2.0/mlflow-artifacts/artifacts//etc/passwd",
    "/api/2.0/mlflow-artifacts/artifacts/0/..%5c..%5cetc/passwd",
])
def test_artifact_path_traversal_fails(server, path):
    # Reading: nothing outside the artifact root comes back.
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        out = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    finally:
        s.close()
    assert not out.startswith(b"HTTP/1.1 200"), out[:300]
    assert b"root:" not in out
    # Writing: the upload is refused and no file appears outside the artifact root.
    target = os.path.join(server.workdir, "escaped.txt")
    up = path.replace("etc/passwd", "escaped.txt").replace("etc%2fpasswd", "escaped.txt")
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        s.sendall(f"PUT {up} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc".encode())
        out = s.recv(65536)
    finally:
        s.close()
    assert not out.startswith(b"HTTP/1.1 200"), out[:300]
    assert not os.path.exists(target)
    assert not os.path.exists("/escaped.txt")


def test_ssrf_through_artifact_uris_fails(server, tmp_path):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("TOP-SECRET")
    # A model version whose source points at a server-local folder or a metadata endpoint must not
    # make the server read it for the caller.
    server.api("POST", "registered-models/create", {"name": "ssrf"})
    for source in [f"file://{secret.parent}", str(secret.parent), "http://169.254.169.254/latest/meta-data",
                   "/etc"]:
        status, out = server.post(API + "model-versions/create", {"name": "ssrf", "source": source})
        if status != 200:
            assert status in (400, 403, 404), (source, status, out)
            continue
        version = out["model_version"]["version"]
        for p in ["secret.txt", "passwd"]:
            r = requests.get(server.url + "/model-versions/get-artifact",
                             params={"name": "ssrf", "version": version, "path": p}, timeout=10)
            assert r.status_code != 200 or (b"TOP-SECRET" not in r.content and b"root:" not in r.content), source
    # An experiment whose artifact location is a server-local folder: the artifact proxy endpoints
    # cannot be steered there by a run.
    status, out = server.post(API + "experiments/create", {"name": "ssrf_exp", "artifact_location": str(secret.parent)})
    if status == 200:
        exp = out["experiment_id"]
        rid = server.api("POST", "runs/create", {"experiment_id": exp, "start_time": 1})["run"]["info"]["run_id"]
        r = requests.get(server.url + "/get-artifact", params={"run_id": rid, "path": "../../secret.txt"}, timeout=10)
        assert r.status_code != 200 and b"TOP-SECRET" not in r.content
        r = requests.get(server.url + API + "artifacts/list", params={"run_id": rid, "path": "../"}, timeout=10)
        assert r.status_code != 200 or "secret.txt" not in r.text
