"""https: --ssl-certfile/--ssl-keyfile with a self-signed certificate made here, and the real MLflow
Python client talking to it (MLFLOW_TRACKING_INSECURE_TLS, or the certificate as its CA bundle)."""
import os
import re
import socket
import ssl
import subprocess
import time

import pytest
import requests

from mlflow_server import server_binary

LISTEN_RE = re.compile(r"listening on https://127\.0\.0\.1:(\d+)")


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    key, crt = d / "key.pem", d / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(crt),
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return crt, key


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory, cert):
    crt, key = cert
    work = tmp_path_factory.mktemp("tls-server")
    log_path = work / "server.log"
    log = open(log_path, "w+")
    proc = subprocess.Popen([server_binary(), "server", "--host", "127.0.0.1", "--port", "0",
                             "--backend-store-uri", f"sqlite:///{work / 'mlflow.db'}",
                             "--artifacts-destination", str(work / "mlartifacts"),
                             "--ssl-certfile", str(crt), "--ssl-keyfile", str(key)],
                            cwd=work, stdout=log, stderr=subprocess.STDOUT)
    port = None
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and port is None:
        m = LISTEN_RE.search(log_path.read_text())
        if m:
            port = int(m.group(1))
        elif proc.poll() is not None:
            raise RuntimeError(log_path.read_text())
        else:
            time.sleep(0.02)
    assert port, log_path.read_text()
    try:
        yield f"https://127.0.0.1:{port}", port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_https_with_the_certificate_as_ca(tls_server, cert):
    url, _ = tls_server
    r = requests.get(url + "/health", verify=str(cert[0]), timeout=10)
    assert (r.status_code, r.text) == (200, "OK")
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(url + "/health", timeout=10)  # not trusted by the system store


def test_plain_http_on_the_tls_port_gets_no_answer(tls_server):
    _, port = tls_server
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        try:
            data = s.recv(1024)
        except ConnectionResetError:
            data = b""
    finally:
        s.close()
    assert b"HTTP/1.1 200" not in data


def test_negotiates_tls12_or_newer(tls_server):
    _, port = tls_server
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw) as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")


@pytest.mark.parametrize("mode", ["insecure", "ca_bundle"])
def test_python_client_over_https(tls_server, cert, tmp_path, mode):
    url, _ = tls_server
    script = f"""
import mlflow
from mlflow import MlflowClient
mlflow.set_tracking_uri({url!r})
exp = mlflow.create_experiment("tls_{mode}")
with mlflow.start_run(experiment_id=exp) as run:
    mlflow.log_param("p", "1")
    mlflow.log_metric("m", 2.5, step=3)
    mlflow.log_text("hello over tls", "notes/hello.txt")
c = MlflowClient()
got = c.get_run(run.info.run_id)
assert got.data.params == {{"p": "1"}}, got.data.params
assert got.data.metrics == {{"m": 2.5}}, got.data.metrics
assert [f.path for f in c.list_artifacts(run.info.run_id, "notes")] == ["notes/hello.txt"]
assert mlflow.artifacts.load_text(run.info.artifact_uri + "/notes/hello.txt") == "hello over tls"
print("TLS-CLIENT-OK")
"""
    env = dict(os.environ)
    env.pop("MLFLOW_TRACKING_URI", None)
    if mode == "insecure":
        env["MLFLOW_TRACKING_INSECURE_TLS"] = "true"
    else:
        env["MLFLOW_TRACKING_SERVER_CERT_PATH"] = str(cert[0])
    out = subprocess.run([os.sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0 and "TLS-CLIENT-OK" in out.stdout, out.stdout[-2000:] + out.stderr[-4000:]


def test_a_bad_key_refuses_to_start(tmp_path, cert):
    bogus = tmp_path / "bogus.pem"
    bogus.write_text("not a key")
    out = subprocess.run([server_binary(), "server", "--host", "127.0.0.1", "--port", "0",
                          "--backend-store-uri", f"sqlite:///{tmp_path / 'db.sqlite'}",
                          "--ssl-certfile", str(cert[0]), "--ssl-keyfile", str(bogus)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
    assert "--ssl-keyfile" in out.stderr
