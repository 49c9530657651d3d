"""Fixtures for the artifact end-to-end tests: the real mlflow-cpp binary, over a local folder or
over a real S3 protocol server (s3rver, installed from the pinned package-lock.json)."""
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.dirname(here))
from mlflow_server import MlflowCppServer  # noqa: E402

S3_BUCKET = "mlflow-e2e"
S3_ENV = {"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def local_srv(tmp_path_factory):
    with MlflowCppServer(tmp_path_factory.mktemp("artifacts-local")) as s:
        yield s


class S3rver:
    def __init__(self, workdir):
        self.workdir = str(workdir)
        self.proc = None
        self.port = None
        self.data = os.path.join(self.workdir, "s3data")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=30.0):
        home = os.environ.get("S3RVER_HOME") or os.path.join(self.workdir, "s3rver-install")
        script = subprocess.run([os.path.join(here, "install_s3rver.sh"), home], check=True,
                                capture_output=True, text=True, timeout=600).stdout.strip().splitlines()[-1]
        os.makedirs(self.data, exist_ok=True)
        self.log_path = os.path.join(self.workdir, "s3rver.log")
        self._log = open(self.log_path, "w+")
        node = shutil.which("node") or "node"
        self.proc = subprocess.Popen([node, script, "-d", self.data, "-a", "127.0.0.1", "-p", "0",
                                      "--configure-bucket", S3_BUCKET],
                                     stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path) as f:
                m = re.search(r"listening on 127\.0\.0\.1:(\d+)", f.read())
            if m:
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("s3rver exited: " + open(self.log_path).read())
            time.sleep(0.05)
        raise RuntimeError("s3rver did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def s3rver(tmp_path_factory):
    s = S3rver(tmp_path_factory.mktemp("s3rver")).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def s3_srv(tmp_path_factory, s3rver):
    env = dict(S3_ENV, MLFLOW_S3_ENDPOINT_URL=s3rver.url)
    srv = MlflowCppServer(tmp_path_factory.mktemp("artifacts-s3"), env=env)
    srv.artifacts = f"s3://{S3_BUCKET}/proxied"  # becomes --artifacts-destination
    with srv as s:
        yield s


def server_rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")
