"""Fixtures for the Azure Blob and Google Cloud Storage artifact tests: Azurite (npm, pinned by
azurite/package-lock.json) and gcp-storage-emulator (PyPI, pinned by make_cloud_venv.sh), each
started on 127.0.0.1 with a free port and a private data folder, plus the official SDKs to look at
what landed in them, and the real `mlflow server` from the same venv.

Import the fixtures into a test module: `from cloud_emulators import azurite, cloud, gcs_emulator`.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(here))
from mlflow_server import MlflowCppServer  # noqa: E402

CONTAINER = "mlflow-e2e"
# Azurite's published development account (public, documented test credentials).
DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def _wait_for_line(proc, log_path, pattern, what, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(log_path) as f:
            m = re.search(pattern, f.read())
        if m:
            return m
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited: " + open(log_path).read()[-4000:])
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start: " + open(log_path).read()[-4000:])


def _stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Azurite:
    """Azurite's Blob service. Telemetry is off: nothing leaves the machine."""

    def __init__(self, workdir):
        self.workdir = str(workdir)
        self.data = os.path.join(self.workdir, "azurite-data")
        self.log_path = os.path.join(self.workdir, "azurite.log")
        self.proc = None
        self.port = None

    def start(self):
        home = os.environ.get("AZURITE_HOME") or os.path.join(self.workdir, "azurite-install")
        script = subprocess.run([os.path.join(here, "install_azurite.sh"), home], check=True, capture_output=True,
                                text=True, timeout=600).stdout.strip().splitlines()[-1]
        os.makedirs(self.data, exist_ok=True)
        log = open(self.log_path, "w+")
        node = shutil.which("node") or "node"
        # --skipApiVersionCheck: the Python SDK speaks a newer service version than this Azurite.
        self.proc = subprocess.Popen([node, script, "--blobHost", "127.0.0.1", "--blobPort", "0",
                                      "--location", self.data, "--disableTelemetry", "--skipApiVersionCheck"],
                                     stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        m = _wait_for_line(self.proc, self.log_path, r"listens on http://127\.0\.0\.1:(\d+)", "azurite")
        self.port = int(m.group(1))
        return self

    def stop(self):
        _stop(self.proc)

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}/{DEV_ACCOUNT}"

    def connection_string(self, sas=None):
        if sas:
            return f"BlobEndpoint={self.endpoint};SharedAccessSignature={sas}"
        return (f"DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};AccountKey={DEV_KEY};"
                f"BlobEndpoint={self.endpoint};")

    def service(self):
        from azure.storage.blob import BlobServiceClient
        return BlobServiceClient.from_connection_string(self.connection_string())


class GcsEmulator:
    def __init__(self, workdir, bucket):
        self.workdir = str(workdir)
        self.bucket = bucket
        self.data = os.path.join(self.workdir, "gcs-data")
        self.log_path = os.path.join(self.workdir, "gcs-emulator.log")
        self.proc = None
        self.port = None

    def start(self):
        log = open(self.log_path, "w+")
        self.proc = subprocess.Popen([sys.executable, os.path.join(here, "gcs_emulator.py"), self.data, self.bucket],
                                     stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        m = _wait_for_line(self.proc, self.log_path, r"listening on 127\.0\.0\.1:(\d+)", "gcp-storage-emulator")
        self.port = int(m.group(1))
        return self

    def stop(self):
        _stop(self.proc)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def client(self):
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage
        return storage.Client(project="test", credentials=AnonymousCredentials(),
                              client_options={"api_endpoint": self.url})


class AzureBackend:
    """One Azure container, seen through azure-storage-blob."""
    name = "azure"

    def __init__(self, azurite):
        self.azurite = azurite
        self.container = azurite.service().get_container_client(CONTAINER)
        if not self.container.exists():
            self.container.create_container()

    @property
    def env(self):
        return {"AZURE_STORAGE_CONNECTION_STRING": self.azurite.connection_string()}

    def uri(self, prefix):
        return f"wasbs://{CONTAINER}@{DEV_ACCOUNT}.blob.core.windows.net/{prefix}"

    def keys(self, prefix):
        return {b.name: b.size for b in self.container.list_blobs(name_starts_with=prefix)}

    def read(self, key):
        return self.container.download_blob(key).readall()

    def write(self, key, data):
        self.container.upload_blob(key, data, overwrite=True)


class GcsBackend:
    """One GCS bucket, seen through google-cloud-storage."""
    name = "gcs"

    def __init__(self, emulator):
        self.emulator = emulator
        self.bucket = emulator.client().bucket(emulator.bucket)

    @property
    def env(self):
        return {"STORAGE_EMULATOR_HOST": self.emulator.url}

    def uri(self, prefix):
        return f"gs://{self.emulator.bucket}/{prefix}"

    def keys(self, prefix):
        return {b.name: b.size for b in self.bucket.list_blobs(prefix=prefix)}

    def read(self, key):
        return self.bucket.blob(key).download_as_bytes()

    def write(self, key, data):
        self.bucket.blob(key).upload_from_string(data)


@pytest.fixture(scope="session")
def azurite(tmp_path_factory):
    a = Azurite(tmp_path_factory.mktemp("azurite")).start()
    yield a
    a.stop()


@pytest.fixture(scope="session")
def gcs_emulator(tmp_path_factory):
    g = GcsEmulator(tmp_path_factory.mktemp("gcs"), CONTAINER).start()
    yield g
    g.stop()


class Cloud:
    """A backend plus our server proxying to <backend>/proxied."""

    def __init__(self, backend, srv):
        self.backend = backend
        self.srv = srv
        self.name = backend.name

    def __getattr__(self, item):
        return getattr(self.backend, item)


@pytest.fixture(scope="module", params=["azure", "gcs"])
def cloud(request, tmp_path_factory):
    if request.param == "azure":
        backend = AzureBackend(request.getfixturevalue("azurite"))
    else:
        backend = GcsBackend(request.getfixturevalue("gcs_emulator"))
    srv = MlflowCppServer(tmp_path_factory.mktemp(f"cpp-{request.param}"), env=backend.env)
    srv.artifacts = backend.uri("proxied")  # becomes --artifacts-destination
    with srv:
        yield Cloud(backend, srv)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RealMlflowServer:
    """The real `mlflow server` of this venv, with the cloud SDKs installed beside it."""

    def __init__(self, workdir, args, env):
        self.workdir = str(workdir)
        self.args = list(args)
        self.env = dict(os.environ, MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false", **env)
        self.env.pop("MLFLOW_TRACKING_URI", None)
        self.proc = None
        self.port = None
        self.log_path = os.path.join(self.workdir, "mlflow-server.log")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        mlflow_bin = os.path.join(os.path.dirname(sys.executable), "mlflow")
        # A port picked here may be taken before the server binds it: retry a few times.
        for _ in range(3):
            self.port = free_port()
            log = open(self.log_path, "a")
            self.proc = subprocess.Popen(
                [mlflow_bin, "server", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1",
                 "--backend-store-uri", f"sqlite:///{self.workdir}/mlflow.db", *self.args],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir, env=self.env, start_new_session=True)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    if requests.get(self.url + "/health", timeout=2).status_code == 200:
                        return self
                except requests.RequestException:
                    pass
                time.sleep(0.2)
            self.__exit__()
        raise RuntimeError("mlflow server did not start: " + open(self.log_path).read()[-4000:])

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
