"""End-to-end tests of the MLflow 3 logged model endpoints (docs/reference/rest-api.md 3.3) and of dataset inputs,
run outputs and logged-model metrics as the tracking endpoints record them."""
import json
import re
import time
import uuid

from regutil import API, call, error, ok


def new_experiment(s):
    return ok(s, "POST", "experiments/create", {"name": "lm-" + uuid.uuid4().hex})["experiment_id"]


def create_lm(s, exp, **kw):
    return ok(s, "POST", "logged-models", {"experiment_id": exp, **kw})["model"]


def test_create_get_shape(srv):
    exp = new_experiment(srv)
    run = ok(srv, "POST", "runs/create", {"experiment_id": exp})["run"]["info"]["run_id"]
    m = create_lm(srv, exp, name="my_model", model_type="sklearn", source_run_id=run,
                  params=[{"key": "alpha", "value": "0.5"}], tags=[{"key": "t", "value": "1"}])
    info = m["info"]
    assert re.fullmatch(r"m-[0-9a-f]{32}", info["model_id"])
    assert info["experiment_id"] == exp and info["name"] == "my_model"
    assert info["artifact_uri"] == f"mlflow-artifacts:/{exp}/models/{info['model_id']}/artifacts"
    assert info["status"] == "LOGGED_MODEL_PENDING"
    assert info["creation_timestamp_ms"] == info["last_updated_timestamp_ms"]
    assert info["model_type"] == "sklearn" and info["source_run_id"] == run
    assert info["tags"] == [{"key": "t", "value": "1"}]
    assert m["data"] == {"params": [{"key": "alpha", "value": "0.5"}]}
    got = ok(srv, "GET", f"logged-models/{info['model_id']}")["model"]
    assert got == m
    # Both prefixes.
    assert srv.get(f"/ajax-api/2.0/mlflow/logged-models/{info['model_id']}")[1]["model"] == m


def test_generated_name_and_errors(srv):
    exp = new_experiment(srv)
    m = create_lm(srv, exp)
    assert re.fullmatch(r"[a-z]+-[a-z]+-\d+", m["info"]["name"])
    for bad in ["a/b", "a.b", "a:b", "a%b", "a'b", 'a"b']:
        status, code, msg = error(srv, "POST", "logged-models", {"experiment_id": exp, "name": bad})
        assert (status, code) == (400, "INVALID_PARAMETER_VALUE")
        assert msg.startswith("Invalid model name (") and "cannot contain the following characters" in msg
    assert error(srv, "POST", "logged-models", {"experiment_id": "123456"}) == (
        404, "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=123456 exists")
    assert error(srv, "POST", "logged-models", {"experiment_id": "abc"}) == (
        400, "INVALID_PARAMETER_VALUE", "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.")
    assert error(srv, "POST", "logged-models", {})[2].startswith(
        "Missing value for required parameter 'experiment_id'.")
    ok(srv, "POST", "experiments/delete", {"experiment_id": exp})
    status, code, msg = error(srv, "POST", "logged-models", {"experiment_id": exp})
    assert (status, code) == (400, "INVALID_PARAMETER_VALUE") and "must be in the 'active' state" in msg
    missing = "m-" + "0" * 32
    assert error(srv, "GET", f"logged-models/{missing}") == (
        404, "RESOURCE_DOES_NOT_EXIST", f"Logged model with ID '{missing}' not found.")


def test_finalize_delete_tags_params(srv):
    exp = new_experiment(srv)
    mid = create_lm(srv, exp)["info"]["model_id"]
    m = ok(srv, "PATCH", f"logged-models/{mid}", {"model_id": mid, "status": "LOGGED_MODEL_READY"})["model"]
    assert m["info"]["status"] == "LOGGED_MODEL_READY"
    m = ok(srv, "PATCH", f"logged-models/{mid}", {"model_id": mid, "status": 3})["model"]
    assert m["info"]["status"] == "LOGGED_MODEL_UPLOAD_FAILED"
    assert m["info"]["last_updated_timestamp_ms"] >= m["info"]["creation_timestamp_ms"]
    assert error(srv, "PATCH", f"logged-models/{mid}", {"model_id": mid})[2].startswith(
        "Missing value for required parameter 'status'.")

    ok(srv, "PATCH", f"logged-models/{mid}/tags", {"tags": [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]})
    ok(srv, "PATCH", f"logged-models/{mid}/tags", {"tags": [{"key": "a", "value": "3"}]})
    ok(srv, "DELETE", f"logged-models/{mid}/tags/b")
    assert error(srv, "DELETE", f"logged-models/{mid}/tags/b") == (
        404, "RESOURCE_DOES_NOT_EXIST", f"No tag with key 'b' found for model with ID '{mid}'.")
    ok(srv, "POST", f"logged-models/{mid}/params", {"model_id": mid, "params": [{"key": "p", "value": "1"}]})
    status, code, _ = error(srv, "POST", f"logged-models/{mid}/params",
                            {"model_id": mid, "params": [{"key": "p", "value": "2"}]})
    assert (status, code) == (400, "BAD_REQUEST")  # re-logging a key: database integrity error
    m = ok(srv, "GET", f"logged-models/{mid}")["model"]
    assert m["info"]["tags"] == [{"key": "a", "value": "3"}]
    assert m["data"]["params"] == [{"key": "p", "value": "1"}]

    ok(srv, "DELETE", f"logged-models/{mid}", {"model_id": mid})
    assert error(srv, "GET", f"logged-models/{mid}")[0] == 404
    missing = "m-" + "f" * 32
    for method, path, body in [("PATCH", missing, {"model_id": missing, "status": 2}),
                               ("DELETE", missing, None),
                               ("PATCH", missing + "/tags", {"tags": []}),
                               ("POST", missing + "/params", {"model_id": missing, "params": []})]:
        assert error(srv, method, "logged-models/" + path, body)[0] == 404


def test_metrics_linked_to_model(srv):
    exp = new_experiment(srv)
    run = ok(srv, "POST", "runs/create", {"experiment_id": exp})["run"]["info"]["run_id"]
    mid = create_lm(srv, exp, source_run_id=run)["info"]["model_id"]
    ok(srv, "POST", "runs/log-metric", {"run_id": run, "key": "acc", "value": 0.7, "timestamp": 10, "step": 1,
                                        "model_id": mid, "dataset_name": "ds", "dataset_digest": "d1"})
    ok(srv, "POST", "runs/log-batch", {"run_id": run, "metrics": [
        {"key": "loss", "value": 0.25, "timestamp": 11, "step": 2, "model_id": mid}]})
    m = ok(srv, "GET", f"logged-models/{mid}")["model"]
    assert m["data"]["metrics"] == [
        {"key": "acc", "value": 0.7, "timestamp": 10, "step": 1, "run_id": run, "model_id": mid,
         "dataset_name": "ds", "dataset_digest": "d1"},
        {"key": "loss", "value": 0.25, "timestamp": 11, "step": 2, "run_id": run, "model_id": mid},
    ]


def test_search_logged_models(srv):
    exp = new_experiment(srv)
    run = ok(srv, "POST", "runs/create", {"experiment_id": exp})["run"]["info"]["run_id"]
    ids = []
    for i in range(4):
        mid = create_lm(srv, exp, name=f"model_{i}", params=[{"key": "alpha", "value": str(i)}],
                        tags=[{"key": "t", "value": str(i % 2)}])["info"]["model_id"]
        time.sleep(0.003)  # distinct creation times: the order is creation DESC
        ok(srv, "POST", "runs/log-metric", {"run_id": run, "key": "acc", "value": i / 10, "timestamp": 1,
                                            "model_id": mid, "dataset_name": "test" if i < 2 else "train"})
        ids.append(mid)
    ok(srv, "DELETE", f"logged-models/{ids[3]}")

    def search(**body):
        return ok(srv, "POST", "logged-models/search", {"experiment_ids": [exp], **body})

    out = search()
    assert [m["info"]["model_id"] for m in out["models"]] == ids[2::-1]  # creation DESC, deleted excluded
    assert [m["info"]["name"] for m in search(filter="name = 'model_1'")["models"]] == ["model_1"]
    assert sorted(m["info"]["name"] for m in search(filter="metrics.acc > 0.05")["models"]) == ["model_1", "model_2"]
    assert [m["info"]["name"] for m in search(filter="params.alpha = '2'")["models"]] == ["model_2"]
    assert sorted(m["info"]["name"] for m in search(filter="tags.t IN ('1')")["models"]) == ["model_1"]
    out = search(order_by=[{"field_name": "metrics.acc", "ascending": False}])
    assert [m["info"]["name"] for m in out["models"]] == ["model_2", "model_1", "model_0"]
    out = search(datasets=[{"dataset_name": "test"}])
    assert sorted(m["info"]["name"] for m in out["models"]) == ["model_0", "model_1"]

    page1 = search(max_results=2)
    assert len(page1["models"]) == 2 and page1["next_page_token"]
    page2 = search(max_results=2, page_token=page1["next_page_token"])
    assert [m["info"]["model_id"] for m in page2["models"]] == [ids[0]] and "next_page_token" not in page2
    status, code, msg = error(srv, "POST", "logged-models/search",
                              {"experiment_ids": ["0"], "page_token": page1["next_page_token"]})
    assert code == "INVALID_PARAMETER_VALUE" and "Experiment IDs in the page token do not match" in msg

    assert error(srv, "POST", "logged-models/search", {"experiment_ids": [exp], "filter": "foo.x = 'a'"})[1] == (
        "INVALID_PARAMETER_VALUE")
    assert error(srv, "POST", "logged-models/search",
                 {"experiment_ids": [exp], "datasets": [{"dataset_digest": "x"}]})[2] == (
        "`dataset_name` in the `datasets` clause must be specified.")
    assert error(srv, "POST", "logged-models/search", {})[2].startswith(
        "Missing value for required parameter 'experiment_ids'.")


def test_register_from_logged_model(srv):
    exp = new_experiment(srv)
    run = ok(srv, "POST", "runs/create", {"experiment_id": exp})["run"]["info"]["run_id"]
    mid = create_lm(srv, exp, source_run_id=run)["info"]["model_id"]
    name = "from-lm-" + uuid.uuid4().hex[:8]
    ok(srv, "POST", "registered-models/create", {"name": name})
    mv = ok(srv, "POST", "model-versions/create",
            {"name": name, "source": f"models:/{mid}", "model_id": mid})["model_version"]
    assert mv["run_id"] == run  # filled from the logged model's source run
    assert mv["source"] == f"models:/{mid}"
    uri = ok(srv, "GET", "model-versions/get-download-uri", params={"name": name, "version": "1"})["artifact_uri"]
    assert uri == f"mlflow-artifacts:/{exp}/models/{mid}/artifacts"
    ok(srv, "POST", "model-versions/create", {"name": name, "source": f"models:/{mid}", "model_id": mid})
    tags = {t["key"]: t["value"] for t in ok(srv, "GET", f"logged-models/{mid}")["model"]["info"]["tags"]}
    assert tags["mlflow.modelVersions"] == f'[{{"name": "{name}", "version": 1}}, {{"name": "{name}", "version": 2}}]'
    assert error(srv, "POST", "model-versions/create",
                 {"name": name, "source": "models:/m-" + "1" * 32})[1] == "INVALID_PARAMETER_VALUE"


def test_inputs_outputs_in_run_json(srv):
    exp = new_experiment(srv)
    run = ok(srv, "POST", "runs/create", {"experiment_id": exp})["run"]["info"]["run_id"]
    mid = create_lm(srv, exp, source_run_id=run)["info"]["model_id"]
    ds = {"name": "iris", "digest": "abc", "source_type": "local", "source": '{"uri": "/d"}', "schema": "{}"}
    ok(srv, "POST", "runs/log-inputs", {"run_id": run, "datasets": [
        {"dataset": ds, "tags": [{"key": "mlflow.data.context", "value": "training"}]},
        {"dataset": ds, "tags": [{"key": "mlflow.data.context", "value": "dup"}]},
    ], "models": [{"model_id": mid}]})
    # Re-logging keeps the original input tags.
    ok(srv, "POST", "runs/log-inputs", {"run_id": run, "datasets": [
        {"dataset": ds, "tags": [{"key": "mlflow.data.context", "value": "eval"}]}]})
    ok(srv, "POST", "runs/outputs", {"run_id": run, "models": [{"model_id": mid, "step": 3}]})
    r = ok(srv, "GET", "runs/get", params={"run_id": run})["run"]
    assert r["inputs"]["dataset_inputs"] == [
        {"tags": [{"key": "mlflow.data.context", "value": "training"}],
         "dataset": {"name": "iris", "digest": "abc", "source_type": "local", "source": '{"uri": "/d"}',
                     "schema": "{}"}}]
    assert r["inputs"]["model_inputs"] == [{"model_id": mid}]
    assert r["outputs"] == {"model_outputs": [{"model_id": mid, "step": 3}]}
    status, out = call(srv, "POST", "ajax-api-placeholder", {})  # unknown route stays a non-JSON 404
    assert status == 404 and not isinstance(out, dict)
    summaries = srv.request("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets",
                            body={"experiment_ids": [exp]})[1]["dataset_summaries"]
    assert summaries == [{"experiment_id": exp, "name": "iris", "digest": "abc", "context": "training"}]
    _, code, msg = error(srv, "POST", "runs/log-inputs", {"run_id": run, "datasets": [
        {"dataset": {**ds, "digest": "d" * 37}}]})
    assert msg == "'digest' exceeds the maximum length of 36 characters"
    json.dumps(r)  # the run JSON is plain JSON
