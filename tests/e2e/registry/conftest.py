"""Fixtures for the registry / logged-model end-to-end tests: the real mlflow-cpp binary."""
import os
import sys
import uuid

import pytest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.dirname(here))
from mlflow_server import MlflowCppServer  # noqa: E402


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    with MlflowCppServer(tmp_path_factory.mktemp("registry")) as s:
        yield s


@pytest.fixture
def name():
    """A registered model name no other test uses."""
    return "model-" + uuid.uuid4().hex[:10]
