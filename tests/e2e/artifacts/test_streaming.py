"""Streaming and failure behaviour: bounded server memory for large bodies, a killed upload leaves
no file, and the --no-serve-artifacts / --artifacts-only modes."""
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time

import requests

from artutil import PROXY, as_json, get, put, raw
from conftest import server_rss_kb
from mlflow_server import MlflowCppServer

SIZE = 300 * 1024 * 1024
RSS_LIMIT_KB = 64 * 1024


def _big_file(path):
    with open(path, "wb") as f:
        f.write(os.urandom(4 << 20))
        f.seek(SIZE // 2)
        f.write(os.urandom(4 << 20))
        f.truncate(SIZE)
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(8 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def test_300mb_streams_with_bounded_server_memory(local_srv, tmp_path):
    path = tmp_path / "big.bin"
    digest = _big_file(path)
    pid = local_srv.proc.pid
    base_rss = server_rss_kb(pid)
    with open(path, "rb") as f:
        r = requests.put(f"{local_srv.url}{PROXY}/9/stream/artifacts/big.bin", data=f, timeout=120)
    assert r.status_code == 200, r.text
    assert os.path.getsize(os.path.join(local_srv.artifacts, "9/stream/artifacts/big.bin")) == SIZE
    h = hashlib.sha256()
    got = 0
    with requests.get(f"{local_srv.url}{PROXY}/9/stream/artifacts/big.bin", stream=True, timeout=120) as r:
        assert r.status_code == 200
        for chunk in r.iter_content(1 << 20):
            h.update(chunk)
            got += len(chunk)
    assert got == SIZE and h.hexdigest() == digest
    peak = server_rss_kb(pid, "VmHWM")
    assert peak - base_rss < RSS_LIMIT_KB, f"server RSS grew by {(peak - base_rss) / 1024:.1f} MB"


SLOW_CLIENT = r"""
import socket, sys, time
port, path, total = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {total}\r\n\r\n".encode())
chunk = b"z" * (1 << 20)
for _ in range(8):
    s.sendall(chunk)
print("sent", flush=True)
time.sleep(60)
"""


def _entries(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_killed_upload_leaves_no_file(local_srv):
    folder = os.path.join(local_srv.artifacts, "9/killed/artifacts")
    assert put(local_srv, "9/killed/artifacts/model.bin", b"previous version")[0] == 200
    for target in ["new.bin", "model.bin"]:
        rel = f"9/killed/artifacts/{target}"
        child = subprocess.Popen([sys.executable, "-c", SLOW_CLIENT, str(local_srv.port), f"{PROXY}/{rel}",
                                  str(100 << 20)], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "sent"
        # Mid-upload: the bytes go to a hidden temporary name, the target is untouched.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(".mlflow-upload-" in e for e in _entries(folder)):
            time.sleep(0.02)
        assert any(e.startswith(f".{target}.mlflow-upload-") for e in _entries(folder))
        assert list_names(local_srv) == (["model.bin"])
        child.send_signal(signal.SIGKILL)
        child.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(".mlflow-upload-" in e for e in _entries(folder)):
            time.sleep(0.02)
        assert _entries(folder) == ["model.bin"], _entries(folder)
        assert get(local_srv, "9/killed/artifacts/model.bin")[2] == b"previous version"
    # The server is still healthy.
    assert requests.get(local_srv.url + "/health", timeout=5).text == "OK"


def list_names(srv):
    status, _, body = raw(srv, "GET", f"{PROXY}?path=9/killed/artifacts")
    return [f["path"] for f in as_json(body).get("files", [])]


def test_short_body_is_refused_and_not_stored(local_srv):
    s = socket.create_connection(("127.0.0.1", local_srv.port), timeout=10)
    s.sendall(b"PUT " + PROXY.encode() + b"/9/short/artifacts/f.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
    s.sendall(b"only a few bytes")
    s.shutdown(socket.SHUT_WR)
    s.settimeout(10)
    try:
        while s.recv(65536):
            pass
    except OSError:
        pass
    s.close()
    time.sleep(0.2)
    assert _entries(os.path.join(local_srv.artifacts, "9/short/artifacts")) == []


def test_no_serve_artifacts_answers_503_text(tmp_path):
    with MlflowCppServer(tmp_path, extra_args=["--no-serve-artifacts"]) as srv:
        for method, path in [("GET", f"{PROXY}/a.txt"), ("PUT", f"{PROXY}/a.txt"), ("GET", PROXY),
                             ("DELETE", f"{PROXY}/a.txt")]:
            status, headers, body = raw(srv, method, path, body=b"x" if method == "PUT" else None)
            assert status == 503, (method, path)
            assert headers["content-type"].startswith("text/plain")
            assert b"--no-serve-artifacts" in body
        status, headers, body = raw(srv, "POST", "/api/2.0/mlflow-artifacts/mpu/create/a", body=b"{}",
                                    headers={"Content-Type": "application/json"})
        assert status == 503 and b"--no-serve-artifacts" in body
        # Tracking still works.
        assert srv.api("POST", "experiments/create", {"name": "e"})["experiment_id"]


def test_artifacts_only_mode(tmp_path):
    with MlflowCppServer(tmp_path, extra_args=["--artifacts-only"]) as srv:
        status, headers, body = raw(srv, "POST", "/api/2.0/mlflow/experiments/create", body=b'{"name": "x"}',
                                    headers={"Content-Type": "application/json"})
        assert status == 503 and headers["content-type"].startswith("text/plain")
        assert b"disabled due to the mlflow server running in `--artifacts-only` mode" in body
        assert raw(srv, "GET", "/api/2.0/mlflow/runs/get?run_id=x")[0] == 503
        assert raw(srv, "GET", "/api/2.0/mlflow/artifacts/list?run_id=x")[0] == 503
        assert put(srv, "0/r/artifacts/a.txt", b"still works")[0] == 200
        assert get(srv, "0/r/artifacts/a.txt")[2] == b"still works"
        assert requests.get(srv.url + "/health", timeout=5).text == "OK"
