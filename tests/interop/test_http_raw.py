"""Differential raw HTTP suite: what the client never sends.

For every request both servers must agree on the HTTP status, whether the body is JSON, the
error_code and the shape of the body (messages may differ). Successful answers are compared in
full after normalization, which also checks the wire format (numbers, omitted empty fields)."""
import json

import pytest
import requests

from harness.client_diff import normalizer_for, run_scenario
from harness.normalize import shape

A = "/api/2.0/mlflow"
T0 = 1_600_000_000_000
J = {"Content-Type": "application/json"}

# (label, method, path, body, headers). body: dict/list -> JSON; str -> sent as is; None -> no body.
# {exp}, {run}, {run_upper} are replaced by each server's own ids (made in setup()). {scratch_run} is
# a run whose contents are never compared: for calls MLflow accepts and we refuse on purpose.
CASES = [
    # malformed bodies
    ("create: not json", "POST", A + "/experiments/create", "{not json", J),
    ("create: empty body", "POST", A + "/experiments/create", "", J),
    ("create: json array", "POST", A + "/experiments/create", "[]", J),
    ("create: json null", "POST", A + "/experiments/create", "null", J),
    ("create: double encoded", "POST", A + "/experiments/create", json.dumps(json.dumps({"name": "raw_dbl"})), J),
    ("create: no content type", "POST", A + "/experiments/create", '{"name": "raw_noct"}', {}),
    ("create: text/plain", "POST", A + "/experiments/create", '{"name": "raw_text"}', {"Content-Type": "text/plain"}),
    ("create: charset", "POST", A + "/experiments/create", '{"name": "raw_charset"}',
     {"Content-Type": "application/json; charset=utf-8"}),
    ("create: camelCase unknown fields", "POST", A + "/experiments/create", {"name": "raw_x", "bogus": 1}, J),
    # wrong types
    ("create: name number", "POST", A + "/experiments/create", {"name": 123}, J),
    ("create: name list", "POST", A + "/experiments/create", {"name": ["a"]}, J),
    ("create: name null", "POST", A + "/experiments/create", {"name": None}, J),
    ("create: tags not list", "POST", A + "/experiments/create", {"name": "raw_t1", "tags": "x"}, J),
    ("create: tag key number", "POST", A + "/experiments/create",
     {"name": "raw_t2", "tags": [{"key": 1, "value": "v"}]}, J),
    ("create run: experiment_id number", "POST", A + "/runs/create", {"experiment_id": 0, "start_time": T0}, J),
    ("create run: start_time text", "POST", A + "/runs/create", {"experiment_id": "{exp}", "start_time": "abc"}, J),
    ("create run: start_time fraction", "POST", A + "/runs/create", {"experiment_id": "{exp}", "start_time": 1.5}, J),
    ("create run: start_time numeric string", "POST", A + "/runs/create",
     {"experiment_id": "{exp}", "start_time": str(T0 + 7), "run_name": "raw_numstr"}, J),
    ("create run: no experiment_id", "POST", A + "/runs/create", {"start_time": T0, "run_name": "raw_noexp"}, J),
    ("create run: empty experiment_id", "POST", A + "/runs/create", {"experiment_id": "", "start_time": T0}, J),
    ("create run: not json", "POST", A + "/runs/create", "{not json", J),
    ("search runs: nothing created without an experiment", "POST", A + "/runs/search",
     {"experiment_ids": ["0"], "filter": "attributes.run_name = 'raw_noexp'"}, J),
    ("log-metric: value text", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "m", "value": "abc", "timestamp": T0}, J),
    ("log-metric: value NaN", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "nan", "value": "NaN", "timestamp": T0}, J),
    ("log-metric: value Infinity", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "inf", "value": "Infinity", "timestamp": T0}, J),
    ("log-metric: value -Infinity", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "ninf", "value": "-Infinity", "timestamp": T0}, J),
    ("log-metric: value bool", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "m", "value": True, "timestamp": T0}, J),
    ("log-metric: negative timestamp", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "m", "value": 1, "timestamp": -1}, J),
    ("log-metric: step fraction", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "m", "value": 1, "timestamp": T0, "step": 1.5}, J),
    ("log-metric: step string", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "m", "value": 1, "timestamp": T0, "step": "2"}, J),
    ("log-metric: run_uuid only", "POST", A + "/runs/log-metric",
     {"run_uuid": "{run}", "key": "uuid_only", "value": 1, "timestamp": T0}, J),
    ("log-metric: step 2^63 as a number", "POST", A + "/runs/log-metric",
     {"run_id": "{scratch_run}", "key": "m", "value": 1, "timestamp": T0, "step": 2**63}, J),
    ("log-metric: step 2^63 as a string", "POST", A + "/runs/log-metric",
     {"run_id": "{scratch_run}", "key": "m", "value": 1, "timestamp": T0, "step": str(2**63)}, J),
    ("log-metric: step -2^63", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "step_min", "value": 1, "timestamp": T0, "step": -2**63}, J),
    ("log-metric: value nan lowercase", "POST", A + "/runs/log-metric",
     {"run_id": "{scratch_run}", "key": "m", "value": "nan", "timestamp": T0}, J),
    ("log-metric: value NAN", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "nan_upper", "value": "NAN", "timestamp": T0}, J),
    ("log-metric: value inf lowercase", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "inf_lower", "value": "inf", "timestamp": T0}, J),
    ("log-metric: value hexadecimal", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "m", "value": "0x10", "timestamp": T0}, J),
    ("log-metric: value with underscores and spaces", "POST", A + "/runs/log-metric",
     {"run_id": "{run}", "key": "underscores", "value": " 1_000.5 ", "timestamp": T0}, J),
    ("log-param: emoji in key", "POST", A + "/runs/log-parameter", {"run_id": "{run}", "key": "p\U0001F600", "value": "v"}, J),
    ("log-param: combining mark in key", "POST", A + "/runs/log-parameter",
     {"run_id": "{run}", "key": "pe\u0301", "value": "v"}, J),
    ("log-param: letters and digits of other scripts", "POST", A + "/runs/log-parameter",
     {"run_id": "{run}", "key": "p\u00e9\u4e2d\u00bd", "value": "v"}, J),
    ("log-batch: emoji in tag key", "POST", A + "/runs/log-batch",
     {"run_id": "{run}", "tags": [{"key": "t\U0001F600", "value": "v"}]}, J),
    ("log-param: value number", "POST", A + "/runs/log-parameter", {"run_id": "{run}", "key": "pn", "value": 5}, J),
    ("log-param: no value", "POST", A + "/runs/log-parameter", {"run_id": "{run}", "key": "pnone"}, J),
    ("update: bad status", "POST", A + "/runs/update", {"run_id": "{run}", "status": "BOGUS"}, J),
    ("update: status number", "POST", A + "/runs/update", {"run_id": "{run}", "status": 3}, J),
    ("search exps: max_results text", "POST", A + "/experiments/search", {"max_results": "abc"}, J),
    ("search exps: bad view type", "POST", A + "/experiments/search", {"max_results": 10, "view_type": "BOGUS", "order_by": ["name"]}, J),
    ("search exps: no max_results", "POST", A + "/experiments/search", {"order_by": ["name"]}, J),
    ("search exps: max_results 0", "POST", A + "/experiments/search", {"max_results": 0}, J),
    ("search runs: experiment_ids not list", "POST", A + "/runs/search", {"experiment_ids": "{exp}"}, J),
    ("search runs: bad token", "POST", A + "/runs/search", {"experiment_ids": ["{exp}"], "page_token": "%%%"}, J),
    ("search runs: order_by string", "POST", A + "/runs/search",
     {"experiment_ids": ["{exp}"], "order_by": "metrics.m"}, J),
    # missing required fields
    ("create: missing name", "POST", A + "/experiments/create", {}, J),
    ("create: empty name", "POST", A + "/experiments/create", {"name": ""}, J),
    ("get exp: no id", "GET", A + "/experiments/get", None, {}),
    ("get run: no id", "GET", A + "/runs/get", None, {}),
    ("log-metric: missing key", "POST", A + "/runs/log-metric", {"run_id": "{run}", "value": 1, "timestamp": T0}, J),
    ("log-metric: missing value", "POST", A + "/runs/log-metric", {"run_id": "{run}", "key": "m", "timestamp": T0}, J),
    ("log-metric: missing timestamp", "POST", A + "/runs/log-metric", {"run_id": "{run}", "key": "m", "value": 1}, J),
    ("log-metric: missing run", "POST", A + "/runs/log-metric", {"key": "m", "value": 1, "timestamp": T0}, J),
    ("log-param: missing key", "POST", A + "/runs/log-parameter", {"run_id": "{run}", "value": "v"}, J),
    ("set-tag: missing key", "POST", A + "/runs/set-tag", {"run_id": "{run}", "value": "v"}, J),
    ("update exp: missing new_name", "POST", A + "/experiments/update", {"experiment_id": "{exp}"}, J),
    ("history: missing key", "GET", A + "/metrics/get-history?run_id={run}", None, {}),
    ("registered model: missing name", "POST", A + "/registered-models/create", {}, J),
    ("model version: missing source", "POST", A + "/model-versions/create", {"name": "raw_model"}, J),
    ("log-batch: missing run", "POST", A + "/runs/log-batch", {"metrics": []}, J),
    ("log-batch: metric missing value", "POST", A + "/runs/log-batch",
     {"run_id": "{run}", "metrics": [{"key": "m", "timestamp": T0}]}, J),
    # limits and oversize values
    ("log-batch: 1001 metrics", "POST", A + "/runs/log-batch",
     {"run_id": "{run}", "metrics": [{"key": "b", "value": i, "timestamp": T0, "step": i} for i in range(1001)]}, J),
    ("log-batch: 1000 metrics", "POST", A + "/runs/log-batch",
     {"run_id": "{run}", "metrics": [{"key": "b", "value": i, "timestamp": T0, "step": i} for i in range(1000)]}, J),
    ("log-batch: 101 params", "POST", A + "/runs/log-batch",
     {"run_id": "{run}", "params": [{"key": f"bp{i}", "value": "v"} for i in range(101)]}, J),
    ("log-batch: 101 tags", "POST", A + "/runs/log-batch",
     {"run_id": "{run}", "tags": [{"key": f"bt{i}", "value": "v"} for i in range(101)]}, J),
    ("log-batch: 1001 items", "POST", A + "/runs/log-batch",
     {"run_id": "{run}", "metrics": [{"key": "c", "value": i, "timestamp": T0, "step": i} for i in range(950)],
      "params": [{"key": f"cp{i}", "value": "v"} for i in range(51)]}, J),
    ("log-batch: duplicate params", "POST", A + "/runs/log-batch",
     {"run_id": "{run}", "params": [{"key": "d", "value": "1"}, {"key": "d", "value": "2"}]}, J),
    ("log-batch: metrics not list", "POST", A + "/runs/log-batch", {"run_id": "{run}", "metrics": {"key": "m"}}, J),
    ("log-batch: key too long", "POST", A + "/runs/log-batch",
     {"run_id": "{run}", "params": [{"key": "k" * 251, "value": "v"}]}, J),
    ("log-batch: tag value 8001", "POST", A + "/runs/log-batch",
     {"run_id": "{run}", "tags": [{"key": "long", "value": "v" * 8001}]}, J),
    ("exp tag value 5001", "POST", A + "/experiments/set-experiment-tag",
     {"experiment_id": "{exp}", "key": "big", "value": "v" * 5001}, J),
    ("exp tag key 251", "POST", A + "/experiments/set-experiment-tag",
     {"experiment_id": "{exp}", "key": "k" * 251, "value": "v"}, J),
    ("param value 6001", "POST", A + "/runs/log-parameter", {"run_id": "{run}", "key": "p6001", "value": "v" * 6001}, J),
    ("metric key 251", "POST", A + "/runs/log-metric", {"run_id": "{run}", "key": "m" * 251, "value": 1, "timestamp": T0}, J),
    ("exp name 1000 chars", "POST", A + "/experiments/create", {"name": "n" * 1000}, J),
    # unknown ids
    ("get run: unknown", "GET", A + "/runs/get?run_id=" + "0" * 32, None, {}),
    ("get run: upper case id", "GET", A + "/runs/get?run_id={run_upper}", None, {}),
    ("get run: run_uuid", "GET", A + "/runs/get?run_uuid={run}", None, {}),
    ("get exp: unknown", "GET", A + "/experiments/get?experiment_id=999999", None, {}),
    ("get exp: not a number", "GET", A + "/experiments/get?experiment_id=abc", None, {}),
    ("get exp: negative id", "GET", A + "/experiments/get?experiment_id=-1", None, {}),
    ("get exp: id with sign and spaces", "GET", A + "/experiments/get?experiment_id=+%2B0+", None, {}),
    ("get exp: id beyond int64", "GET", A + "/experiments/get?experiment_id=99999999999999999999", None, {}),
    ("delete exp: negative id", "POST", A + "/experiments/delete", {"experiment_id": "-5"}, J),
    ("get exp by name: unknown", "GET", A + "/experiments/get-by-name?experiment_name=nope", None, {}),
    ("delete run: unknown", "POST", A + "/runs/delete", {"run_id": "1" * 32}, J),
    ("log-metric: unknown run", "POST", A + "/runs/log-metric", {"run_id": "2" * 32, "key": "m", "value": 1, "timestamp": T0}, J),
    ("registered model: unknown", "GET", A + "/registered-models/get?name=nope", None, {}),
    ("model version: unknown", "GET", A + "/model-versions/get?name=nope&version=1", None, {}),
    ("logged model: unknown", "GET", A + "/logged-models/m-" + "0" * 32, None, {}),
    ("history: unknown run", "GET", A + "/metrics/get-history?run_id=" + "3" * 32 + "&metric_key=m", None, {}),
    ("history: max_results 0", "GET", A + "/metrics/get-history?run_id={run}&metric_key=z&max_results=0", None, {}),
    ("history: max_results -1", "GET", A + "/metrics/get-history?run_id={run}&metric_key=z&max_results=-1", None, {}),
    ("artifacts list: unknown run", "GET", A + "/artifacts/list?run_id=" + "4" * 32, None, {}),
    # wrong methods
    ("GET on create", "GET", A + "/experiments/create", None, {}),
    ("DELETE on runs/get", "DELETE", A + "/runs/get", None, {}),
    ("PUT on runs/search", "PUT", A + "/runs/search", {}, J),
    ("POST on experiments/get", "POST", A + "/experiments/get", {"experiment_id": "0"}, J),
    ("PATCH on log-batch", "PATCH", A + "/runs/log-batch", {}, J),
    ("OPTIONS on runs/create", "OPTIONS", A + "/runs/create", None, {}),
    ("OPTIONS on experiments/search", "OPTIONS", A + "/experiments/search", None, {}),
    ("OPTIONS on an ajax path", "OPTIONS", "/ajax-api/2.0/mlflow/runs/get", None, {}),
    ("OPTIONS on health", "OPTIONS", "/health", None, {}),
    ("OPTIONS on an unknown path", "OPTIONS", A + "/nope", None, {}),
    # MLflow's security middleware: DNS-rebinding guard and cross-origin writes
    ("security: foreign Host", "GET", A + "/experiments/search?max_results=1", None, {"Host": "evil.example.com"}),
    ("security: foreign Host with a port", "POST", A + "/experiments/create", {"name": "raw_rebound"},
     {**J, "Host": "evil.example.com:5000"}),
    ("security: foreign Host on health", "GET", "/health", None, {"Host": "evil.example.com"}),
    ("security: private address Host", "GET", A + "/experiments/search?max_results=1", None, {"Host": "10.1.2.3:5000"}),
    ("security: cross-origin create", "POST", A + "/experiments/create", {"name": "raw_cors"},
     {**J, "Origin": "http://evil.example.com"}),
    ("security: cross-origin read", "GET", A + "/experiments/get-by-name?experiment_name=Default", None,
     {"Origin": "http://evil.example.com"}),
    ("security: nothing written by refused requests", "GET",
     A + "/experiments/search?filter=name%20LIKE%20%27raw_%25o%25%27", None, {}),
    ("security: preflight from a foreign origin", "OPTIONS", A + "/experiments/create", None,
     {"Origin": "http://evil.example.com", "Access-Control-Request-Method": "POST"}),
    ("security: preflight from localhost", "OPTIONS", A + "/experiments/create", None,
     {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"}),
    ("security: localhost origin may write", "POST", A + "/experiments/create", {"name": "raw_local_origin"},
     {**J, "Origin": "http://localhost:3000"}),
    # unknown paths and prefixes
    ("unknown path", "GET", A + "/nope", None, {}),
    ("unknown path POST", "POST", A + "/runs/nope", {}, J),
    ("trailing slash", "GET", A + "/experiments/get/?experiment_id=0", None, {}),
    ("v3 prefix of v2 endpoint", "GET", "/api/3.0/mlflow/experiments/get?experiment_id=0", None, {}),
    ("unknown api version", "GET", "/api/9.0/mlflow/experiments/get?experiment_id=0", None, {}),
    ("ajax prefix", "GET", "/ajax-api/2.0/mlflow/experiments/get?experiment_id=0", None, {}),
    ("health", "GET", "/health", None, {}),
    # query-string decoding and successful answers compared in full
    ("get by name: plus as space", "GET", A + "/experiments/get-by-name?experiment_name=raw+space+name", None, {}),
    ("get by name: percent", "GET", A + "/experiments/get-by-name?experiment_name=raw%20space%20name", None, {}),
    ("search exps: GET", "GET", A + "/experiments/search?max_results=5&view_type=ALL&order_by=name", None, {}),
    ("search exps: GET bad bool-free", "GET", A + "/experiments/search?max_results=x", None, {}),
    ("get run: full body", "GET", A + "/runs/get?run_id={run}", None, {}),
    ("get exp: full body", "GET", A + "/experiments/get?experiment_id={exp}", None, {}),
    ("history: full body", "GET", A + "/metrics/get-history?run_id={run}&metric_key=b&max_results=5", None, {}),
    ("search runs: full body", "POST", A + "/runs/search", {"experiment_ids": ["{exp}"], "max_results": 2, "filter": "tags.t = ''"}, J),
    ("search runs: page token issued", "POST", A + "/runs/search",
     {"experiment_ids": ["{exp}"], "max_results": 1, "order_by": ["attributes.start_time DESC"],
      "filter": "attributes.run_name LIKE 'raw_%'"}, J),
    ("GET with JSON body", "GET", A + "/experiments/get", {"experiment_id": "{exp}"}, J),
    ("latest versions: GET", "GET", A + "/registered-models/get-latest-versions?name=raw_model", None, {}),
    ("latest versions: POST", "POST", A + "/registered-models/get-latest-versions", {"name": "raw_model"}, J),
    ("registered model: full body", "GET", A + "/registered-models/get?name=raw_model", None, {}),
    ("search registered models: GET", "GET", A + "/registered-models/search?max_results=5", None, {}),
    ("delete registered model: JSON body", "DELETE", A + "/registered-models/delete", {"name": "raw_model_2"}, J),
    ("version of missing model", "POST", A + "/model-versions/create", {"name": "nope", "source": "s3://x"}, J),
    ("registered model: name with slash", "POST", A + "/registered-models/create", {"name": "raw/slash"}, J),
    ("registered model: name with colon", "POST", A + "/registered-models/create", {"name": "raw:colon"}, J),
    ("registered model: blank name", "POST", A + "/registered-models/create", {"name": "   "}, J),
    ("registered model: name resolving to a path", "POST", A + "/registered-models/create", {"name": ".."}, J),
    ("registered model: get with slash", "GET", A + "/registered-models/get?name=raw%2Fslash", None, {}),
    ("registered model: rename to slash", "POST", A + "/registered-models/rename",
     {"name": "raw_model", "new_name": "raw/renamed"}, J),
    ("registered model: percent in name", "POST", A + "/registered-models/create", {"name": "raw%2Fpercent"}, J),
    # calls the web UI makes (ajax-only routes)
    ("ui: bulk interval history", "GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"
     "?run_ids={run}&metric_key=b&max_results=7", None, {}),
    ("ui: bulk interval steps", "GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"
     "?run_ids={run}&metric_key=b&start_step=10&end_step=20&max_results=5", None, {}),
    ("ui: bulk interval bad max", "GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"
     "?run_ids={run}&metric_key=b&max_results=2501", None, {}),
    ("ui: bulk interval no runs", "GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"
     "?metric_key=b", None, {}),
    ("ui: legacy bulk history", "GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk"
     "?run_id={run}&metric_key=z", None, {}),
    ("ui: search datasets", "POST", "/ajax-api/2.0/mlflow/experiments/search-datasets",
     {"experiment_ids": ["{exp}"]}, J),
    ("ui: search datasets on api path", "POST", A + "/experiments/search-datasets",
     {"experiment_ids": ["{exp}"]}, J),
    ("ui: get-artifact on run", "GET", "/get-artifact?path=none.txt&run_uuid={run}", None, {}),
    # logged models
    ("logged model: create without experiment", "POST", A + "/logged-models", {"name": "x"}, J),
    ("logged model: search bad order field", "POST", A + "/logged-models/search",
     {"experiment_ids": ["{exp}"], "order_by": [{"field_name": "params.x"}]}, J),
    ("logged model: search digest without name", "POST", A + "/logged-models/search",
     {"experiment_ids": ["{exp}"], "order_by": [{"field_name": "metrics.a", "dataset_digest": "d"}]}, J),
    ("logged model: search bad filter", "POST", A + "/logged-models/search",
     {"experiment_ids": ["{exp}"], "filter": "bogus.x = 'a'"}, J),
    ("logged model: search unknown order attribute", "POST", A + "/logged-models/search",
     {"experiment_ids": ["{exp}"], "order_by": [{"field_name": "bogus"}]}, J),
    ("logged model: tags on missing", "PATCH", A + "/logged-models/m-" + "1" * 32 + "/tags",
     {"tags": [{"key": "k", "value": "v"}]}, J),
    ("logged model: delete missing", "DELETE", A + "/logged-models/m-" + "2" * 32, None, {}),
    ("logged model: finalize missing", "PATCH", A + "/logged-models/m-" + "3" * 32,
     {"status": "LOGGED_MODEL_READY"}, J),
    # artifact proxy and artifact listing
    ("artifact: download missing", "GET", "/api/2.0/mlflow-artifacts/artifacts/0/nope.txt", None, {}),
    ("artifact: download dot-dot", "GET", "/api/2.0/mlflow-artifacts/artifacts/0/%2E%2E/%2E%2E/etc/passwd", None, {}),
    ("artifact: list root", "GET", "/api/2.0/mlflow-artifacts/artifacts?path=0", None, {}),
    ("artifact: list missing", "GET", "/api/2.0/mlflow-artifacts/artifacts?path=nope/deeper", None, {}),
    ("artifact: list dot-dot", "GET", "/api/2.0/mlflow-artifacts/artifacts?path=../..", None, {}),
    ("artifact: list absolute", "GET", "/api/2.0/mlflow-artifacts/artifacts?path=/etc", None, {}),
    ("artifact: upload", "PUT", "/api/2.0/mlflow-artifacts/artifacts/0/raw/up.txt", "hello", {}),
    ("artifact: download uploaded", "GET", "/api/2.0/mlflow-artifacts/artifacts/0/raw/up.txt", None, {}),
    ("artifact: list uploaded", "GET", "/api/2.0/mlflow-artifacts/artifacts?path=0/raw", None, {}),
    ("artifact: upload dot-dot", "PUT", "/api/2.0/mlflow-artifacts/artifacts/0/%2E%2E/%2E%2E/escape.txt", "x", {}),
    ("artifact: delete", "DELETE", "/api/2.0/mlflow-artifacts/artifacts/0/raw/up.txt", None, {}),
    ("artifact: OPTIONS on a file", "OPTIONS", "/api/2.0/mlflow-artifacts/artifacts/0/raw/up.txt", None, {}),
    ("artifact: mpu create as text/plain", "POST", "/api/2.0/mlflow-artifacts/mpu/create/0/raw",
     '{"path": "big.bin", "num_parts": 2}', {"Content-Type": "text/plain"}),
    ("runs artifacts list: dot-dot", "GET", A + "/artifacts/list?run_id={run}&path=../..", None, {}),
    ("runs artifacts list: absolute", "GET", A + "/artifacts/list?run_id={run}&path=/etc", None, {}),
    ("get-artifact: missing", "GET", "/get-artifact?path=nope.txt&run_uuid={run}", None, {}),
    ("get-artifact: dot-dot", "GET", "/get-artifact?path=../../etc/passwd&run_uuid={run}", None, {}),
]

AREAS_OF = {"registered-models": "registry", "model-versions": "registry", "logged-models": "logged_models",
            "mlflow-artifacts": "artifacts", "get-artifact": "artifacts", "artifacts/list?run_id={run}&": "artifacts"}


def observe(resp):
    obs = _observe(resp)
    # OPTIONS and 405 answers name the path's methods (order is not significant)
    if "Allow" in resp.headers:
        obs["allow"] = sorted(m.strip() for m in resp.headers["Allow"].split(","))
    return obs


def _observe(resp):
    ctype = resp.headers.get("Content-Type", "")
    if resp.status_code == 200 and not ctype.startswith("application/json"):
        # file downloads: compare the bytes, not a parse of them
        return {"status": 200, "bytes": len(resp.content), "json": False, "text": resp.text[:200]}
    try:
        body = resp.json()
        is_json = True
    except ValueError:
        body, is_json = None, False
    if not is_json:
        return {"status": resp.status_code, "json": False}
    # a JSON body must also say so (the UI and some proxies go by the header)
    ctype = ctype.split(";")[0].strip()
    if 200 <= resp.status_code < 300:
        return {"status": resp.status_code, "content_type": ctype, "body": body}
    err = body.get("error_code") if isinstance(body, dict) else None
    # MLflow 3.x classifies errors (error_class, from which sqlstate follows) finer than error_code
    cls = body.get("error_class") if isinstance(body, dict) else None
    return {"status": resp.status_code, "content_type": ctype, "json": True, "error_code": err,
            "error_class": cls, "shape": shape(body)}


def fill(value, ids):
    if isinstance(value, str):
        for k, v in ids.items():
            value = value.replace("{%s}" % k, v)
        return value
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


def send(server, ids, method, path, body, headers):
    kw = {"headers": headers, "timeout": 60, "allow_redirects": False}
    if isinstance(body, (dict, list)):
        kw["data"] = json.dumps(fill(body, ids))
    elif isinstance(body, str):
        kw["data"] = fill(body, ids).encode()
    obs = observe(requests.request(method, server.url + fill(path, ids), **kw))
    # Each case is independent: ids are numbered per answer, so one extra entity created by one
    # server does not shift the symbols of every later answer. The setup's ids keep fixed names.
    norm = normalizer_for(server).pin("exp", ids["exp"], "<exp:setup>").pin("id", ids["run"], "<run:setup>")
    return norm(obs)


def setup(base, area):
    s = requests.Session()
    exp = s.post(base + A + "/experiments/create", json={"name": f"raw_http_{area}"}).json()["experiment_id"]
    s.post(base + A + "/experiments/create", json={"name": "raw space name"})
    run = s.post(base + A + "/runs/create", json={"experiment_id": exp, "start_time": T0,
                                                   "run_name": "raw_run"}).json()["run"]["info"]["run_id"]
    s.post(base + A + "/runs/log-batch", json={"run_id": run, "params": [{"key": "p", "value": "1"}],
                                                "tags": [{"key": "t", "value": ""}],
                                                "metrics": [{"key": "z", "value": 0, "timestamp": T0}]})
    s.post(base + A + "/runs/log-inputs", json={"run_id": run, "datasets": [
        {"dataset": {"name": "d", "digest": "x1", "source_type": "local", "source": "{}"},
         "tags": [{"key": "mlflow.data.context", "value": "train"}]}]})
    scratch = s.post(base + A + "/experiments/create", json={"name": f"raw_http_{area}_scratch"}).json()
    scratch_run = s.post(base + A + "/runs/create", json={"experiment_id": scratch["experiment_id"],
                                                          "start_time": T0}).json()["run"]["info"]["run_id"]
    return {"exp": exp, "run": run, "run_upper": run.upper(), "scratch_run": scratch_run}


def registry_setup(base):
    for name in ("raw_model", "raw_model_2"):
        requests.post(base + A + "/registered-models/create", json={"name": name}, timeout=60)


def area_cases(area):
    out = []
    for case in CASES:
        path = case[2]
        a = next((v for k, v in AREAS_OF.items() if f"/{k}" in path), "http")
        if a == area:
            out.append(case)
    return out


def check_cases(pair, area, test):
    def scenario(ctx):
        ids = setup(ctx.uri, area)
        if area == "registry":
            registry_setup(ctx.uri)
        for label, method, path, body, headers in area_cases(area):
            ctx.call(f"{label} [{method} {path[:60]}]", send, ctx.server, ids, method, path, body, headers)
    run_scenario(pair, test, scenario)


@pytest.mark.area("http")
def test_raw_http_tracking(pair):
    check_cases(pair, "http", "http.tracking")


@pytest.mark.area("registry")
def test_raw_http_registry(pair):
    check_cases(pair, "registry", "http.registry")


@pytest.mark.area("artifacts")
def test_raw_http_artifacts(pair):
    check_cases(pair, "artifacts", "http.artifacts")


@pytest.mark.area("logged_models")
def test_raw_http_logged_models(pair):
    check_cases(pair, "logged_models", "http.logged_models")
