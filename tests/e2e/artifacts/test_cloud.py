"""The proxy and direct artifact roots over Azure Blob Storage (Azurite) and Google Cloud Storage
(gcp-storage-emulator), each run against both: the raw endpoints, the real MLflow Python client
through our proxy, a large body with bounded server memory, wasbs:// and gs:// roots read directly,
and the real `mlflow server` on the same emulator reading what ours wrote (and the other way)."""
import hashlib
import json
import os
import subprocess

import mlflow
import pytest
import requests
from mlflow import MlflowClient

from artutil import PROXY, as_json, get, list_dir, raw
from cloud_emulators import RealMlflowServer, azurite, cloud, gcs_emulator  # noqa: F401
from conftest import server_rss_kb
from mlflow_server import server_binary

RUN = "3/feedfacefeedfacefeedfacefeedface/artifacts"


def put(srv, rel, data):
    return raw(srv, "PUT", f"{PROXY}/{rel}", body=data, headers={"Content-Type": "application/octet-stream"})


def test_roundtrip_list_delete(cloud):
    srv = cloud.srv
    assert put(srv, f"{RUN}/dir/a%20b.txt", b"hello cloud")[0] == 200
    assert put(srv, f"{RUN}/dir/sub/c.bin", b"\x00" * 100)[0] == 200
    assert put(srv, f"{RUN}/top.png", b"png")[0] == 200
    assert put(srv, f"{RUN}/empty.txt", b"")[0] == 200
    # The objects sit under the destination's prefix, with the names the client gave.
    assert cloud.keys(f"proxied/{RUN}/") == {f"proxied/{RUN}/dir/a b.txt": 11, f"proxied/{RUN}/dir/sub/c.bin": 100,
                                            f"proxied/{RUN}/top.png": 3, f"proxied/{RUN}/empty.txt": 0}
    assert cloud.read(f"proxied/{RUN}/dir/a b.txt") == b"hello cloud"
    status, headers, body = get(srv, f"{RUN}/dir/a%20b.txt")
    assert (status, body, headers["content-type"]) == (200, b"hello cloud", "text/plain")
    assert get(srv, f"{RUN}/empty.txt")[:3:2] == (200, b"")
    assert list_dir(srv, RUN)[1] == {"files": [{"path": "dir", "is_dir": True},
                                               {"path": "empty.txt", "is_dir": False},
                                               {"path": "top.png", "is_dir": False, "file_size": 3}]}
    assert list_dir(srv, RUN + "/dir")[1]["files"] == [{"path": "a b.txt", "is_dir": False, "file_size": 11},
                                                       {"path": "sub", "is_dir": True}]
    assert list_dir(srv, "3/nothing-here") == (200, {})
    status, _, body = get(srv, f"{RUN}/missing.txt")
    assert (status, as_json(body)["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")
    # A sibling that shares the folder's name as a prefix survives the folder's delete.
    assert put(srv, f"{RUN}/dirx.txt", b"keep")[0] == 200
    assert raw(srv, "DELETE", f"{PROXY}/{RUN}/dir")[0] == 200
    assert sorted(cloud.keys(f"proxied/{RUN}/")) == [f"proxied/{RUN}/dirx.txt", f"proxied/{RUN}/empty.txt",
                                                     f"proxied/{RUN}/top.png"]
    assert raw(srv, "DELETE", f"{PROXY}/{RUN}/never")[0] == 200
    for bad in ["../escape.txt", "%2e%2e/escape.txt", "a%00b"]:
        status, _, body = raw(srv, "PUT", f"{PROXY}/{bad}", body=b"x")
        assert (status, as_json(body)["message"]) == (400, "Invalid path"), bad
    assert not [k for k in cloud.keys("") if "escape" in k]


def _tree(root):
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            out[os.path.relpath(p, root)] = open(p, "rb").read()
    return out


BIG_CLIENT = 70 * 1024 * 1024


def test_python_client_through_our_proxy(cloud, tmp_path):
    mlflow.set_tracking_uri(cloud.srv.url)
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("alpha")
    (src / "sub" / "b.json").write_text('{"b": 1}')
    (src / "sub" / "c.bin").write_bytes(os.urandom(3000))
    # Above the 64 MiB single-request limit: our server stores it as Azure blocks / GCS chunks.
    with open(src / "big.bin", "wb") as f:
        f.write(os.urandom(1 << 20))
        f.seek(BIG_CLIENT - (1 << 20))
        f.write(os.urandom(1 << 20))
    exp = mlflow.set_experiment(f"cloud-client-{cloud.name}")
    with mlflow.start_run(experiment_id=exp.experiment_id) as run:
        mlflow.log_artifact(str(src / "a.txt"))
        mlflow.log_artifacts(str(src), artifact_path="tree")
        mlflow.log_dict({"k": [1, 2]}, "cfg/d.json")
    rid = run.info.run_id
    assert run.info.artifact_uri == f"mlflow-artifacts:/{exp.experiment_id}/{rid}/artifacts"
    client = MlflowClient()
    assert [(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(rid)] == [
        ("a.txt", False, 5), ("cfg", True, None), ("tree", True, None)]
    assert [f.path for f in client.list_artifacts(rid, "tree/sub")] == ["tree/sub/b.json", "tree/sub/c.bin"]
    out = mlflow.artifacts.download_artifacts(run_id=rid, dst_path=str(tmp_path / "dl"))
    got = _tree(out)
    assert got["a.txt"] == b"alpha" and got["tree/sub/c.bin"] == (src / "sub" / "c.bin").read_bytes()
    assert got["tree/big.bin"] == (src / "big.bin").read_bytes()
    assert json.loads(got["cfg/d.json"]) == {"k": [1, 2]}
    prefix = f"proxied/{exp.experiment_id}/{rid}/artifacts/"
    assert sorted(k[len(prefix):] for k in cloud.keys(prefix)) == [
        "a.txt", "cfg/d.json", "tree/a.txt", "tree/big.bin", "tree/sub/b.json", "tree/sub/c.bin"]
    if cloud.name == "azure":
        blocks = cloud.container.get_blob_client(prefix + "tree/big.bin").get_block_list("committed")[0]
        assert [b.size for b in blocks] == [16 << 20] * 4 + [BIG_CLIENT - (64 << 20)]
    else:
        assert "uploadType=resumable" in cloud.emulator.log()
    client.delete_run(rid)


BIG = 96 * 1024 * 1024  # above the 64 MiB single-request limit: Azure blocks, GCS resumable chunks


def test_large_body_streams_in_parts_with_bounded_server_memory(cloud, tmp_path):
    path = tmp_path / "big.bin"
    with open(path, "wb") as f:
        f.write(os.urandom(4 << 20))
        f.seek(BIG - (4 << 20))
        f.write(os.urandom(4 << 20))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    pid = cloud.srv.proc.pid
    base = server_rss_kb(pid)
    with open(path, "rb") as f:
        r = requests.put(f"{cloud.srv.url}{PROXY}/{RUN}/big.bin", data=f, timeout=300)
    assert r.status_code == 200, r.text
    key = f"proxied/{RUN}/big.bin"
    assert cloud.keys(key) == {key: BIG}
    if cloud.name == "azure":
        blocks = cloud.container.get_blob_client(key).get_block_list("committed")[0]
        assert len(blocks) == 6  # 16 MiB blocks
    else:
        assert "uploadType=resumable" in cloud.emulator.log()
    h = hashlib.sha256()
    got = 0
    with requests.get(f"{cloud.srv.url}{PROXY}/{RUN}/big.bin", stream=True, timeout=300) as r:
        assert r.status_code == 200 and int(r.headers["Content-Length"]) == BIG
        for chunk in r.iter_content(1 << 20):
            h.update(chunk)
            got += len(chunk)
    assert got == BIG and h.hexdigest() == digest
    growth = server_rss_kb(pid, "VmHWM") - base
    assert growth < 64 * 1024, f"server RSS grew by {growth / 1024:.1f} MB"


def test_chunked_body_of_unknown_size(cloud):
    # No Content-Length: the server buffers one part to learn whether more follow.
    data = os.urandom(17 << 20)

    def gen():
        for i in range(0, len(data), 1 << 20):
            yield data[i:i + (1 << 20)]

    r = requests.put(f"{cloud.srv.url}{PROXY}/{RUN}/chunked.bin", data=gen(), timeout=120)
    assert r.status_code == 200, r.text
    assert cloud.read(f"proxied/{RUN}/chunked.bin") == data
    r = requests.put(f"{cloud.srv.url}{PROXY}/{RUN}/small-chunked.txt", data=iter([b"a", b"b"]), timeout=60)
    assert r.status_code == 200 and cloud.read(f"proxied/{RUN}/small-chunked.txt") == b"ab"


def test_direct_root_written_by_python_client_and_our_cli(cloud, tmp_path, monkeypatch):
    # A run whose artifact root is wasbs:// or gs:// itself: the Python client writes straight to
    # the store with MLflow's own repository, our CLI too, and our server reads it directly.
    for k, v in cloud.env.items():
        monkeypatch.setenv(k, v)
    srv = cloud.srv
    exp = srv.api("POST", "experiments/create", {"name": f"direct-{cloud.name}",
                                                 "artifact_location": cloud.uri("direct")})["experiment_id"]
    mlflow.set_tracking_uri(srv.url)
    with mlflow.start_run(experiment_id=exp) as run:
        mlflow.log_text("written by MLflow", "py/notes.txt")
    rid = run.info.run_id
    assert run.info.artifact_uri == cloud.uri(f"direct/{rid}/artifacts")
    assert cloud.read(f"direct/{rid}/artifacts/py/notes.txt") == b"written by MLflow"
    f = tmp_path / "metrics.csv"
    f.write_text("step,loss\n1,0.5\n")
    env = dict(os.environ, MLFLOW_TRACKING_URI=srv.url, **cloud.env)
    r = subprocess.run([server_binary(), "artifacts", "log-artifact", "-l", str(f), "-r", rid, "-a", "eval"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert cloud.read(f"direct/{rid}/artifacts/eval/metrics.csv") == b"step,loss\n1,0.5\n"
    listed = srv.api("GET", "artifacts/list", params={"run_id": rid})
    assert listed == {"root_uri": run.info.artifact_uri,
                      "files": [{"path": "eval", "is_dir": True}, {"path": "py", "is_dir": True}]}
    status, headers, body = raw(srv, "GET", f"/get-artifact?path=eval/metrics.csv&run_uuid={rid}")
    assert (status, body, headers["content-type"]) == (200, b"step,loss\n1,0.5\n", "text/plain")
    # MLflow's client reads what our CLI wrote, with its own repository.
    assert [a.path for a in MlflowClient().list_artifacts(rid, "eval")] == ["eval/metrics.csv"]
    out = mlflow.artifacts.download_artifacts(run_id=rid, artifact_path="eval", dst_path=str(tmp_path / "dl"))
    assert open(os.path.join(out, "metrics.csv")).read() == "step,loss\n1,0.5\n"


def test_default_artifact_root_on_the_store(cloud, tmp_path):
    from mlflow_server import MlflowCppServer
    root = cloud.uri("defaultroot")
    with MlflowCppServer(tmp_path, env=cloud.env, extra_args=["--default-artifact-root", root]) as srv:
        exp = srv.api("POST", "experiments/create", {"name": "x"})["experiment_id"]
        run = srv.api("POST", "runs/create", {"experiment_id": exp})["run"]["info"]
        assert run["artifact_uri"] == f"{root}/{exp}/{run['run_id']}/artifacts"
        cloud.write(f"defaultroot/{exp}/{run['run_id']}/artifacts/model/MLmodel", b"flavors: {}\n")
        listed = srv.api("GET", "artifacts/list", params={"run_id": run["run_id"], "path": "model"})
        assert listed["files"] == [{"path": "model/MLmodel", "is_dir": False, "file_size": 12}]


def test_real_mlflow_server_reads_what_ours_wrote_and_back(cloud, tmp_path):
    srv = cloud.srv
    payload = os.urandom(70 << 20)  # written by ours in parts
    assert put(srv, "7/shared/artifacts/model/weights.bin", payload)[0] == 200
    assert put(srv, "7/shared/artifacts/model/MLmodel", b"flavors: {}\n")[0] == 200
    with RealMlflowServer(tmp_path, ["--artifacts-destination", cloud.uri("proxied")], cloud.env) as real:
        r = requests.get(f"{real.url}{PROXY}", params={"path": "7/shared/artifacts/model"}, timeout=60)
        assert r.status_code == 200, r.text
        assert sorted((f["path"], f.get("file_size")) for f in r.json()["files"]) == [
            ("MLmodel", 12), ("weights.bin", 70 << 20)]
        r = requests.get(f"{real.url}{PROXY}/7/shared/artifacts/model/weights.bin", timeout=120)
        assert r.status_code == 200 and r.content == payload
        # And the other way: the real server writes, ours reads and lists.
        r = requests.put(f"{real.url}{PROXY}/7/shared/artifacts/from-real.txt", data=b"by MLflow", timeout=60)
        assert r.status_code == 200, r.text
    assert get(srv, "7/shared/artifacts/from-real.txt")[2] == b"by MLflow"
    assert [f["path"] for f in list_dir(srv, "7/shared/artifacts")[1]["files"]] == ["from-real.txt", "model"]
    # A folder delete through ours removes what both wrote.
    assert raw(srv, "DELETE", f"{PROXY}/7/shared")[0] == 200
    assert cloud.keys("proxied/7/shared/") == {}


@pytest.mark.parametrize("missing", ["azure", "gcs"])
def test_unusable_credentials_are_a_clear_error(missing, tmp_path):
    from mlflow_server import MlflowCppServer
    if missing == "azure":
        env = {"AZURE_STORAGE_CONNECTION_STRING": "", "AZURE_STORAGE_ACCESS_KEY": "", "AZURE_STORAGE_SAS_TOKEN": ""}
        dest, needle = "wasbs://c@acct.blob.core.windows.net/x", "AZURE_STORAGE_CONNECTION_STRING"
    else:
        env = {"STORAGE_EMULATOR_HOST": "", "GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "none.json")}
        dest, needle = "gs://bucket/x", "none.json"
    srv = MlflowCppServer(tmp_path, env=env)
    srv.artifacts = dest
    with srv:
        status, _, body = put(srv, "a.txt", b"x")
        assert status == 400, body
        assert needle in as_json(body)["message"]
