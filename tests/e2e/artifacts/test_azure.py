"""Azure-only behaviour against Azurite: listings longer than one page, a connection string with a
SAS instead of the account key, the proxy's multipart upload with SAS block URLs (the real client
with MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD), and abfss:// roots served through the Blob API."""
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import mlflow
import pytest

from artutil import PROXY, as_json, get, list_dir, mpu, raw
from cloud_emulators import CONTAINER, DEV_ACCOUNT, DEV_KEY, AzureBackend, azurite  # noqa: F401
from mlflow_server import MlflowCppServer


@pytest.fixture(scope="module")
def az(azurite, tmp_path_factory):  # noqa: F811
    backend = AzureBackend(azurite)
    srv = MlflowCppServer(tmp_path_factory.mktemp("cpp-azure"), env=backend.env)
    srv.artifacts = backend.uri("proxied")
    with srv:
        backend.srv = srv
        yield backend


def test_listing_and_delete_page_past_1000_names(az):
    # We ask Azure for 1000 names a page: 1100 files need the continuation marker, for the
    # listing and for the folder delete.
    keys = [f"proxied/9/paging/artifacts/f{i:05d}" for i in range(1100)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda k: az.write(k, b"x"), keys))
    files = list_dir(az.srv, "9/paging/artifacts")[1]["files"]
    assert [f["path"] for f in files] == [k.rsplit("/", 1)[1] for k in keys]
    assert raw(az.srv, "DELETE", f"{PROXY}/9/paging", timeout=300)[0] == 200
    assert az.keys("proxied/9/paging/") == {}


def test_connection_string_with_a_sas(az, azurite, tmp_path):  # noqa: F811
    from azure.storage.blob import AccountSasPermissions, ResourceTypes, generate_account_sas
    sas = generate_account_sas(DEV_ACCOUNT, DEV_KEY, ResourceTypes(container=True, object=True),
                               AccountSasPermissions(read=True, write=True, delete=True, list=True, create=True),
                               expiry=datetime.now(timezone.utc) + timedelta(hours=1))
    srv = MlflowCppServer(tmp_path, env={"AZURE_STORAGE_CONNECTION_STRING": azurite.connection_string(sas)})
    srv.artifacts = az.uri("sas")
    with srv:
        assert raw(srv, "PUT", f"{PROXY}/1/r/artifacts/a.txt", body=b"via sas")[0] == 200
        assert az.read("sas/1/r/artifacts/a.txt") == b"via sas"
        assert get(srv, "1/r/artifacts/a.txt")[2] == b"via sas"
        assert list_dir(srv, "1/r/artifacts")[1] == {"files": [{"path": "a.txt", "is_dir": False, "file_size": 7}]}
        assert raw(srv, "DELETE", f"{PROXY}/1/r")[0] == 200
        assert az.keys("sas/") == {}
        # Without the key there is nothing to sign block URLs with: the client falls back.
        status, _, body = mpu(srv, "create", "1/r/artifacts", {"path": "big.bin", "num_parts": 2})
        assert status == 501
        assert as_json(body)["message"].startswith("Multipart upload is not supported")
    # A SAS that Azurite does not accept is reported, not hidden.
    bad = sas.replace("sig=", "sig=AAAA")
    srv = MlflowCppServer(tmp_path / "bad", env={"AZURE_STORAGE_CONNECTION_STRING": azurite.connection_string(bad)})
    srv.artifacts = az.uri("sas")
    with srv:
        status, _, body = raw(srv, "PUT", f"{PROXY}/a.txt", body=b"x")
        assert status == 500 and "403" in as_json(body)["message"]


def test_proxy_multipart_upload_with_the_real_client(az, tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(1 << 20))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(5 << 20))
    path = tmp_path / "weights.bin"
    data = os.urandom(12 << 20)
    path.write_bytes(data)
    mlflow.set_tracking_uri(az.srv.url)
    exp = mlflow.set_experiment("azure-mpu")
    with mlflow.start_run(experiment_id=exp.experiment_id) as run:
        mlflow.log_artifact(str(path), artifact_path="model")
    key = f"proxied/{exp.experiment_id}/{run.info.run_id}/artifacts/model/weights.bin"
    assert az.read(key) == data
    # The client put three 5 MiB-or-less blocks straight into Azurite with the SAS URLs.
    blocks = az.container.get_blob_client(key).get_block_list("committed")[0]
    assert [b.size for b in blocks] == [5 << 20, 5 << 20, 2 << 20]
    # An abort is accepted (Azure drops uncommitted blocks itself) and leaves nothing behind.
    status, _, body = mpu(az.srv, "create", "5/r/artifacts", {"path": "x.bin", "num_parts": 1})
    assert status == 200
    status, _, body = mpu(az.srv, "abort", "5/r/artifacts", {"path": "x.bin", "upload_id": ""})
    assert (status, as_json(body)) == (200, {})
    assert az.keys("proxied/5/") == {}


def test_abfss_root_is_served_through_the_blob_endpoint(az, azurite, tmp_path):  # noqa: F811
    # Azurite has no Data Lake endpoint; an abfss:// root reaches the same container through the
    # Blob API, as a Gen2 account's data does.
    srv = MlflowCppServer(tmp_path, env=az.env)
    srv.artifacts = f"abfss://{CONTAINER}@{DEV_ACCOUNT}.dfs.core.windows.net/lake%20root"
    with srv:
        assert raw(srv, "PUT", f"{PROXY}/1/r/artifacts/a.txt", body=b"lake")[0] == 200
        assert az.read("lake root/1/r/artifacts/a.txt") == b"lake"
        assert list_dir(srv, "1/r/artifacts")[1] == {"files": [{"path": "a.txt", "is_dir": False, "file_size": 4}]}
