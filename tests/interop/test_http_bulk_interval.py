"""Differential suite for get-history-bulk-interval, the UI charts' endpoint: both servers get the
same histories and must pick the same points, in the same order, with the same fields.

MLflow 3.17.2 samples each run's points (not its steps): NTILE(max_results) over the points in
(step, timestamp, value, is_nan) order, the first point of each bucket, then the run's last point.
The histories below are the cases where that choice is easy to get wrong: many points on one step
(log_metric without a step), sparse and negative steps, steps that do not grow with time, ties
broken by value and by is_nan, a repeated step and a missing one that cancel out, a single
point, no points, one-point-a-step histories later prepended to, given a repeated step or appended
to point by point; asked with and without step bounds, at
sizes around each history's length, for several runs at once (unknown and repeated run ids too)."""
import math

import pytest
import requests

from harness.client_diff import run_scenario

A = "/api/2.0/mlflow"
URL = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"
T0 = 1_600_000_000_000


def histories():
    dense = [(i, T0 + i, 0.5 * i) for i in range(1200)]
    sparse = [(7 * i - 1000, T0 + i, math.sin(i)) for i in range(700)]
    same_step = [(0, T0 + i // 3, float(i % 3)) for i in range(600)]
    same_step += [(0, T0 + 1000, "NaN"), (0, T0 + 1000, 0.0), (1, T0 + 1000, "Infinity"), (1, T0 + 1000, "-Infinity")]
    same_step += [(2 + i // 50, T0 + 2000 - i, float(i)) for i in range(400)]
    shuffled = [((i * 37) % 250, T0 + 500 - i, float(i % 11)) for i in range(500)]
    # one point a step but step 150 twice and no step 160: as many points as steps 100..199
    cancelling = [(st, T0 + st, 1.0) for st in range(100, 200) if st != 160] + [(150, T0 + 1, 2.0)]
    # one point a step and a second one on the last step: one point more than steps
    tail = [(st, T0 + st, 1.0) for st in range(100)] + [(99, T0 + 500, 3.0)]
    # one point a step at first, then changed by later requests (mlflow-cpp keeps a one-point-a-step
    # record per history on SQLite, store/sql/metric_shapes.h, which these must move or drop):
    # prepended to, given a second point on a step, appended to one log-metric at a time
    first = [(i, T0 + i, float(i)) for i in range(300)]
    return {"dense": dense, "cancelling": cancelling, "tail": tail, "sparse": sparse, "same_step": same_step, "shuffled": shuffled,
            "one": [(5, T0, 1.0)], "empty": [], "prepended": first, "repeated_later": first, "appended": first}


# Requests after the first batches: each a log-batch, or a log-metric for a single point.
LATER = {
    "prepended": [[(-1, T0 + 400, 2.0)], [(-2, T0 + 401, 2.0), (-4, T0 + 402, 2.0), (-3, T0 + 403, 2.0)]],
    "repeated_later": [[(300, T0 + 400, 2.0)], [(150, T0 + 401, "NaN")], [(301, T0 + 402, 2.0)]],
    "appended": [[(300 + i, T0 + 400 + i, 3.0)] for i in range(5)],
}


def seed(base):
    s = requests.Session()
    exp = s.post(base + A + "/experiments/create", json={"name": "bulk_interval"}).json()["experiment_id"]
    ids = {}
    for name, points in histories().items():
        run = s.post(base + A + "/runs/create", json={"experiment_id": exp, "start_time": T0,
                                                       "run_name": name}).json()["run"]["info"]["run_id"]
        ids[name] = run
        for i in range(0, len(points), 1000):
            batch = [{"key": "loss", "step": st, "timestamp": ts, "value": v} for st, ts, v in points[i:i + 1000]]
            r = s.post(base + A + "/runs/log-batch", json={"run_id": run, "metrics": batch})
            assert r.status_code == 200, r.text
    for name, batches in LATER.items():
        for points in batches:
            batch = [{"key": "loss", "step": st, "timestamp": ts, "value": v} for st, ts, v in points]
            if len(batch) == 1:
                r = s.post(base + A + "/runs/log-metric", json={"run_id": ids[name], **batch[0]})
            else:
                r = s.post(base + A + "/runs/log-batch", json={"run_id": ids[name], "metrics": batch})
            assert r.status_code == 200, r.text
    return ids


def ask(base, ids, runs, query):
    """The answer with run ids written as run names, so both servers' answers compare."""
    params = [("run_ids", ids.get(r, r)) for r in runs] + [("metric_key", "loss")] + list(query.items())
    resp = requests.get(base + URL, params=params, timeout=60)
    body = resp.json()
    names = {v: k for k, v in ids.items()}
    for m in body.get("metrics", []):
        m["run_id"] = names.get(m.get("run_id"), m.get("run_id"))
    return {"status": resp.status_code, "body": body if resp.status_code == 200 else body.get("error_code")}


RUNS = ["dense", "sparse", "same_step", "shuffled", "one", "empty", "f" * 32, "cancelling", "tail", "dense", "prepended",
        "repeated_later", "appended"]
RANGES = [None, (0, 499), (-5, 3), (10, 10), (0, 0), (-1000, -994), (2000, 3000), (-(2**63), 2**63 - 1), (140, 170)]
SIZES = [1, 2, 3, 7, 99, 100, 101, 320, 599, 600, 601, 1000, 1199, 1200, 1201, 2500, None]


@pytest.mark.area("http")
def test_bulk_interval_sampling(pair):
    def scenario(ctx):
        ids = seed(ctx.uri)
        for size in SIZES:
            for rng in RANGES:
                query = {} if size is None else {"max_results": size}
                if rng:
                    query.update(start_step=rng[0], end_step=rng[1])
                ctx.call(f"runs x{len(RUNS)} {query}", ask, ctx.uri, ids, RUNS, query)
        for name in histories():
            ctx.call(f"{name} alone, 320", ask, ctx.uri, ids, [name], {"max_results": 320})
        # bad bounds: one without the other, end before start, not integers
        for query in ({"start_step": 3}, {"end_step": 3}, {"start_step": 5, "end_step": 4},
                      {"start_step": "x", "end_step": 4}, {"max_results": 0}, {"max_results": 2501}):
            ctx.call(f"bad {query}", ask, ctx.uri, ids, ["dense"], query)
    run_scenario(pair, "http.bulk_interval", scenario)
