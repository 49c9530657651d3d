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
