"""Concurrency, durability and connection handling of the real server process."""
import json
import os
import signal
import socket
import threading
import time

import requests

from mlflow_server import MlflowCppServer

API = "/api/2.0/mlflow/"


def test_concurrent_writers_never_see_database_locked(server):
    runs = [server.api("POST", "runs/create", {"experiment_id": "0", "start_time": 1})["run"]["info"]["run_id"]
            for _ in range(8)]
    errors = []

    def worker(rid, idx):
        s = requests.Session()
        for i in range(60):
            body = {"run_id": rid, "metrics": [{"key": f"k{j}", "value": i, "timestamp": i, "step": i}
                                               for j in range(20)],
                    "params": [{"key": f"p{idx}_{i}", "value": "v"}]}
            r = s.post(server.url + API + "runs/log-batch", json=body, timeout=30)
            if r.status_code != 200:
                errors.append(r.text)
        s.close()

    threads = [threading.Thread(target=worker, args=(rid, i)) for i, rid in enumerate(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    for rid in runs:
        hist = server.api("GET", "metrics/get-history", params={"run_id": rid, "metric_key": "k0"})["metrics"]
        assert len(hist) == 60
        data = server.api("GET", "runs/get", params={"run_id": rid})["run"]["data"]
        assert len(data["params"]) == 60


def test_acknowledged_writes_survive_kill_9(tmp_path):
    srv = MlflowCppServer(tmp_path).start()
    rid = srv.api("POST", "runs/create", {"experiment_id": "0", "start_time": 1})["run"]["info"]["run_id"]
    acked = 0
    for i in range(200):
        srv.api("POST", "runs/log-metric", {"run_id": rid, "key": "m", "value": i, "timestamp": i, "step": i})
        acked += 1
    srv.kill()
    # The database alone (no server) holds every acknowledged point.
    [(count,)] = srv.db_query("SELECT COUNT(*) FROM metrics WHERE run_uuid = ?", (rid,))
    assert count == acked
    # And a restarted server serves them.
    srv2 = MlflowCppServer(tmp_path, db_path=srv.db_path).start()
    try:
        hist = srv2.api("GET", "metrics/get-history", params={"run_id": rid, "metric_key": "m"})["metrics"]
        assert len(hist) == acked
    finally:
        srv2.stop()


def test_graceful_shutdown_finishes_in_flight_and_exits_zero(tmp_path):
    srv = MlflowCppServer(tmp_path).start()
    rid = srv.api("POST", "runs/create", {"experiment_id": "0", "start_time": 1})["run"]["info"]["run_id"]
    results = []

    def writer():
        s = requests.Session()
        for i in range(300):
            try:
                r = s.post(srv.url + API + "runs/log-metric",
                           json={"run_id": rid, "key": "g", "value": i, "timestamp": i, "step": i}, timeout=10)
                results.append(r.status_code)
            except requests.RequestException:
                break

    t = threading.Thread(target=writer)
    t.start()
    time.sleep(0.2)
    code = srv.stop()
    t.join(timeout=30)
    assert code == 0
    ok = results.count(200)
    [(count,)] = srv.db_query("SELECT COUNT(*) FROM metrics WHERE run_uuid = ? AND key = 'g'", (rid,))
    # Every point the client was told succeeded is stored.
    assert count >= ok and ok > 0
    # A clean shutdown checkpoints the WAL into the main file.
    if srv.backend == "sqlite":
        assert not os.path.exists(srv.db_path + "-wal") or os.path.getsize(srv.db_path + "-wal") == 0


def test_idle_keepalive_clients_do_not_stall_others(server):
    idle = []
    for _ in range(300):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        idle.append(s)
    # A half-sent request on some connections, too.
    for s in idle[:50]:
        s.sendall(b"POST /api/2.0/mlflow/runs/create HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    try:
        start = time.monotonic()
        for _ in range(20):
            assert requests.get(server.url + "/health", timeout=5).status_code == 200
        assert time.monotonic() - start < 5
    finally:
        for s in idle:
            s.close()


def test_client_closing_mid_request_changes_nothing(server):
    body = json.dumps({"name": "half-sent"}).encode()
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    s.sendall(b"POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (len(body) + 50) + body)
    s.close()
    time.sleep(0.2)
    status, out = server.get(API + "experiments/get-by-name", params={"experiment_name": "half-sent"})
    assert status == 404
    assert server.get("/health")[0] == 200


def test_large_headers_are_accepted_up_to_the_limit(server):
    r = requests.get(server.url + "/health", headers={"X-Big": "a" * 30000}, timeout=5)
    assert r.status_code == 200
    r = requests.get(server.url + "/health", headers={"X-Big": "a" * 70000}, timeout=5)
    assert r.status_code in (400, 431)  # over the 64 KB header limit: refused, not hung


def test_fatal_signal_leaves_a_stack_trace_in_the_log(tmp_path):
    # Issue 26: a future crash must be found in minutes. The fatal-signal handler reports the
    # signal and a stack trace naming our code, then dies of the same signal.
    srv = MlflowCppServer(tmp_path).start()
    srv.proc.send_signal(signal.SIGSEGV)
    srv.proc.wait(timeout=20)
    assert srv.proc.returncode == -signal.SIGSEGV
    log = open(srv.stderr_path).read()
    assert "mlflow-cpp: fatal signal 11 (Segmentation fault)" in log
    trace = log.split("stack trace (most recent call first):", 1)[1].split("end of stack trace", 1)[0]
    frames = [line for line in trace.splitlines() if line.strip()]
    assert len(frames) >= 3
    assert any("mlflow-cpp" in f for f in frames)


def _read_answer(sock_file, method):
    """One HTTP/1.1 answer from a keep-alive connection: (status, headers, body), framed by its own
    Content-Length; HEAD and 304 answers carry no body whatever they declare."""
    status_line = sock_file.readline().decode()
    assert status_line.startswith("HTTP/1.1 "), status_line
    status = int(status_line.split()[1])
    headers = {}
    for _ in range(100):
        line = sock_file.readline().decode()
        if line in ("\r\n", ""):
            break
        name, _, value = line.partition(":")
        assert name.lower() not in headers, f"field {name} sent twice"
        headers[name.lower()] = value.strip()
    length = 0 if method == "HEAD" or status == 304 else int(headers.get("content-length", "0"))
    return status, headers, sock_file.read(length)


def test_answers_on_one_keep_alive_connection_are_framed_exactly(server):
    """The server writes its answers' heads itself (http_server.cc ResponseHead): each must frame
    exactly, so that the next answer on the same connection parses."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s, s.makefile("rb") as f:
        def exchange(method, path, extra="", body=b""):
            head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Content-Length: {len(body)}\r\n\r\n"
            s.sendall(head.encode() + body)
            return _read_answer(f, method)

        status, headers, body = exchange("GET", "/health")
        assert (status, body, headers["content-length"]) == (200, b"OK", "2")
        assert headers["server"] == "mlflow-cpp" and "connection" not in headers
        status, headers, body = exchange("HEAD", "/health")
        assert (status, body, headers["content-length"]) == (200, b"", "2")
        status, headers, body = exchange("GET", "/")
        assert status == 200 and int(headers["content-length"]) == len(body) > 0
        etag = headers["etag"]
        status, headers, body = exchange("GET", "/", f"If-None-Match: {etag}\r\n")
        assert (status, body, headers["etag"]) == (304, b"", etag)
        assert "content-length" not in headers  # RFC 9110 8.6: it would have to be the full page's
        created = b'{"experiment_id": "0", "start_time": 1}'
        status, headers, body = exchange("POST", API + "runs/create", "Content-Type: application/json\r\n", created)
        assert status == 200 and headers["content-type"] == "application/json"
        assert json.loads(body)["run"]["info"]["status"] == "RUNNING"
        status, headers, body = exchange("GET", "/no/such/page")
        assert status == 404 and int(headers["content-length"]) == len(body)
        # A request cut mid-header and mid-body: the server parses what it holds and reads the rest.
        body = b'{"experiment_id": "0", "start_time": 2}'
        head = (f"POST {API}runs/create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        for piece in (head[:20], head[20:] + body[:10], body[10:]):
            s.sendall(piece)
            time.sleep(0.05)
        status, headers, answer = _read_answer(f, "POST")
        assert status == 200 and json.loads(answer)["run"]["info"]["start_time"] == 2
        # A streamed answer (an artifact download) frames the same way, and the next answer parses.
        status, _, _ = exchange("PUT", "/api/2.0/mlflow-artifacts/artifacts/framing/f.txt", body=b"abc")
        assert status == 200
        status, headers, body = exchange("GET", "/api/2.0/mlflow-artifacts/artifacts/framing/f.txt")
        assert (status, body, headers["content-length"]) == (200, b"abc", "3")
        assert headers["content-disposition"] == "attachment; filename=f.txt"
        # Two requests sent at once: both answered, in order.
        s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Connection: close\r\n\r\n")
        assert _read_answer(f, "GET")[2] == b"OK"
        status, headers, body = _read_answer(f, "GET")
        assert status == 200 and headers["connection"] == "close" and body
        assert f.read() == b""  # and the server closed the connection after the answer that said so
