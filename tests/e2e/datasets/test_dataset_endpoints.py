"""Evaluation dataset and scorer REST endpoints of mlflow-cpp (docs/reference/datasets.md): answers,
errors, and the rows they leave in MLflow's own tables."""
import base64
import hashlib
import json

V3 = "/api/3.0/mlflow"


def ok(srv, method, path, body=None, params=None):
    status, out = srv.request(method, V3 + path, body=body, params=params)
    assert status == 200, (method, path, status, out)
    return out


def create(srv, exp, name="ds", tags=None):
    body = {"name": name, "experiment_ids": [exp]}
    if tags is not None:
        body["tags"] = json.dumps(tags)
    return ok(srv, "POST", "/datasets/create", body)["dataset"]


def test_create_get_and_stored_rows(srv, exp):
    d = create(srv, exp, "qa", {"team": "a", "mlflow.user": "bob"})
    assert d["dataset_id"].startswith("d-") and len(d["dataset_id"]) == 34
    assert d["experiment_ids"] == [exp]
    assert json.loads(d["tags"]) == {"mlflow.user": "bob", "team": "a"}
    assert d["created_by"] == "bob" and d["last_updated_by"] == "bob"
    # MLflow's digest: sha256("name:last_update_time")[:8]
    assert d["digest"] == hashlib.sha256(f"qa:{d['last_update_time']}".encode()).hexdigest()[:8]
    got = ok(srv, "GET", f"/datasets/{d['dataset_id']}")["dataset"]
    assert "experiment_ids" not in got and got["name"] == "qa"
    rows = srv.db_query("SELECT source_type, source_id, destination_type, destination_id FROM entity_associations "
                        "WHERE source_id = ?", (d["dataset_id"],))
    # (the PostgreSQL query helper reads digit strings back as ints)
    assert [tuple(str(x) for x in r) for r in rows] == [("evaluation_dataset", d["dataset_id"], "experiment", exp)]
    assert ok(srv, "GET", f"/datasets/{d['dataset_id']}/experiment-ids") == {"experiment_ids": [exp]}


def test_upsert_merges_by_inputs_and_pages(srv, exp):
    d = create(srv, exp, "recs")
    did = d["dataset_id"]
    recs = [
        {"inputs": {"q": "hi é", "z": 1}, "outputs": "out", "expectations": {"x": 1}, "tags": {"t": "1"},
         "source": {"source_type": "trace", "source_data": {"trace_id": "tr-1"}}},
        {"inputs": {"q": "two"}},
        {"inputs": {"z": 1, "q": "hi é"}, "expectations": {"y": 2}, "tags": {"mlflow.user": "al"}},
    ]
    assert ok(srv, "POST", f"/datasets/{did}/records", {"records": json.dumps(recs)}) == {
        "inserted_count": 2, "updated_count": 1}
    page = ok(srv, "GET", f"/datasets/{did}/records")
    assert "next_page_token" not in page
    records = json.loads(page["records"])
    assert len(records) == 2
    first = next(r for r in records if r["inputs"].get("z") == 1)
    assert first["expectations"] == {"x": 1, "y": 2}
    assert first["tags"] == {"t": "1", "mlflow.user": "al"}
    assert first["outputs"] == "out"
    assert first["source"] == {"source_type": "TRACE", "source_data": {"trace_id": "tr-1"}}
    assert first["source_id"] == "tr-1" and first["source_type"] == "TRACE"
    assert first["last_updated_by"] == "al" and "created_by" not in first
    second = next(r for r in records if r["inputs"] == {"q": "two"})
    assert second["outputs"] == {} and second["tags"] == {} and "expectations" not in second
    # Stored as MLflow stores them: json.dumps text, the input hash over sorted keys.
    row = srv.db_query("SELECT inputs, input_hash, outputs, expectations FROM evaluation_dataset_records "
                       "WHERE dataset_record_id = ?", (first["dataset_record_id"],))[0]
    assert row[0] == '{"q": "hi \\u00e9", "z": 1}'
    assert row[1] == hashlib.sha256(json.dumps({"q": "hi é", "z": 1}, sort_keys=True).encode()).hexdigest()
    assert row[2] == '{"mlflow_wrapped": "out"}'
    ds = ok(srv, "GET", f"/datasets/{did}")["dataset"]
    assert json.loads(ds["profile"]) == {"num_records": 2}
    assert json.loads(ds["schema"]) == {"inputs": {"q": "string", "z": "integer"}, "outputs": "string",
                                        "expectations": {"x": "integer", "y": "integer"}, "version": "1.0"}
    assert ds["last_updated_by"] == "al"
    # Pages of one record, MLflow's cursor token: base64("created_time:record_id").
    p1 = ok(srv, "GET", f"/datasets/{did}/records", params={"max_results": 1})
    r1 = json.loads(p1["records"])[0]
    assert base64.b64decode(p1["next_page_token"]).decode() == f"{r1['created_time']}:{r1['dataset_record_id']}"
    p2 = ok(srv, "GET", f"/datasets/{did}/records", params={"max_results": 1, "page_token": p1["next_page_token"]})
    assert json.loads(p2["records"])[0]["dataset_record_id"] != r1["dataset_record_id"]
    assert "next_page_token" not in p2
    # Deleting a record updates the profile.
    assert ok(srv, "DELETE", f"/datasets/{did}/records", {"dataset_record_ids": [r1["dataset_record_id"]]}) == {
        "deleted_count": 1}
    assert json.loads(ok(srv, "GET", f"/datasets/{did}")["dataset"]["profile"]) == {"num_records": 1}


def test_tags_search_and_links(srv, exp):
    a = create(srv, exp, "search-a", {"k": "v1"})
    b = create(srv, exp, "search-b", {"k": "v2"})
    ok(srv, "PATCH", f"/datasets/{a['dataset_id']}/tags", {"tags": json.dumps({"k": "v3", "flag": True, "n": None})})
    tags = json.loads(ok(srv, "GET", f"/datasets/{a['dataset_id']}")["dataset"]["tags"])
    assert tags == {"flag": "True", "k": "v3"}
    ok(srv, "DELETE", f"/datasets/{a['dataset_id']}/tags/flag")
    ok(srv, "DELETE", f"/datasets/{a['dataset_id']}/tags/absent")  # idempotent
    found = ok(srv, "POST", "/datasets/search", {"experiment_ids": [exp], "filter_string": "tags.k = 'v3'"})
    assert [x["dataset_id"] for x in found["datasets"]] == [a["dataset_id"]]
    found = ok(srv, "GET", "/datasets/search", params={"experiment_ids": exp, "filter_string": "name LIKE 'search-%'",
                                                        "order_by": "name DESC", "max_results": 1})
    assert [x["name"] for x in found["datasets"]] == ["search-b"]
    nxt = ok(srv, "POST", "/datasets/search", {"experiment_ids": [exp], "filter_string": "name LIKE 'search-%'",
                                               "order_by": ["name DESC"], "max_results": 1,
                                               "page_token": found["next_page_token"]})
    assert [x["name"] for x in nxt["datasets"]] == ["search-a"]
    found = ok(srv, "POST", "/datasets/search", {"filter_string": "name IN ('search-a', 'search-b')"})
    assert sorted(x["name"] for x in found["datasets"]) == ["search-a", "search-b"]
    # Links to experiments.
    ok(srv, "POST", f"/datasets/{b['dataset_id']}/add-experiments", {"experiment_ids": ["0"]})
    assert ok(srv, "GET", f"/datasets/{b['dataset_id']}/experiment-ids")["experiment_ids"] == ["0", exp]
    ok(srv, "POST", f"/datasets/{b['dataset_id']}/remove-experiments", {"experiment_ids": ["0", "777"]})
    assert ok(srv, "GET", f"/datasets/{b['dataset_id']}/experiment-ids")["experiment_ids"] == [exp]
    # Delete removes the dataset, its tags, records and links.
    ok(srv, "DELETE", f"/datasets/{b['dataset_id']}")
    assert srv.db_query("SELECT COUNT(*) FROM entity_associations WHERE source_id = ?", (b["dataset_id"],)) == [(0,)]
    assert srv.db_query("SELECT COUNT(*) FROM evaluation_dataset_tags WHERE dataset_id = ?", (b["dataset_id"],)) == [(0,)]
    status, out = srv.get(V3 + f"/datasets/{b['dataset_id']}")
    assert status == 404 and out["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_bad_input_is_refused_and_writes_nothing(srv, exp):
    d = create(srv, exp, "bad")
    did = d["dataset_id"]
    cases = [
        ("POST", "/datasets/create", {}, 400, "Missing value for required parameter 'name'"),
        ("POST", "/datasets/create", {"name": "x", "tags": "{not json"}, 400, None),
        ("POST", f"/datasets/{did}/records", {"records": "notjson"}, 400, None),
        ("POST", f"/datasets/{did}/records", {"records": json.dumps({"inputs": {}})}, 400, None),
        ("POST", f"/datasets/{did}/records",
         {"records": json.dumps([{"inputs": {"a": 1}}, {"inputs": {"b": 1}, "source": {"source_type": "bogus"}}])},
         400, "Invalid dataset record source type: BOGUS"),
        ("POST", f"/datasets/{did}/records", {"records": json.dumps([{"inputs": [1]}])}, 400, None),
        ("PATCH", "/datasets/d-nope/tags", {"tags": "{}"}, 404, "Could not find evaluation dataset with ID d-nope"),
        ("POST", "/datasets/d-nope/add-experiments", {"experiment_ids": [exp]}, 404, "Dataset 'd-nope' not found"),
        ("POST", f"/datasets/{did}/add-experiments", {"experiment_ids": ["999999"]}, 404, "No Experiment with id=999999"),
        ("POST", "/datasets/search", {"filter_string": "foo = 'x'"}, 400, "Invalid attribute key 'foo' specified"),
        ("POST", "/datasets/search", {"filter_string": "created_time > 'x'"}, 400, None),
        ("POST", "/datasets/search", {"order_by": ["bad"]}, 400, "Invalid attribute key 'bad' specified"),
        ("POST", "/datasets/search", {"max_results": 0}, 400,
         "Invalid value None for parameter 'max_results' supplied. It must be a positive integer"),
        ("POST", "/datasets/search", {"max_results": 50001}, 400, "It must be at most 50000"),
        ("GET", "/datasets/d-nope", None, 404, "Evaluation dataset with id 'd-nope' not found"),
    ]
    for method, path, body, status, message in cases:
        got, out = srv.request(method, V3 + path, body=body)
        assert got == status, (path, body, got, out)
        assert out["error_code"] in ("INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST"), out
        if message:
            assert message in out["message"], (message, out)
    # The refused upserts wrote no record, and the dataset row is untouched.
    assert srv.db_query("SELECT COUNT(*) FROM evaluation_dataset_records WHERE dataset_id = ?", (did,)) == [(0,)]
    assert ok(srv, "GET", f"/datasets/{did}")["dataset"] == {k: v for k, v in d.items() if k != "experiment_ids"}
    # Unknown datasets: delete and tag delete are no-ops, as in MLflow.
    assert ok(srv, "DELETE", "/datasets/d-nope") == {}
    assert ok(srv, "DELETE", "/datasets/d-nope/tags/x") == {}


SCORER = {"name": "s1", "aggregations": [], "mlflow_version": "3.17.2", "serialization_version": 1,
          "builtin_scorer_class": None, "builtin_scorer_pydantic_data": None, "call_source": None,
          "call_signature": None, "original_func_name": None, "instructions_judge_pydantic_data": None}


def test_scorer_registry(srv, exp):
    body = {"experiment_id": exp, "name": "s1", "serialized_scorer": json.dumps(SCORER)}
    v1 = ok(srv, "POST", "/scorers/register", body)
    v2 = ok(srv, "POST", "/scorers/register", body)
    assert (v1["version"], v2["version"]) == (1, 2) and v1["scorer_id"] == v2["scorer_id"]
    assert v1["experiment_id"] == exp and v1["name"] == "s1"
    listed = ok(srv, "GET", "/scorers/list", params={"experiment_id": exp})["scorers"]
    assert [(s["scorer_name"], s["scorer_version"], s["experiment_id"]) for s in listed] == [("s1", 2, int(exp))]
    assert any(s["scorer_id"] == v1["scorer_id"] for s in ok(srv, "GET", "/scorers/list")["scorers"])
    versions = ok(srv, "GET", "/scorers/versions", params={"experiment_id": exp, "name": "s1"})["scorers"]
    assert [s["scorer_version"] for s in versions] == [1, 2]
    got = ok(srv, "GET", "/scorers/get", params={"experiment_id": exp, "name": "s1", "version": 1})["scorer"]
    assert got["serialized_scorer"] == body["serialized_scorer"] and got["creation_time"] == v1["creation_time"]
    assert ok(srv, "GET", "/scorers/online-configs", params={"scorer_ids": v1["scorer_id"]}) == {"configs": []}
    rows = srv.db_query("SELECT scorer_version FROM scorer_versions WHERE scorer_id = ? ORDER BY scorer_version",
                        (v1["scorer_id"],))
    assert rows == [(1,), (2,)]
    ok(srv, "DELETE", "/scorers/delete", {"experiment_id": exp, "name": "s1", "version": 1})
    status, out = srv.request("DELETE", V3 + "/scorers/delete", {"experiment_id": exp, "name": "s1", "version": 1})
    assert status == 404 and out["message"] == f"Scorer with name 's1' and version 1 not found for experiment {exp}."
    ok(srv, "DELETE", "/scorers/delete", {"experiment_id": exp, "name": "s1"})
    assert srv.db_query("SELECT COUNT(*) FROM scorers WHERE scorer_id = ?", (v1["scorer_id"],)) == [(0,)]
    status, out = srv.get(V3 + "/scorers/get", params={"experiment_id": exp, "name": "s1"})
    assert status == 404 and out["message"] == f"Scorer with name 's1' not found for experiment {exp}."


def test_scorer_bad_input(srv, exp):
    decorator = dict(SCORER, call_source="return 1")
    cases = [
        ({"experiment_id": exp, "name": "s", "serialized_scorer": "x"}, 400, "serialized_scorer must be valid JSON"),
        ({"experiment_id": exp, "name": "s", "serialized_scorer": json.dumps(decorator)}, 400,
         "Custom scorer registration (using @scorer decorator) is disabled"),
        ({"experiment_id": exp, "name": "  ", "serialized_scorer": "{}"}, 400,
         "Scorer name cannot be empty or contain only whitespace."),
        ({"experiment_id": "123456789", "name": "s", "serialized_scorer": "{}"}, 404,
         "No Experiment with id=123456789 exists"),
        ({"experiment_id": exp, "serialized_scorer": "{}"}, 400, "Missing value for required parameter 'name'"),
    ]
    for body, status, message in cases:
        got, out = srv.post(V3 + "/scorers/register", body)
        assert got == status and message in out["message"], (body, got, out)
    assert srv.db_query("SELECT COUNT(*) FROM scorers WHERE experiment_id = ?", (int(exp),)) == [(0,)]
    got, out = srv.get(V3 + "/scorers/list", params={"experiment_id": exp, "experiment_ids": exp})
    assert got == 400 and "Cannot specify both" in out["message"]
