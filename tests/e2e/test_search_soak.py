"""Soak test for issue 26 ("the server segfaults after a few hundred searches of different page sizes").

Pages through one experiment of 400 runs the way a UI does: every page size from 1 to 1,000, each
with its own filter shape and order (IN lists of every length among them, so the server compiles
hundreds of distinct statements), from 4 clients at once. Every page is checked against the answer
computed here from the seeded data, and the server must still be alive at the end. Runs on SQLite
(e2e_tracking) and PostgreSQL (e2e_tracking_pg). Bounded: at most MAX_REQUESTS requests and
DEADLINE_S seconds; running out of either fails the test.
"""
import concurrent.futures
import threading
import time

import requests

API = "/api/2.0/mlflow/"
N_RUNS = 400
MAX_PAGE_SIZE = 1000
DEADLINE_S = 400
MAX_REQUESTS = 20000


def _seed(server):
    exp = server.api("POST", "experiments/create", {"name": "soak"})["experiment_id"]
    runs = []
    for i in range(N_RUNS):
        name = f"run-{i:04d}"
        info = server.api("POST", "runs/create", {"experiment_id": exp, "start_time": 1_000_000 + i * 7,
                                                  "run_name": name})["run"]["info"]
        run = {"id": info["run_id"], "name": name, "start_time": 1_000_000 + i * 7,
               "m": (i * 37) % N_RUNS / 10.0,  # distinct values in a shuffled order
               "p": f"v{(i * 91) % N_RUNS:04d}",
               "t": "even" if i % 2 == 0 else "odd"}
        server.api("POST", "runs/log-batch", {
            "run_id": run["id"],
            "metrics": [{"key": "m", "value": run["m"], "timestamp": 1, "step": 0}],
            "params": [{"key": "p", "value": run["p"]}],
            "tags": [{"key": "t", "value": run["t"]}]})
        runs.append(run)
    return exp, runs


def _shapes(runs):
    """(filter, order_by, predicate, sort key) for a page size: filters and orders the server must
    answer exactly as computed here (ties are impossible: every sort key is distinct)."""
    ids = [r["id"] for r in runs]

    def shape(size):
        k = size % 9
        if k == 0:
            return "", [], lambda r: True, lambda r: -r["start_time"]
        if k == 1:
            cut = (size % 40) / 1.0
            return f"metrics.m > {cut}", ["metrics.m ASC"], lambda r: r["m"] > cut, lambda r: r["m"]
        if k == 2:
            prefix = f"v0{size % 4}"
            return (f"params.p LIKE '{prefix}%'", ["params.p DESC"], lambda r: r["p"].startswith(prefix),
                    lambda r: tuple(-ord(ch) for ch in r["p"]))
        if k == 3:
            return "tags.t = 'even'", ["attributes.start_time ASC"], lambda r: r["t"] == "even", lambda r: r["start_time"]
        if k == 4:
            # An IN list whose length follows the page size: a new statement text almost every time.
            chosen = set(ids[: 1 + size % len(ids)])
            lst = ",".join(f"'{i}'" for i in sorted(chosen))
            return (f"attributes.run_id IN ({lst})", ["attributes.run_name DESC"], lambda r: r["id"] in chosen,
                    lambda r: tuple(-ord(ch) for ch in r["name"]))
        if k == 5:
            lo, hi = (size % 20), (size % 20) + 15
            return (f"metrics.m >= {lo} AND metrics.m < {hi} AND params.p != 'v0000'", ["metrics.m DESC"],
                    lambda r: lo <= r["m"] < hi and r["p"] != "v0000", lambda r: -r["m"])
        if k == 6:
            t0 = 1_000_000 + (size % 300) * 7
            return (f"attributes.start_time > {t0}", ["attributes.start_time DESC"], lambda r: r["start_time"] > t0,
                    lambda r: -r["start_time"])
        if k == 7:
            prefix = f"run-0{size % 4}"
            return (f"attributes.run_name LIKE '{prefix}%'", ["params.p ASC"], lambda r: r["name"].startswith(prefix),
                    lambda r: r["p"])
        return ("params.p ILIKE 'V0%' AND tags.t != 'odd'", ["metrics.m ASC"],
                lambda r: r["p"].startswith("v0") and r["t"] != "odd", lambda r: r["m"])

    return shape


def test_paging_with_every_page_size_and_many_filters(shared_server):
    server = shared_server
    exp, runs = _seed(server)
    shape = _shapes(runs)
    deadline = time.monotonic() + DEADLINE_S
    counter = {"requests": 0}
    lock = threading.Lock()
    local = threading.local()

    def session():
        if not hasattr(local, "s"):
            local.s = requests.Session()
        return local.s

    def walk(size):
        filt, order_by, pred, key = shape(size)
        expected = [r["id"] for r in sorted((r for r in runs if pred(r)), key=key)]
        got, token = [], None
        while True:
            with lock:
                counter["requests"] += 1
                if counter["requests"] > MAX_REQUESTS or time.monotonic() > deadline:
                    raise AssertionError(f"out of budget at page size {size}")
            body = {"experiment_ids": [exp], "filter": filt, "max_results": size, "order_by": order_by}
            if token:
                body["page_token"] = token
            r = session().post(server.url + API + "runs/search", json=body, timeout=60)
            assert r.status_code == 200, (size, filt, r.text)
            out = r.json()
            page = [x["info"]["run_id"] for x in out.get("runs", [])]
            assert len(page) <= size
            for x in out.get("runs", []):
                assert [m["key"] for m in x["data"].get("metrics", [])] == ["m"]
            got += page
            token = out.get("next_page_token")
            if not token:
                break
        assert got == expected, (size, filt, order_by)
        return size

    done = set()
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for size in pool.map(walk, range(1, MAX_PAGE_SIZE + 1)):
            done.add(size)
    assert done == set(range(1, MAX_PAGE_SIZE + 1))
    assert server.proc.poll() is None, "the server died"
    assert requests.get(server.url + "/health", timeout=5).text == "OK"
