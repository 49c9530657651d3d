"""The real MLflow client's tracing against mlflow-cpp: traced functions (sync, nested, exceptions,
async export), search_traces with each filter kind, trace tags, feedback and expectations, the
trace data download, and where the spans land in MLflow's own tables."""
import asyncio
import json

import mlflow
import pytest
import requests
from mlflow.entities import AssessmentSource, Feedback, SpanStatusCode
from mlflow.exceptions import MlflowException


def _outer_trace():
    @mlflow.trace
    def add(a, b):
        return a + b

    @mlflow.trace(span_type="CHAIN", attributes={"k": "v"})
    def outer(x):
        with mlflow.start_span("inner", span_type="LLM") as s:
            s.set_inputs({"x": x})
            s.set_outputs({"y": x * 2})
            s.set_attribute("mlflow.chat.tokenUsage", {"input_tokens": 4, "output_tokens": 2, "total_tokens": 6})
        mlflow.update_current_trace(tags={"team": "search"}, metadata={"mlflow.trace.session": "s-1"})
        return add(x, 1)

    assert outer(3) == 4
    return mlflow.get_last_active_trace_id()


def test_sync_nested_trace_round_trips(srv, exp, monkeypatch):
    monkeypatch.setenv("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")
    mlflow.tracing.reset()
    tid = _outer_trace()
    trace = mlflow.get_trace(tid)
    assert trace.info.state.value == "OK"
    assert trace.info.tags["mlflow.traceName"] == "outer"
    assert trace.info.tags["mlflow.trace.spansLocation"] == "TRACKING_STORE"
    assert trace.info.tags["team"] == "search"
    assert trace.info.trace_metadata["mlflow.trace.session"] == "s-1"
    assert json.loads(trace.info.trace_metadata["mlflow.trace.tokenUsage"]) == {
        "input_tokens": 4, "output_tokens": 2, "total_tokens": 6}
    assert trace.info.request_preview == '{"x": 3}' and trace.info.response_preview == "4"
    spans = {s.name: s for s in trace.data.spans}
    assert set(spans) == {"outer", "inner", "add"}
    assert trace.data.spans[0].name == "outer"  # the root first
    assert spans["inner"].parent_id == spans["outer"].span_id
    assert spans["add"].parent_id == spans["outer"].span_id
    assert spans["inner"].span_type == "LLM" and spans["outer"].attributes["k"] == "v"
    assert spans["inner"].inputs == {"x": 3} and spans["add"].outputs == 4
    # The spans sit in MLflow's spans table, one row each, keyed as MLflow keys them.
    rows = srv.db_query("SELECT span_id, parent_span_id, name, type, status FROM spans WHERE trace_id = ?", (tid,))
    by_name = {r[2]: r for r in rows}
    assert set(by_name) == {"outer", "inner", "add"}
    assert by_name["outer"][1] is None or by_name["outer"][1] == ""
    assert by_name["inner"][1] == by_name["outer"][0] and by_name["inner"][3] == "LLM"
    assert all(r[4] == "OK" for r in rows)
    # The trace name and the token usage are where MLflow 3.6's schema keeps them.
    assert srv.db_query("SELECT value FROM trace_tags WHERE request_id = ? AND key = 'mlflow.traceName'",
                        (tid,)) == [("outer",)]


def test_exception_marks_trace_and_span_error(srv, exp, monkeypatch):
    monkeypatch.setenv("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")
    mlflow.tracing.reset()

    @mlflow.trace
    def boom(x):
        raise ValueError(f"bad {x}")

    with pytest.raises(ValueError):
        boom(7)
    trace = mlflow.get_trace(mlflow.get_last_active_trace_id())
    assert trace.info.state.value == "ERROR"
    span = trace.data.spans[0]
    assert span.status.status_code == SpanStatusCode.ERROR
    assert "bad 7" in span.status.description
    assert [e.name for e in span.events] == ["exception"]
    assert span.events[0].attributes["exception.type"] == "ValueError"


def test_async_export_and_async_functions(srv, exp, monkeypatch):
    monkeypatch.setenv("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "true")
    mlflow.tracing.reset()

    @mlflow.trace
    async def answer(q):
        await asyncio.sleep(0)
        return q.upper()

    ids = []
    for i in range(20):
        asyncio.run(answer(f"q{i}"))
        ids.append(mlflow.get_last_active_trace_id())
    mlflow.flush_trace_async_logging()
    for i, tid in enumerate(ids):
        t = mlflow.get_trace(tid)
        assert t.data.spans[0].outputs == f"Q{i}"
        assert t.info.tags["mlflow.trace.spansLocation"] == "TRACKING_STORE"
    found = mlflow.search_traces(locations=[exp], return_type="list", max_results=100)
    assert {t.info.trace_id for t in found} >= set(ids)


def test_search_traces_filter_kinds(srv, exp, monkeypatch):
    monkeypatch.setenv("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")
    mlflow.tracing.reset()
    c = mlflow.MlflowClient()
    t0 = 1_700_000_000_000
    ids = {}
    for i, (name, status, model) in enumerate([("alpha", "OK", "gpt-a"), ("beta", "ERROR", "gpt-b"),
                                                ("gamma", "OK", "claude")]):
        root = c.start_trace(name, span_type="AGENT", inputs={"q": f"question {name}"}, attributes={"model": model},
                             tags={"idx": str(i)}, experiment_id=exp, start_time_ns=(t0 + i * 1000) * 10**6)
        child = c.start_span("tool_call", trace_id=root.trace_id, parent_id=root.span_id, span_type="TOOL",
                             start_time_ns=(t0 + i * 1000 + 10) * 10**6)
        c.end_span(root.trace_id, child.span_id, end_time_ns=(t0 + i * 1000 + 20) * 10**6)
        c.end_trace(root.trace_id, status=status, end_time_ns=(t0 + i * 1000 + 100 * (i + 1)) * 10**6)
        ids[name] = root.trace_id
    mlflow.log_feedback(trace_id=ids["alpha"], name="score", value=0.9)
    mlflow.log_feedback(trace_id=ids["beta"], name="score", value=0.1)
    mlflow.log_expectation(trace_id=ids["gamma"], name="truth", value="42")
    run = c.create_run(exp)
    c.link_traces_to_run([ids["gamma"]], run.info.run_id)

    def names(filter_string, **kw):
        return [t.info.tags["mlflow.traceName"] for t in c.search_traces([exp], filter_string=filter_string, **kw)]

    assert names("trace.status = 'ERROR'") == ["beta"]
    assert names(f"trace.timestamp_ms >= {t0 + 1000}") == ["gamma", "beta"]
    assert names("trace.execution_time_ms > 150") == ["gamma", "beta"]
    assert names("tags.idx = '0'") == ["alpha"]
    assert names("tags.`mlflow.traceName` LIKE '%mm%'") == ["gamma"]
    assert names("name = 'beta'") == ["beta"]
    assert names("span.name = 'tool_call'") == ["gamma", "beta", "alpha"]
    assert names("span.type = 'AGENT' AND span.attributes.model LIKE '%gpt%'") == ["beta", "alpha"]
    assert names("feedback.score > 0.5") == ["alpha"]
    assert names("expectation.truth = '42'") == ["gamma"]
    assert names(f"run_id = '{run.info.run_id}'") == ["gamma"]
    assert names("metadata.mlflow.trace_schema.version = '3'") == ["gamma", "beta", "alpha"]
    assert names("", order_by=["timestamp_ms ASC"]) == ["alpha", "beta", "gamma"]
    assert names("", order_by=["execution_time_ms DESC"]) == ["gamma", "beta", "alpha"]
    page = c.search_traces([exp], max_results=2, order_by=["name"])
    rest = c.search_traces([exp], max_results=2, order_by=["name"], page_token=page.token)
    assert [t.info.tags["mlflow.traceName"] for t in list(page) + list(rest)] == ["alpha", "beta", "gamma"]
    with pytest.raises(MlflowException, match="Invalid clause"):
        c.search_traces([exp], filter_string="trace.status = 'OK' OR trace.status = 'ERROR'")
    with pytest.raises(MlflowException):
        c.search_traces([exp], filter_string="span.nope = 'x'")


def test_feedback_on_a_trace(srv, exp, monkeypatch):
    monkeypatch.setenv("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")
    mlflow.tracing.reset()
    tid = _outer_trace()
    src = AssessmentSource(source_type="HUMAN", source_id="reviewer")
    fb = mlflow.log_feedback(trace_id=tid, name="helpful", value=True, source=src, rationale="clear")
    ex = mlflow.log_expectation(trace_id=tid, name="expected", value={"answer": 4})
    assert fb.assessment_id.startswith("a-") and fb.value is True and fb.rationale == "clear"
    got = mlflow.get_assessment(tid, fb.assessment_id)
    assert got.source.source_id == "reviewer" and got.valid is True
    upd = mlflow.update_assessment(trace_id=tid, assessment_id=fb.assessment_id,
                                   assessment=Feedback(name="helpful", value=False))
    assert upd.value is False and upd.rationale == "clear"
    new = mlflow.override_feedback(trace_id=tid, assessment_id=fb.assessment_id, value=True, rationale="fixed")
    trace = mlflow.get_trace(tid)
    by_id = {a.assessment_id: a for a in trace.info.assessments}
    assert by_id[fb.assessment_id].valid is False and by_id[new.assessment_id].overrides == fb.assessment_id
    assert by_id[ex.assessment_id].value == {"answer": 4}
    mlflow.delete_assessment(trace_id=tid, assessment_id=new.assessment_id)
    assert mlflow.get_assessment(tid, fb.assessment_id).valid is True  # the overridden one comes back
    with pytest.raises(MlflowException, match="not found"):
        mlflow.get_assessment(tid, new.assessment_id)


def test_tags_delete_and_trace_download(srv, exp, monkeypatch):
    monkeypatch.setenv("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")
    mlflow.tracing.reset()
    c = mlflow.MlflowClient()
    tid = _outer_trace()
    c.set_trace_tag(tid, "reviewed", "yes")
    c.delete_trace_tag(tid, "team")
    info = c.get_trace(tid).info
    assert info.tags["reviewed"] == "yes" and "team" not in info.tags
    # The UI's download of the trace data: the stored spans, roots first.
    r = requests.get(srv.url + "/ajax-api/2.0/mlflow/get-trace-artifact", params={"request_id": tid}, timeout=30)
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    data = json.loads(r.content)
    assert [s["name"] for s in data["spans"]][0] == "outer" and len(data["spans"]) == 3
    assert c.delete_traces(exp, trace_ids=[tid]) == 1
    assert srv.db_query("SELECT COUNT(*) FROM spans WHERE trace_id = ?", (tid,)) == [(0,)]
    with pytest.raises(MlflowException):
        c.get_trace(tid)


def test_delete_by_age_unknown_ids_and_refused_requests(srv, exp, monkeypatch):
    """Deletion by age takes the oldest first; unknown ids and refused requests change nothing."""
    monkeypatch.setenv("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")
    mlflow.tracing.reset()
    c = mlflow.MlflowClient()
    t0 = 1_700_000_000_000
    ids = []
    for i in range(3):
        root = c.start_trace(f"aged{i}", experiment_id=exp, start_time_ns=(t0 + i * 1000) * 10**6)
        c.end_trace(root.trace_id, end_time_ns=(t0 + i * 1000 + 5) * 10**6)
        ids.append(root.trace_id)

    def remaining():
        return {t.info.trace_id for t in c.search_traces([exp])}

    unknown = "tr-" + "0" * 32
    assert c.delete_traces(exp, trace_ids=[unknown]) == 0
    with pytest.raises(MlflowException, match="must be specified"):
        c.delete_traces(exp)
    with pytest.raises(MlflowException, match="Only one of"):
        c.delete_traces(exp, max_timestamp_millis=t0 + 5000, trace_ids=[ids[0]])
    # The client only warns about a system tag; the server refuses it.
    r = requests.patch(f"{srv.url}/api/3.0/mlflow/traces/{ids[0]}/tags", timeout=30,
                       json={"key": "mlflow.trace.spansLocation", "value": "elsewhere"})
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "immutable" in r.json()["message"]
    with pytest.raises(MlflowException):
        c.get_trace(unknown)
    with pytest.raises(MlflowException):
        mlflow.log_feedback(trace_id=unknown, name="score", value=1.0)
    with pytest.raises(MlflowException):
        c.search_traces([exp], filter_string="trace.status = ")
    assert remaining() == set(ids)
    assert c.get_trace(ids[0]).info.tags["mlflow.trace.spansLocation"] == "TRACKING_STORE"
    # By age: at most max_traces of the traces started at or before the cut, oldest first.
    assert c.delete_traces(exp, max_timestamp_millis=t0 + 1500, max_traces=1) == 1
    assert remaining() == set(ids[1:])
    assert c.delete_traces(exp, max_timestamp_millis=t0 + 1500) == 1
    assert remaining() == {ids[2]}
    assert srv.db_query("SELECT COUNT(*) FROM spans WHERE trace_id IN (?, ?)", (ids[0], ids[1])) == [(0,)]


def test_trace_data_uploaded_as_artifact(srv, exp):
    """An older client (or start_trace before log_spans) keeps the spans in traces.json under the
    trace's artifact root: both the client and the UI download read it from there."""
    tid = "tr-" + "ab" * 16
    body = {"trace": {"trace_info": {"trace_id": tid, "trace_location": {
        "type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": exp}},
        "request_time": "2024-01-01T00:00:00Z", "execution_duration": "0.5s", "state": "OK",
        "tags": {"mlflow.traceName": "from_artifact"}}}}
    status, out = srv.post("/api/3.0/mlflow/traces", body)
    assert status == 200, out
    location = out["trace"]["trace_info"]["tags"]["mlflow.artifactLocation"]
    assert location == f"mlflow-artifacts:/{exp}/traces/{tid}/artifacts"
    span = {"trace_id": "q6urq6urq6urq6urq6urqw==", "span_id": "AAAAAAAAAAE=", "parent_span_id": None,
            "name": "from_artifact", "start_time_unix_nano": 1704067200000000000,
            "end_time_unix_nano": 1704067200500000000, "events": [],
            "status": {"code": "STATUS_CODE_OK", "message": ""},
            "attributes": {"mlflow.traceRequestId": json.dumps(tid), "mlflow.spanType": '"CHAIN"'}, "links": []}
    r = requests.put(f"{srv.url}/api/2.0/mlflow-artifacts/artifacts/{exp}/traces/{tid}/artifacts/traces.json",
                     data=json.dumps({"spans": [span]}), timeout=30)
    assert r.status_code == 200
    trace = mlflow.get_trace(tid)
    assert [s.name for s in trace.data.spans] == ["from_artifact"]
    r = requests.get(srv.url + "/ajax-api/3.0/mlflow/get-trace-artifact", params={"request_id": tid}, timeout=30)
    assert r.status_code == 200 and json.loads(r.content)["spans"][0]["name"] == "from_artifact"


def test_v2_trace_api(srv, exp):
    """The MLflow 2 trace endpoints older 3.x clients still call."""
    store = mlflow.MlflowClient()._tracking_client.store
    from mlflow.entities.trace_status import TraceStatus
    info = store.deprecated_start_trace_v2(exp, 1_700_000_000_000, {"m": "1"}, {"mlflow.traceName": "v2"})
    assert info.status == TraceStatus.IN_PROGRESS
    done = store.deprecated_end_trace_v2(info.request_id, 1_700_000_000_250, TraceStatus.OK, {"m2": "2"}, {"t": "x"})
    assert done.execution_time_ms == 250 and done.status == TraceStatus.OK
    assert done.request_metadata["m"] == "1" and done.request_metadata["m2"] == "2"
    assert done.tags["t"] == "x" and done.tags["mlflow.traceName"] == "v2"
    status, out = srv.get(f"/api/2.0/mlflow/traces/{info.request_id}/info")
    assert status == 200 and out["trace_info"]["status"] == "OK"
    status, out = srv.get("/api/2.0/mlflow/traces", params={"experiment_ids": exp, "filter": "name = 'v2'"})
    assert status == 200 and [t["request_id"] for t in out["traces"]] == [info.request_id]
