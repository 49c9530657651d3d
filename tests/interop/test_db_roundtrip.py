"""Database round trips between the real MLflow server and mlflow-cpp.

1. mlflow-cpp writes a database; the real server opens it (upgrading it to its own head) and every
   entity reads back equal; mlflow-cpp then serves the upgraded file, equal again.
2. The real server writes a database from scratch; a copy each is served by both servers, and
   every entity reads back equal.
Equality here is exact (same file, same ids and timestamps); only host/port and temp paths differ."""
import shutil
import tempfile
from pathlib import Path

import mlflow
import pytest
import requests
from mlflow.entities import (Dataset, DatasetInput, InputTag, LoggedModelStatus, Metric, Param, RunTag,
                             ViewType)
from mlflow.tracking import MlflowClient

import areas
from harness import servers
from harness.client_diff import to_obs
from harness.compare import Comparison
from harness.normalize import Normalizer

T0 = 1_600_000_000_000


def populate(uri):
    """Writes one of everything the enabled areas cover (registry, logged models, datasets only when
    enabled, so this test runs as soon as the tracking basics are served)."""
    on = areas.enabled_areas()
    c = MlflowClient(tracking_uri=uri, registry_uri=uri)
    e1 = c.create_experiment("rt_one", tags={"team": "a", "note": ""})
    e2 = c.create_experiment("rt_two")
    e3 = c.create_experiment("rt_deleted")
    c.rename_experiment(e2, "rt_two_renamed")
    c.set_experiment_tag(e2, "k", "v")
    runs = []
    for i in range(6):
        r = c.create_run(e1 if i < 4 else e2, start_time=T0 + i * 1000, run_name=f"rt_run_{i}",
                         tags={"seed": str(i)})
        rid = r.info.run_id
        runs.append(rid)
        c.log_batch(rid, metrics=[Metric("acc", v, T0 + s, s) for s, v in enumerate([0.1, 0.5, float("nan")])]
                    + [Metric("inf", float("inf"), T0, 0), Metric("ninf", float("-inf"), T0, 0),
                       Metric("neg_step", 2.0, T0, -3)],
                    params=[Param("lr", str(0.1 * i)), Param("empty", ""), Param("long", "p" * 6000)],
                    tags=[RunTag("t", "x" * (i * 100)), RunTag("mlflow.note.content", "note")])
        if i % 2:
            c.set_terminated(rid, "FINISHED" if i != 3 else "FAILED", end_time=T0 + i * 1000 + 500)
    c.delete_tag(runs[0], "seed")
    child = c.create_run(e1, start_time=T0 + 9000, run_name="rt_child",
                         tags={"mlflow.parentRunId": runs[0]}).info.run_id
    runs.append(child)
    c.delete_run(runs[2])
    if "datasets" in on:
        log_datasets(c, runs)
    if "genai_datasets" in on:
        populate_genai(c, e1, e2)
    c.delete_experiment(e3)
    if "registry" in on:
        populate_registry(c, e1, runs)
    if "logged_models" in on:
        populate_logged_models(c, e1, e2, runs)
    if "tracing" in on:
        populate_traces(c, e1, runs)


def log_datasets(c, runs):
    c.log_inputs(runs[1], [DatasetInput(Dataset("ds", "dg", "local", '{"p": 1}', '{"s": 1}', '{"n": 2}'),
                                        [InputTag("mlflow.data.context", "training")])])
    c.log_inputs(runs[3], [DatasetInput(Dataset("ds", "dg", "local", '{"p": 1}', '{"s": 1}', '{"n": 2}'),
                                        [InputTag("mlflow.data.context", "eval")])])


def populate_genai(c, e1, e2):
    """Evaluation datasets (tags, merged records, links) and registered scorer versions."""
    from mlflow.genai.scorers import RelevanceToQuery
    mlflow.set_tracking_uri(c.tracking_uri)  # dataset records and scorers go through the global URI
    ds = c.create_dataset("rt_eval", experiment_id=[e1], tags={"team": "a", "mlflow.user": "rt"})
    ds.merge_records([
        {"inputs": {"q": "é?", "n": 1}, "outputs": {"a": [1, 2.5]}, "expectations": {"answer": "x"},
         "source": {"source_type": "TRACE", "source_data": {"trace_id": "tr-rt"}}},
        {"inputs": {"q": "two"}, "tags": {"mlflow.user": "rt2"}},
    ])
    ds.merge_records([{"inputs": {"n": 1, "q": "é?"}, "expectations": {"extra": True}}])
    c.set_dataset_tags(ds.dataset_id, {"stage": "v2"})
    c.add_dataset_to_experiments(ds.dataset_id, [e2])
    c.create_dataset("rt_eval_empty", experiment_id=[e2])
    for _ in range(2):
        RelevanceToQuery().register(name="rt_rel", experiment_id=e1)


def dump_genai(c, ids, out):
    mlflow.set_tracking_uri(c.tracking_uri)
    datasets = c.search_datasets(experiment_ids=ids, order_by=["name ASC"])
    out["eval datasets"] = to_obs(list(datasets))
    for d in datasets:
        got = c.get_dataset(d.dataset_id)
        out[f"eval dataset {d.name}"] = to_obs(got)
        out[f"eval dataset {d.name} experiments"] = sorted(got.experiment_ids)
        out[f"eval dataset {d.name} records"] = sorted((r.to_dict() for r in got.records),
                                                       key=lambda r: r["dataset_record_id"])
    store = c._tracking_client.store
    for e in ids:
        for sv in store.list_scorers(e):
            out[f"scorer {e} {sv.scorer_name}"] = to_obs(store.list_scorer_versions(e, sv.scorer_name))


def populate_registry(c, e1, runs):
    c.create_registered_model("rt_model", tags={"k": "v"}, description="d")
    c.create_registered_model("rt_model_2")
    for i in range(3):
        c.create_model_version("rt_model", f"mlflow-artifacts:/{e1}/{runs[1]}/artifacts/m", runs[1],
                               tags={"i": str(i)}, description=f"v{i}")
    c.create_model_version("rt_model_2", "s3://bucket/x")
    c.transition_model_version_stage("rt_model", "2", "Production")
    c.set_registered_model_alias("rt_model", "champ", "3")
    c.set_model_version_tag("rt_model", "1", "vt", "x")
    c.delete_model_version("rt_model", "1")


def populate_logged_models(c, e1, e2, runs):
    m = c.create_logged_model(e1, "rt_lm", runs[1], {"t": "1"}, {"p": "1"}, "type_a")
    c.finalize_logged_model(m.model_id, LoggedModelStatus.READY)
    c.log_metric(runs[1], "lm_acc", 0.9, timestamp=T0, step=2, model_id=m.model_id,
                 dataset_name="ds", dataset_digest="dg")
    m2 = c.create_logged_model(e2, "rt_lm_2")
    c.delete_logged_model(m2.model_id)


def populate_traces(c, e1, runs):
    """Traces with fixed times (spans, tags, metadata, token usage, session), assessments, a run link."""
    import mlflow
    from mlflow.entities import AssessmentSource
    from mlflow.entities.trace_status import TraceStatus
    mlflow.set_tracking_uri(c.tracking_uri)  # the tracer exports to the global tracking URI
    mlflow.tracing.reset()
    ns = 1_000_000
    ids = []
    for i in range(3):
        start = (T0 + i * 1000) * ns
        root = c.start_trace(f"rt_trace_{i}", span_type="AGENT", inputs={"q": f"q{i}"}, attributes={"i": i},
                             tags={"k": str(i)}, experiment_id=e1, start_time_ns=start)
        child = c.start_span("llm", trace_id=root.trace_id, parent_id=root.span_id, span_type="LLM",
                             inputs={"messages": [{"role": "user", "content": "hi"}]}, start_time_ns=start + ns)
        child.set_attribute("mlflow.chat.tokenUsage", {"input_tokens": 5 + i, "output_tokens": 2, "total_tokens": 7 + i})
        c.end_span(root.trace_id, child.span_id, outputs={"choices": [{"message": {"role": "assistant",
                                                                                     "content": "yo"}}]},
                   end_time_ns=start + 5 * ns)
        c.end_trace(root.trace_id, outputs=f"a{i}", status="OK" if i != 1 else "ERROR", end_time_ns=start + 9 * ns)
        ids.append(root.trace_id)
    mlflow.flush_trace_async_logging()
    c.set_trace_tag(ids[0], "reviewed", "yes")
    c.set_trace_tag(ids[2], "mlflow.traceName", "rt_renamed")
    c.delete_trace_tag(ids[1], "k")
    mlflow.log_feedback(trace_id=ids[0], name="quality", value=0.5,
                        source=AssessmentSource(source_type="HUMAN", source_id="rt"), rationale="ok")
    mlflow.log_expectation(trace_id=ids[1], name="expected", value={"a": [1, 2]})
    c.link_traces_to_run([ids[2]], runs[0])
    v2 = c._tracking_client.store.deprecated_start_trace_v2(e1, T0 + 5000, {"mlflow.trace.session": "s-rt"},
                                                             {"mlflow.traceName": "rt_v2"})
    c._tracking_client.store.deprecated_end_trace_v2(v2.request_id, T0 + 5100, TraceStatus.OK,
                                                     {"m": "1"}, {"t": "2"})


def dump_traces(c, ids, out, require_metric_data=True):
    import mlflow
    mlflow.set_tracking_uri(c.tracking_uri)
    mlflow.tracing.reset()
    traces = c.search_traces(ids, max_results=100, order_by=["timestamp_ms ASC"])
    out["traces"] = to_obs(list(traces))
    for t in traces:
        out[f"trace {t.info.tags.get('mlflow.traceName')}"] = to_obs(c.get_trace(t.info.trace_id))
    for f in ("name = 'rt_renamed'", "metadata.`mlflow.trace.session` = 's-rt'", "span.type = 'LLM'",
              "feedback.quality > 0.4", "metadata.`mlflow.trace.tokenUsage` IS NOT NULL", "tags.k = '0'"):
        out[f"search {f}"] = [t.info.trace_id for t in c.search_traces(ids, filter_string=f)]
    # Trace analytics over the same tables (both layouts: the real server's has the analytics columns).
    for view, metric, aggs, dims in [
            ("TRACES", "trace_count", ["COUNT"], ["trace_name", "trace_status"]),
            ("TRACES", "latency", ["AVG", "MAX"], ["trace_name"]),
            ("TRACES", "total_tokens", ["SUM"], []),
            ("TRACES", "session_count", ["COUNT"], []),
            ("SPANS", "span_count", ["COUNT"], ["span_type", "span_status"]),
            ("SPANS", "latency", ["AVG", "P50"], ["span_name"]),
            ("ASSESSMENTS", "assessment_count", ["COUNT"], ["assessment_name"]),
            ("ASSESSMENTS", "assessment_value", ["AVG"], ["assessment_name"])]:
        body = {"experiment_ids": ids, "view_type": view, "metric_name": metric, "dimensions": dims,
                "aggregations": [{"aggregation_type": "PERCENTILE", "percentile_value": 50} if a == "P50"
                                 else {"aggregation_type": a} for a in aggs]}
        r = requests.post(c.tracking_uri + "/api/3.0/mlflow/traces/metrics", json=body, timeout=60)
        # The round trip's own traces carry every metric; other data (a migrated file store) may not.
        assert r.status_code == 200, (view, metric, r.text)
        assert r.json().get("data_points") or not require_metric_data, (view, metric, r.text)
        out[f"metrics {view} {metric}"] = r.json()


def dump(uri, require_metric_data=True):
    """Every entity the client can read back, in a deterministic order. require_metric_data: each
    trace analytics query must return data points (true of this file's own traces)."""
    c = MlflowClient(tracking_uri=uri, registry_uri=uri)
    out = {}
    exps = c.search_experiments(ViewType.ALL, 1000, order_by=["experiment_id"])
    out["experiments"] = to_obs(list(exps))
    ids = [e.experiment_id for e in exps]
    if "genai_datasets" in areas.enabled_areas():
        dump_genai(c, [e.experiment_id for e in exps if e.lifecycle_stage == "active"], out)
    runs = c.search_runs(ids, "", ViewType.ALL, 1000, ["attributes.start_time", "attributes.run_id"])
    out["runs"] = to_obs(list(runs))
    if "tracing" in areas.enabled_areas():
        dump_traces(c, ids, out, require_metric_data)
    for r in runs:
        out[f"get_run {r.info.run_name}"] = to_obs(c.get_run(r.info.run_id))
        for key in sorted(r.data.metrics):
            out[f"history {r.info.run_name} {key}"] = to_obs(c.get_metric_history(r.info.run_id, key))
    if "registry" not in areas.enabled_areas():
        return out
    models = c.search_registered_models(max_results=1000)
    out["registered_models"] = to_obs(list(models))
    for m in models:
        out[f"versions {m.name}"] = to_obs(list(c.search_model_versions(f"name = '{m.name}'",
                                                                        order_by=["version_number"])))
    if "logged_models" not in areas.enabled_areas():
        return out
    lms = c.search_logged_models(ids, order_by=[{"field_name": "name"}])
    out["logged_models"] = to_obs(list(lms))
    for lm in lms:
        out[f"logged_model {lm.name}"] = to_obs(c.get_logged_model(lm.model_id))
    return out


def compare_dumps(test, a_server, a, b_server, b):
    na = Normalizer([f"127.0.0.1:{a_server.port}"], [str(a_server.workdir)], symbolic=False)
    nb = Normalizer([f"127.0.0.1:{b_server.port}"], [str(b_server.workdir)], symbolic=False)
    cmp = Comparison(test)
    for key in list(a) + [k for k in b if k not in a]:
        cmp.check(key, na(a.get(key, "<absent>")), nb(b.get(key, "<absent>")))
    return cmp


@pytest.fixture
def workroot():
    d = Path(tempfile.mkdtemp(prefix="interop-db-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def serve(role, label, db, venv):
    work = db.parent / f"work-{label}"
    work.mkdir(parents=True, exist_ok=True)
    return servers.make_server(role, venv, label=label, workdir=str(work), db_path=str(db))


@pytest.mark.area("db_roundtrip")
def test_candidate_db_read_by_real_then_back(workroot, venv):
    db_a = workroot / "a" / "mlflow.db"
    db_a.parent.mkdir()
    ours = serve("candidate", "cand-writer", db_a, venv)
    try:
        ours.start()
        populate(ours.url)
        d_ours = dump(ours.url)
    finally:
        ours.stop()
    db_b = workroot / "b" / "mlflow.db"
    db_b.parent.mkdir()
    shutil.copy(db_a, db_b)
    real = serve("real", "real-reader", db_b, venv)
    try:
        real.start()
        d_real = dump(real.url)
    finally:
        real.stop()
    problems = compare_dumps("db.candidate_written.read_by_real", ours, d_ours, real, d_real).problems
    ours2 = serve("candidate", "cand-reader", db_b, venv)
    try:
        ours2.start()
        d_ours2 = dump(ours2.url)
    finally:
        ours2.stop()
    problems += compare_dumps("db.real_upgraded.read_by_candidate", real, d_real, ours2, d_ours2).problems
    assert not problems, "database round trip differences:\n" + "\n".join(problems[:60])


@pytest.mark.area("db_roundtrip")
def test_real_db_served_by_both(workroot, venv):
    db = workroot / "w" / "mlflow.db"
    db.parent.mkdir()
    writer = serve("real", "real-writer", db, venv)
    try:
        writer.start()
        populate(writer.url)
    finally:
        writer.stop()
    copies = []
    for name in ("r", "c"):
        (workroot / name).mkdir()
        shutil.copy(db, workroot / name / "mlflow.db")
        copies.append(workroot / name / "mlflow.db")
    real = serve("real", "real-served", copies[0], venv)
    ours = serve("candidate", "cand-served", copies[1], venv)
    try:
        servers.start_many([real, ours])
        d_real, d_ours = dump(real.url), dump(ours.url)
    finally:
        real.stop()
        ours.stop()
    cmp = compare_dumps("db.real_written.served_by_both", real, d_real, ours, d_ours)
    cmp.assert_ok()


def sample(uri, run_ids, query):
    params = [("run_ids", r) for r in run_ids] + [("metric_key", "loss")] + list(query.items())
    r = requests.get(uri + "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval", params=params, timeout=60)
    assert r.status_code == 200, r.text
    return r.json().get("metrics", [])


@pytest.mark.area("db_roundtrip")
def test_real_writes_between_candidate_writes_sample_alike(workroot, venv):
    """mlflow-cpp records on SQLite which histories are one point a step (store/sql/metric_shapes.h),
    a table the real server does not know: points the real server adds to a file ours wrote (an
    append, a second point on a step, a prepend) must be sampled as MLflow samples them, before and
    after ours writes again (which replays them into its record)."""
    db = workroot / "s" / "mlflow.db"
    db.parent.mkdir()
    ours = serve("candidate", "cand-first", db, venv)
    try:
        ours.start()
        c = MlflowClient(tracking_uri=ours.url)
        exp = c.create_experiment("shapes")
        runs = [c.create_run(exp, start_time=T0).info.run_id for _ in range(3)]
        for r in runs:
            c.log_batch(r, metrics=[Metric("loss", float(s), T0 + s, s) for s in range(400)])
    finally:
        ours.stop()
    real = serve("real", "real-between", db, venv)
    try:
        real.start()
        c = MlflowClient(tracking_uri=real.url)
        c.log_batch(runs[0], metrics=[Metric("loss", 1.0, T0 + 1000 + s, s) for s in range(400, 410)])
        c.log_metric(runs[1], "loss", 2.0, timestamp=T0 + 2000, step=123)
        c.log_metric(runs[2], "loss", 3.0, timestamp=T0 + 3000, step=-1)
    finally:
        real.stop()
    copy = workroot / "r" / "mlflow.db"
    copy.parent.mkdir()
    shutil.copy(db, copy)
    ours2 = serve("candidate", "cand-after", db, venv)
    reference = serve("real", "real-reference", copy, venv)
    queries = [{"max_results": n, **rng} for n in (1, 7, 100, 320, 1000)
               for rng in ({}, {"start_step": 100, "end_step": 200}, {"start_step": -5, "end_step": 3})]
    cmp = Comparison("db.real_points_in_candidate_db.sampled")
    try:
        servers.start_many([ours2, reference])
        for q in queries:
            cmp.check(f"before our write {q}", sample(reference.url, runs, q), sample(ours2.url, runs, q))
        for s in (ours2, reference):
            MlflowClient(tracking_uri=s.url).log_metric(runs[0], "loss", 4.0, timestamp=T0 + 5000, step=410)
        for q in queries:
            cmp.check(f"after our write {q}", sample(reference.url, runs, q), sample(ours2.url, runs, q))
    finally:
        ours2.stop()
        reference.stop()
    cmp.assert_ok()
