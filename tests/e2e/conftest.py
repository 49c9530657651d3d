import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from mlflow_server import MlflowCppServer  # noqa: E402


@pytest.fixture
def server(tmp_path):
    with MlflowCppServer(tmp_path) as srv:
        yield srv


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    with MlflowCppServer(tmp_path_factory.mktemp("srv")) as srv:
        yield srv


# The MLflow client used by some suites starts non-daemon helper threads (async logging, artifact
# pools) that can keep the interpreter alive after the last test. Once pytest has printed its
# summary, leave with its exit status instead of waiting for them: a hang here would only eat the
# CI budget and report nothing.
_exit_status = {"code": None}


def pytest_sessionfinish(session, exitstatus):
    _exit_status["code"] = int(exitstatus)


def pytest_unconfigure(config):
    code = _exit_status["code"]
    if code is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
