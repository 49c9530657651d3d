"""Stateful random differential test.

A seeded, bounded sequence of random operations (create, rename, delete, restore, tag, log, search...)
is applied to both servers; after every step the operation's answer and the observable state (all
experiments and runs of the sequence's namespace) must be equal. On a difference the test prints the
seed and the shortest failing sequence it found by removing operations one at a time.

MLFLOW_INTEROP_SEEDS (default "11,22,33,44,55") and MLFLOW_INTEROP_STEPS (default 60) bound the work.
Registry operations (models, versions, stages, aliases) join in when the registry area is enabled,
trace operations (OTLP spans, StartTraceV3, trace tags, feedback, trace search, deletion, run links)
when the tracing area is."""
import hashlib
import itertools
import json
import os
import random
import time

import pytest
import requests

import areas

from harness.client_diff import normalizer_for
from harness.normalize import RANDOM_NAME
from harness.compare import Comparison, unexplained

A = "/api/2.0/mlflow"
T0 = 1_600_000_000_000
SEEDS = [int(s) for s in os.environ.get("MLFLOW_INTEROP_SEEDS", "11,22,33,44,55").split(",") if s.strip()]
STEPS = int(os.environ.get("MLFLOW_INTEROP_STEPS", "60"))
SHRINK_BUDGET_S = float(os.environ.get("MLFLOW_INTEROP_SHRINK_SECONDS", "120"))

NAMES = ["a", "b", "c", "d", "e", "a b", "a_b", "A"]
KEYS = ["k1", "k2", "k.3", "k 4"]
VALUES = ["", "v", "x" * 300, "0.1", "ü"]
METRIC_VALUES = [0.0, 1.5, -2.0, "NaN", "Infinity", "-Infinity", 1e300]
STATUSES = ["RUNNING", "FINISHED", "FAILED", "KILLED", "SCHEDULED"]
RUN_FILTERS = ["", "metrics.k1 > 0", "metrics.k1 = 0", "params.k1 = 'v'", "params.k2 LIKE '%'",
               "tags.k1 != ''", "attributes.status = 'FINISHED'", "attributes.run_name LIKE 'r%'",
               "tags.`k 4` ILIKE 'V'", "metrics.`k 4` <= 1.5"]
RUN_ORDERS = [[], ["metrics.k1 DESC"], ["params.k1"], ["tags.k2 DESC"], ["attributes.run_name"],
              ["metrics.k2"]]
EXP_FILTERS = ["", "tags.k1 = 'v'", "name LIKE '%a%'", "tags.k2 != ''"]
MODEL_NAMES = ["m1", "m2", "m 3"]
STAGES = ["None", "Staging", "Production", "Archived", "staging"]
ALIASES = ["champ", "prev"]
TRACE_OPS = ["otlp_trace", "otlp_trace", "otlp_trace", "start_trace", "set_trace_tag", "delete_trace_tag",
             "feedback", "feedback", "delete_feedback", "search_traces", "search_traces", "delete_traces",
             "link_trace"]
TRACE_FILTERS = ["", "trace.status = 'OK'", "tags.k1 = 'v'", "tags.k2 IS NULL", "name LIKE 'n%'",
                 "span.name = 'child'", "span.type = 'LLM'", "feedback.score > 0.5", "feedback.score IS NULL",
                 "metadata.`mlflow.trace.session` = 's1'", f"trace.timestamp_ms > {T0 + 20_000}",
                 "metadata.`mlflow.trace.tokenUsage` IS NOT NULL", "trace.execution_time_ms >= 300"]
TRACE_ORDERS = [[], ["timestamp_ms ASC"], ["name DESC"], ["execution_time_ms"], ["tags.k1"], ["status"]]
REGISTRY_OPS = ["create_model", "create_model", "rename_model", "delete_model", "set_model_tag",
                "update_model", "create_version", "create_version", "create_version", "transition_stage",
                "set_alias", "delete_version", "search_models"]


def gen_ops(seed, steps, registry=False, tracing=False):
    """Random ops; a rough model of the state steers most of them at entities that exist, so the
    sequence exercises real transitions and not only 'not found' answers (a few still miss)."""
    rnd = random.Random(seed)
    ops = []
    exp_names = []   # per created index: name, or None when the create must fail (duplicate)
    n_run = 0
    models = set()
    versions = {}
    n_trace = 0
    n_feedback = 0
    for _ in range(steps):
        live = [i for i, nm in enumerate(exp_names) if nm]
        kinds = ["create_experiment"] * 2
        if exp_names:
            kinds += ["rename_experiment", "delete_experiment", "restore_experiment", "set_experiment_tag",
                      "delete_experiment_tag", "create_run", "create_run", "create_run", "search_experiments"]
        if registry:
            kinds += REGISTRY_OPS
        if tracing and exp_names:
            kinds += TRACE_OPS if n_trace else ["otlp_trace", "start_trace"]
        if n_run:
            kinds += ["update_run", "delete_run", "restore_run", "log_param", "log_param", "log_metric",
                      "log_metric", "set_tag", "delete_tag", "log_batch", "search_runs", "search_runs",
                      "get_history"]
        k = rnd.choice(kinds)
        pick_e = (rnd.choice(live) if live and rnd.random() < .85 else rnd.randrange(len(exp_names))) if exp_names else None
        r = rnd.randrange(n_run) if n_run else None
        known = sorted(models)
        model = rnd.choice(known) if known and rnd.random() < .8 else rnd.choice(MODEL_NAMES)
        op = {"op": k}
        if k == "create_experiment":
            name = rnd.choice(NAMES)
            op.update(name=name, tags={rnd.choice(KEYS): rnd.choice(VALUES)} if rnd.random() < .5 else {})
            exp_names.append(None if name in exp_names else name)
        elif k == "rename_experiment":
            name = rnd.choice(NAMES)
            op.update(e=pick_e, name=name)
            if exp_names[pick_e] and name not in exp_names:
                exp_names[pick_e] = name
        elif k in ("delete_experiment", "restore_experiment"):
            op.update(e=pick_e)
        elif k == "set_experiment_tag":
            op.update(e=pick_e, key=rnd.choice(KEYS), value=rnd.choice(VALUES))
        elif k == "delete_experiment_tag":
            op.update(e=pick_e, key=rnd.choice(KEYS))
        elif k == "get_history":
            op.update(r=r, key=rnd.choice(KEYS))
        elif k == "create_run":
            op.update(e=pick_e, run_name=rnd.choice(["r1", "r2", "other", ""]))
            n_run += 1
        elif k == "update_run":
            op.update(r=r, status=rnd.choice(STATUSES), name=rnd.choice([None, "r3", "renamed"]))
        elif k in ("delete_run", "restore_run"):
            op.update(r=r)
        elif k == "log_param":
            op.update(r=r, key=rnd.choice(KEYS), value=rnd.choice(VALUES))
        elif k == "log_metric":
            op.update(r=r, key=rnd.choice(KEYS), value=rnd.choice(METRIC_VALUES), step=rnd.randint(-1, 3),
                      timestamp=T0 + rnd.randint(0, 3))
        elif k == "set_tag":
            op.update(r=r, key=rnd.choice(KEYS), value=rnd.choice(VALUES))
        elif k == "delete_tag":
            op.update(r=r, key=rnd.choice(KEYS))
        elif k == "log_batch":
            op.update(r=r, metrics=[{"key": rnd.choice(KEYS), "value": rnd.choice(METRIC_VALUES),
                                     "timestamp": T0 + i, "step": rnd.randint(0, 2)} for i in range(rnd.randint(0, 3))],
                      params=[{"key": k_, "value": rnd.choice(VALUES)} for k_ in rnd.sample(KEYS, rnd.randint(0, 2))],
                      tags=[{"key": rnd.choice(KEYS), "value": rnd.choice(VALUES)} for _ in range(rnd.randint(0, 2))])
        elif k == "search_runs":
            op.update(filter=rnd.choice(RUN_FILTERS), order_by=rnd.choice(RUN_ORDERS),
                      view=rnd.choice(["ACTIVE_ONLY", "DELETED_ONLY", "ALL"]))
        elif k == "search_experiments":
            op.update(filter=rnd.choice(EXP_FILTERS), view=rnd.choice(["ACTIVE_ONLY", "DELETED_ONLY", "ALL"]))
        elif k == "create_model":
            name = rnd.choice([m for m in MODEL_NAMES if m not in models] or MODEL_NAMES)
            op.update(model=name)
            models.add(name)
        elif k == "delete_model":
            op.update(model=model)
            models.discard(model)
            versions.pop(model, None)
        elif k == "rename_model":
            new = rnd.choice(MODEL_NAMES)
            op.update(model=model, new=new)
            if model in models and new not in models:
                models.discard(model)
                models.add(new)
                versions[new] = versions.pop(model, 0)
        elif k == "set_model_tag":
            op.update(model=model, key=rnd.choice(KEYS), value=rnd.choice(VALUES))
        elif k == "update_model":
            op.update(model=model, description=rnd.choice(VALUES))
        elif k == "create_version":
            # mostly plain remote sources; sometimes a proxied one, which MLflow only accepts together
            # with the run that owns it
            op.update(model=model, r=r if rnd.random() < .7 else None,
                      source="s3" if rnd.random() < .85 else "proxy")
            if model in models:
                versions[model] = versions.get(model, 0) + 1
        elif k in ("transition_stage", "set_alias", "delete_version"):
            top = versions.get(model, 0)
            op.update(model=model, version=rnd.randint(1, top) if top and rnd.random() < .85 else top + 1)
            if k == "transition_stage":
                op.update(stage=rnd.choice(STAGES), archive=rnd.random() < .5)
            elif k == "set_alias":
                op.update(alias=rnd.choice(ALIASES))
        elif k == "search_models":
            op.update(filter=rnd.choice(["", "tags.k1 = 'v'", "name LIKE '%1'"]))
        elif k in ("otlp_trace", "start_trace"):
            # A new trace, or (start_trace, sometimes) the trace info of one whose spans came first.
            t = rnd.randrange(n_trace) if k == "start_trace" and n_trace and rnd.random() < .5 else n_trace
            op.update(e=pick_e, t=t, status=rnd.choice([0, 1, 2]), spans=rnd.randint(1, 3),
                      name=rnd.choice(["n1", "n2", "other"]), tag=rnd.choice([None, "k1", "k2"]),
                      value=rnd.choice(VALUES), session=rnd.choice([None, "s1", "s2"]),
                      tokens=rnd.choice([None, 3, 10]), duration=rnd.choice([100, 300, 1000]))
            n_trace = max(n_trace, t + 1)
        elif k in ("set_trace_tag", "delete_trace_tag"):
            op.update(t=rnd.randrange(n_trace + 1), key=rnd.choice(KEYS + ["mlflow.traceName"]),
                      value=rnd.choice(VALUES))
        elif k == "feedback":
            op.update(t=rnd.randrange(n_trace + 1), value=rnd.choice([0.1, 0.9, True, "good", None]),
                      overrides=rnd.randrange(n_feedback) if n_feedback and rnd.random() < .3 else None)
            n_feedback += 1
        elif k == "delete_feedback":
            op.update(t=rnd.randrange(n_trace + 1), f=rnd.randrange(n_feedback + 1))
        elif k == "search_traces":
            op.update(filter=rnd.choice(TRACE_FILTERS), order_by=rnd.choice(TRACE_ORDERS),
                      max_results=rnd.choice([2, 100]))
        elif k == "delete_traces":
            op.update(e=pick_e, t=rnd.randrange(n_trace + 1), by_age=rnd.random() < .4,
                      max_traces=rnd.choice([None, 1, 2]))
        elif k == "link_trace":
            op.update(t=rnd.randrange(n_trace + 1), r=r)
        ops.append(op)
    return ops


class Replay:
    """Applies ops to one server inside a namespace; entity indices map to this server's ids."""

    def __init__(self, server, ns, registry=False, tracing=False):
        self.registry = registry
        self.tracing = tracing
        self.feedback = []
        self.server = server
        self.base = server.url + A
        self.ns = ns
        self.s = requests.Session()
        self.exps = []
        self.runs = []
        self.norm = normalizer_for(server)

    def call(self, method, path, body):
        if method == "GET":
            r = self.s.get(self.base + path, params=body, timeout=60)
        else:
            r = self.s.request(method, self.base + path, data=json.dumps(body), timeout=60,
                               headers={"Content-Type": "application/json"})
        try:
            js = r.json()
        except ValueError:
            js = None
        if r.status_code != 200:
            return {"status": r.status_code, "error_code": (js or {}).get("error_code") if isinstance(js, dict) else None}, None
        return {"status": 200, "body": js}, js

    def eid(self, i):
        return self.exps[i] if i is not None and i < len(self.exps) and self.exps[i] else "999999999"

    def rid(self, i):
        return self.runs[i] if i is not None and i < len(self.runs) and self.runs[i] else "0" * 32

    def trace_hex(self, t):
        # Trace ids are chosen by the client: the same on both servers, distinct per namespace.
        return hashlib.md5(f"{self.ns}/{t}".encode()).hexdigest()

    def tid(self, t):
        return "tr-" + self.trace_hex(t)

    def otlp(self, op, step):
        start = (T0 + step * 1000) * 1_000_000
        spans = []
        trace_hex = self.trace_hex(op["t"])
        for j in range(op["spans"]):
            attrs = [{"key": "mlflow.spanType", "value": {"stringValue": "LLM" if j else "CHAIN"}},
                     {"key": "mlflow.spanInputs", "value": {"stringValue": json.dumps({"i": j})}}]
            if j == 0:
                attrs.append({"key": "mlflow.traceTag.mlflow.traceName", "value": {"stringValue": op["name"]}})
                if op["tag"]:
                    attrs.append({"key": f"mlflow.traceTag.{op['tag']}", "value": {"stringValue": op["value"]}})
                if op["session"]:
                    attrs.append({"key": "session.id", "value": {"stringValue": op["session"]}})
            if op["tokens"] and j:
                attrs.append({"key": "mlflow.chat.tokenUsage", "value": {"kvlistValue": {"values": [
                    {"key": "input_tokens", "value": {"intValue": op["tokens"]}},
                    {"key": "output_tokens", "value": {"intValue": 1}},
                    {"key": "total_tokens", "value": {"intValue": op["tokens"] + 1}}]}}})
            span = {"traceId": trace_hex, "spanId": f"{j + 1:016x}", "name": "root" if j == 0 else "child",
                    "startTimeUnixNano": start + j, "endTimeUnixNano": start + op["duration"] * 1_000_000 - j,
                    "attributes": attrs, "status": {"code": op["status"] if j == 0 else 1}}
            if j:
                span["parentSpanId"] = f"{1:016x}"
            spans.append(span)
        r = self.s.post(self.server.url + "/v1/traces", data=json.dumps({"resourceSpans": [{"scopeSpans": [
            {"spans": spans}]}]}), headers={"Content-Type": "application/json",
                                             "x-mlflow-experiment-id": self.eid(op["e"])}, timeout=60)
        return {"status": r.status_code}

    def start_trace(self, op, step):
        meta = {"mlflow.trace_schema.version": "3"}
        if op["session"]:
            meta["mlflow.trace.session"] = op["session"]
        if op["tokens"]:
            meta["mlflow.trace.tokenUsage"] = json.dumps({"input_tokens": op["tokens"], "total_tokens": op["tokens"]})
        tags = {"mlflow.traceName": op["name"]}
        if op["tag"]:
            tags[op["tag"]] = op["value"]
        info = {"trace_id": self.tid(op["t"]), "trace_location": {"type": "MLFLOW_EXPERIMENT",
                "mlflow_experiment": {"experiment_id": self.eid(op["e"])}},
                "request_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime((T0 + step * 1000) / 1000)),
                "execution_duration": f"{op['duration'] / 1000}s", "state": ["STATE_UNSPECIFIED", "OK", "ERROR"][op["status"]],
                "trace_metadata": meta, "tags": tags}
        return self.call3("POST", "/traces", {"trace": {"trace_info": info}})[0]

    def call3(self, method, path, body):
        saved = self.base
        self.base = self.server.url + "/api/3.0/mlflow"
        try:
            return self.call(method, path, body)
        finally:
            self.base = saved

    def trace_op(self, op, step):
        k = op["op"]
        if k == "otlp_trace":
            return self.otlp(op, step)
        if k == "start_trace":
            return self.start_trace(op, step)
        if k == "set_trace_tag":
            return self.call("PATCH", f"/traces/{self.tid(op['t'])}/tags", {"key": op["key"], "value": op["value"]})[0]
        if k == "delete_trace_tag":
            return self.call("DELETE", f"/traces/{self.tid(op['t'])}/tags", {"key": op["key"]})[0]
        if k == "feedback":
            a = {"assessment_name": "score", "source": {"source_type": "HUMAN", "source_id": "st"},
                 "create_time": "2020-09-13T12:26:40Z", "last_update_time": "2020-09-13T12:26:40Z",
                 "feedback": {"value": op["value"]}}
            if op["overrides"] is not None and op["overrides"] < len(self.feedback) and self.feedback[op["overrides"]]:
                a["overrides"] = self.feedback[op["overrides"]]
            obs, js = self.call3("POST", f"/traces/{self.tid(op['t'])}/assessments", {"assessment": a})
            self.feedback.append(js["assessment"]["assessment_id"] if js else None)
            return obs
        if k == "delete_feedback":
            f = self.feedback[op["f"]] if op["f"] < len(self.feedback) and self.feedback[op["f"]] else "a-nope"
            return self.call3("DELETE", f"/traces/{self.tid(op['t'])}/assessments/{f}", {})[0]
        if k == "search_traces":
            locs = [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": e}} for e in self.live_exps()]
            obs, js = self.call3("POST", "/traces/search", {"locations": locs, "filter": op["filter"],
                                                            "order_by": op["order_by"], "max_results": op["max_results"]})
            if js is not None:
                return {"status": 200, "traces": [t["trace_id"] for t in js.get("traces", [])],
                        "token": "next_page_token" in js}
            return obs
        if k == "delete_traces":
            body = {"experiment_id": self.eid(op["e"])}
            if op["by_age"]:
                body["max_timestamp_millis"] = T0 + 30_000
                if op["max_traces"]:
                    body["max_traces"] = op["max_traces"]
            else:
                body["request_ids"] = [self.tid(op["t"])]
            return self.call("POST", "/traces/delete-traces", body)[0]
        if k == "link_trace":
            return self.call("POST", "/traces/link-to-run", {"trace_ids": [self.tid(op["t"])],
                                                             "run_id": self.rid(op["r"])})[0]
        raise AssertionError(f"unknown op {k}")

    def apply(self, op, step):
        k = op["op"]
        if k in TRACE_OPS or k == "start_trace":
            return self.trace_op(op, step)
        n = lambda name: f"{self.ns}-{name}"  # noqa: E731
        if k == "create_experiment":
            obs, js = self.call("POST", "/experiments/create", {"name": n(op["name"]),
                                "tags": [{"key": a, "value": b} for a, b in op["tags"].items()]})
            self.exps.append(js["experiment_id"] if js else None)
            return obs
        if k == "rename_experiment":
            return self.call("POST", "/experiments/update", {"experiment_id": self.eid(op["e"]), "new_name": n(op["name"])})[0]
        if k == "delete_experiment":
            return self.call("POST", "/experiments/delete", {"experiment_id": self.eid(op["e"])})[0]
        if k == "restore_experiment":
            return self.call("POST", "/experiments/restore", {"experiment_id": self.eid(op["e"])})[0]
        if k == "set_experiment_tag":
            return self.call("POST", "/experiments/set-experiment-tag",
                             {"experiment_id": self.eid(op["e"]), "key": op["key"], "value": op["value"]})[0]
        if k == "delete_experiment_tag":
            return self.call("POST", "/experiments/delete-experiment-tag",
                             {"experiment_id": self.eid(op["e"]), "key": op["key"]})[0]
        if k == "get_history":
            return self.call("GET", "/metrics/get-history", {"run_id": self.rid(op["r"]), "metric_key": op["key"]})[0]
        if k == "create_run":
            body = {"experiment_id": self.eid(op["e"]), "start_time": T0 + step * 1000}
            if op["run_name"]:
                body["run_name"] = op["run_name"]
            obs, js = self.call("POST", "/runs/create", body)
            self.runs.append(js["run"]["info"]["run_id"] if js else None)
            return obs
        if k == "update_run":
            body = {"run_id": self.rid(op["r"]), "status": op["status"]}
            if op["status"] != "RUNNING":
                body["end_time"] = T0 + step * 1000 + 500
            if op["name"]:
                body["run_name"] = op["name"]
            return self.call("POST", "/runs/update", body)[0]
        if k == "delete_run":
            return self.call("POST", "/runs/delete", {"run_id": self.rid(op["r"])})[0]
        if k == "restore_run":
            return self.call("POST", "/runs/restore", {"run_id": self.rid(op["r"])})[0]
        if k == "log_param":
            return self.call("POST", "/runs/log-parameter", {"run_id": self.rid(op["r"]), "key": op["key"], "value": op["value"]})[0]
        if k == "log_metric":
            return self.call("POST", "/runs/log-metric", {"run_id": self.rid(op["r"]), "key": op["key"], "value": op["value"],
                                                          "step": op["step"], "timestamp": op["timestamp"]})[0]
        if k == "set_tag":
            return self.call("POST", "/runs/set-tag", {"run_id": self.rid(op["r"]), "key": op["key"], "value": op["value"]})[0]
        if k == "delete_tag":
            return self.call("POST", "/runs/delete-tag", {"run_id": self.rid(op["r"]), "key": op["key"]})[0]
        if k == "log_batch":
            return self.call("POST", "/runs/log-batch", {"run_id": self.rid(op["r"]), "metrics": op["metrics"],
                                                         "params": op["params"], "tags": op["tags"]})[0]
        if k == "search_runs":
            obs, js = self.call("POST", "/runs/search", {"experiment_ids": self.live_exps(), "filter": op["filter"],
                                                         "order_by": op["order_by"], "run_view_type": op["view"],
                                                         "max_results": 1000})
            if js is not None:  # the order is what matters; the run bodies are checked by snapshot()
                runs = js.get("runs", [])
                if "run_name" in op["filter"] or any("run_name" in o for o in op["order_by"]):
                    # A run created without a name has one each server drew at random: where it
                    # sorts, and whether it is LIKE 'r%', differ between the servers by chance.
                    runs = [r for r in runs if not RANDOM_NAME.match(r["info"].get("run_name", ""))]
                return {"status": 200, "runs": [r["info"]["run_id"] for r in runs]}
            return obs
        if k == "search_experiments":
            f = f"name LIKE '{self.ns}-%'" + (f" AND {op['filter']}" if op["filter"] else "")
            obs, js = self.call("POST", "/experiments/search", {"filter": f, "view_type": op["view"],
                                                                "max_results": 1000, "order_by": ["name"]})
            if js is not None:
                return {"status": 200, "names": [e["name"] for e in js.get("experiments", [])]}
            return obs
        if k == "create_model":
            return self.call("POST", "/registered-models/create", {"name": n(op["model"])})[0]
        if k == "rename_model":
            return self.call("POST", "/registered-models/rename", {"name": n(op["model"]), "new_name": n(op["new"])})[0]
        if k == "delete_model":
            return self.call("DELETE", "/registered-models/delete", {"name": n(op["model"])})[0]
        if k == "set_model_tag":
            return self.call("POST", "/registered-models/set-tag",
                             {"name": n(op["model"]), "key": op["key"], "value": op["value"]})[0]
        if k == "update_model":
            return self.call("PATCH", "/registered-models/update",
                             {"name": n(op["model"]), "description": op["description"]})[0]
        if k == "create_version":
            src = f"s3://bucket/{op['model']}" if op.get("source", "s3") == "s3" else f"mlflow-artifacts:/x/{op['model']}"
            body = {"name": n(op["model"]), "source": src}
            if op["r"] is not None:
                body["run_id"] = self.rid(op["r"])
            return self.call("POST", "/model-versions/create", body)[0]
        if k == "transition_stage":
            return self.call("POST", "/model-versions/transition-stage",
                             {"name": n(op["model"]), "version": str(op["version"]), "stage": op["stage"],
                              "archive_existing_versions": op["archive"]})[0]
        if k == "set_alias":
            return self.call("POST", "/registered-models/alias",
                             {"name": n(op["model"]), "alias": op["alias"], "version": str(op["version"])})[0]
        if k == "delete_version":
            return self.call("DELETE", "/model-versions/delete", {"name": n(op["model"]), "version": str(op["version"])})[0]
        if k == "search_models":
            f = f"name LIKE '{self.ns}-%'" + (f" AND {op['filter']}" if op["filter"] else "")
            obs, js = self.call("GET", "/registered-models/search", {"filter": f, "max_results": 1000})
            if js is not None:
                return {"status": 200, "names": [m["name"] for m in js.get("registered_models", [])]}
            return obs
        raise AssertionError(f"unknown op {k}")

    def live_exps(self):
        return [e for e in self.exps if e]

    def snapshot(self):
        _, exps = self.call("POST", "/experiments/search", {"filter": f"name LIKE '{self.ns}-%'", "view_type": "ALL",
                                                             "max_results": 1000, "order_by": ["name"]})
        _, runs = self.call("POST", "/runs/search", {"experiment_ids": self.live_exps(), "run_view_type": "ALL",
                                                     "max_results": 1000, "order_by": ["attributes.start_time"]})
        state = {"experiments": (exps or {}).get("experiments", []), "runs": (runs or {}).get("runs", [])}
        if self.registry:
            like = f"name LIKE '{self.ns}-%'"
            _, models = self.call("GET", "/registered-models/search", {"filter": like, "max_results": 1000})
            _, versions = self.call("GET", "/model-versions/search", {"filter": like, "max_results": 1000,
                                                                      "order_by": ["name", "version_number"]})
            state["models"] = (models or {}).get("registered_models", [])
            state["versions"] = (versions or {}).get("model_versions", [])
        if self.tracing:
            locs = [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": e}} for e in self.live_exps()]
            _, traces = self.call3("POST", "/traces/search", {"locations": locs, "max_results": 500,
                                                              "order_by": ["timestamp_ms ASC"]})
            state["traces"] = (traces or {}).get("traces", [])
        return state

    def step(self, op, i):
        out = {"op": self.apply(op, i), "state": self.snapshot()}
        return self.norm(out)


_ns_counter = itertools.count()


def step_label(seed, i, op):
    return f"stateful.seed{seed}/step{i:03d} {op['op']}"


def replay(pair, seed, ops, on_step=None, signature=None):
    """Applies ops to both servers; returns the index of the first step that differs, or None.
    With signature=(op kind, first difference as (path, real, candidate)), only that difference counts."""
    ns = f"st{seed}x{next(_ns_counter)}"
    registry = "registry" in areas.enabled_areas()
    tracing = "tracing" in areas.enabled_areas()
    real, cand = Replay(pair.real, ns, registry, tracing), Replay(pair.candidate, ns, registry, tracing)
    for i, op in enumerate(ops):
        a, b = real.step(op, i), cand.step(op, i)
        label = step_label(seed, i, op)
        if on_step is not None:
            if not on_step(i, op, a, b):
                return i
        else:
            bad = unexplained(label, a, b)
            if bad:
                if signature is None or signature == (op["op"], repr(bad[0])):
                    return i
                return None
    return None


def shrink(pair, seed, ops, signature=None):
    """Greedy one-at-a-time removal, bounded by SHRINK_BUDGET_S; returns the shortest list that still
    fails the same way (same operation kind, same first differing field and values)."""
    deadline = time.monotonic() + SHRINK_BUDGET_S
    best = list(ops)
    j = len(best) - 2  # the failing (last) step stays
    while j >= 0 and time.monotonic() < deadline:
        trial = best[:j] + best[j + 1:]
        fail = replay(pair, seed, trial, signature=signature)
        if fail is not None:
            best = trial[: fail + 1]
            j = min(j, len(best) - 1) - 1
        else:
            j -= 1
    return best


@pytest.mark.area("stateful")
@pytest.mark.parametrize("seed", SEEDS)
def test_stateful_random(pair, seed):
    ops = gen_ops(seed, STEPS, registry="registry" in areas.enabled_areas(),
                  tracing="tracing" in areas.enabled_areas())
    cmp = Comparison(f"stateful.seed{seed}")
    first_fail = []

    def on_step(i, op, a, b):
        ok = cmp.check(step_label(seed, i, op).split("/", 1)[1], a, b)
        if not ok:
            first_fail.append((i, (op["op"], repr(unexplained(step_label(seed, i, op), a, b)[0]))))
        return ok

    # Labels are "stateful.seed<N>/step<i> <op>" everywhere (also while shrinking), so a known
    # difference written as test: "stateful.*<op>" covers every seed and step.
    replay(pair, seed, ops, on_step)
    if not first_fail:
        return
    step, signature = first_fail[0]
    failing = ops[: step + 1]
    shortest = shrink(pair, seed, failing, signature)
    lines = [f"  {i}: {json.dumps(op, sort_keys=True)}" for i, op in enumerate(shortest)]
    raise AssertionError(
        f"stateful differential failure: seed={seed} (MLFLOW_INTEROP_SEEDS={seed} "
        f"MLFLOW_INTEROP_STEPS={STEPS}); first difference at step {step}:\n{cmp.report()}\n"
        f"shortest failing sequence found ({len(shortest)} of {len(failing)} ops):\n" + "\n".join(lines))


@pytest.mark.area("stateful")
def test_shrinker_finds_minimal_sequence():
    """The shrinker itself, on a fake pair where only the sequence [create_run, delete_run] fails."""
    calls = []

    def fake_replay(pair, seed, ops, on_step=None, signature=None):
        calls.append(len(ops))
        kinds = [o["op"] for o in ops]
        if "create_run" in kinds and "delete_run" in kinds[kinds.index("create_run"):]:
            return len(ops) - 1
        return None

    global replay
    saved = replay
    replay = fake_replay
    try:
        ops = [{"op": k} for k in ["create_experiment", "set_tag", "create_run", "log_param", "search_runs",
                                   "delete_run"]]
        out = shrink(None, 0, ops)
    finally:
        replay = saved
    assert [o["op"] for o in out] == ["create_run", "delete_run"], out
    assert len(calls) <= 20
