"""Fixtures of the models suites (run from tests/e2e, whose conftest.py applies too): our tracking
server, and models logged to it with the real MLflow client."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from mlflow_server import MlflowCppServer  # noqa: E402

N_FEATURES = 10


@pytest.fixture(scope="session")
def tracking(tmp_path_factory):
    import mlflow

    with MlflowCppServer(tmp_path_factory.mktemp("tracking")) as srv:
        os.environ["MLFLOW_TRACKING_URI"] = srv.url
        mlflow.set_tracking_uri(srv.url)
        yield srv


@pytest.fixture(scope="session")
def data():
    import numpy as np
    import pandas as pd

    rng = np.random.RandomState(7)
    X = pd.DataFrame(rng.rand(400, N_FEATURES), columns=[f"f{i}" for i in range(N_FEATURES)])
    y = X["f0"] * 3 + X["f1"] ** 2 + rng.rand(400) * 0.1
    return X, y


@pytest.fixture(scope="session")
def logged(tracking, data, tmp_path_factory):
    """Models logged through our tracking server: {key: {run_id, model_id, uri, local}}."""
    import mlflow
    import numpy as np
    import sklearn.linear_model
    import xgboost as xgb
    from mlflow import MlflowClient
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, ParamSchema, ParamSpec, Schema

    X, y = data
    out = {}
    mlflow.set_experiment("models-e2e")

    def record(key, info, run):
        out[key] = {"run_id": run.info.run_id, "model_id": info.model_id, "uri": info.model_uri,
                    "local": mlflow.artifacts.download_artifacts(info.model_uri,
                                                                 dst_path=str(tmp_path_factory.mktemp(key)))}

    with mlflow.start_run() as run:
        booster = xgb.train({"max_depth": 6, "eta": 0.3}, xgb.DMatrix(X, label=y), 100)
        info = mlflow.xgboost.log_model(booster, name="model", input_example=X.head(3),
                                        registered_model_name="xgb-reg")
        record("xgb", info, run)
    MlflowClient().set_registered_model_alias("xgb-reg", "champion", "1")

    with mlflow.start_run() as run:
        labels = (X["f0"] * 3 + X["f1"]).round().astype(int) % 3
        clf = xgb.XGBClassifier(n_estimators=20, max_depth=3).fit(X, labels)
        info = mlflow.xgboost.log_model(clf, name="classifier", input_example=X.head(2))
        record("xgb_clf", info, run)

    with mlflow.start_run() as run:
        cols = ["a", "b", "c", "d"]
        Xs = X.iloc[:, :4].set_axis(cols, axis=1)
        ys = (Xs["a"] + Xs["b"] > 1).astype(int)
        lr = sklearn.linear_model.LogisticRegression().fit(Xs, ys)
        info = mlflow.sklearn.log_model(lr, name="sk", input_example=Xs.head(2))
        record("sklearn", info, run)

    code = os.path.join(HERE, "custom_model.py")
    sig = ModelSignature(
        inputs=Schema([ColSpec("double", "x"), ColSpec("string", "label", required=False)]),
        outputs=Schema([ColSpec("double")]),
        params=ParamSchema([ParamSpec("scale", "double", 1.0)]))
    with mlflow.start_run() as run:
        info = mlflow.pyfunc.log_model(name="custom", python_model=code, signature=sig)
        record("custom", info, run)
        missing = mlflow.pyfunc.log_model(name="needs-missing", python_model=code, signature=sig,
                                          extra_pip_requirements=["mlflow-cpp-no-such-package==1.0"])
        record("missing", missing, run)
    out["xgb"]["X"] = X
    out["xgb"]["booster"] = booster
    return out


@pytest.fixture(scope="session")
def cpp_model():
    path = os.environ.get("MLFLOW_CPP_EXAMPLE_MODEL", "")
    if not os.path.exists(os.path.join(path, "MLmodel")):
        raise RuntimeError("MLFLOW_CPP_EXAMPLE_MODEL must point at build/examples/cpp_model/model")
    return path
