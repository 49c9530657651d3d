"""The prompt lab's run (POST /ajax-api/2.0/mlflow/runs/create-promptlab-run), differentially: the
run it answers and stores (params, tags, status), the artifacts it writes (the promptlab model and
the evaluation table, compared file by file), and its errors. MLflow 3.17.2 serves the route under
/ajax-api only."""
import json

import pytest
import requests
import yaml

from harness.client_diff import run_scenario
from test_http_raw import observe

AJAX = "/ajax-api/2.0/mlflow/runs/create-promptlab-run"
J = {"Content-Type": "application/json"}
BODY = {
    "experiment_id": "{exp}", "run_name": "pl-run", "tags": [],
    "prompt_template": "Answer {{ question }} as a {{ persona }}: it's \"quoted\"",
    "prompt_parameters": [{"key": "question", "value": "why?"}, {"key": "persona", "value": "pirate"},
                          {"key": "n", "value": 3}],
    "model_route": "chat-route",
    "model_parameters": [{"key": "temperature", "value": 0.5}, {"key": "max_tokens", "value": 64},
                         {"key": "stop", "value": "[END, STOP]"}, {"key": "stream", "value": True}],
    "model_input": "Answer why? as a pirate", "model_output": "Arr, because.",
    "model_output_parameters": [{"key": "latency", "value": 812}, {"key": "cost", "value": 0.25}],
    "mlflow_version": "3.17.2", "start_time": 1_600_000_000_000,
}
FILES = ["eval_results_table.json", "model/MLmodel", "model/parameters.yaml", "model/input_example.json",
         "model/serving_input_example.json", "model/requirements.txt", "model/conda.yaml", "model/python_env.yaml"]


def fill(value, exp):
    if isinstance(value, str):
        return value.replace("{exp}", exp)
    if isinstance(value, list):
        return [fill(v, exp) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, exp) for k, v in value.items()}
    return value


def without(key):
    return {k: v for k, v in BODY.items() if k != key}


ERRORS = [(f"missing {k}", without(k)) for k in
          ["experiment_id", "prompt_template", "prompt_parameters", "model_route", "model_input", "mlflow_version"]] + [
    ("empty prompt_parameters", {**BODY, "prompt_parameters": []}),
    ("empty experiment_id", {**BODY, "experiment_id": ""}),
    ("unknown experiment", {**BODY, "experiment_id": "999999"}),
]


def run_view(run):
    """The run as compared: the history tag parsed (its JSON text is the LogModel format's)."""
    for t in run.get("data", {}).get("tags", []):
        if t["key"] == "mlflow.log-model.history":
            t["value"] = json.loads(t["value"])
    return run


def file_view(path, text):
    if path.endswith(".yaml") or path.endswith("MLmodel"):
        return yaml.safe_load(text)
    if path.endswith(".json"):
        return json.loads(text)
    return text


@pytest.mark.area("http")
def test_promptlab_run(pair):
    def scenario(ctx):
        s = requests.Session()
        exp = s.post(ctx.uri + "/api/2.0/mlflow/experiments/create", json={"name": "promptlab"}).json()["experiment_id"]
        resp = s.post(ctx.uri + AJAX, json=fill(BODY, exp))
        assert resp.status_code == 200, resp.text
        run = resp.json()["run"]
        run_id = run["info"]["run_id"]
        ctx.call("create", lambda: run_view(run))
        got = s.get(ctx.uri + "/api/2.0/mlflow/runs/get", params={"run_id": run_id}).json()["run"]
        ctx.call("stored run", lambda: run_view(got))
        listing = s.get(ctx.uri + "/api/2.0/mlflow/artifacts/list", params={"run_id": run_id}).json()
        model = s.get(ctx.uri + "/api/2.0/mlflow/artifacts/list", params={"run_id": run_id, "path": "model"}).json()
        ctx.call("artifacts", lambda: sorted(f["path"] for f in listing.get("files", []) + model.get("files", [])))
        for path in FILES:
            r = s.get(ctx.uri + "/get-artifact", params={"run_uuid": run_id, "path": path})
            ctx.call(f"file {path}", lambda r=r, path=path: {"status": r.status_code, "content": file_view(path, r.text)})
        for label, body in ERRORS:
            r = s.post(ctx.uri + AJAX, data=json.dumps(fill(body, exp)), headers=J)
            ctx.call(f"error: {label}", observe, r)
        r = s.post(ctx.uri + AJAX, data="{}", headers={"Content-Type": "text/plain"})
        ctx.call("error: content type", observe, r)
        r = s.post(ctx.uri + "/api/2.0/mlflow/runs/create-promptlab-run", json=fill(BODY, exp))
        ctx.call("not under /api", lambda: r.status_code)
    run_scenario(pair, "http.promptlab", scenario)
