"""Differential suites for evaluation datasets and the scorer registry (mlflow.genai): the real
client's calls, and raw requests the client never sends, against both servers.

Values each server makes on its own (dataset and record ids, digests, times, scorer uuids) are
left out of the client observations; everything else a call returns is compared."""
import json

import pytest
import requests

from harness.client_diff import run_scenario
from test_http_raw import observe

V3 = "/api/3.0/mlflow"
J = {"Content-Type": "application/json"}


def ds_obs(ds):
    """What a dataset entity says, without the values the server makes up (ids, digest, times)."""
    if ds is None:
        return None
    return {"name": ds.name, "tags": ds.tags, "schema": ds.schema, "profile": ds.profile,
            "created_by": ds.created_by, "last_updated_by": ds.last_updated_by}


def records_obs(ds):
    df = ds.to_df()
    out = []
    for _, row in df.iterrows():
        out.append({k: row[k] for k in ("inputs", "outputs", "expectations", "tags", "source_type")
                    if k in row and not (isinstance(row[k], float) and row[k] != row[k])})
    return sorted(out, key=lambda r: json.dumps(r["inputs"], sort_keys=True))


@pytest.mark.area("genai_datasets")
def test_client_evaluation_datasets(pair):
    from mlflow.genai import datasets as gd

    def scenario(ctx):
        c = ctx.client
        e = c.create_experiment("genai_ds_exp")
        other = c.create_experiment("genai_ds_other")
        ds = gd.create_dataset(name="qa", experiment_id=e, tags={"team": "a", "mlflow.user": "tester"})
        ctx.note("create", ds_obs(ds))
        ctx.note("experiment ids", ds.experiment_ids)
        ds.merge_records([
            {"inputs": {"question": "1+1?", "n": 1}, "expectations": {"answer": "2"}, "outputs": "2"},
            {"inputs": {"question": "2+2?"}, "expectations": {"answer": "4"}, "tags": {"kind": "math"},
             "source": {"source_type": "HUMAN", "source_data": {"source_id": "h1"}}},
        ])
        ds.merge_records([{"inputs": {"n": 1, "question": "1+1?"}, "expectations": {"why": "sum"},
                           "tags": {"mlflow.user": "other"}}])
        got = gd.get_dataset(dataset_id=ds.dataset_id)
        ctx.note("after merges", ds_obs(got))
        ctx.note("records", records_obs(got))
        ctx.note("search by name", [ds_obs(d) for d in gd.search_datasets(experiment_ids=[e],
                                                                            filter_string="name = 'qa'")])
        ctx.note("search by tag", [ds_obs(d) for d in gd.search_datasets(filter_string="tags.team = 'a'")])
        ctx.note("search ordered", [ds_obs(d) for d in gd.search_datasets(experiment_ids=[e],
                                                                            order_by=["name ASC"])])
        ctx.call("search bad filter", gd.search_datasets, filter_string="bogus = 'x'")
        ctx.call("search bad order", gd.search_datasets, order_by=["tags.x"])
        ctx.call("set tags", gd.set_dataset_tags, dataset_id=ds.dataset_id, tags={"team": "b", "v": "2"})
        ctx.call("delete tag", gd.delete_dataset_tag, dataset_id=ds.dataset_id, key="v")
        ctx.note("tags", gd.get_dataset(dataset_id=ds.dataset_id).tags)
        ctx.call("add experiments", lambda: ds_obs(gd.add_dataset_to_experiments(ds.dataset_id, [other])))
        ctx.note("linked", sorted(gd.get_dataset(dataset_id=ds.dataset_id).experiment_ids))
        ctx.call("remove experiments", lambda: ds_obs(gd.remove_dataset_from_experiments(ds.dataset_id, [other])))
        ctx.call("add missing experiment", gd.add_dataset_to_experiments, ds.dataset_id, ["987654"])
        ctx.call("get missing", gd.get_dataset, dataset_id="d-" + "0" * 32)
        ctx.call("delete", gd.delete_dataset, dataset_id=ds.dataset_id)
        ctx.call("get deleted", gd.get_dataset, dataset_id=ds.dataset_id)
    run_scenario(pair, "client.genai_datasets", scenario)


@pytest.mark.area("genai_datasets")
def test_client_scorer_registry(pair):
    from mlflow.genai import scorers as gs
    from mlflow.genai.scorers import RelevanceToQuery

    def scenario(ctx):
        e = ctx.client.create_experiment("genai_scorers_exp")
        ctx.call("register", lambda: RelevanceToQuery().register(name="rel", experiment_id=e).name)
        ctx.call("register again", lambda: RelevanceToQuery().register(name="rel", experiment_id=e).name)
        ctx.call("list", lambda: [s.name for s in gs.list_scorers(experiment_id=e)])
        ctx.call("versions", lambda: [v for _, v in gs.registry.list_scorer_versions(name="rel", experiment_id=e)])
        ctx.call("get v1", lambda: gs.get_scorer(name="rel", experiment_id=e, version=1).model_dump())
        ctx.call("get missing", gs.get_scorer, name="nope", experiment_id=e)
        ctx.call("get missing version", gs.get_scorer, name="rel", experiment_id=e, version=9)
        ctx.call("get in missing experiment", gs.get_scorer, name="rel", experiment_id="987654")
        ctx.call("delete v1", gs.delete_scorer, name="rel", experiment_id=e, version=1)
        ctx.call("delete v1 again", gs.delete_scorer, name="rel", experiment_id=e, version=1)
        ctx.call("delete all", gs.delete_scorer, name="rel", experiment_id=e, version="all")
        ctx.call("list after", lambda: [s.name for s in gs.list_scorers(experiment_id=e)])
    run_scenario(pair, "client.genai_scorers", scenario)


SCORER = json.dumps({"name": "s1", "aggregations": [], "mlflow_version": "3.17.2", "serialization_version": 1,
                     "builtin_scorer_class": None, "builtin_scorer_pydantic_data": None, "call_source": None,
                     "call_signature": None, "original_func_name": None,
                     "instructions_judge_pydantic_data": None})
DECORATOR = json.dumps({"name": "d", "call_source": "return 1", "call_signature": "(outputs)"})
MISSING = "d-" + "0" * 32

# (label, method, path, body). {exp} is each server's experiment, {ds} a dataset made in setup.
CASES = [
    ("create: no name", "POST", "/datasets/create", {"experiment_ids": ["{exp}"]}),
    ("create: name number", "POST", "/datasets/create", {"name": 5}),
    ("create: experiment_ids not a list", "POST", "/datasets/create", {"name": "x", "experiment_ids": "1"}),
    ("create: tags not a string", "POST", "/datasets/create", {"name": "x", "tags": {"a": "b"}}),
    ("get: missing", "GET", "/datasets/" + MISSING, None),
    ("delete: missing", "DELETE", "/datasets/" + MISSING, None),
    ("set tags: missing dataset", "PATCH", "/datasets/" + MISSING + "/tags", {"tags": "{}"}),
    ("set tags: no tags", "PATCH", "/datasets/{ds}/tags", {}),
    ("delete tag: missing dataset", "DELETE", "/datasets/" + MISSING + "/tags/k", None),
    ("delete tag: missing tag", "DELETE", "/datasets/{ds}/tags/never", None),
    ("records: missing dataset", "GET", "/datasets/" + MISSING + "/records", None),
    ("records: empty dataset", "GET", "/datasets/{ds}/records", None),
    ("experiment ids: missing dataset", "GET", "/datasets/" + MISSING + "/experiment-ids", None),
    ("experiment ids", "GET", "/datasets/{ds}/experiment-ids", None),
    ("upsert: no records", "POST", "/datasets/{ds}/records", {}),
    ("upsert: records not a string", "POST", "/datasets/{ds}/records", {"records": [{"inputs": {}}]}),
    ("upsert: bad source type", "POST", "/datasets/{ds}/records",
     {"records": json.dumps([{"inputs": {"a": 1}, "source": {"source_type": "bogus"}}])}),
    ("upsert: empty list", "POST", "/datasets/{ds}/records", {"records": "[]"}),
    ("upsert: records not JSON", "POST", "/datasets/{ds}/records", {"records": "{not json"}),
    ("create: tags not JSON", "POST", "/datasets/create", {"name": "x", "tags": "{not json"}),
    ("records: bad page token", "GET", "/datasets/{ds}/records?page_token=zzz", None),
    ("upsert: one record", "POST", "/datasets/{ds}/records", {"records": json.dumps([{"inputs": {"a": 1}}])}),
    ("upsert: same inputs", "POST", "/datasets/{ds}/records",
     {"records": json.dumps([{"inputs": {"a": 1}, "expectations": {"e": 1}}])}),
    ("delete records: none match", "DELETE", "/datasets/{ds}/records", {"dataset_record_ids": ["dr-x"]}),
    ("add experiments: missing dataset", "POST", "/datasets/" + MISSING + "/add-experiments",
     {"experiment_ids": ["{exp}"]}),
    ("add experiments: missing experiment", "POST", "/datasets/{ds}/add-experiments", {"experiment_ids": ["987654"]}),
    ("remove experiments: missing dataset", "POST", "/datasets/" + MISSING + "/remove-experiments",
     {"experiment_ids": ["{exp}"]}),
    ("search: bad attribute", "POST", "/datasets/search", {"filter_string": "bogus = 'x'"}),
    ("search: bad tag comparator", "POST", "/datasets/search", {"filter_string": "tags.k > 'x'"}),
    ("search: lower-case like", "POST", "/datasets/search", {"filter_string": "name like 'x%'"}),
    ("search: float time", "POST", "/datasets/search", {"filter_string": "created_time > 1.5"}),
    ("search: name list with =", "POST", "/datasets/search", {"filter_string": "name = ('a', 'b')"}),
    ("search: bad order", "POST", "/datasets/search", {"order_by": ["name SIDEWAYS"]}),
    ("search: zero max_results", "POST", "/datasets/search", {"max_results": 0}),
    ("search: too many max_results", "POST", "/datasets/search", {"max_results": 50001}),
    ("search: bad page token", "POST", "/datasets/search", {"page_token": "xyz"}),
    ("search: nothing found", "POST", "/datasets/search", {"filter_string": "name = 'never'"}),
    ("search: nothing found GET", "GET", "/datasets/search?filter_string=name%20%3D%20%27never%27", None),
    ("scorer register: no name", "POST", "/scorers/register", {"experiment_id": "{exp}", "serialized_scorer": SCORER}),
    ("scorer register: bad json", "POST", "/scorers/register",
     {"experiment_id": "{exp}", "name": "s", "serialized_scorer": "{x"}),
    ("scorer register: decorator", "POST", "/scorers/register",
     {"experiment_id": "{exp}", "name": "s", "serialized_scorer": DECORATOR}),
    ("scorer register: blank name", "POST", "/scorers/register",
     {"experiment_id": "{exp}", "name": "  ", "serialized_scorer": SCORER}),
    ("scorer register: missing experiment", "POST", "/scorers/register",
     {"experiment_id": "987654", "name": "s", "serialized_scorer": SCORER}),
    ("scorer register: bad experiment id", "POST", "/scorers/register",
     {"experiment_id": "abc", "name": "s", "serialized_scorer": SCORER}),
    ("scorer list: empty experiment", "GET", "/scorers/list?experiment_id={exp}", None),
    ("scorer list: both ids", "GET", "/scorers/list?experiment_id={exp}&experiment_ids={exp}", None),
    ("scorer list: missing experiment", "GET", "/scorers/list?experiment_id=987654", None),
    ("scorer versions: missing", "GET", "/scorers/versions?experiment_id={exp}&name=nope", None),
    ("scorer versions: no name", "GET", "/scorers/versions?experiment_id={exp}", None),
    ("scorer get: missing", "GET", "/scorers/get?experiment_id={exp}&name=nope", None),
    ("scorer get: version text", "GET", "/scorers/get?experiment_id={exp}&name=nope&version=x", None),
    ("scorer delete: missing", "DELETE", "/scorers/delete", {"experiment_id": "{exp}", "name": "nope"}),
    ("scorer online configs: none", "GET", "/scorers/online-configs?scorer_ids=nope", None),
]


def fill(value, ids):
    if isinstance(value, str):
        for k, v in ids.items():
            value = value.replace("{%s}" % k, v)
        return value
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


def send(server, ids, method, path, body):
    kw = {"headers": J if body is not None else {}, "timeout": 60}
    if body is not None:
        kw["data"] = json.dumps(fill(body, ids))
    obs = observe(requests.request(method, server.url + V3 + fill(path, ids), **kw))
    from harness.client_diff import normalizer_for
    return normalizer_for(server).pin("id", ids["ds"][2:], "<ds:setup>")(obs)


@pytest.mark.area("genai_datasets")
def test_raw_http_genai(pair):
    def scenario(ctx):
        s = requests.Session()
        exp = s.post(ctx.uri + "/api/2.0/mlflow/experiments/create", json={"name": "raw_genai"}).json()
        exp = exp["experiment_id"]
        ds = s.post(ctx.uri + V3 + "/datasets/create", json={"name": "raw_ds"}).json()["dataset"]["dataset_id"]
        ids = {"exp": exp, "ds": ds}
        for label, method, path, body in CASES:
            ctx.call(f"{label} [{method} {path[:50]}]", send, ctx.server, ids, method, path, body)
    run_scenario(pair, "http.genai", scenario)
