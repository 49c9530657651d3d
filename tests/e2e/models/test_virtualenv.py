"""--env-manager virtualenv: the model's environment is built from its python_env.yaml and
requirements.txt with an interpreter of its Python version, once, and reused by later starts; the
same with --env-manager uv."""
import json
import os
import sys
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


def _wheelhouse():
    # The folder of wheels tests/interop/make_venv.sh installed this venv from (same default).
    return os.environ.get("MLFLOW_WHEELHOUSE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mlflow-cpp", "wheelhouse")


def test_uv_built_once_and_reused(logged, tmp_path):
    """--env-manager uv (as MLflow 3.x has it): `uv venv` and `uv pip install` build the model's
    environment in a folder of its own, once. Offline from the wheelhouse the models venv came
    from (the model's requirements are that venv's versions); build_dependencies (pip, setuptools,
    wheel: nothing uv needs, and not in the wheelhouse) are left out of the copied model."""
    import shutil

    import yaml

    model_dir = tmp_path / "model"
    shutil.copytree(logged["sklearn"]["local"], model_dir)
    spec = yaml.safe_load((model_dir / "python_env.yaml").read_text())
    spec["build_dependencies"] = []
    (model_dir / "python_env.yaml").write_text(yaml.safe_dump(spec))
    root = str(tmp_path / "envs")
    env = {"MLFLOW_ENV_ROOT": root, "MLFLOW_CPP_UV": os.path.join(os.path.dirname(sys.executable), "uv"),
           "UV_NO_INDEX": "1", "UV_FIND_LINKS": _wheelhouse()}
    X = logged["xgb"]["X"].iloc[:5, :4].set_axis(["a", "b", "c", "d"], axis=1)
    expected = predictions_json(mlflow.pyfunc.load_model(str(model_dir)).predict(X))
    body = {"dataframe_split": {"columns": list(X.columns), "data": X.values.tolist()}}
    args = ["--env-manager", "uv"]

    (tmp_path / "a").mkdir()
    with ScoringServer(tmp_path / "a", str(model_dir), args=args, env=env, start_timeout=900) as s:
        assert "--env-manager uv: " + root in s.log()
        status, text, _ = s.invoke(body)
        assert status == 200 and text == expected
    envs = [d for d in os.listdir(root) if d.startswith("mlflow-cpp-") and not d.endswith(".lock")]
    assert len(envs) == 1 and envs[0].startswith("mlflow-cpp-uv-"), envs
    made = os.path.join(root, envs[0])
    with open(os.path.join(made, "pyvenv.cfg")) as f:
        assert "uv = " in f.read()  # made by uv, not by Python's venv
    assert not os.path.exists(os.path.join(made, "bin", "pip"))
    built_at = os.path.getmtime(os.path.join(made, ".mlflow-cpp-env-ready"))

    (tmp_path / "b").mkdir()
    with ScoringServer(tmp_path / "b", str(model_dir), args=args, env=env, start_timeout=300) as s:
        status, text, _ = s.invoke(body)
        assert status == 200 and text == expected
    assert os.path.getmtime(os.path.join(made, ".mlflow-cpp-env-ready")) == built_at


def test_uv_missing_is_a_clear_error(logged, tmp_path):
    env = {"MLFLOW_ENV_ROOT": str(tmp_path / "envs"), "MLFLOW_CPP_UV": str(tmp_path / "no-such-uv")}
    s = ScoringServer(tmp_path, logged["sklearn"]["local"], args=["--env-manager", "uv"], env=env,
                      start_timeout=120)
    try:
        s.start()
        raise AssertionError("the server started without uv")
    except RuntimeError:
        pass
    finally:
        s.stop()
    assert "--env-manager uv needs uv" in s.log()
