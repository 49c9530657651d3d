"""Registry and logged-model rows are interchangeable with MLflow's own SQL stores.

mlflow-cpp writes a database; the real MLflow 3.17.2 SQL stores read it (upgrading it in place to
their newer schema, which adds `workspace` key columns to the registry tables) and write to it;
mlflow-cpp then serves that upgraded database, reads MLflow's rows and writes more, which MLflow
reads back. Covers both key layouts of the registry tables.
"""
import json
import sqlite3

from mlflow.entities import Dataset, DatasetInput, InputTag, LoggedModelStatus
from mlflow.entities.model_registry import RegisteredModelTag
from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore as TrackingStore

from mlflow_server import MlflowCppServer
from regutil import ok


def test_registry_rows_round_trip_with_mlflow(tmp_path):
    db = tmp_path / "mlflow.db"
    uri = f"sqlite:///{db}"

    # 1. mlflow-cpp writes.
    with MlflowCppServer(tmp_path / "a", db_path=str(db)) as s:
        ok(s, "POST", "registered-models/create",
           {"name": "ours", "description": "d", "tags": [{"key": "team", "value": "a"}]})
        for i in range(3):
            ok(s, "POST", "model-versions/create", {"name": "ours", "source": f"s3://b/{i}",
                                                    "tags": [{"key": "v", "value": str(i)}]})
        ok(s, "POST", "model-versions/transition-stage", {"name": "ours", "version": "2", "stage": "Production"})
        ok(s, "POST", "registered-models/alias", {"name": "ours", "alias": "champion", "version": "2"})
        ok(s, "DELETE", "model-versions/delete", {"name": "ours", "version": "3"})
        exp = ok(s, "POST", "experiments/create", {"name": "lm"})["experiment_id"]
        mid = ok(s, "POST", "logged-models", {"experiment_id": exp, "name": "lm_ours",
                                              "params": [{"key": "p", "value": "1"}],
                                              "tags": [{"key": "t", "value": "x"}]})["model"]["info"]["model_id"]
        ok(s, "PATCH", f"logged-models/{mid}", {"model_id": mid, "status": "LOGGED_MODEL_READY"})
        run = ok(s, "POST", "runs/create", {"experiment_id": exp})["run"]["info"]["run_id"]
        ok(s, "POST", "runs/log-inputs", {"run_id": run, "datasets": [{
            "dataset": {"name": "iris", "digest": "abc", "source_type": "local", "source": "{}", "profile": "{}"},
            "tags": [{"key": "mlflow.data.context", "value": "training"}]}], "models": [{"model_id": mid}]})
        ok(s, "POST", "runs/outputs", {"run_id": run, "models": [{"model_id": mid, "step": 4}]})
        ok(s, "POST", "runs/log-metric", {"run_id": run, "key": "acc", "value": 0.5, "timestamp": 7, "step": 1,
                                          "model_id": mid, "dataset_name": "iris", "dataset_digest": "abc"})

    # 2. MLflow reads them (and upgrades the schema on the way).
    reg = RegistryStore(uri)
    rm = reg.get_registered_model("ours")
    assert rm.description == "d" and rm.tags == {"team": "a"} and rm.aliases == {"champion": 2}
    assert sorted((v.version, v.current_stage) for v in rm.latest_versions) == [(1, "None"), (2, "Production")]
    mv = reg.get_model_version("ours", "2")
    assert mv.source == "s3://b/1" and mv.tags == {"v": "1"} and mv.status == "READY"
    assert reg.get_model_version_download_uri("ours", "1") == "s3://b/0"
    assert [v.version for v in reg.search_model_versions("name = 'ours'")] == [2, 1]
    # Deleted versions keep their number: MLflow's next version is 4.
    mv4 = reg.create_model_version("ours", "s3://b/theirs")
    assert mv4.version == 4
    trk = TrackingStore(uri, str(tmp_path / "artifacts"))
    lm = trk.get_logged_model(mid)
    assert lm.name == "lm_ours" and lm.params == {"p": "1"} and lm.tags == {"t": "x"}
    assert lm.status == LoggedModelStatus.READY
    assert lm.artifact_location == f"mlflow-artifacts:/{exp}/models/{mid}/artifacts"
    assert [(m.key, m.value, m.step, m.dataset_name, m.dataset_digest, m.run_id) for m in lm.metrics] == [
        ("acc", 0.5, 1, "iris", "abc", run)]
    r = trk.get_run(run)
    (di,) = r.inputs.dataset_inputs
    assert (di.dataset.name, di.dataset.digest, di.dataset.source_type, di.dataset.profile) == (
        "iris", "abc", "local", "{}")
    assert [(t.key, t.value) for t in di.tags] == [("mlflow.data.context", "training")]
    assert [m.model_id for m in r.inputs.model_inputs] == [mid]
    assert [(o.model_id, o.step) for o in r.outputs.model_outputs] == [(mid, 4)]

    # 3. MLflow writes on the newer (workspace) layout.
    with sqlite3.connect(db) as conn:
        cols = {r[1] for r in conn.execute("PRAGMA table_info(registered_model_aliases)")}
    assert "workspace" in cols  # MLflow upgraded the schema: registry keys now include workspace
    reg.create_registered_model("theirs", tags=[RegisteredModelTag("k", "v")], description="py")
    reg.create_model_version("theirs", "s3://b/py")
    reg.set_registered_model_alias("theirs", "prod", "1")
    reg.transition_model_version_stage("theirs", "1", "Staging", archive_existing_versions=False)
    theirs_mid = trk.create_logged_model(experiment_id=exp, name="lm_theirs").model_id
    py_run = trk.create_run(exp, "u", 1, [], "py-run").info.run_id
    trk.log_inputs(py_run, datasets=[DatasetInput(Dataset("wine", "d9", "http", '{"url": "x"}', schema="{}"),
                                                  tags=[InputTag("mlflow.data.context", "eval")])])
    reg._dispose_engine() if hasattr(reg, "_dispose_engine") else None
    trk.engine.dispose()

    # 4. mlflow-cpp serves the upgraded database: reads MLflow's rows and writes more.
    with MlflowCppServer(tmp_path / "b", db_path=str(db)) as s:
        rm = ok(s, "GET", "registered-models/get", params={"name": "theirs"})["registered_model"]
        assert rm["description"] == "py" and rm["tags"] == [{"key": "k", "value": "v"}]
        assert rm["aliases"] == [{"alias": "prod", "version": "1"}]
        assert [(v["version"], v["current_stage"]) for v in rm["latest_versions"]] == [("1", "Staging")]
        assert ok(s, "GET", "model-versions/get", params={"name": "ours", "version": "4"})["model_version"][
            "source"] == "s3://b/theirs"
        # Writes that upsert or cascade on the workspace-keyed tables.
        ok(s, "POST", "model-versions/create", {"name": "theirs", "source": "s3://b/cpp"})
        ok(s, "POST", "registered-models/alias", {"name": "theirs", "alias": "prod", "version": "2"})
        ok(s, "POST", "registered-models/set-tag", {"name": "theirs", "key": "k", "value": "v2"})
        ok(s, "POST", "model-versions/set-tag", {"name": "theirs", "version": "2", "key": "mk", "value": "1"})
        ok(s, "POST", "model-versions/set-tag", {"name": "theirs", "version": "2", "key": "mk", "value": "2"})
        ok(s, "POST", "registered-models/rename", {"name": "theirs", "new_name": "theirs-renamed"})
        ok(s, "POST", "model-versions/transition-stage",
           {"name": "theirs-renamed", "version": "2", "stage": "Staging", "archive_existing_versions": True})
        ok(s, "POST", "registered-models/create", {"name": "cpp-on-new", "tags": [{"key": "a", "value": "b"}]})
        ok(s, "DELETE", "registered-models/delete", {"name": "ours"})
        inputs = ok(s, "GET", "runs/get", params={"run_id": py_run})["run"]["inputs"]
        assert inputs["dataset_inputs"] == [{
            "tags": [{"key": "mlflow.data.context", "value": "eval"}],
            "dataset": {"name": "wine", "digest": "d9", "source_type": "http", "source": '{"url": "x"}',
                        "schema": "{}"}}]
        lm = ok(s, "GET", f"logged-models/{theirs_mid}")["model"]
        assert lm["info"]["name"] == "lm_theirs" and lm["info"]["status"] == "LOGGED_MODEL_PENDING"
        ok(s, "PATCH", f"logged-models/{theirs_mid}/tags", {"tags": [{"key": "from", "value": "cpp"}]})
        ok(s, "POST", "model-versions/create", {"name": "cpp-on-new", "source": f"models:/{theirs_mid}",
                                                "model_id": theirs_mid})

    # 5. MLflow reads what mlflow-cpp wrote on its layout.
    reg = RegistryStore(uri)
    rm = reg.get_registered_model("theirs-renamed")
    assert rm.tags == {"k": "v2"} and rm.aliases == {"prod": 2}
    assert {v.version: v.current_stage for v in rm.latest_versions} == {1: "Archived", 2: "Staging"}
    assert reg.get_model_version("theirs-renamed", "2").tags == {"mk": "2"}
    assert [m.name for m in reg.search_registered_models("name = 'ours'")] == []
    assert reg.get_registered_model("cpp-on-new").tags == {"a": "b"}
    trk = TrackingStore(uri, str(tmp_path / "artifacts"))
    lm = trk.get_logged_model(theirs_mid)
    assert lm.tags["from"] == "cpp"
    assert json.loads(lm.tags["mlflow.modelVersions"]) == [{"name": "cpp-on-new", "version": 1}]
    assert reg.get_model_version_download_uri("cpp-on-new", "1") == lm.artifact_location
    trk.engine.dispose()
