"""Fixtures for the evaluation dataset and scorer end-to-end tests: the real mlflow-cpp binary."""
import os
import sys

import pytest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(here))
from mlflow_server import MlflowCppServer  # noqa: E402


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    with MlflowCppServer(tmp_path_factory.mktemp("datasets")) as s:
        yield s


@pytest.fixture
def exp(srv):
    """A fresh experiment id."""
    import uuid
    return srv.api("POST", "experiments/create", {"name": "ds-" + uuid.uuid4().hex[:10]})["experiment_id"]
