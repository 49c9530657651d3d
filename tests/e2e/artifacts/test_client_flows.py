"""The real MLflow Python client against mlflow-cpp: log_artifact(s), list_artifacts,
download_artifacts, model logging under models/<id>/artifacts, and the proxy multipart path
(falls back to one PUT on a local destination; presigned parts on S3)."""
import hashlib
import os

import mlflow
import pytest
from mlflow import MlflowClient

from artutil import get, list_dir, raw


class Echo(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input


def _tree(root):
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            out[os.path.relpath(p, root)] = open(p, "rb").read()
    return out


def _mlmodel(srv, rel):
    status, _, body = get(srv, f"{rel}/MLmodel")
    assert status == 200
    return body


@pytest.fixture(params=["local", "s3"])
def srv(request):
    return request.getfixturevalue("local_srv" if request.param == "local" else "s3_srv")


def test_log_list_download(srv, tmp_path):
    mlflow.set_tracking_uri(srv.url)
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("alpha")
    (src / "sub" / "b.json").write_text('{"b": 1}')
    (src / "sub" / "c.bin").write_bytes(os.urandom(3000))
    exp = mlflow.set_experiment(f"client-flows-{os.path.basename(str(tmp_path))}")
    with mlflow.start_run(experiment_id=exp.experiment_id) as run:
        mlflow.log_artifact(str(src / "a.txt"))
        mlflow.log_artifacts(str(src), artifact_path="tree")
        mlflow.log_text("some notes", "notes/n.txt")
        mlflow.log_dict({"k": [1, 2]}, "cfg/d.json")
    rid = run.info.run_id
    assert run.info.artifact_uri == f"mlflow-artifacts:/{exp.experiment_id}/{rid}/artifacts"
    client = MlflowClient()
    top = [(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(rid)]
    assert top == [("a.txt", False, 5), ("cfg", True, None), ("notes", True, None), ("tree", True, None)]
    assert [f.path for f in client.list_artifacts(rid, "tree/sub")] == ["tree/sub/b.json", "tree/sub/c.bin"]

    out = mlflow.artifacts.download_artifacts(run_id=rid, dst_path=str(tmp_path / "dl"))
    got = _tree(out)
    assert got["a.txt"] == b"alpha"
    assert got[os.path.join("tree", "sub", "c.bin")] == (src / "sub" / "c.bin").read_bytes()
    assert got[os.path.join("notes", "n.txt")] == b"some notes"
    assert mlflow.artifacts.load_dict(f"runs:/{rid}/cfg/d.json") == {"k": [1, 2]}
    one = mlflow.artifacts.download_artifacts(artifact_uri=f"runs:/{rid}/tree/sub/b.json",
                                              dst_path=str(tmp_path / "one"))
    assert open(one).read() == '{"b": 1}'
    # The UI's run listing agrees with the client's.
    listed = srv.api("GET", "artifacts/list", params={"run_id": rid, "path": "tree"})
    assert [f["path"] for f in listed["files"]] == ["tree/a.txt", "tree/sub"]


def test_model_logging_lands_under_models(srv, tmp_path):
    mlflow.set_tracking_uri(srv.url)
    exp = mlflow.set_experiment(f"client-models-{os.path.basename(str(tmp_path))}")
    with mlflow.start_run(experiment_id=exp.experiment_id):
        info = mlflow.pyfunc.log_model(name="echo", python_model=Echo())
    model_id = info.model_id
    rel = f"{exp.experiment_id}/models/{model_id}/artifacts"
    status, listing = list_dir(srv, rel)
    names = [f["path"] for f in listing["files"]]
    assert "MLmodel" in names and "python_model.pkl" in names
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    assert list(loaded.predict([1, 2, 3])) == [1, 2, 3]
    # The UI's logged-model and model-version file routes read the same files.
    listed = srv.api("GET", f"logged-models/{model_id}/artifacts/directories")
    assert listed["root_uri"] == f"mlflow-artifacts:/{rel}"
    assert {"path": "MLmodel", "is_dir": False, "file_size": len(_mlmodel(srv, rel))} in listed["files"]
    status, headers, body = raw(srv, "GET", f"/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files"
                                            "?artifact_file_path=MLmodel")
    assert (status, headers["content-type"], body) == (200, "text/plain", _mlmodel(srv, rel))
    status, _, body = raw(srv, "GET", f"/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files"
                                      "?artifact_file_path=../../x")
    assert status == 400
    name = "artifact-model-" + os.path.basename(str(tmp_path))
    version = mlflow.register_model(info.model_uri, name).version
    status, _, body = raw(srv, "GET", f"/model-versions/get-artifact?name={name}&version={version}&path=MLmodel")
    assert (status, body) == (200, _mlmodel(srv, rel))
    if srv.artifacts.startswith("/"):
        assert os.path.isfile(os.path.join(srv.artifacts, rel, "MLmodel"))


def test_proxy_multipart_upload(srv, tmp_path, monkeypatch):
    # Small thresholds so a 12 MiB file takes the multipart path (3 parts of 5 MiB).
    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(10 * 1024 * 1024))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(5 * 1024 * 1024))
    mlflow.set_tracking_uri(srv.url)
    data = os.urandom(12 * 1024 * 1024)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(path), "mp")
    files = MlflowClient().list_artifacts(run.info.run_id, "mp")
    assert [(f.path, f.file_size) for f in files] == [("mp/big.bin", len(data))]
    out = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="mp/big.bin",
                                              dst_path=str(tmp_path / "dl"))
    assert hashlib.sha256(open(out, "rb").read()).digest() == hashlib.sha256(data).digest()
