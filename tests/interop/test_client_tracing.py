"""Differential suite for GenAI tracing: traced functions (sync, nested, exceptions, async export),
the low-level trace API with fixed times, search_traces with each filter kind and its order and
paging, trace tags, assessments (feedback, expectations, overrides), run links and deletion."""
import asyncio
import time

import mlflow
import pytest
from mlflow.entities import AssessmentError, AssessmentSource, Feedback, SpanStatusCode

from harness.client_diff import run_scenario, to_obs
from harness.normalize import is_now

T0 = 1_600_000_000_000
NS = 1_000_000


def trace_obs(trace):
    """A trace as the client got it; the duration of a live (clock-timed) trace is not compared."""
    d = to_obs(trace)
    info = d.get("trace_info", d) if isinstance(d, dict) else None
    if isinstance(info, dict) and isinstance(trace, mlflow.entities.Trace | mlflow.entities.TraceInfo):
        t = trace.info if isinstance(trace, mlflow.entities.Trace) else trace
        if is_now(t.request_time):
            # Clock readings the client made: the duration and the trace's JSON size vary per run.
            info["execution_duration"] = "<live>"
            for k in ("mlflow.trace.sizeBytes", "mlflow.trace.sizeStats"):
                if k in info.get("trace_metadata", {}):
                    info["trace_metadata"][k] = "<live>"
    return d


def names(traces):
    """Search results as (trace name, state), in the order returned."""
    return [(t.info.tags.get("mlflow.traceName"), t.info.state.value) for t in traces]


def traced_functions(exp_id):
    """Traces made by the fluent API, in creation order; returns their ids."""
    mlflow.tracing.reset()
    mlflow.set_experiment(experiment_id=exp_id)

    @mlflow.trace
    def add(a, b):
        return a + b

    @mlflow.trace(span_type="CHAIN", attributes={"k": "v", "n": 3})
    def outer(x):
        with mlflow.start_span("inner", span_type="LLM") as s:
            s.set_inputs({"messages": [{"role": "user", "content": "hi"}]})
            s.set_outputs({"choices": [{"message": {"role": "assistant", "content": "yo"}}]})
            s.set_attribute("mlflow.chat.tokenUsage", {"input_tokens": 3, "output_tokens": 4, "total_tokens": 7})
            s.add_event(mlflow.entities.SpanEvent("checkpoint", attributes={"step": 1, "ok": True}))
        mlflow.update_current_trace(tags={"team": "a", "stage": "dev"},
                                    metadata={"mlflow.trace.session": "sess-1", "mlflow.trace.user": "u1"})
        return add(x, 1)

    @mlflow.trace(name="failing_fn")
    def failing(x):
        raise ValueError(f"bad {x}")

    @mlflow.trace
    async def aouter(q):
        await asyncio.sleep(0)
        return {"answer": q.upper()}

    # Each trace starts in a millisecond of its own: searches order by start time, and two traces
    # of one millisecond fall back to their (random) ids, which differ between the two servers.
    ids = []
    outer(3)
    ids.append(mlflow.get_last_active_trace_id())
    time.sleep(0.005)
    with pytest.raises(ValueError):
        failing(1)
    ids.append(mlflow.get_last_active_trace_id())
    time.sleep(0.005)
    asyncio.run(aouter("ping"))
    ids.append(mlflow.get_last_active_trace_id())
    time.sleep(0.005)
    with mlflow.start_span("manual", span_type="RETRIEVER") as span:
        span.set_inputs("plain text query")
        span.set_outputs(["doc1", "doc2"])
        span.set_status(SpanStatusCode.ERROR)
    ids.append(mlflow.get_last_active_trace_id())
    mlflow.flush_trace_async_logging()
    return ids


def client_traces(c, exp_id):
    """Traces with fixed times through MlflowClient's low-level API; returns their ids."""
    ids = []
    for i, (name, status) in enumerate([("fixed_a", "OK"), ("fixed_b", "ERROR"), ("fixed_c", "OK")]):
        start = (T0 + i * 10_000) * NS
        root = c.start_trace(name, span_type="AGENT", inputs={"q": f"question {i}"},
                             attributes={"idx": i, "model": f"gpt-{i}"}, tags={"fixed": "yes", "i": str(i)},
                             experiment_id=exp_id, start_time_ns=start)
        child = c.start_span("step", trace_id=root.trace_id, parent_id=root.span_id, span_type="TOOL",
                             inputs={"n": i}, attributes={"tool": "calc"}, start_time_ns=start + 1000 * NS)
        c.end_span(root.trace_id, child.span_id, outputs={"r": i * 2}, end_time_ns=start + (2000 + i * 500) * NS)
        c.end_trace(root.trace_id, outputs=f"answer {i}", status=status, end_time_ns=start + (3000 + i * 1000) * NS)
        ids.append(root.trace_id)
    mlflow.flush_trace_async_logging()
    return ids


FILTERS = [
    "trace.status = 'OK'",
    "trace.status = 'ERROR'",
    "status != 'OK'",
    "trace.status IN ('OK', 'ERROR')",
    f"trace.timestamp_ms > {T0 + 5000}",
    f"timestamp <= {T0 + 10_000}",
    "trace.execution_time_ms > 3500",
    f"trace.end_time_ms >= {T0 + 10_000 + 4000}",
    "tags.fixed = 'yes'",
    "tags.i != '1'",
    "tags.team LIKE 'a%'",
    "tags.stage ILIKE 'DEV'",
    "tags.i RLIKE '^[02]$'",
    "tags.team IS NULL",
    "tags.team IS NOT NULL",
    "name = 'outer'",
    "tags.`mlflow.traceName` LIKE 'fixed%'",
    "metadata.`mlflow.trace.session` = 'sess-1'",
    "metadata.mlflow.trace.user = 'u1'",
    "metadata.`mlflow.trace.tokenUsage` IS NOT NULL",
    "metadata.`mlflow.trace.tokenUsage` = '{\"input_tokens\": 3, \"output_tokens\": 4, \"total_tokens\": 7}'",
    "span.name = 'step'",
    "span.type = 'LLM'",
    "span.status = 'ERROR'",
    "span.name LIKE 'in%' AND span.type = 'LLM'",
    "span.attributes.tool LIKE '%calc%'",
    "span.attributes.model RLIKE 'gpt-1'",
    "span.content ILIKE '%question 2%'",
    # A quote in the pattern: span content holds base64 ids, which now and then spell "ping" in
    # some case, differently on each server; a quote never appears in base64.
    "trace.text ILIKE '%\"PING%'",
    "tags.fixed = 'yes' AND trace.status = 'OK' AND span.type = 'TOOL'",
    "feedback.quality > 0.5",
    "feedback.quality <= 0.5",
    "feedback.correct = 'true'",
    "feedback.label = 'good'",
    "feedback.quality IS NOT NULL",
    "expectation.expected IS NULL",
    "expectation.expected_text LIKE '%answer%'",
]

BAD_FILTERS = [
    "trace.status = 'OK' OR trace.status = 'ERROR'",
    "foo.bar = 'x'",
    "trace.nope = 'x'",
    "span.name like 'x'",
    "span.nope = 'x'",
    "tags.a > 'b'",
    "feedback.quality > 'x'",
    "metadata.`mlflow.trace.tokenUsage` LIKE '%3%'",
    "name IN ('outer')",
    "trace.execution_time_ms IN ('1')",
    "status = OK",
    "tags.a = 'b'; tags.c = 'd'",
]


@pytest.mark.area("tracing")
def test_traced_functions_and_search(pair):
    def scenario(ctx):
        c = ctx.client
        exp = c.create_experiment("tracing_exp")
        live = traced_functions(exp)
        fixed = client_traces(c, exp)
        for i, tid in enumerate(live + fixed):
            ctx.note(f"get trace {i}", trace_obs(mlflow.get_trace(tid)))
            ctx.note(f"get trace info {i}", trace_obs(c.get_trace(tid).info))

        # Assessments on the fixed traces.
        a, b, cc = fixed
        human = AssessmentSource(source_type="HUMAN", source_id="alice")
        fb = ctx.call("feedback number", mlflow.log_feedback, trace_id=a, name="quality", value=0.9, source=human,
                      rationale="good answer", metadata={"round": "1"})
        ctx.call("feedback low", mlflow.log_feedback, trace_id=b, name="quality", value=0.2,
                 source=AssessmentSource(source_type="LLM_JUDGE", source_id="judge"))
        ctx.call("feedback bool", mlflow.log_feedback, trace_id=b, name="correct", value=True)
        ctx.call("feedback text", mlflow.log_feedback, trace_id=cc, name="label", value="good")
        ctx.call("feedback dict", mlflow.log_feedback, trace_id=cc, name="scores", value={"a": 1, "b": [1, 2]})
        ctx.call("feedback error", mlflow.log_feedback, trace_id=cc, name="judge_failed",
                 error=AssessmentError(error_code="RATE_LIMIT", error_message="slow down"))
        ex = ctx.call("expectation dict", mlflow.log_expectation, trace_id=a, name="expected",
                      value={"answer": "x", "facts": ["f1", "f2"]})
        ctx.call("expectation text", mlflow.log_expectation, trace_id=b, name="expected_text", value="the answer")
        ctx.call("feedback on missing trace", mlflow.log_feedback, trace_id="tr-" + "0" * 32, name="q", value=1)
        if fb and ex:
            ctx.call("get feedback", mlflow.get_assessment, a, fb.assessment_id)
            ctx.call("update feedback", mlflow.update_assessment, trace_id=a, assessment_id=fb.assessment_id,
                     assessment=Feedback(name="quality", value=0.95, rationale="better"))
            ctx.call("override feedback", mlflow.override_feedback, trace_id=a, assessment_id=fb.assessment_id,
                     value=0.99, rationale="human override", source=human)
            ctx.call("get overridden", mlflow.get_assessment, a, fb.assessment_id)
            ctx.call("delete expectation", mlflow.delete_assessment, trace_id=a, assessment_id=ex.assessment_id)
            ctx.call("get deleted assessment", mlflow.get_assessment, a, ex.assessment_id)
            ctx.call("get missing assessment", mlflow.get_assessment, a, "a-" + "1" * 32)
        ctx.note("trace with assessments", trace_obs(mlflow.get_trace(a)))

        # Tags.
        ctx.call("set tag", c.set_trace_tag, b, "reviewed", "true")
        ctx.call("set trace name", c.set_trace_tag, b, "mlflow.traceName", "renamed_b")
        ctx.call("delete tag", c.delete_trace_tag, b, "i")
        ctx.call("delete missing tag", c.delete_trace_tag, b, "never")
        ctx.call("set immutable tag", c.set_trace_tag, b, "mlflow.trace.spansLocation", "x")
        ctx.call("set tag on missing trace", c.set_trace_tag, "tr-" + "2" * 32, "k", "v")
        ctx.note("after tags", trace_obs(c.get_trace(b).info))

        # Search: each filter kind, orders, paging.
        for f in FILTERS:
            ctx.call(f"search {f}", lambda f=f: names(c.search_traces([exp], filter_string=f)))
        for f in BAD_FILTERS:
            ctx.call(f"bad filter {f}", c.search_traces, [exp], filter_string=f)
        for ob in (["timestamp_ms ASC"], ["name"], ["tags.i DESC"], ["status", "timestamp_ms DESC"],
                   ["metadata.`mlflow.trace.session`"]):
            ctx.call(f"order {ob}", lambda ob=ob: names(c.search_traces([exp], order_by=ob)))
        # Durations of live traces depend on the clock: order the fixed ones only.
        for ob in (["execution_time_ms DESC"], ["execution_time ASC", "name DESC"]):
            ctx.call(f"order fixed {ob}", lambda ob=ob: names(
                c.search_traces([exp], filter_string="tags.fixed = 'yes'", order_by=ob)))
        ctx.call("bad order", c.search_traces, [exp], order_by=["nope DESC"])
        page = c.search_traces([exp], max_results=3, order_by=["timestamp_ms ASC"])
        ctx.note("page 1", {"names": names(page), "has_token": page.token is not None})
        page2 = c.search_traces([exp], max_results=3, order_by=["timestamp_ms ASC"], page_token=page.token)
        ctx.note("page 2", {"names": names(page2), "has_token": page2.token is not None})
        ctx.call("search full", lambda: [trace_obs(t) for t in c.search_traces([exp], filter_string="tags.fixed = 'yes'")])
        ctx.call("fluent search", lambda: names(mlflow.search_traces(locations=[exp], return_type="list")))
        ctx.call("search no spans", lambda: [trace_obs(t) for t in c.search_traces(
            [exp], filter_string="tags.fixed = 'yes'", include_spans=False)])

        # Links to runs.
        run = c.create_run(exp, start_time=T0)
        ctx.call("link to run", c.link_traces_to_run, [a, cc], run.info.run_id)
        ctx.call("search run_id", lambda: names(c.search_traces([exp], filter_string=f"run_id = '{run.info.run_id}'")))
        ctx.call("link too many", c.link_traces_to_run, [a] * 101, run.info.run_id)

        # Deletion.
        ctx.call("delete by ids", c.delete_traces, exp, trace_ids=[b])
        ctx.call("get deleted trace", mlflow.get_trace, b, silent=True)
        ctx.call("delete by age", c.delete_traces, exp, max_timestamp_millis=T0 + 5_000, max_traces=10)
        ctx.call("delete bad args", c.delete_traces, exp)
        ctx.call("after delete", lambda: names(c.search_traces([exp])))
    run_scenario(pair, "client.tracing", scenario)
