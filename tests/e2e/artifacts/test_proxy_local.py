"""The mlflow-artifacts proxy over a local folder: endpoints 60-66 of docs/reference/rest-api.md, docs/reference/formats.md f.3
layout, download headers, and path safety (docs/reference/limits.md section 9; MLflow's traversal CVEs)."""
import json
import os

import pytest

from artutil import PROXY, as_json, get, list_dir, mpu, put, raw

RUN = "0/0123456789abcdef0123456789abcdef/artifacts"


def test_upload_download_layout_and_headers(local_srv):
    assert put(local_srv, f"{RUN}/dir/hello.txt", b"hello\n")[0] == 200
    status, headers, body = put(local_srv, f"{RUN}/plot.png", b"\x89PNG....", "image/png")
    assert (status, body) == (200, b"")  # MLflow 3.17: empty 200
    assert "content-type" not in headers
    assert put(local_srv, f"{RUN}/model/MLmodel", b"flavors: {}\n")[0] == 200
    assert put(local_srv, f"{RUN}/model/model.pkl", b"\x00\x01")[0] == 200
    # docs/reference/formats.md f.3: <destination>/<experiment>/<run>/artifacts/<files>
    on_disk = os.path.join(local_srv.artifacts, RUN, "dir", "hello.txt")
    assert open(on_disk, "rb").read() == b"hello\n"

    expected = {"dir/hello.txt": "text/plain", "plot.png": "image/png", "model/MLmodel": "text/plain",
                "model/model.pkl": "application/octet-stream"}
    for rel, ctype in expected.items():
        status, headers, body = get(local_srv, f"{RUN}/{rel}")
        assert status == 200, rel
        assert headers["content-type"] == ctype, rel
        assert headers["content-disposition"] == "attachment; filename=" + rel.split("/")[-1]
        assert headers["x-content-type-options"] == "nosniff"
        assert int(headers["content-length"]) == len(body)
    assert get(local_srv, f"{RUN}/dir/hello.txt")[2] == b"hello\n"


def test_overwrite_and_empty_file(local_srv):
    assert put(local_srv, f"{RUN}/over.txt", b"first, longer content")[0] == 200
    assert put(local_srv, f"{RUN}/over.txt", b"second")[0] == 200
    assert get(local_srv, f"{RUN}/over.txt")[2] == b"second"
    assert put(local_srv, f"{RUN}/empty.bin", b"")[0] == 200
    status, headers, body = get(local_srv, f"{RUN}/empty.bin")
    assert (status, body, headers["content-length"]) == (200, b"", "0")
    listed = list_dir(local_srv, RUN)[1]["files"]
    assert {"path": "empty.bin", "is_dir": False} in listed  # MLflow omits a zero file_size


def test_list_gives_sorted_basenames(local_srv):
    base = "5/listing/artifacts"
    for rel in ["b.txt", "a.txt", "sub/c.txt", "sub/deeper/d.txt"]:
        assert put(local_srv, f"{base}/{rel}", b"12345")[0] == 200
    status, out = list_dir(local_srv, base)
    assert status == 200
    assert out == {"files": [{"path": "a.txt", "is_dir": False, "file_size": 5},
                             {"path": "b.txt", "is_dir": False, "file_size": 5},
                             {"path": "sub", "is_dir": True}]}
    assert list_dir(local_srv, base + "/sub")[1]["files"][0] == {"path": "c.txt", "is_dir": False, "file_size": 5}
    assert list_dir(local_srv, "5/missing") == (200, {})
    assert list_dir(local_srv, base + "/a.txt") == (200, {})  # a file lists as empty
    status, out = list_dir(local_srv)  # no path: the destination root
    assert status == 200 and {"path": "5", "is_dir": True} in out["files"]


def test_delete_file_directory_and_missing(local_srv):
    base = "6/del/artifacts"
    for rel in ["keep.txt", "gone.txt", "tree/x.txt", "tree/y/z.txt"]:
        assert put(local_srv, f"{base}/{rel}", b"x")[0] == 200
    status, _, body = raw(local_srv, "DELETE", f"{PROXY}/{base}/gone.txt")
    assert (status, as_json(body)) == (200, {})
    assert raw(local_srv, "DELETE", f"{PROXY}/{base}/tree")[0] == 200
    assert raw(local_srv, "DELETE", f"{PROXY}/{base}/never-existed")[0] == 200
    assert list_dir(local_srv, base)[1] == {"files": [{"path": "keep.txt", "is_dir": False, "file_size": 1}]}
    assert not os.path.exists(os.path.join(local_srv.artifacts, base, "tree"))


def test_download_missing_is_404(local_srv):
    status, _, body = get(local_srv, f"{RUN}/does/not/exist.txt")
    assert status == 404
    assert as_json(body)["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert as_json(body)["message"] == f"No such artifact: '{RUN}/does/not/exist.txt'"
    status, _, body = get(local_srv, f"{RUN}/dir")  # a directory is not a file
    assert status == 400
    assert as_json(body)["message"] == f"Artifact path refers to a directory, not a file: '{RUN}/dir'"


def test_upload_needs_a_file_name(local_srv):
    for rel in ["", f"{RUN}/dir/"]:
        status, _, body = put(local_srv, rel, b"x")
        assert status == 400, rel
        assert as_json(body)["message"] == "Artifact path must include a filename (cannot end with '/')."
    assert not os.path.isfile(os.path.join(local_srv.artifacts, RUN, "dir"))


# Every spelling of "leave the root" seen in MLflow's path-traversal CVEs, plus NUL and '#'.
UNSAFE = [
    "../outside.txt",
    "a/../../outside.txt",
    "%2e%2e/outside.txt",
    "%2E%2E%2Foutside.txt",
    "a/%2e%2e/%2e%2e/outside.txt",
    "%252e%252e/outside.txt",
    "%25252e%25252e%25252foutside.txt",
    "..%2foutside.txt",
    "..%5coutside.txt",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "etc/passwd%00.jpg",
    "a%00b",
    "file%3a%2f%2f%2fetc%2fpasswd",
    "C:%5cwindows",
    "a%23b",
]


@pytest.mark.parametrize("bad", UNSAFE)
def test_traversal_refused_everywhere(local_srv, bad):
    outside = os.path.dirname(local_srv.artifacts)
    before = sorted(os.listdir(outside))
    calls = [
        ("GET", f"{PROXY}/{bad}", None, {}),
        ("PUT", f"{PROXY}/{bad}", b"pwned", {"Content-Type": "text/plain"}),
        ("DELETE", f"{PROXY}/{bad}", None, {}),
        ("GET", f"{PROXY}?path={bad}", None, {}),
        ("POST", f"/api/2.0/mlflow-artifacts/mpu/create/{bad}", json.dumps({"path": "f.bin", "num_parts": 1}),
         {"Content-Type": "application/json"}),
    ]
    for method, path, body, headers in calls:
        status, _, data = raw(local_srv, method, path, body=body, headers=headers)
        # A path that collapses to nothing routable may 404 at the router; it must never succeed.
        assert status in (400, 404), (method, path, status, data)
        if status == 400:
            assert as_json(data) is not None, (method, path, data)
            assert as_json(data)["error_code"] == "INVALID_PARAMETER_VALUE", (method, path)
            assert as_json(data)["message"] == "Invalid path", (method, path)
    assert sorted(os.listdir(outside)) == before
    assert not os.path.exists(os.path.join(outside, "outside.txt"))


def test_traversal_answers_invalid_path_not_404(local_srv):
    # The common spellings must reach the handler and answer MLflow's error, not a router 404.
    for bad in ["%2e%2e/outside.txt", "a/../../x", "a%00b", "%2fetc%2fpasswd"]:
        status, _, data = raw(local_srv, "GET", f"{PROXY}/{bad}")
        assert (status, as_json(data)["message"]) == (400, "Invalid path"), bad


def test_symlink_leaving_the_root_is_refused(local_srv, tmp_path):
    secret_dir = tmp_path / "secret"
    secret_dir.mkdir()
    (secret_dir / "key.txt").write_text("top secret")
    os.makedirs(local_srv.artifacts, exist_ok=True)
    link = os.path.join(local_srv.artifacts, "evil")
    os.symlink(secret_dir, link)
    file_link = os.path.join(local_srv.artifacts, "evil-file.txt")
    os.symlink(secret_dir / "key.txt", file_link)
    try:
        for method, path, body in [("GET", f"{PROXY}/evil/key.txt", None), ("GET", f"{PROXY}/evil-file.txt", None),
                                   ("PUT", f"{PROXY}/evil/new.txt", b"x"), ("DELETE", f"{PROXY}/evil/key.txt", None),
                                   ("GET", f"{PROXY}?path=evil", None)]:
            status, _, data = raw(local_srv, method, path, body=body)
            assert status == 400 and as_json(data)["message"] == "Invalid path", (method, path, status, data)
        assert sorted(os.listdir(secret_dir)) == ["key.txt"]
        assert (secret_dir / "key.txt").read_text() == "top secret"
    finally:
        os.unlink(link)
        os.unlink(file_link)


def test_multipart_on_local_destination_is_not_implemented(local_srv):
    body = {"path": "/home/me/big.bin", "num_parts": 3}
    for action in ["create", "complete", "abort"]:
        extra = {"upload_id": "x", "parts": [{"part_number": 1, "etag": "e", "url": "u"}]} if action != "create" else {}
        status, _, data = mpu(local_srv, action, RUN, dict(body, **extra))
        assert status == 501, action
        assert as_json(data) == {"error_code": "NOT_IMPLEMENTED",
                                 "message": "Multipart upload is not supported for the current artifact repository"} \
            or as_json(data)["message"].startswith("Multipart upload is not supported for the current artifact "
                                                   "repository"), data


def test_run_list_artifacts_and_get_artifact(local_srv):
    exp = local_srv.api("POST", "experiments/create", {"name": "artifacts-run-list"})["experiment_id"]
    run = local_srv.api("POST", "runs/create", {"experiment_id": exp})["run"]["info"]
    root = run["artifact_uri"]
    assert root == f"mlflow-artifacts:/{exp}/{run['run_id']}/artifacts"
    rel = root[len("mlflow-artifacts:/"):]
    for f in ["m/MLmodel", "m/data/w.bin", "readme.md"]:
        assert put(local_srv, f"{rel}/{f}", b"abc")[0] == 200
    out = local_srv.api("GET", "artifacts/list", params={"run_id": run["run_id"]})
    assert out == {"root_uri": root, "files": [{"path": "m", "is_dir": True},
                                               {"path": "readme.md", "is_dir": False, "file_size": 3}]}
    out = local_srv.api("GET", "artifacts/list", params={"run_id": run["run_id"], "path": "m"})
    assert out["files"] == [{"path": "m/MLmodel", "is_dir": False, "file_size": 3},
                            {"path": "m/data", "is_dir": True}]
    assert local_srv.api("GET", "artifacts/list", params={"run_uuid": run["run_id"], "path": "nope"}) == \
        {"root_uri": root}
    status, out = local_srv.get("/api/2.0/mlflow/artifacts/list", params={"run_id": run["run_id"], "path": "../x"})
    assert (status, out["message"]) == (400, "Invalid path")
    status, out = local_srv.get("/api/2.0/mlflow/artifacts/list", params={"run_id": "0" * 32})
    assert (status, out["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")

    status, headers, body = raw(local_srv, "GET", f"/get-artifact?path=m/MLmodel&run_uuid={run['run_id']}")
    assert (status, body, headers["content-type"]) == (200, b"abc", "text/plain")
    assert raw(local_srv, "GET", f"/get-artifact?path=..%2f..%2fx&run_uuid={run['run_id']}")[0] == 400

    # The UI's small upload writes below the run root.
    status, _, body = raw(local_srv, "POST", f"/ajax-api/2.0/mlflow/upload-artifact?run_uuid={run['run_id']}"
                                             f"&path=ui/note.txt", body=b"from the ui")
    assert status == 200 and body == b""
    assert get(local_srv, f"{rel}/ui/note.txt")[2] == b"from the ui"
    status, _, body = raw(local_srv, "POST", f"/ajax-api/2.0/mlflow/upload-artifact?path=x", body=b"1")
    assert as_json(body)["message"] == "Request must specify run_uuid."


def test_head_sends_headers_only(local_srv):
    assert put(local_srv, f"{RUN}/head/f.csv", b"a,b\n1,2\n")[0] == 200
    status, headers, body = raw(local_srv, "HEAD", f"{PROXY}/{RUN}/head/f.csv")
    assert (status, body) == (200, b"")
    assert headers["content-length"] == "8" and headers["content-type"] == "text/plain"


def test_early_error_with_expect_100_continue_is_fast(local_srv):
    # The server refuses before reading the body; it must not wait for a body the client
    # withholds (Expect: 100-continue), nor send a stray 100 after its answer.
    import http.client
    import time
    conn = http.client.HTTPConnection("127.0.0.1", local_srv.port, timeout=10)
    t0 = time.monotonic()
    conn.putrequest("PUT", f"{PROXY}/%2e%2e/x.bin")
    conn.putheader("Content-Length", str(50 << 20))
    conn.putheader("Expect", "100-continue")
    conn.endheaders()
    r = conn.getresponse()
    assert r.status == 400 and json.loads(r.read())["message"] == "Invalid path"
    assert time.monotonic() - t0 < 5
    conn.close()


def test_run_with_local_artifact_root_is_read_directly(local_srv, tmp_path):
    root = tmp_path / "direct-root"
    exp = local_srv.api("POST", "experiments/create", {"name": "direct-local",
                                                       "artifact_location": root.as_uri()})["experiment_id"]
    run = local_srv.api("POST", "runs/create", {"experiment_id": exp})["run"]["info"]
    run_dir = root / run["run_id"] / "artifacts"
    (run_dir / "plots").mkdir(parents=True)
    (run_dir / "plots" / "loss.png").write_bytes(b"\x89PNG")
    listed = local_srv.api("GET", "artifacts/list", params={"run_id": run["run_id"]})
    assert listed == {"root_uri": run["artifact_uri"], "files": [{"path": "plots", "is_dir": True}]}
    status, headers, body = raw(local_srv, "GET", f"/get-artifact?path=plots/loss.png&run_uuid={run['run_id']}")
    assert (status, headers["content-type"], body) == (200, "image/png", b"\x89PNG")
    status, _, body = raw(local_srv, "GET", f"/get-artifact?path=../../../etc/passwd&run_uuid={run['run_id']}")
    assert (status, as_json(body)["message"]) == (400, "Invalid path")
