"""--env-manager virtualenv: the model's environment is built from its python_env.yaml and
requirements.txt with an interpreter of its Python version, once, and reused by later starts."""
import json
import os
import time

import mlflow

from modelutil import ScoringServer, predictions_json


def test_virtualenv_built_once_and_reused(logged, tmp_path):
    root = os.environ.get("MLFLOW_CPP_TEST_ENV_ROOT") or str(tmp_path / "envs")
    env = {"MLFLOW_ENV_ROOT": root}
    model_dir = logged["sklearn"]["local"]
    X = logged["xgb"]["X"].iloc[:5, :4].set_axis(["a", "b", "c", "d"], axis=1)
    expected = predictions_json(mlflow.pyfunc.load_model(model_dir).predict(X))
    body = {"dataframe_split": {"columns": list(X.columns), "data": X.values.tolist()}}

    args = ["--env-manager", "virtualenv"]
    (tmp_path / "a").mkdir()
    with ScoringServer(tmp_path / "a", model_dir, args=args, env=env, start_timeout=1500) as s:
        assert "--env-manager virtualenv: " + root in s.log()
        status, text, _ = s.invoke(body)
        assert status == 200 and text == expected
    envs = [d for d in os.listdir(root) if d.startswith("mlflow-cpp-") and not d.endswith(".lock")]
    assert len(envs) == 1, envs
    marker = os.path.join(root, envs[0], ".mlflow-cpp-env-ready")
    built_at = os.path.getmtime(marker)

    # The second start finds the environment by the hash of the spec and does not rebuild it.
    (tmp_path / "b").mkdir()
    t0 = time.monotonic()
    with ScoringServer(tmp_path / "b", model_dir, args=args, env=env, start_timeout=600) as s:
        status, text, _ = s.invoke(body)
        assert status == 200 and text == expected
    assert os.path.getmtime(marker) == built_at
    assert time.monotonic() - t0 < 300
    with open(os.path.join(root, envs[0], "pyvenv.cfg")) as f:
        assert "version" in f.read()
