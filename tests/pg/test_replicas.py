"""Two mlflow-cpp servers on one PostgreSQL or MySQL database behind nginx (round robin), 16
concurrent clients.

Every write the clients were told succeeded must be in the database exactly once, no request may
fail, and ids (experiments, runs) never collide. Runs under tests/pg/with_cluster.sh (PostgreSQL)
or tests/mysql/with_mariadb.sh (MariaDB): the backend is the one MLFLOW_CPP_TEST_BACKEND names.
"""
import json
import random
import threading
import time

import pytest
import requests

from mlflow_server import MlflowCppServer, db_query, new_mysql_database, new_pg_database, selected_backend
from nginx_lb import NginxBalancer

API = "/api/2.0/mlflow/"
CLIENTS = 16
RUNS_PER_CLIENT = 12


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    backend = selected_backend()
    assert backend in ("postgresql", "mysql"), "run under tests/pg/with_cluster.sh or tests/mysql/with_mariadb.sh"
    uri = new_pg_database() if backend == "postgresql" else new_mysql_database()
    work = tmp_path_factory.mktemp("replicas")
    replicas = [MlflowCppServer(work / f"r{i}", db_path=uri, extra_args=["--db-pool-size", "8"]) for i in range(2)]
    # Both start at once on the empty database: the schema is created exactly once.
    errors = []

    def start(r):
        try:
            r.start(timeout=30)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=start, args=(r,)) for r in replicas]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert errors == []
        with NginxBalancer(work, [("127.0.0.1", r.port) for r in replicas]) as lb:
            yield {"uri": uri, "lb": lb, "replicas": replicas}
    finally:
        for r in replicas:
            r.stop()


class Client:
    """One client thread's session through the balancer; records what was acknowledged."""

    def __init__(self, url, idx, shared_run, errors):
        self.url, self.idx, self.shared_run, self.errors = url, idx, shared_run, errors
        self.s = requests.Session()
        self.experiment = None
        self.runs = []
        self.metrics = set()  # (run, key, step)
        self.params = set()   # (run, key, value)
        self.shared_points = []

    def call(self, endpoint, body):
        try:
            r = self.s.post(self.url + API + endpoint, json=body, timeout=60)
        except requests.RequestException as e:
            self.errors.append(f"{endpoint}: {e}")
            return None
        if r.status_code != 200:
            self.errors.append(f"{endpoint}: {r.status_code} {r.text[:300]}")
            return None
        return r.json()

    def work(self):
        out = self.call("experiments/create", {"name": f"client-{self.idx}"})
        if out is None:
            return
        self.experiment = out["experiment_id"]
        rng = random.Random(self.idx)
        for n in range(RUNS_PER_CLIENT):
            out = self.call("runs/create", {"experiment_id": self.experiment, "start_time": n,
                                            "tags": [{"key": "client", "value": str(self.idx)}]})
            if out is None:
                continue
            rid = out["run"]["info"]["run_id"]
            self.runs.append(rid)
            if self.call("runs/log-parameter", {"run_id": rid, "key": "alpha", "value": str(n)}) is not None:
                self.params.add((rid, "alpha", str(n)))
            for step in range(4):
                if self.call("runs/log-metric", {"run_id": rid, "key": "loss", "value": rng.random(),
                                                 "timestamp": step, "step": step}) is not None:
                    self.metrics.add((rid, "loss", step))
            batch = {"run_id": rid,
                     "metrics": [{"key": f"m{k}", "value": k * step, "timestamp": step, "step": step}
                                 for k in range(5) for step in range(4)],
                     "params": [{"key": f"p{k}", "value": f"v{k}"} for k in range(5)],
                     "tags": [{"key": "phase", "value": "train"}]}
            if self.call("runs/log-batch", batch) is not None:
                self.metrics.update((rid, f"m{k}", step) for k in range(5) for step in range(4))
                self.params.update((rid, f"p{k}", f"v{k}") for k in range(5))
            # Everyone also writes to one shared run: distinct steps, shared keys, same param.
            step = self.idx * 1000 + n
            body = {"run_id": self.shared_run,
                    "metrics": [{"key": "shared", "value": step, "timestamp": step, "step": step}],
                    "params": [{"key": "shared_param", "value": "same"}]}
            if self.call("runs/log-batch", body) is not None:
                self.shared_points.append(step)
            self.call("runs/update", {"run_id": rid, "status": "FINISHED", "end_time": 100})


def test_sixteen_clients_through_nginx_lose_nothing(cluster):
    lb, uri = cluster["lb"], cluster["uri"]
    shared = requests.post(lb.url + API + "runs/create", json={"experiment_id": "0", "start_time": 0},
                           timeout=30).json()["run"]["info"]["run_id"]
    errors = []
    clients = [Client(lb.url, i, shared, errors) for i in range(CLIENTS)]
    threads = [threading.Thread(target=c.work) for c in clients]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "clients did not finish in time"
    elapsed = time.monotonic() - t0
    assert errors == [], errors[:5]

    # nginx spread the load over both replicas.
    used = lb.upstreams_used()
    ports = {f"127.0.0.1:{r.port}" for r in cluster["replicas"]}
    assert set(used) >= ports, used
    total = sum(used.values())
    assert all(used[p] > total * 0.3 for p in ports), used

    # Ids never collide: one experiment per client, distinct ids; every acknowledged run exists once.
    exp_ids = [c.experiment for c in clients]
    assert len(set(exp_ids)) == CLIENTS
    rows = db_query(uri, "SELECT experiment_id, name FROM experiments WHERE name LIKE 'client-%'")
    assert sorted(str(r[0]) for r in rows) == sorted(exp_ids)
    acked_runs = [r for c in clients for r in c.runs]
    assert len(acked_runs) == CLIENTS * RUNS_PER_CLIENT
    assert len(set(acked_runs)) == len(acked_runs)
    db_runs = [r[0] for r in db_query(uri, "SELECT run_uuid FROM runs WHERE run_uuid <> ?", (shared,))]
    assert sorted(db_runs) == sorted(acked_runs)

    # Every acknowledged metric point and param is stored exactly once.
    acked_metrics = set().union(*(c.metrics for c in clients))
    stored = db_query(uri, "SELECT run_uuid, key, step, COUNT(*) FROM metrics WHERE run_uuid <> ? "
                           "GROUP BY run_uuid, key, step", (shared,))
    assert all(r[3] == 1 for r in stored), [r for r in stored if r[3] != 1][:5]
    assert {(r[0], r[1], r[2]) for r in stored} == acked_metrics
    acked_params = set().union(*(c.params for c in clients))
    stored_params = db_query(uri, "SELECT run_uuid, key, value FROM params WHERE run_uuid <> ?", (shared,))
    assert len(stored_params) == len(acked_params)
    assert {(r[0], r[1], str(r[2])) for r in stored_params} == acked_params

    # The shared run: all clients' points, once each; latest_metrics holds the greatest step.
    points = sorted(p for c in clients for p in c.shared_points)
    assert len(points) == CLIENTS * RUNS_PER_CLIENT
    stored_points = sorted(r[0] for r in db_query(uri, "SELECT step FROM metrics WHERE run_uuid = ?", (shared,)))
    assert stored_points == points
    [(latest_step,)] = db_query(uri, "SELECT step FROM latest_metrics WHERE run_uuid = ? AND key = 'shared'",
                                (shared,))
    assert latest_step == max(points)
    assert db_query(uri, "SELECT value FROM params WHERE run_uuid = ?", (shared,)) == [("same",)]

    # Either replica serves the same data (through the balancer, twice).
    for _ in range(2):
        data = requests.get(lb.url + API + "runs/get", params={"run_id": shared}, timeout=30).json()["run"]["data"]
        assert [m["step"] for m in data["metrics"] if m["key"] == "shared"] == [max(points)]
    requests_done = total
    print(f"\n{requests_done} requests through nginx in {elapsed:.1f}s "
          f"({requests_done / elapsed:.0f}/s); per replica: {used}")


def test_racing_creates_of_one_name_give_one_winner(cluster):
    lb = cluster["lb"]
    results = []

    def create():
        r = requests.post(lb.url + API + "experiments/create", json={"name": "contested"}, timeout=30)
        results.append((r.status_code, r.json().get("error_code")))

    threads = [threading.Thread(target=create) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results.count((200, None)) == 1, results
    assert results.count((400, "RESOURCE_ALREADY_EXISTS")) == 15, results


def test_racing_model_versions_get_distinct_numbers(cluster):
    lb = cluster["lb"]
    r = requests.post(lb.url + "/api/2.0/mlflow/registered-models/create", json={"name": "shared-model"}, timeout=30)
    assert r.status_code == 200, r.text
    results = []

    def register(i):
        s = requests.Session()
        for j in range(4):
            r = s.post(lb.url + "/api/2.0/mlflow/model-versions/create",
                       json={"name": "shared-model", "source": f"s3://bucket/{i}/{j}"}, timeout=60)
            results.append((r.status_code, r.json().get("model_version", {}).get("version"), r.text[:200]))

    threads = [threading.Thread(target=register, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert [x for x in results if x[0] != 200] == []
    versions = sorted(int(v) for _, v, _ in results)
    assert versions == list(range(1, CLIENTS * 4 + 1))


def test_log_model_on_both_replicas_loses_no_history_entry(cluster):
    # The history tag is read and written back in one transaction with the run's row locked, so two
    # replicas appending at once cannot overwrite each other's entry. (96 short entries fit in the
    # tag's VARCHAR(8000).)
    lb = cluster["lb"]
    rid = requests.post(lb.url + API + "runs/create", json={"experiment_id": "0", "start_time": 0},
                        timeout=30).json()["run"]["info"]["run_id"]
    results = []

    def log_models(t):
        s = requests.Session()
        for i in range(12):
            model = {"artifact_path": f"m-{t}-{i}", "flavors": {}, "run_id": "r", "utc_time_created": "t"}
            r = s.post(lb.url + API + "runs/log-model", json={"run_id": rid, "model_json": json.dumps(model)},
                       timeout=60)
            results.append((r.status_code, r.text[:200]))

    threads = [threading.Thread(target=log_models, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert [x for x in results if x[0] != 200] == []
    [(value,)] = db_query(cluster["uri"], "SELECT value FROM tags WHERE run_uuid = ? AND key = ?",
                          (rid, "mlflow.log-model.history"))
    paths = sorted(m["artifact_path"] for m in json.loads(value))
    assert paths == sorted(f"m-{t}-{i}" for t in range(8) for i in range(12))


def test_each_replica_stays_within_its_pool(cluster):
    # --db-pool-size 8 per replica: at most 16 server connections, whatever the load was.
    if selected_backend() == "postgresql":
        sql = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    else:
        sql = ("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() "
               "AND ID <> CONNECTION_ID()")
    rows = db_query(cluster["uri"], sql)
    assert 1 <= rows[0][0] <= 16, rows
