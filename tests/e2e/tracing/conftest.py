"""Fixtures for the tracing end-to-end tests: the real mlflow-cpp binary and the real MLflow client."""
import os
import sys
import uuid

import pytest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.dirname(here))
from mlflow_server import MlflowCppServer  # noqa: E402

# A server answering 5xx must fail fast instead of making the client retry for minutes.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "60")


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    with MlflowCppServer(tmp_path_factory.mktemp("tracing")) as s:
        yield s


@pytest.fixture
def exp(srv):
    """A fresh experiment, active in the fluent API, with the tracer exporting to this server."""
    import mlflow
    mlflow.set_tracking_uri(srv.url)
    mlflow.tracing.reset()
    exp_id = mlflow.create_experiment("tracing-" + uuid.uuid4().hex[:10])
    mlflow.set_experiment(experiment_id=exp_id)
    yield exp_id
    mlflow.flush_trace_async_logging()
