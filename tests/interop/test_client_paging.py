"""Differential paging: more than a thousand runs, many experiments, long metric histories."""
import os
import threading
import time

import pytest
import requests
from mlflow.entities import Metric, ViewType

from harness.client_diff import run_scenario

T0 = 1_600_000_000_000
N_RUNS = int(os.environ.get("MLFLOW_INTEROP_PAGING_RUNS", "1200"))
N_EXPERIMENTS = 120


def seed(server, out):
    """Bulk-create the paging corpus over one keep-alive HTTP session (the client is slower)."""
    s = requests.Session()
    u = server.url + "/api/2.0/mlflow"

    def post(path, body):
        r = s.post(u + path, json=body, timeout=60)
        r.raise_for_status()
        return r.json()

    started = time.monotonic()
    e = post("/experiments/create", {"name": "paging_runs"})["experiment_id"]
    names = {}
    for i in range(N_RUNS):
        # tags ride on CreateRun; one run in three also gets a metric and a param (LogBatch)
        tags = [{"key": "parity", "value": "even" if i % 2 == 0 else "odd"},
                {"key": "p", "value": str(i % 13)}]
        rid = post("/runs/create", {"experiment_id": e, "start_time": T0 + i * 10, "tags": tags,
                                    "run_name": f"run{i:05d}"})["run"]["info"]["run_id"]
        names[rid] = f"run{i:05d}"
        if i % 3 == 0:
            post("/runs/log-batch", {"run_id": rid,
                                     "metrics": [{"key": "m", "value": (i * 7919) % 101, "timestamp": T0, "step": 0}],
                                     "params": [{"key": "p", "value": str(i % 13)}]})
    for i in range(N_EXPERIMENTS):
        post("/experiments/create", {"name": f"paging_exp_{i:04d}"})
    out[server.label] = (e, names)
    print(f"seeded {N_RUNS} runs on {server.label} in {time.monotonic() - started:.1f}s")


@pytest.fixture(scope="module")
def seeded(pair):
    out = {}
    errors = []

    def run(server):
        try:
            seed(server, out)
        except Exception as ex:  # noqa: BLE001 - reported by the assertion below
            errors.append(f"{server.label}: {ex!r}")

    threads = [threading.Thread(target=run, args=(s,)) for s in (pair.real, pair.candidate)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    assert not errors, f"seeding the paging corpus failed: {errors}"
    assert len(out) == 2, "seeding the paging corpus did not finish in time"
    return out


def page_all(fetch, limit=100):
    pages, token = [], None
    for _ in range(limit):
        items, token = fetch(token)
        pages.append(items)
        if not token:
            break
    return pages


@pytest.mark.area("search")
def test_paging(pair, seeded):
    def scenario(ctx):
        c = ctx.client
        e, names = seeded[ctx.server.label]

        def runs(filt, order_by, size, view=ViewType.ACTIVE_ONLY):
            def fetch(token):
                page = c.search_runs([e], filt, view, size, order_by, token)
                return [names.get(r.info.run_id, "?") for r in page], page.token
            return page_all(fetch)

        ctx.call("all runs by 500", runs, "", None, 500)
        ctx.call("filtered by metric desc, 333", runs, "tags.p != '3'", ["metrics.m DESC"], 333)
        ctx.call("order by tag, 1000", runs, "", ["tags.p", "tags.parity DESC"], 1000)
        ctx.call("order by param (missing last), 300", runs, "", ["params.p DESC"], 300)
        ctx.call("metric filter, 77", runs, "metrics.m >= 50 AND tags.parity = 'odd'", ["metrics.m"], 77)
        ctx.call("one page of 50000", runs, "", ["attributes.run_name DESC"], 50000)
        ctx.call("client default paging", lambda: len(c.search_runs([e], max_results=2500)))

        def experiments(token):
            page = c.search_experiments(ViewType.ALL, 25, "name LIKE 'paging_exp_%'", ["name"], token)
            return [x.name for x in page], page.token
        ctx.call("experiments by 25", page_all, experiments)

        # metric history paging through the REST endpoint the client uses (25000 per page)
        rid = c.create_run(e, start_time=T0 - 1, run_name="history").info.run_id
        for chunk in range(3):
            c.log_batch(rid, metrics=[Metric("h", float(i), T0 + i, i) for i in range(chunk * 1000,
                                                                                     chunk * 1000 + 1000)])
        ctx.call("history via client", lambda: len(c.get_metric_history(rid, "h")))

        def history(size):
            def fetch(token):
                params = {"run_id": rid, "metric_key": "h", "max_results": size}
                if token:
                    params["page_token"] = token
                r = requests.get(ctx.uri + "/api/2.0/mlflow/metrics/get-history", params=params, timeout=60)
                body = r.json()
                if r.status_code != 200:
                    return [{"status": r.status_code, "error_code": body.get("error_code")}], None
                return [m["step"] for m in body.get("metrics", [])], body.get("next_page_token")
            return page_all(fetch)
        ctx.call("history pages of 700", history, 700)
        ctx.call("history pages of 3000", history, 3000)
    run_scenario(pair, "client.paging", scenario)
