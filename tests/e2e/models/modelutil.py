"""Helpers of the models suites: scoring servers (ours and `mlflow models serve`) on free loopback
ports, and models logged through our tracking server with the real MLflow client."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from mlflow_server import server_binary  # noqa: E402

LISTEN_RE = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
PYTHON = sys.executable  # the models venv: mlflow, xgboost, scikit-learn


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ScoringServer:
    """`mlflow-cpp models serve` (default) or the real `mlflow models serve` as a child process."""

    def __init__(self, workdir, model_uri, args=(), env=None, real_mlflow=False, start_timeout=240):
        self.workdir = str(workdir)
        self.model_uri = model_uri
        self.real = real_mlflow
        self.args = list(args)
        self.env = dict(os.environ, **(env or {}))
        self.env.pop("COLUMNS", None)  # pandas sizes frames it prints by the terminal
        if real_mlflow:  # mlflow runs `uvicorn` from PATH
            self.env["PATH"] = os.path.dirname(PYTHON) + os.pathsep + self.env.get("PATH", "")
        self.start_timeout = start_timeout
        self.proc = None
        self.port = None
        self.log_path = os.path.join(self.workdir, f"scoring-{time.monotonic_ns()}.log")
        self.session = requests.Session()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def command(self):
        if self.real:
            self.port = free_port()
            return [PYTHON, "-m", "mlflow", "models", "serve", "-m", self.model_uri, "--env-manager", "local",
                    "--host", "127.0.0.1", "--port", str(self.port)] + self.args
        env_args = [] if "--env-manager" in self.args else ["--env-manager", "local", "--python", PYTHON]
        return [server_binary(), "models", "serve", "-m", self.model_uri, "--host", "127.0.0.1", "--port", "0"] + \
            env_args + self.args

    def start(self):
        self._log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(self.command(), cwd=self.workdir, stdout=self._log, stderr=subprocess.STDOUT,
                                     env=self.env, start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"scoring server exited early ({self.proc.returncode}): {self.log()}")
            if not self.real and self.port is None:
                m = LISTEN_RE.search(self.log())
                if m:
                    self.port = int(m.group(1))
            if self.port is not None:
                try:
                    if requests.get(self.url + "/ping", timeout=2).status_code == 200:
                        return self
                except requests.ConnectionError:
                    pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"scoring server not ready in time: {self.log()}")

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            # The real server runs uvicorn under the mlflow CLI: stop the whole session we started.
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.session.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def invoke(self, body, content_type="application/json", timeout=120):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        headers = {} if content_type is None else {"Content-Type": content_type}
        r = self.session.post(self.url + "/invocations", data=data, headers=headers, timeout=timeout)
        return r.status_code, r.text, r.headers.get("content-type", "")


def run_cli(args, input_bytes=None, env=None, timeout=300):
    return subprocess.run([server_binary()] + args, input=input_bytes, capture_output=True, timeout=timeout,
                          env=dict(os.environ, **(env or {})))


def predictions_json(raw):
    """What MLflow's server writes for these predictions (pyfunc output)."""
    import io

    from mlflow.pyfunc import scoring_server

    out = io.StringIO()
    scoring_server.predictions_to_json(raw, out)
    return out.getvalue()
