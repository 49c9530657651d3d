"""End-to-end tests of the tracking REST API against the real server process."""
import json
import math
import threading

import pytest
import requests

from mlflow_server import selected_backend

API = "/api/2.0/mlflow/"


def create_exp(srv, name, **kw):
    return srv.api("POST", "experiments/create", {"name": name, **kw})["experiment_id"]


def create_run(srv, exp_id="0", **kw):
    body = {"experiment_id": exp_id, "start_time": 1000, **kw}
    return srv.api("POST", "runs/create", body)["run"]


def err(srv, method, endpoint, body=None, params=None):
    status, out = srv.request(method, API + endpoint, body=body, params=params)
    return status, out


# ------------------------------------------------------------------ service endpoints

def test_health_and_version(shared_server):
    assert shared_server.get("/health") == (200, "OK")
    status, text = shared_server.get("/version")
    assert status == 200 and text.count(".") == 2


def test_both_prefixes_serve_the_same_handler(shared_server):
    s1, a = shared_server.get(API + "experiments/get", params={"experiment_id": "0"})
    s2, b = shared_server.get("/ajax-api/2.0/mlflow/experiments/get", params={"experiment_id": "0"})
    assert s1 == s2 == 200 and a == b


def test_unknown_path_is_html_404_and_wrong_method_405(shared_server):
    status, body = shared_server.get("/api/2.0/mlflow/nope")
    assert status == 404 and isinstance(body, str) and "<" in body
    status, _ = shared_server.request("GET", API + "runs/create")
    assert status == 405


# ------------------------------------------------------------------ experiments

def test_default_experiment(shared_server):
    exp = shared_server.api("GET", "experiments/get", params={"experiment_id": "0"})["experiment"]
    assert exp["name"] == "Default" and exp["lifecycle_stage"] == "active"
    assert exp["artifact_location"] == "mlflow-artifacts:/0"


def test_experiment_lifecycle(server):
    eid = create_exp(server, "lifecycle", tags=[{"key": "team", "value": "vision"}])
    exp = server.api("GET", "experiments/get", params={"experiment_id": eid})["experiment"]
    assert exp["artifact_location"] == f"mlflow-artifacts:/{eid}"
    assert exp["tags"] == [{"key": "team", "value": "vision"}]
    assert exp["creation_time"] == exp["last_update_time"]
    by_name = server.api("GET", "experiments/get-by-name", params={"experiment_name": "lifecycle"})
    assert by_name["experiment"]["experiment_id"] == eid

    server.api("POST", "experiments/update", {"experiment_id": eid, "new_name": "renamed"})
    assert server.api("GET", "experiments/get", params={"experiment_id": eid})["experiment"]["name"] == "renamed"

    server.api("POST", "experiments/set-experiment-tag", {"experiment_id": eid, "key": "k", "value": "v"})
    server.api("POST", "experiments/set-experiment-tag", {"experiment_id": eid, "key": "k", "value": "v2"})
    tags = server.api("GET", "experiments/get", params={"experiment_id": eid})["experiment"]["tags"]
    assert {"key": "k", "value": "v2"} in tags
    server.api("POST", "experiments/delete-experiment-tag", {"experiment_id": eid, "key": "k"})
    status, out = err(server, "POST", "experiments/delete-experiment-tag", {"experiment_id": eid, "key": "k"})
    assert status == 404 and out["error_code"] == "RESOURCE_DOES_NOT_EXIST"

    run = create_run(server, eid)
    server.api("POST", "experiments/delete", {"experiment_id": eid})
    exp = server.api("GET", "experiments/get", params={"experiment_id": eid})["experiment"]
    assert exp["lifecycle_stage"] == "deleted"
    got = server.api("GET", "runs/get", params={"run_id": run["info"]["run_id"]})["run"]
    assert got["info"]["lifecycle_stage"] == "deleted"
    # Deleting twice is a 404; a deleted experiment cannot be renamed (INVALID_STATE is a 500).
    assert err(server, "POST", "experiments/delete", {"experiment_id": eid})[0] == 404
    status, out = err(server, "POST", "experiments/update", {"experiment_id": eid, "new_name": "x"})
    assert status == 500 and out["error_code"] == "INVALID_STATE"
    status, out = err(server, "POST", "runs/create", {"experiment_id": eid})
    assert status == 400 and "must be in the 'active' state" in out["message"]

    server.api("POST", "experiments/restore", {"experiment_id": eid})
    got = server.api("GET", "runs/get", params={"run_id": run["info"]["run_id"]})["run"]
    assert got["info"]["lifecycle_stage"] == "active"
    assert err(server, "POST", "experiments/restore", {"experiment_id": eid})[0] == 404


def test_experiment_errors(server):
    create_exp(server, "dup")
    status, out = err(server, "POST", "experiments/create", {"name": "dup"})
    assert (status, out["error_code"]) == (400, "RESOURCE_ALREADY_EXISTS")
    status, out = err(server, "POST", "experiments/create", {})
    assert (status, out["error_code"]) == (400, "INVALID_PARAMETER_VALUE")
    assert "Missing value for required parameter 'name'" in out["message"]
    status, out = err(server, "POST", "experiments/create", {"name": "x" * 501})
    assert status == 400 and "exceeds the maximum length of 500" in out["message"]
    status, out = err(server, "POST", "experiments/create", {"name": 5})
    assert status == 400 and "Hint: Value was of type 'int'" in out["message"]
    status, out = err(server, "POST", "experiments/create", {"name": "frag", "artifact_location": "s3://b/p#x"})
    assert status == 400 and "fragments" in out["message"]
    status, out = err(server, "GET", "experiments/get", params={"experiment_id": "999"})
    assert (status, out["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")
    status, out = err(server, "GET", "experiments/get", params={"experiment_id": "abc"})
    assert (status, out["error_code"]) == (400, "INVALID_PARAMETER_VALUE")  # MLflow 3.x
    assert out["sqlstate"] == "KAM00" and out["error_class"] == "INVALID_PARAMETER_VALUE"
    status, out = err(server, "GET", "experiments/get-by-name", params={"experiment_name": "nope"})
    assert (status, out["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")
    other = create_exp(server, "other")
    status, out = err(server, "POST", "experiments/update", {"experiment_id": other, "new_name": "dup"})
    assert status == 400
    # Nothing changed by the failures.
    assert server.api("GET", "experiments/get", params={"experiment_id": other})["experiment"]["name"] == "other"


def test_content_type_rules(server):
    status, out = server.request("POST", API + "experiments/create", raw='{"name": "ct"}',
                                 headers={"Content-Type": "text/plain"})
    assert status == 400 and "Content-Type must be one of" in out["message"]
    r = server.session.post(server.url + API + "experiments/create", data=b'{"name": "ct"}')
    assert r.status_code == 400 and "Content-Type header is missing" in r.json()["message"]
    # Charset parameters are fine, and a malformed body acts as {}.
    status, out = server.request("POST", API + "experiments/create", raw='{"name": "ct"}',
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    assert status == 200
    status, out = server.request("POST", API + "experiments/create", raw='{"name": ')
    assert status == 400 and "Missing value for required parameter 'name'" in out["message"]


# ------------------------------------------------------------------ runs

def test_run_lifecycle(server):
    eid = create_exp(server, "runs")
    run = create_run(server, eid, run_name="first", user_id="alice",
                     tags=[{"key": "mlflow.user", "value": "alice"}])
    info = run["info"]
    rid = info["run_id"]
    assert len(rid) == 32 and rid == rid.lower() and info["run_uuid"] == rid
    assert info["status"] == "RUNNING" and info["lifecycle_stage"] == "active" and "end_time" not in info
    assert info["artifact_uri"] == f"mlflow-artifacts:/{eid}/{rid}/artifacts"
    assert {"key": "mlflow.runName", "value": "first"} in run["data"]["tags"]

    upd = server.api("POST", "runs/update", {"run_id": rid, "status": "FINISHED", "end_time": 2000,
                                             "run_name": "second"})["run_info"]
    assert upd["status"] == "FINISHED" and upd["end_time"] == 2000 and upd["run_name"] == "second"
    got = server.api("GET", "runs/get", params={"run_id": rid})["run"]
    assert {"key": "mlflow.runName", "value": "second"} in got["data"]["tags"]

    server.api("POST", "runs/delete", {"run_id": rid})
    server.api("POST", "runs/delete", {"run_id": rid})  # deleting a deleted run is fine
    got = server.api("GET", "runs/get", params={"run_id": rid})["run"]
    assert got["info"]["lifecycle_stage"] == "deleted"
    status, out = err(server, "POST", "runs/log-metric", {"run_id": rid, "key": "m", "value": 1, "timestamp": 1})
    assert status == 400 and "must be in the 'active' state" in out["message"]
    server.api("POST", "runs/restore", {"run_id": rid})
    assert server.api("GET", "runs/get", params={"run_id": rid})["run"]["info"]["lifecycle_stage"] == "active"


def test_run_name_rules(server):
    run = create_run(server, tags=[{"key": "mlflow.runName", "value": "from-tag"}])
    assert run["info"]["run_name"] == "from-tag"
    generated = create_run(server)
    assert generated["info"]["run_name"] and generated["info"]["run_name"].count("-") == 2
    status, out = err(server, "POST", "runs/create",
                      {"experiment_id": "0", "run_name": "a", "tags": [{"key": "mlflow.runName", "value": "b"}]})
    assert status == 400 and "different values" in out["message"]
    rid = run["info"]["run_id"]
    server.api("POST", "runs/set-tag", {"run_id": rid, "key": "mlflow.runName", "value": "via-tag"})
    assert server.api("GET", "runs/get", params={"run_id": rid})["run"]["info"]["run_name"] == "via-tag"


def test_run_errors(server):
    status, out = err(server, "GET", "runs/get", params={"run_id": "f" * 32})
    assert (status, out["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")
    assert out["message"] == f"Run with id={'f' * 32} not found"
    status, out = err(server, "POST", "runs/create", {"experiment_id": "12345"})
    assert status == 404
    status, out = err(server, "GET", "runs/get", params={})
    assert status == 400 and "run_id" in out["message"]
    # run_uuid alone satisfies run_id
    rid = create_run(server)["info"]["run_id"]
    assert server.api("GET", "runs/get", params={"run_uuid": rid})["run"]["info"]["run_id"] == rid


# ------------------------------------------------------------------ params, metrics, tags

def test_params(server):
    rid = create_run(server)["info"]["run_id"]
    server.api("POST", "runs/log-parameter", {"run_id": rid, "key": "lr", "value": "0.1"})
    server.api("POST", "runs/log-parameter", {"run_id": rid, "key": "lr", "value": "0.1"})  # same value: no-op
    status, out = err(server, "POST", "runs/log-parameter", {"run_id": rid, "key": "lr", "value": "0.2"})
    assert status == 400 and "Changing param values is not allowed" in out["message"]
    long = "x" * 7000
    server.api("POST", "runs/log-parameter", {"run_id": rid, "key": "long", "value": long})
    params = {p["key"]: p["value"] for p in server.api("GET", "runs/get", params={"run_id": rid})["run"]["data"]["params"]}
    assert params["lr"] == "0.1" and params["long"] == "x" * 6000
    status, out = err(server, "POST", "runs/log-parameter", {"run_id": rid, "key": "bad/../key", "value": "1"})
    assert status == 400 and "resolve" in out["message"]
    status, out = err(server, "POST", "runs/log-parameter", {"run_id": rid, "key": "k" * 251, "value": "1"})
    assert status == 400 and "'Param key' exceeds the maximum length of 250" in out["message"]
    status, out = err(server, "POST", "runs/log-parameter", {"run_id": rid, "key": "semi;colon", "value": "1"})
    assert status == 400 and "Names may only contain" in out["message"]


def test_metrics_latest_and_special_values(server):
    rid = create_run(server)["info"]["run_id"]
    for step, value in [(0, 1.0), (2, 3.0), (1, 5.0)]:
        server.api("POST", "runs/log-metric", {"run_id": rid, "key": "loss", "value": value, "timestamp": 10,
                                               "step": step})
    server.api("POST", "runs/log-metric", {"run_id": rid, "key": "nan", "value": "NaN", "timestamp": 1})
    server.api("POST", "runs/log-metric", {"run_id": rid, "key": "inf", "value": "Infinity", "timestamp": 1})
    server.api("POST", "runs/log-metric", {"run_id": rid, "key": "ninf", "value": "-Infinity", "timestamp": 1})
    metrics = {m["key"]: m for m in server.api("GET", "runs/get", params={"run_id": rid})["run"]["data"]["metrics"]}
    assert metrics["loss"]["value"] == 3.0 and metrics["loss"]["step"] == 2
    assert metrics["nan"]["value"] == "NaN"
    assert metrics["inf"]["value"] == 1.7976931348623157e308
    assert metrics["ninf"]["value"] == -1.7976931348623157e308
    hist = server.api("GET", "metrics/get-history", params={"run_id": rid, "metric_key": "loss"})["metrics"]
    assert [m["step"] for m in hist] == [0, 1, 2]
    # Duplicate points are dropped.
    server.api("POST", "runs/log-metric", {"run_id": rid, "key": "loss", "value": 1.0, "timestamp": 10, "step": 0})
    hist = server.api("GET", "metrics/get-history", params={"run_id": rid, "metric_key": "loss"})["metrics"]
    assert len(hist) == 3


def test_metric_errors(server):
    rid = create_run(server)["info"]["run_id"]
    status, out = err(server, "POST", "runs/log-metric", {"run_id": rid, "key": "m", "value": "abc", "timestamp": 1})
    assert status == 400 and "valid double" in out["message"]
    status, out = err(server, "POST", "runs/log-metric", {"run_id": rid, "key": "m", "value": 1, "timestamp": -1})
    assert status == 400 and "Timestamp must be a nonnegative long" in out["message"]
    status, out = err(server, "POST", "runs/log-metric", {"run_id": rid, "key": "m", "value": 1})
    assert status == 400 and "'timestamp'" in out["message"]
    status, out = err(server, "POST", "runs/log-metric", {"run_id": rid, "key": "m", "value": 1, "timestamp": 1,
                                                          "step": "abc"})
    assert status == 400 and "Step must be a valid long" in out["message"]
    assert "metrics" not in server.api("GET", "runs/get", params={"run_id": rid})["run"]["data"]


def test_metric_history_paging(server):
    rid = create_run(server)["info"]["run_id"]
    for chunk in range(5):
        metrics = [{"key": "acc", "value": i * 0.5, "timestamp": 100 + i, "step": i}
                   for i in range(chunk * 200, chunk * 200 + 200)]
        server.api("POST", "runs/log-batch", {"run_id": rid, "metrics": metrics})
    seen, token, pages = [], None, 0
    while pages < 50:
        params = {"run_id": rid, "metric_key": "acc", "max_results": 300}
        if token:
            params["page_token"] = token
        out = server.api("GET", "metrics/get-history", params=params)
        seen += out.get("metrics", [])
        pages += 1
        token = out.get("next_page_token")
        if not token:
            break
    assert pages == 4 and [m["step"] for m in seen] == list(range(1000))
    status, out = err(server, "GET", "metrics/get-history", params={"run_id": rid, "metric_key": "acc",
                                                                    "page_token": "garbage!!"})
    assert (status, out["error_code"]) == (400, "INVALID_PARAMETER_VALUE")
    # MLflow 3.x answers an unknown run's history with an empty list.
    assert err(server, "GET", "metrics/get-history", params={"run_id": "0" * 32, "metric_key": "acc"}) == (200, {})
    assert server.api("GET", "metrics/get-history", params={"run_id": rid, "metric_key": "none"}) == {}


def test_tags(server):
    rid = create_run(server)["info"]["run_id"]
    server.api("POST", "runs/set-tag", {"run_id": rid, "key": "t", "value": "v" * 9000})
    tags = {t["key"]: t["value"] for t in server.api("GET", "runs/get", params={"run_id": rid})["run"]["data"]["tags"]}
    assert tags["t"] == "v" * 8000
    server.api("POST", "runs/delete-tag", {"run_id": rid, "key": "t"})
    status, out = err(server, "POST", "runs/delete-tag", {"run_id": rid, "key": "t"})
    assert status == 404 and out["message"] == f"No tag with name: t in run with id {rid}"


# ------------------------------------------------------------------ log-batch

def test_log_batch_and_limits(server):
    rid = create_run(server)["info"]["run_id"]
    metrics = [{"key": f"m{i % 10}", "value": i, "timestamp": 1, "step": i} for i in range(1000)]
    server.api("POST", "runs/log-batch", {"run_id": rid, "metrics": metrics})
    data = server.api("GET", "runs/get", params={"run_id": rid})["run"]["data"]
    assert len(data["metrics"]) == 10 and {m["step"] for m in data["metrics"]} == set(range(990, 1000))

    too_many = metrics + [{"key": "x", "value": 1, "timestamp": 1}]
    status, out = err(server, "POST", "runs/log-batch", {"run_id": rid, "metrics": too_many})
    assert status == 400 and "at most 1000 metrics. Got 1001 metrics" in out["message"]
    params = [{"key": f"p{i}", "value": "v"} for i in range(101)]
    status, out = err(server, "POST", "runs/log-batch", {"run_id": rid, "params": params})
    assert status == 400 and "at most 100 params" in out["message"]
    tags = [{"key": f"t{i}", "value": "v"} for i in range(101)]
    status, out = err(server, "POST", "runs/log-batch", {"run_id": rid, "tags": tags})
    assert status == 400 and "at most 100 tags" in out["message"]
    mixed = {"run_id": rid, "metrics": metrics[:950], "params": params[:60]}
    status, out = err(server, "POST", "runs/log-batch", mixed)
    assert status == 400 and "metrics, params, and tags" in out["message"]
    status, out = err(server, "POST", "runs/log-batch",
                      {"run_id": rid, "params": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]})
    assert status == 400 and "Duplicate parameter keys" in out["message"]
    status, out = err(server, "POST", "runs/log-batch", {"run_id": rid, "metrics": [{"key": "m", "value": 1}]})
    assert status == 400 and "metrics[0].timestamp" in out["message"]
    status, out = err(server, "POST", "runs/log-batch", {"run_id": "bad id!", "metrics": []})
    assert status == 400


def test_log_batch_param_conflict_changes_nothing(server):
    rid = create_run(server)["info"]["run_id"]
    server.api("POST", "runs/log-parameter", {"run_id": rid, "key": "a", "value": "1"})
    body = {"run_id": rid, "params": [{"key": "b", "value": "2"}, {"key": "a", "value": "changed"}],
            "metrics": [{"key": "m", "value": 1, "timestamp": 1}], "tags": [{"key": "t", "value": "v"}]}
    status, out = err(server, "POST", "runs/log-batch", body)
    assert status == 400 and "Changing param values is not allowed" in out["message"]
    data = server.api("GET", "runs/get", params={"run_id": rid})["run"]["data"]
    assert data["params"] == [{"key": "a", "value": "1"}]
    assert "metrics" not in data
    assert all(t["key"] != "t" for t in data["tags"])


# ------------------------------------------------------------------ inputs / outputs / log-model

def test_log_inputs_and_outputs(server):
    eid = create_exp(server, "inputs")
    rid = create_run(server, eid)["info"]["run_id"]
    ds = {"name": "train", "digest": "abc123", "source_type": "local", "source": "{\"uri\": \"/tmp/x\"}",
          "schema": "{}", "profile": "{\"rows\": 10}"}
    body = {"run_id": rid, "datasets": [{"dataset": ds, "tags": [{"key": "mlflow.data.context", "value": "training"}]},
                                        {"dataset": ds}]}
    server.api("POST", "runs/log-inputs", body)
    server.api("POST", "runs/log-inputs", {"run_id": rid, "models": [{"model_id": "m-" + "a" * 32}]})
    server.api("POST", "runs/outputs", {"run_id": rid, "models": [{"model_id": "m-" + "b" * 32, "step": 3}]})
    run = server.api("GET", "runs/get", params={"run_id": rid})["run"]
    inputs = run["inputs"]["dataset_inputs"]
    assert len(inputs) == 1 and inputs[0]["dataset"]["digest"] == "abc123"
    assert inputs[0]["tags"] == [{"key": "mlflow.data.context", "value": "training"}]
    assert run["inputs"]["model_inputs"] == [{"model_id": "m-" + "a" * 32}]
    assert run["outputs"]["model_outputs"] == [{"model_id": "m-" + "b" * 32, "step": 3}]
    status, out = server.request("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets",
                                 body={"experiment_ids": [eid]})
    assert status == 200
    assert out["dataset_summaries"] == [{"experiment_id": eid, "name": "train", "digest": "abc123",
                                         "context": "training"}]
    status, out = err(server, "POST", "runs/log-inputs", {"run_id": rid, "datasets": [{"dataset": {"name": "x"}}]})
    assert status == 400 and "cannot be None" in out["message"]


def test_log_model_appends_history(server):
    rid = create_run(server)["info"]["run_id"]
    model = {"artifact_path": "model", "flavors": {"python_function": {}}, "run_id": rid,
             "utc_time_created": "2024-01-01 00:00:00"}
    server.api("POST", "runs/log-model", {"run_id": rid, "model_json": json.dumps(model)})
    server.api("POST", "runs/log-model", {"run_id": rid, "model_json": json.dumps(model)})
    tags = {t["key"]: t["value"] for t in server.api("GET", "runs/get", params={"run_id": rid})["run"]["data"]["tags"]}
    assert len(json.loads(tags["mlflow.log-model.history"])) == 2
    status, out = err(server, "POST", "runs/log-model", {"run_id": rid, "model_json": "{not json"})
    assert status == 400 and "Malformed model info" in out["message"]
    status, out = err(server, "POST", "runs/log-model", {"run_id": rid, "model_json": "{}"})
    assert status == 400 and "missing mandatory fields" in out["message"]


def test_concurrent_log_model_calls_lose_no_history_entry(server):
    # log-model read the run and set the history tag in a second transaction: of two concurrent
    # calls, one could overwrite the other's entry. 8 threads x 25 calls must leave 200 entries.
    # (PostgreSQL keeps tag values in MLflow's VARCHAR(8000): 12 calls each fit there.)
    per_thread = 12 if selected_backend() != "sqlite" else 25
    rid = create_run(server)["info"]["run_id"]
    errors = []

    def log_models(t):
        s = requests.Session()
        for i in range(per_thread):
            model = {"artifact_path": f"m-{t}-{i}", "flavors": {}, "run_id": "r", "utc_time_created": "t"}
            r = s.post(server.url + API + "runs/log-model", json={"run_id": rid, "model_json": json.dumps(model)},
                       timeout=60)
            if r.status_code != 200:
                errors.append(r.text[:200])

    threads = [threading.Thread(target=log_models, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and errors == [], errors[:3]
    tags = {t["key"]: t["value"] for t in server.api("GET", "runs/get", params={"run_id": rid})["run"]["data"]["tags"]}
    paths = [m["artifact_path"] for m in json.loads(tags["mlflow.log-model.history"])]
    assert sorted(paths) == sorted(f"m-{t}-{i}" for t in range(8) for i in range(per_thread))


def test_options_and_wrong_methods_name_the_allowed_methods(shared_server):
    status, _ = shared_server.request("OPTIONS", API + "runs/create")
    assert status == 204
    r = requests.options(shared_server.url + API + "experiments/search", timeout=30)
    assert r.status_code == 204 and r.content == b""
    assert sorted(m.strip() for m in r.headers["Allow"].split(",")) == ["GET", "HEAD", "OPTIONS", "POST"]
    r = requests.get(shared_server.url + API + "runs/create", timeout=30)
    assert r.status_code == 405 and r.headers["Allow"] == "OPTIONS, POST"


def test_bulk_history_endpoints(server):
    r1 = create_run(server)["info"]["run_id"]
    r2 = create_run(server)["info"]["run_id"]
    for rid in (r1, r2):
        server.api("POST", "runs/log-batch", {"run_id": rid, "metrics": [
            {"key": "loss", "value": s / 10, "timestamp": s, "step": s} for s in range(50)]})
    out = server.api("GET", "metrics/get-history-bulk-interval",
                     params={"run_ids": [r1, r2], "metric_key": "loss", "max_results": 10})
    steps = {m["step"] for m in out["metrics"]}
    assert 0 in steps and 49 in steps and len(steps) <= 12
    assert {m["run_id"] for m in out["metrics"]} == {r1, r2}
    status, out = server.get("/ajax-api/2.0/mlflow/metrics/get-history-bulk",
                             params={"run_id": [r1, r2], "metric_key": "loss"})
    assert status == 200 and len(out["metrics"]) == 100
    status, out = err(server, "GET", "metrics/get-history-bulk-interval",
                      params={"run_ids": [r1], "metric_key": "loss", "max_results": 0})
    assert status == 400 and "between 1 and 2500" in out["message"]
