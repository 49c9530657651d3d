"""Trace analytics, differentially: POST /api/3.0/mlflow/traces/metrics (what the official UI's
experiment overview and traces pages call) on the real server and on mlflow-cpp, over the same
traces (OTLP spans with token usage, costs, models, sessions, two hours apart) and assessments.
Every metric, aggregation and dimension the UI uses, time buckets, time ranges, each filter
kind (token usage and cost metadata too), and bad requests; successful bodies are compared in
full. The second test runs the same with mlflow-cpp serving a database the real server created
(MLflow 3.17's trace tables, where session, token usage and cost are trace_info columns)."""
import pytest
import requests

from harness import servers
from harness.client_diff import run_scenario
from test_http_raw_tracing import A3, J, PB, T0, otlp, send

HOUR = 3_600_000
T1 = T0 + 2 * HOUR  # a later hour for the time buckets

TRACES = otlp([
    ("a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", [
        ("a100000000000001", None, "chat", T0, T0 + 1200,
         {"mlflow.spanType": "CHAIN", "session.id": "s1", "mlflow.traceTag.team": "t1"}, 1, "", []),
        ("a100000000000002", "a100000000000001", "llm", T0 + 100, T0 + 600,
         {"mlflow.spanType": "LLM", "mlflow.chat.tokenUsage": {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15},
          "mlflow.llm.cost": {"input_cost": 0.5, "output_cost": 0.25, "total_cost": 0.75},
          "mlflow.llm.model": "gpt-x", "mlflow.llm.provider": "openai"}, 1, "", []),
        ("a100000000000003", "a100000000000001", "llm", T0 + 700, T0 + 1000,
         {"mlflow.spanType": "LLM", "mlflow.chat.tokenUsage": {"input_tokens": 20, "output_tokens": 8, "total_tokens": 28},
          "mlflow.llm.cost": {"input_cost": 1.0, "output_cost": 0.5, "total_cost": 1.5},
          "mlflow.llm.model": "gpt-y", "mlflow.llm.provider": "openai"}, 1, "", []),
    ]),
    ("b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", [
        ("b200000000000001", None, "chat", T0 + 5000, T0 + 5400,
         {"mlflow.spanType": "CHAIN", "session.id": "s2"}, 2, "failed", []),
        ("b200000000000002", "b200000000000001", "llm", T0 + 5100, T0 + 5300,
         {"mlflow.spanType": "LLM", "mlflow.chat.tokenUsage": {"input_tokens": 7, "output_tokens": 3, "total_tokens": 10},
          "mlflow.llm.cost": {"input_cost": 0.125, "output_cost": 0.0625, "total_cost": 0.1875},
          "mlflow.llm.model": "gpt-x", "mlflow.llm.provider": "azure"}, 2, "boom", []),
    ]),
    ("c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3", [
        ("c300000000000001", None, "search", T1, T1 + 3000, {"mlflow.spanType": "CHAIN", "session.id": "s1"}, 1, "", []),
        ("c300000000000002", "c300000000000001", "lookup", T1 + 10, T1 + 2010, {"mlflow.spanType": "TOOL"}, 1, "", []),
    ]),
    ("d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4", [
        ("d400000000000001", None, "search", T1 + 60_000, T1 + 60_250, {}, 0, "", []),
    ]),
])


def feedback(name, value):
    return {"assessment": {"assessment_name": name, "source": {"source_type": "HUMAN", "source_id": "me"},
                           "feedback": {"value": value}}}


ASSESSMENTS = [
    ("tr-a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", feedback("correct", True)),
    ("tr-a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", feedback("score", 0.75)),
    ("tr-b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", feedback("correct", False)),
    ("tr-b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", feedback("score", 0.25)),
    ("tr-c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3", feedback("correct", "yes")),
    ("tr-c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3", feedback("tone", "friendly")),
]

RANGE = {"start_time_ms": T0 - HOUR, "end_time_ms": T1 + HOUR}


def q(view, metric, *aggs, **extra):
    aggregations = []
    for a in aggs:
        if a.startswith("P"):
            aggregations.append({"aggregation_type": "PERCENTILE", "percentile_value": float(a[1:])})
        else:
            aggregations.append({"aggregation_type": a})
    body = {"experiment_ids": ["{exp}"], "view_type": view, "metric_name": metric, "aggregations": aggregations}
    body.update(extra)
    return body


M = A3 + "/traces/metrics"
USAGE = "trace.metadata.mlflow.trace.tokenUsage"
COST = "trace.metadata.mlflow.trace.cost"
# The metadata MLflow renders for the traces above (their LLM spans' usage and cost, summed).
USAGE_A1 = '{"input_tokens": 30, "output_tokens": 13, "total_tokens": 43}'
USAGE_B2 = '{"input_tokens": 7, "output_tokens": 3, "total_tokens": 10}'
COST_A1 = '{"input_cost": 1.5, "output_cost": 0.75, "total_cost": 2.25}'
COST_B2 = '{"input_cost": 0.125, "output_cost": 0.0625, "total_cost": 0.1875}'
CASES = [
    # traces
    ("trace_count", q("TRACES", "trace_count", "COUNT")),
    ("trace_count by name and status", q("TRACES", "trace_count", "COUNT", dimensions=["trace_name", "trace_status"])),
    ("trace_count hourly", q("TRACES", "trace_count", "COUNT", time_interval_seconds=3600, **RANGE)),
    ("trace_count hourly by status", q("TRACES", "trace_count", "COUNT", time_interval_seconds=3600,
                                       dimensions=["trace_status"], **RANGE)),
    ("trace_count daily", q("TRACES", "trace_count", "COUNT", time_interval_seconds=86400, **RANGE)),
    ("trace_count time range", q("TRACES", "trace_count", "COUNT", start_time_ms=T0 + 1, end_time_ms=T1)),
    ("session_count", q("TRACES", "session_count", "COUNT")),
    ("session_count hourly", q("TRACES", "session_count", "COUNT", time_interval_seconds=3600, **RANGE)),
    ("latency", q("TRACES", "latency", "AVG", "MIN", "MAX", "P50", "P90", "P99")),
    ("latency by name", q("TRACES", "latency", "AVG", "P50", "P95", dimensions=["trace_name"])),
    ("latency hourly", q("TRACES", "latency", "AVG", "P50", time_interval_seconds=3600, **RANGE)),
    ("total_tokens", q("TRACES", "total_tokens", "SUM", "AVG", "MIN", "MAX", "P50")),
    ("input_tokens hourly", q("TRACES", "input_tokens", "SUM", "AVG", time_interval_seconds=3600, **RANGE)),
    ("output_tokens by name", q("TRACES", "output_tokens", "SUM", dimensions=["trace_name"])),
    ("cache_read_input_tokens (none)", q("TRACES", "cache_read_input_tokens", "SUM")),
    ("cache_creation_input_tokens (none)", q("TRACES", "cache_creation_input_tokens", "SUM", "AVG")),
    ("filter status", q("TRACES", "trace_count", "COUNT", filters=["trace.status = 'OK'"])),
    ("filter trace name tag", q("TRACES", "latency", "AVG", filters=["trace.tag.mlflow.traceName = 'chat'"])),
    ("filter tag", q("TRACES", "trace_count", "COUNT", filters=["trace.tag.team = \"t1\""])),
    ("filter session", q("TRACES", "total_tokens", "SUM",
                         filters=["trace.metadata.mlflow.trace.session = 's1'"])),
    ("filter two clauses", q("TRACES", "trace_count", "COUNT",
                             filters=["trace.status = 'OK'", "trace.metadata.mlflow.trace.session = 's1'"])),
    ("filter matches nothing", q("TRACES", "latency", "AVG", filters=["trace.status = 'NOPE'"])),
    # Token usage and cost metadata (MLflow 3.17: trace_info columns): only the exact JSON MLflow
    # renders from the trace's values matches.
    ("filter token usage", q("TRACES", "trace_count", "COUNT", filters=[f"{USAGE} = '{USAGE_A1}'"])),
    ("filter token usage, backticks", q("TRACES", "total_tokens", "SUM",
                                        filters=[f"trace.metadata.`mlflow.trace.tokenUsage` = '{USAGE_B2}'"])),
    ("filter token usage, keys reordered", q("TRACES", "trace_count", "COUNT", filters=[
        f"""{USAGE} = '{{"output_tokens": 13, "input_tokens": 30, "total_tokens": 43}}'"""])),
    ("filter token usage, compact JSON", q("TRACES", "trace_count", "COUNT", filters=[
        f"""{USAGE} = '{{"input_tokens":30,"output_tokens":13,"total_tokens":43}}'"""])),
    ("filter token usage, a subset", q("TRACES", "trace_count", "COUNT",
                                       filters=[f"""{USAGE} = '{{"input_tokens": 30}}'"""])),
    ("filter token usage, not JSON", q("TRACES", "trace_count", "COUNT", filters=[f"{USAGE} = 'lots'"])),
    ("filter cost", q("TRACES", "input_tokens", "SUM", filters=[f"{COST} = '{COST_B2}'"])),
    ("filter cost by status", q("TRACES", "trace_count", "COUNT", dimensions=["trace_status"],
                              filters=[f"{COST} = '{COST_A1}'"])),
    ("filter cost, integers", q("TRACES", "trace_count", "COUNT", filters=[
        f"""{COST} = '{{"input_cost": 1, "output_cost": 0.75, "total_cost": 2.25}}'"""])),
    ("filter cost, unknown key", q("TRACES", "trace_count", "COUNT", filters=[
        f"""{COST} = '{{"input_cost": 1.5, "output_cost": 0.75, "total_cost": 2.25, "tax": 0.1}}'"""])),
    ("filter cost and session", q("TRACES", "latency", "AVG", filters=[
        f"{COST} = '{COST_A1}'", "trace.metadata.mlflow.trace.session = 's1'"])),
    ("max_results", q("TRACES", "trace_count", "COUNT", dimensions=["trace_name"], max_results=1)),
    ("unknown experiment", {**q("TRACES", "trace_count", "COUNT"), "experiment_ids": ["999999"]}),
    # Present but empty: MLflow's required check passes a list, empty or not; nothing is counted.
    ("no experiments", {**q("TRACES", "trace_count", "COUNT"), "experiment_ids": []}),
    ("no experiments, latency", {**q("TRACES", "latency", "AVG"), "experiment_ids": []}),
    ("view type as number", {**q("TRACES", "trace_count", "COUNT"), "view_type": 1}),
    # spans
    ("span_count", q("SPANS", "span_count", "COUNT")),
    ("span_count by type", q("SPANS", "span_count", "COUNT", dimensions=["span_type"])),
    ("span_count by name and status", q("SPANS", "span_count", "COUNT", dimensions=["span_name", "span_status"])),
    ("span_count by model", q("SPANS", "span_count", "COUNT", dimensions=["span_model_name", "span_model_provider"])),
    ("span_count hourly", q("SPANS", "span_count", "COUNT", time_interval_seconds=3600, **RANGE)),
    ("span latency by name", q("SPANS", "latency", "AVG", "MIN", "MAX", "P50", dimensions=["span_name"])),
    ("span latency by status", q("SPANS", "latency", "P90", dimensions=["span_status"])),
    ("total_cost", q("SPANS", "total_cost", "SUM", "AVG", "MIN", "MAX", "P50")),
    ("total_cost by model", q("SPANS", "total_cost", "SUM", dimensions=["span_model_name"])),
    ("input_cost by provider", q("SPANS", "input_cost", "SUM", dimensions=["span_model_provider"])),
    ("output_cost hourly", q("SPANS", "output_cost", "SUM", time_interval_seconds=3600, **RANGE)),
    ("total_cost time range", q("SPANS", "total_cost", "SUM", start_time_ms=T0 + 600, end_time_ms=T0 + 5100)),
    ("filter span type", q("SPANS", "span_count", "COUNT", filters=["span.type = \"LLM\""])),
    ("filter span name and trace status", q("SPANS", "latency", "AVG",
                                            filters=["span.name = 'llm'", "trace.status = 'OK'"])),
    ("filter span status", q("SPANS", "span_count", "COUNT", dimensions=["span_name"],
                             filters=["span.status = 'ERROR'"])),
    ("filter span cost by trace cost", q("SPANS", "total_cost", "SUM", dimensions=["span_model_name"],
                                         filters=[f"{COST} = '{COST_A1}'"])),
    ("filter span count by token usage", q("SPANS", "span_count", "COUNT", dimensions=["span_type"],
                                           filters=[f"{USAGE} = '{USAGE_B2}'", "span.type = 'LLM'"])),
    # assessments
    ("assessment_count", q("ASSESSMENTS", "assessment_count", "COUNT")),
    ("assessment_count by name", q("ASSESSMENTS", "assessment_count", "COUNT", dimensions=["assessment_name"])),
    ("assessment_count by name and value", q("ASSESSMENTS", "assessment_count", "COUNT",
                                             dimensions=["assessment_name", "assessment_value"])),
    ("assessment_value by name", q("ASSESSMENTS", "assessment_value", "AVG", "MIN", "MAX", "P50",
                                   dimensions=["assessment_name"])),
    ("assessment_value hourly", q("ASSESSMENTS", "assessment_value", "AVG", time_interval_seconds=3600, **RANGE)),
    ("filter assessment name", q("ASSESSMENTS", "assessment_value", "AVG", filters=["assessment.name = \"correct\""])),
    ("filter assessment type", q("ASSESSMENTS", "assessment_count", "COUNT", filters=["assessment.type = 'feedback'"])),
    ("filter assessment trace status", q("ASSESSMENTS", "assessment_count", "COUNT", dimensions=["assessment_name"],
                                         filters=["trace.status = 'OK'"])),
    ("filter assessments by token usage", q("ASSESSMENTS", "assessment_value", "AVG", dimensions=["assessment_name"],
                                            filters=[f"{USAGE} = '{USAGE_A1}'"])),
    # bad requests
    ("bad: unknown metric", q("TRACES", "bogus", "COUNT")),
    ("bad: span metric on traces", q("TRACES", "span_count", "COUNT")),
    ("bad: aggregation not offered", q("TRACES", "trace_count", "SUM", "AVG")),
    ("bad: dimension not offered", q("SPANS", "latency", "AVG", dimensions=["span_type", "nope"])),
    ("bad: buckets without range", q("TRACES", "trace_count", "COUNT", time_interval_seconds=60)),
    ("bad: filter view", q("TRACES", "trace_count", "COUNT", filters=["run.status = 'OK'"])),
    ("bad: filter entity", q("TRACES", "trace_count", "COUNT", filters=["trace.name = 'x'"])),
    ("bad: filter needs key", q("TRACES", "trace_count", "COUNT", filters=["trace.tag = 'x'"])),
    ("bad: filter comparator", q("SPANS", "span_count", "COUNT", filters=["span.name != 'x'"])),
    ("bad: span filter on traces", q("TRACES", "trace_count", "COUNT", filters=["span.name = 'llm'"])),
    ("bad: assessment filter on spans", q("SPANS", "span_count", "COUNT", filters=["assessment.name = 'x'"])),
    ("bad: two clauses in one filter", q("TRACES", "trace_count", "COUNT",
                                         filters=["trace.status = 'OK' AND trace.status = 'ERROR'"])),
    ("bad: unquoted filter value", q("SPANS", "span_count", "COUNT", filters=["span.name = 5"])),
    ("bad: token usage comparator", q("TRACES", "trace_count", "COUNT", filters=[f"{USAGE} != '{USAGE_A1}'"])),
    ("bad: token usage IS NOT NULL", q("TRACES", "trace_count", "COUNT", filters=[f"{USAGE} IS NOT NULL"])),
    ("bad: cost as a number", q("TRACES", "trace_count", "COUNT", filters=[f"{COST} = 2.25"])),
    ("bad: cost LIKE", q("TRACES", "trace_count", "COUNT", filters=[f"{COST} LIKE '%2.25%'"])),
    ("bad: experiment id", {**q("TRACES", "trace_count", "COUNT"), "experiment_ids": ["abc"]}),
    ("bad: no experiment_ids", {k: v for k, v in q("TRACES", "trace_count", "COUNT").items() if k != "experiment_ids"}),
    ("bad: no view_type", {k: v for k, v in q("TRACES", "trace_count", "COUNT").items() if k != "view_type"}),
    ("bad: no metric_name", {k: v for k, v in q("TRACES", "trace_count", "COUNT").items() if k != "metric_name"}),
    ("bad: no aggregations", {k: v for k, v in q("TRACES", "trace_count", "COUNT").items() if k != "aggregations"}),
    ("bad: dimensions not a list", q("TRACES", "trace_count", "COUNT", dimensions="trace_name")),
    ("bad: max_results not a number", q("TRACES", "trace_count", "COUNT", max_results="many")),
    # An unknown enum name is dropped by MLflow's parser: the view reads as TRACES, the
    # aggregation as COUNT (not offered for latency).
    ("unknown view type", q("LOGS", "trace_count", "COUNT")),
    ("bad: unknown aggregation type", q("TRACES", "latency", "MEDIAN")),
    # A field spelt both ways is refused for every caller (MLflow's _reject_conflicting_field_aliases).
    ("bad: experiment ids both ways", q("TRACES", "trace_count", "COUNT", experimentIds=["{exp}"])),
    ("bad: aggregation type both ways", {**q("TRACES", "trace_count"),
                                         "aggregations": [{"aggregation_type": "COUNT", "aggregationType": "COUNT"}]}),
    # MLflow answers this with a 500 HTML page (a ValueError it does not catch); mlflow-cpp with a
    # 400 (tests/interop/known_differences.yaml, trace-metrics-percentile-without-value).
    ("bad: percentile without value", {**q("TRACES", "latency"),
                                       "aggregations": [{"aggregation_type": "PERCENTILE"}]}),
]


def scenario(ctx, name):
    s = requests.Session()
    exp = s.post(ctx.uri + "/api/2.0/mlflow/experiments/create", json={"name": name}).json()["experiment_id"]
    run = s.post(ctx.uri + "/api/2.0/mlflow/runs/create", json={"experiment_id": exp}).json()
    ids = {"exp": exp, "run": run["run"]["info"]["run_id"]}
    r = s.post(ctx.uri + "/v1/traces", data=TRACES, headers={"Content-Type": PB, "x-mlflow-experiment-id": exp})
    assert r.status_code == 200, r.text
    for trace_id, body in ASSESSMENTS:
        r = s.post(ctx.uri + A3 + f"/traces/{trace_id}/assessments", json=body)
        assert r.status_code == 200, r.text
    for label, body in CASES:
        ctx.call(f"{label} [POST {M}]", send, ctx.server, ids, "POST", M, body, J)
    # The UI calls the /ajax-api form.
    ctx.call("ajax-api trace_count", send, ctx.server, ids, "POST", "/ajax-api/3.0/mlflow/traces/metrics",
             q("TRACES", "trace_count", "COUNT", dimensions=["trace_status"]), J)


@pytest.mark.area("tracing")
def test_trace_metrics(pair):
    run_scenario(pair, "http.trace_metrics", scenario, "trace_metrics")


class _Pair:
    def __init__(self, real, candidate):
        self.real, self.candidate = real, candidate


@pytest.mark.area("tracing")
def test_trace_metrics_on_mlflow_317_tables(venv, tmp_path):
    """mlflow-cpp on a database the real server created (its own fresh database for the real one,
    since the traces' ids are fixed): the analytics columns answer as MLflow's do."""
    for d in ("schema", "real", "cand"):
        (tmp_path / d).mkdir()
    db = tmp_path / "cand" / "mlflow.db"
    maker = servers.make_server("real", venv, label="real-schema", workdir=str(tmp_path / "schema"), db_path=str(db))
    try:
        maker.start()
    finally:
        maker.stop()
    real = servers.make_server("real", venv, label="real-317", workdir=str(tmp_path / "real"),
                               db_path=str(tmp_path / "real" / "mlflow.db"))
    cand = servers.make_server("candidate", venv, label="cand-317", workdir=str(tmp_path / "cand"), db_path=str(db))
    try:
        servers.start_many([real, cand])
        run_scenario(_Pair(real, cand), "http.trace_metrics_317", scenario, "trace_metrics_317")
    finally:
        real.stop()
        cand.stop()
