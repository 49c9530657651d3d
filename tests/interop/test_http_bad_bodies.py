"""Bad bodies to every route, differentially (issue 23, item 3).

The routes are MLflow 3.17.2's own: its handler table (mlflow.server.handlers.get_endpoints) lists
every REST endpoint the Flask app serves. To each POST, PATCH and DELETE endpoint both servers get
the same bad bodies: malformed JSON, an empty body, {}, JSON that is not an object, and an object
whose usual fields have the wrong JSON types. Wherever MLflow refuses (any 4xx/5xx), mlflow-cpp
must refuse too, and a refused request must leave mlflow-cpp's database unchanged. (A junk body
MLflow accepts but mlflow-cpp refuses is the raw HTTP suite's business, test_http_raw.py.)

Each server here is a fresh pair of its own: accepted junk must not leak into the shared pair."""
import re
import sqlite3

import pytest
import requests

from harness import compare, servers

J = {"Content-Type": "application/json"}
WRONG_TYPES = ('{"experiment_id": {"a": 1}, "experiment_ids": "0", "run_id": [1], "run_uuid": 7, '
               '"name": {"n": 1}, "key": [], "value": {"v": 1}, "tags": "t", "params": 3, "metrics": "m", '
               '"version": [2], "model_id": 5, "trace_id": [], "request_id": {}, "max_results": "many", '
               '"filter": 1, "start_time": "soon", "timestamp": [], "step": "s", "alias": 9, "source": [], '
               '"dataset_id": 4, "records": "r", "stage": 1, "description": []}')
BODIES = [
    ("malformed", "{bad"),
    ("empty", ""),
    ("empty object", "{}"),
    ("array", "[]"),
    ("number", "123"),
    ("wrong types", WRONG_TYPES),
]
# Bodies that are files, not JSON: artifact uploads (their own suite covers them).
NOT_JSON = re.compile(r"mlflow-artifacts/artifacts|upload-artifact|/graphql$")


def mlflow_routes():
    """(method, path) for MLflow's JSON endpoints that take a body, path parameters filled with an
    id that exists nowhere; /ajax-api/ twins of /api/ routes once."""
    from mlflow.server.handlers import get_endpoints

    seen, out = set(), []
    for path, _handler, methods in get_endpoints():
        for method in methods:
            if method not in ("POST", "PATCH", "DELETE") or NOT_JSON.search(path):
                continue
            filled = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: "m-0123456789abcdef0123456789abcdef"
                            if "model" in m.group(1) else "nosuch", path)
            key = (method, filled.replace("/ajax-api/", "/api/", 1))
            if key not in seen:
                seen.add(key)
                out.append((method, filled))
    return out


def table_counts(db_path):
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def send(srv, method, path, body):
    try:
        r = requests.request(method, srv.url + path, data=body.encode(), headers=J, timeout=30)
        return r.status_code
    except requests.RequestException:
        return 599  # no answer in time: the request failed


@pytest.fixture(scope="module")
def fresh_pair(venv):
    real = servers.make_server("real", venv, label="badbody-real")
    cand = servers.make_server("candidate", venv, label="badbody-candidate")
    try:
        servers.start_many([real, cand])
        yield real, cand
    finally:
        real.cleanup()
        cand.cleanup()


@pytest.mark.area("http")
def test_bad_bodies_to_every_route(fresh_pair):
    real, cand = fresh_pair
    routes = mlflow_routes()
    assert len(routes) > 100, routes  # the handler table was read, not an empty list
    cmp = compare.Comparison("http.bad_bodies")
    refused_by_real = 0
    for method, path in routes:
        for kind, body in BODIES:
            label = f"{method} {path} {kind}"
            real_status = send(real, method, path, body)
            before = table_counts(cand.db_path)
            cand_status = send(cand, method, path, body)
            cand_refused = cand_status >= 400
            real_refused = real_status >= 400
            refused_by_real += real_refused
            # Only MLflow's refusals are the judge here (see the module docstring).
            cmp.check(label, {"refused": real_refused}, {"refused": cand_refused if real_refused else False})
            if cand_refused:
                after = table_counts(cand.db_path)
                changed = {t: (before.get(t), n) for t, n in after.items() if before.get(t) != n}
                cmp.check(label + " writes", {"changed_tables": {}}, {"changed_tables": changed})
    assert refused_by_real > len(routes)  # the bodies are bad enough for MLflow to refuse most
    cmp.assert_ok()
