"""The proxy over a real S3 protocol server (s3rver): the same endpoints, objects laid out as
<bucket>/<prefix>/<experiment>/<run>/artifacts/..., presigned multipart parts, path safety."""
import hashlib
import os

import requests

from artutil import PROXY, as_json, get, list_dir, mpu, put, raw
from conftest import S3_BUCKET, S3_ENV, server_rss_kb

RUN = "3/feedfacefeedfacefeedfacefeedface/artifacts"


def _object_path(s3rver, key):
    # s3rver keeps objects as <data>/<bucket>/<key>._S3rver_object
    return os.path.join(s3rver.data, S3_BUCKET, key + "._S3rver_object")


def test_roundtrip_list_delete(s3_srv, s3rver):
    assert put(s3_srv, f"{RUN}/dir/a b.txt".replace(" ", "%20"), b"hello s3")[0] == 200
    assert put(s3_srv, f"{RUN}/dir/sub/c.bin", os.urandom(100))[0] == 200
    assert put(s3_srv, f"{RUN}/top.png", b"png")[0] == 200
    assert os.path.isfile(_object_path(s3rver, f"proxied/{RUN}/dir/a b.txt"))
    status, headers, body = get(s3_srv, f"{RUN}/dir/a%20b.txt")
    assert (status, body, headers["content-type"]) == (200, b"hello s3", "text/plain")
    assert headers["content-disposition"] == "attachment; filename=a b.txt"
    assert list_dir(s3_srv, RUN)[1] == {"files": [{"path": "dir", "is_dir": True},
                                                  {"path": "top.png", "is_dir": False, "file_size": 3}]}
    assert list_dir(s3_srv, RUN + "/dir")[1]["files"] == [{"path": "a b.txt", "is_dir": False, "file_size": 8},
                                                          {"path": "sub", "is_dir": True}]
    assert list_dir(s3_srv, "3/nothing-here") == (200, {})
    status, _, body = get(s3_srv, f"{RUN}/missing.txt")
    assert (status, as_json(body)["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")
    assert raw(s3_srv, "DELETE", f"{PROXY}/{RUN}/dir")[0] == 200
    assert list_dir(s3_srv, RUN)[1] == {"files": [{"path": "top.png", "is_dir": False, "file_size": 3}]}
    assert raw(s3_srv, "DELETE", f"{PROXY}/{RUN}/never")[0] == 200


def test_large_upload_uses_s3_multipart(s3_srv, s3rver, tmp_path):
    # Above the 64 MiB threshold the server streams the body into S3 parts.
    size = 70 * 1024 * 1024
    path = tmp_path / "big.bin"
    with open(path, "wb") as f:
        f.write(os.urandom(1024 * 1024))
        f.truncate(size)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    base_rss = server_rss_kb(s3_srv.proc.pid)
    with open(path, "rb") as f:
        r = requests.put(f"{s3_srv.url}{PROXY}/{RUN}/big.bin", data=f, timeout=120)
    assert r.status_code == 200, r.text
    log = open(s3rver.log_path).read()
    assert "big.bin?uploads" in log and "partNumber=5" in log
    h = hashlib.sha256()
    with requests.get(f"{s3_srv.url}{PROXY}/{RUN}/big.bin", stream=True, timeout=120) as r:
        assert r.status_code == 200 and int(r.headers["Content-Length"]) == size
        for chunk in r.iter_content(1 << 20):
            h.update(chunk)
    assert h.hexdigest() == digest
    growth = server_rss_kb(s3_srv.proc.pid, "VmHWM") - base_rss
    assert growth < 64 * 1024, f"server RSS grew by {growth / 1024:.1f} MB"


def test_presigned_multipart_create_complete_abort(s3_srv, s3rver):
    parts = [os.urandom(5 * 1024 * 1024), os.urandom(5 * 1024 * 1024), b"tail"]
    status, _, body = mpu(s3_srv, "create", f"{RUN}/mpu", {"path": "/client/side/file.bin", "num_parts": 3})
    assert status == 200, body
    created = as_json(body)
    assert created["upload_id"]
    assert [c["part_number"] for c in created["credentials"]] == [1, 2, 3]
    done = []
    for cred, data in zip(created["credentials"], parts):
        r = requests.put(cred["url"], data=data, headers=cred.get("headers", {}), timeout=60)
        assert r.status_code == 200, r.text
        done.append({"part_number": cred["part_number"], "etag": r.headers["ETag"], "url": cred["url"]})
    status, _, body = mpu(s3_srv, "complete", f"{RUN}/mpu",
                          {"path": "/client/side/file.bin", "upload_id": created["upload_id"], "parts": done})
    assert (status, as_json(body)) == (200, {})
    assert get(s3_srv, f"{RUN}/mpu/file.bin")[2] == b"".join(parts)

    status, _, body = mpu(s3_srv, "create", f"{RUN}/mpu", {"path": "aborted.bin", "num_parts": 2})
    upload_id = as_json(body)["upload_id"]
    status, _, body = mpu(s3_srv, "abort", f"{RUN}/mpu", {"path": "aborted.bin", "upload_id": upload_id})
    # The abort reaches S3; s3rver 3.7 has no AbortMultipartUpload (405), which we report as 501.
    assert f"aborted.bin?uploadId={upload_id}" in open(s3rver.log_path).read()
    assert (status, as_json(body)["error_code"]) == (501, "NOT_IMPLEMENTED")
    assert get(s3_srv, f"{RUN}/mpu/aborted.bin")[0] == 404
    # s3rver 3.7 checks only the access key of V4 signatures: the signatures themselves are checked
    # against AWS's published examples in tests/unit/artifacts/sigv4_test.cc.


def test_s3_traversal_refused(s3_srv, s3rver):
    for bad in ["../escape.txt", "%2e%2e/escape.txt", "a/%252e%252e/%252e%252e/escape.txt", "a%00b"]:
        status, _, body = raw(s3_srv, "PUT", f"{PROXY}/{bad}", body=b"x")
        assert (status, as_json(body)["message"]) == (400, "Invalid path"), bad
    for root, _, files in os.walk(os.path.join(s3rver.data, S3_BUCKET)):
        assert not any("escape" in f for f in files)
    status, _, body = mpu(s3_srv, "create", "ok/dir", {"path": "..", "num_parts": 1})
    assert status == 400


def test_missing_credentials_is_a_clear_error(tmp_path, s3rver):
    from mlflow_server import MlflowCppServer
    env = {"MLFLOW_S3_ENDPOINT_URL": s3rver.url, "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    srv = MlflowCppServer(tmp_path, env=env)
    srv.artifacts = f"s3://{S3_BUCKET}/x"
    with srv:
        status, _, body = put(srv, "a.txt", b"x")
        assert status == 400
        assert "AWS_ACCESS_KEY_ID" in as_json(body)["message"]


def test_direct_s3_run_root_via_cli_and_server(s3_srv, s3rver, tmp_path):
    # A run whose artifact root is s3:// itself (not proxied): the CLI writes straight to S3 and the
    # server reads S3 directly for the UI's listing and file routes.
    import json
    import subprocess
    from mlflow_server import server_binary
    exp = s3_srv.api("POST", "experiments/create", {"name": "direct-s3",
                                                    "artifact_location": f"s3://{S3_BUCKET}/direct"})["experiment_id"]
    run = s3_srv.api("POST", "runs/create", {"experiment_id": exp})["run"]["info"]
    assert run["artifact_uri"] == f"s3://{S3_BUCKET}/direct/{run['run_id']}/artifacts"
    f = tmp_path / "metrics.csv"
    f.write_text("step,loss\n1,0.5\n")
    env = dict(os.environ, MLFLOW_TRACKING_URI=s3_srv.url, MLFLOW_S3_ENDPOINT_URL=s3rver.url, **S3_ENV)
    r = subprocess.run([server_binary(), "artifacts", "log-artifact", "-l", str(f), "-r", run["run_id"], "-a", "eval"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert os.path.isfile(_object_path(s3rver, f"direct/{run['run_id']}/artifacts/eval/metrics.csv"))
    listed = s3_srv.api("GET", "artifacts/list", params={"run_id": run["run_id"], "path": "eval"})
    assert listed == {"root_uri": run["artifact_uri"],
                      "files": [{"path": "eval/metrics.csv", "is_dir": False, "file_size": 16}]}
    status, headers, body = raw(s3_srv, "GET", f"/get-artifact?path=eval/metrics.csv&run_uuid={run['run_id']}")
    assert (status, body, headers["content-type"]) == (200, b"step,loss\n1,0.5\n", "text/plain")
    r = subprocess.run([server_binary(), "artifacts", "list", "-r", run["run_id"]], capture_output=True, text=True,
                       env=env, timeout=60)
    assert json.loads(r.stdout) == [{"path": "eval", "is_dir": True}]
