"""Raw HTTP differential suite for tracing: OTLP payloads (protobuf, JSON, compressed, malformed),
the v3 / v2 trace endpoints with bad and good input, assessments, get-trace-artifact. Statuses,
JSON-ness, error codes and body shapes must agree; successful bodies are compared in full."""
import gzip
import json
import zlib

import pytest
import requests
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

from harness.client_diff import normalizer_for, run_scenario
from test_http_raw import observe

A2 = "/api/2.0/mlflow"
A3 = "/api/3.0/mlflow"
T0 = 1_600_000_000_000
J = {"Content-Type": "application/json"}
PB = "application/x-protobuf"
TRACE_HEX = "5b8efff798038103d269b633813fc60c"
TID = "tr-" + TRACE_HEX


def any_value(v):
    a = AnyValue()
    if isinstance(v, bool):
        a.bool_value = v
    elif isinstance(v, int):
        a.int_value = v
    elif isinstance(v, float):
        a.double_value = v
    elif isinstance(v, str):
        a.string_value = v
    elif isinstance(v, bytes):
        a.bytes_value = v
    elif isinstance(v, list):
        for x in v:
            a.array_value.values.append(any_value(x))
    elif isinstance(v, dict):
        for k, x in v.items():
            a.kvlist_value.values.append(KeyValue(key=k, value=any_value(x)))
    return a


def otlp(traces, resource=None):
    """Protobuf ExportTraceServiceRequest: traces = [(trace hex, [(span hex, parent hex|None, name,
    start_ms, end_ms, attrs, status_code, status_message, events)])]."""
    req = ExportTraceServiceRequest()
    rs = req.resource_spans.add()
    for k, v in (resource or {}).items():
        rs.resource.attributes.append(KeyValue(key=k, value=any_value(v)))
    ss = rs.scope_spans.add()
    for trace_hex, spans in traces:
        for span_hex, parent, name, start, end, attrs, code, msg, events in spans:
            s = ss.spans.add()
            s.trace_id = bytes.fromhex(trace_hex)
            s.span_id = bytes.fromhex(span_hex)
            if parent:
                s.parent_span_id = bytes.fromhex(parent)
            s.name = name
            s.start_time_unix_nano = start * 1_000_000
            if end:
                s.end_time_unix_nano = end * 1_000_000
            for k, v in attrs.items():
                s.attributes.append(KeyValue(key=k, value=any_value(v)))
            s.status.code = code
            if msg:
                s.status.message = msg
            for ename, etime, eattrs in events:
                e = s.events.add()
                e.name = ename
                e.time_unix_nano = etime * 1_000_000
                for k, v in eattrs.items():
                    e.attributes.append(KeyValue(key=k, value=any_value(v)))
    return req.SerializeToString()


def hdr(ct=PB, exp="{exp}", **extra):
    h = {"Content-Type": ct} if ct else {}
    if exp is not None:
        h["x-mlflow-experiment-id"] = exp
    h.update(extra)
    return h


RICH = otlp([
    ("11111111111111111111111111111111", [
        ("aaaaaaaaaaaaaaa1", None, "root", T0, T0 + 900,
         {"mlflow.spanType": "CHAIN", "mlflow.spanInputs": '{"messages": [{"role": "user", "content": "hello"}]}',
          "mlflow.spanOutputs": "plain output", "n": 7, "f": 0.25, "ok": True, "list": [1, 2, 3],
          "nested": {"a": {"b": [True, None, "x"]}}, "raw": b"\x00\x01'q", "session.id": "sess-9",
          "user.id": "user-9", "mlflow.traceTag.team": "t1", "mlflow.traceTag.mlflow.traceName": "named",
          "json_in_string": '{"x": [1, 2]}', "quoted": '"already quoted"'},
         2, "root failed", [("exception", T0 + 800, {"exception.message": "boom", "exception.type": "ValueError"})]),
        ("aaaaaaaaaaaaaaa2", "aaaaaaaaaaaaaaa1", "child", T0 + 100, T0 + 300,
         {"mlflow.spanType": "LLM", "mlflow.chat.tokenUsage": {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15},
          "mlflow.llm.cost": {"input_cost": 0.5, "output_cost": 0.25, "total_cost": 0.75},
          "mlflow.llm.model": "gpt-x"}, 1, "ignored message", []),
        ("aaaaaaaaaaaaaaa3", "aaaaaaaaaaaaaaa2", "grandchild", T0 + 150, T0 + 250,
         {"mlflow.chat.tokenUsage": {"input_tokens": 100, "output_tokens": 50, "total_tokens": 150}}, 0, "", []),
    ]),
    ("22222222222222222222222222222222", [  # spans whose parent never arrives
        ("bbbbbbbbbbbbbbb2", "bbbbbbbbbbbbbbb1", "orphan", T0 + 2000, T0 + 2100, {"k": "v"}, 1, "", []),
    ]),
], resource={"service.name": "claude-code", "host.name": "box", "telemetry.sdk.name": "x", "mlflow.hidden": "y",
             "deploy": {"env": "prod"}})

JSON_TRACE = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "svc"}}]},
                                 "scopeSpans": [{"spans": [{
                                     "traceId": "33333333333333333333333333333333", "spanId": "ccccccccccccccc1",
                                     "name": "json root", "kind": "SPAN_KIND_SERVER",
                                     "startTimeUnixNano": str((T0 + 5000) * 1_000_000),
                                     "endTimeUnixNano": (T0 + 5500) * 1_000_000,
                                     "attributes": [{"key": "a", "value": {"intValue": "5"}},
                                                    {"key": "d", "value": {"doubleValue": "NaN"}},
                                                    {"key": "input.value", "value": {"stringValue": "{\"q\": 1}"}}],
                                     "status": {"code": "STATUS_CODE_OK"}}]}]}]}

START_V3 = {"trace": {"trace_info": {
    "trace_id": "tr-44444444444444444444444444444444", "client_request_id": "client-1",
    "trace_location": {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "{exp}"}},
    "request_time": "2020-09-13T12:26:40.123Z", "execution_duration": "1.5s", "state": "OK",
    "request_preview": "req", "response_preview": "resp",
    "trace_metadata": {"mlflow.trace.tokenUsage": '{"total_tokens": 5, "input_tokens": 2.0, "bogus": 1}',
                       "mlflow.trace.cost": '{"total_cost": 1}', "mlflow.trace.session": "s1",
                       "m" * 300: "v" * 300},
    "tags": {"mlflow.traceName": "started", "t": "x" * 5000},
    "assessments": [{"assessment_name": "inline", "source": {"source_type": "CODE"}, "feedback": {"value": 3}}]}}}

LOC = [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "{exp}"}}]
FEEDBACK = {"assessment": {"assessment_name": "q", "source": {"source_type": "HUMAN", "source_id": "me"},
                           "create_time": "2020-09-13T12:26:41Z", "last_update_time": "2020-09-13T12:26:41Z",
                           "feedback": {"value": 2, "error": {"error_code": "E", "error_message": "m"}},
                           "rationale": "why", "metadata": {"k": "v"}}}

CASES = [
    # OTLP transport and format
    ("otlp: no experiment header", "POST", "/v1/traces", RICH, hdr(exp=None)),
    ("otlp: text/plain", "POST", "/v1/traces", RICH, hdr(ct="text/plain")),
    ("otlp: no content type", "POST", "/v1/traces", RICH, hdr(ct=None)),
    ("otlp: garbage protobuf", "POST", "/v1/traces", b"\xff\xff\xff garbage", hdr()),
    ("otlp: empty protobuf", "POST", "/v1/traces", b"", hdr()),
    ("otlp: truncated protobuf", "POST", "/v1/traces", RICH[:-7], hdr()),
    ("otlp: bad json", "POST", "/v1/traces", "{bad", hdr(ct="application/json")),
    ("otlp: empty json", "POST", "/v1/traces", "{}", hdr(ct="application/json")),
    ("otlp: json span without ids", "POST", "/v1/traces",
     {"resourceSpans": [{"scopeSpans": [{"spans": [{"name": "x"}]}]}]}, hdr(ct="application/json")),
    ("otlp: json bad hex id", "POST", "/v1/traces",
     {"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "zz", "spanId": "ccccccccccccccc1"}]}]}]},
     hdr(ct="application/json")),
    ("otlp: json resource without spans", "POST", "/v1/traces", {"resourceSpans": [{"scopeSpans": []}]},
     hdr(ct="application/json")),
    ("otlp: unsupported encoding", "POST", "/v1/traces", RICH, hdr(**{"Content-Encoding": "br"})),
    ("otlp: bad gzip", "POST", "/v1/traces", RICH, hdr(**{"Content-Encoding": "gzip"})),
    ("otlp: bad deflate", "POST", "/v1/traces", RICH, hdr(**{"Content-Encoding": "deflate"})),
    ("otlp: unknown experiment", "POST", "/v1/traces", RICH, hdr(exp="999999")),
    ("otlp: experiment not a number", "POST", "/v1/traces", RICH, hdr(exp="abc")),
    ("otlp: trace id wider than 16 bytes", "POST", "/v1/traces",
     otlp([("ff" + "1" * 32, [("dddddddddddddddd", None, "wide", T0, T0 + 1, {}, 1, "", [])])]), hdr()),
    ("otlp: session id too long", "POST", "/v1/traces",
     otlp([("55555555555555555555555555555555",
            [("eeeeeeeeeeeeeee1", None, "s", T0, T0 + 1, {"session.id": "s" * 251}, 1, "", [])])]), hdr()),
    # OTLP success, then everything read back
    ("otlp: rich protobuf", "POST", "/v1/traces", RICH, hdr()),
    ("otlp: same spans again (upsert)", "POST", "/v1/traces", RICH, hdr()),
    ("otlp: json", "POST", "/v1/traces", JSON_TRACE, hdr(ct="application/json; charset=utf-8")),
    ("otlp: gzip", "POST", "/v1/traces",
     gzip.compress(otlp([("66666666666666666666666666666666",
                          [("fffffffffffffff1", None, "gz", T0 + 9000, T0 + 9100, {"big": "x" * 100_000}, 1, "", [])])])),
     hdr(**{"Content-Encoding": "gzip"})),
    ("otlp: deflate with run link", "POST", "/v1/traces",
     zlib.compress(otlp([("77777777777777777777777777777777",
                          [("fffffffffffffff2", None, "df", T0 + 9500, T0 + 9600, {}, 1, "", [])])])),
     hdr(**{"Content-Encoding": "deflate", "x-mlflow-run-id": "{run}"})),
    ("get rich trace", "GET", A3 + "/traces/get?trace_id=tr-11111111111111111111111111111111", None, {}),
    ("get rich trace info", "GET", A3 + "/traces/tr-11111111111111111111111111111111", None, {}),
    ("get orphan trace (partial)", "GET",
     A3 + "/traces/get?trace_id=tr-22222222222222222222222222222222&allow_partial=true", None, {}),
    ("get json trace", "GET", A3 + "/traces/get?trace_id=tr-33333333333333333333333333333333", None, {}),
    ("get gzip trace info", "GET", A3 + "/traces/tr-66666666666666666666666666666666", None, {}),
    ("batch get", "GET", A3 + "/traces/batchGet?trace_ids=tr-33333333333333333333333333333333"
     "&trace_ids=tr-11111111111111111111111111111111&trace_ids=tr-00000000000000000000000000000000", None, {}),
    ("batch get other experiment", "GET", A3 + "/traces/batchGet?trace_ids=tr-33333333333333333333333333333333"
     "&experiment_ids=0", None, {}),
    ("batch get infos", "POST", A3 + "/traces/batchGetInfos",
     {"trace_ids": ["tr-11111111111111111111111111111111", "tr-77777777777777777777777777777777", "nope"]}, J),
    ("trace artifact from store", "GET",
     "/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-11111111111111111111111111111111", None, {}),
    ("trace artifact v3 path", "GET",
     "/ajax-api/3.0/mlflow/get-trace-artifact?request_id=tr-33333333333333333333333333333333", None, {}),
    ("trace artifact: no request id", "GET", "/ajax-api/2.0/mlflow/get-trace-artifact", None, {}),
    ("trace artifact: unknown", "GET", "/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-nope", None, {}),
    ("trace artifact: attachment path escape", "GET",
     "/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-11111111111111111111111111111111&path=../x", None, {}),
    ("search run link", "POST", A3 + "/traces/search",
     {"locations": LOC, "filter": "run_id = '{run}'", "max_results": 10}, J),
    ("search resource tag", "POST", A3 + "/traces/search",
     {"locations": LOC, "filter": "tags.`host.name` = 'box'", "max_results": 10}, J),
    ("search span cost model", "POST", A3 + "/traces/search",
     {"locations": LOC, "filter": "span.attributes.`mlflow.llm.model` LIKE '%gpt%'", "max_results": 10}, J),
    ("search session", "POST", A3 + "/traces/search",
     {"locations": LOC, "filter": "metadata.`mlflow.trace.session` = 'sess-9'", "max_results": 10}, J),
    ("search token usage", "POST", A3 + "/traces/search",
     {"locations": LOC, "filter": "metadata.`mlflow.trace.tokenUsage` = "
      "'{\"input_tokens\": 10, \"output_tokens\": 5, \"total_tokens\": 15}'", "max_results": 10}, J),
    # StartTraceV3 and reads
    ("start v3: no trace", "POST", A3 + "/traces", {}, J),
    ("start v3: unknown experiment", "POST", A3 + "/traces",
     {"trace": {"trace_info": {"trace_id": "tr-x", "trace_location": {
         "type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "999999"}},
         "request_time": "2020-09-13T12:26:40Z"}}}, J),
    ("start v3: trace name too long", "POST", A3 + "/traces",
     {"trace": {"trace_info": {"trace_id": "tr-y", "trace_location": LOC[0], "request_time": "2020-09-13T12:26:40Z",
                               "tags": {"mlflow.traceName": "n" * 4097}}}}, J),
    ("start v3: full", "POST", A3 + "/traces", START_V3, J),
    ("start v3: again (merge)", "POST", A3 + "/traces", START_V3, J),
    ("get info v3: unknown", "GET", A3 + "/traces/tr-nope", None, {}),
    ("get trace: no id", "GET", A3 + "/traces/get", None, {}),
    ("get trace: unknown", "GET", A3 + "/traces/get?trace_id=tr-nope", None, {}),
    ("get trace: bad bool", "GET", A3 + "/traces/get?trace_id=tr-nope&allow_partial=maybe", None, {}),
    ("batch get: no ids", "GET", A3 + "/traces/batchGet", None, {}),
    ("batch get infos: no ids", "POST", A3 + "/traces/batchGetInfos", {}, J),
    ("batch get infos: empty ids", "POST", A3 + "/traces/batchGetInfos", {"trace_ids": []}, J),
    ("batch get infos: null ids", "POST", A3 + "/traces/batchGetInfos", {"trace_ids": None}, J),
    ("batch get infos: not a list", "POST", A3 + "/traces/batchGetInfos", {"trace_ids": "x"}, J),
    # search
    ("search: no locations", "POST", A3 + "/traces/search", {}, J),
    ("search: locations not list", "POST", A3 + "/traces/search", {"locations": "x"}, J),
    ("search: empty locations", "POST", A3 + "/traces/search", {"locations": []}, J),
    ("search: max_results 501", "POST", A3 + "/traces/search", {"locations": LOC, "max_results": 501}, J),
    ("search: bad token", "POST", A3 + "/traces/search", {"locations": LOC, "page_token": "%%%"}, J),
    ("search: bad filter", "POST", A3 + "/traces/search", {"locations": LOC, "filter": "bad bad"}, J),
    ("search: bad order", "POST", A3 + "/traces/search", {"locations": LOC, "order_by": ["nope"]}, J),
    ("search: full page", "POST", A3 + "/traces/search",
     {"locations": LOC, "max_results": 2, "order_by": ["timestamp_ms ASC"]}, J),
    ("search: unknown experiment", "POST", A3 + "/traces/search",
     {"locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "999999"}}]}, J),
    # a field spelt both ways is refused for every caller (MLflow's _reject_conflicting_field_aliases)
    ("search: both spellings", "POST", A3 + "/traces/search", {"locations": LOC, "max_results": 5, "maxResults": 5}, J),
    ("search: both id spellings", "POST", A3 + "/traces/search",
     {"locations": [{"mlflow_experiment": {"experiment_id": "{exp}", "experimentId": "{exp}"}}]}, J),
    ("search: camelCase location", "POST", A3 + "/traces/search",
     {"locations": [{"mlflowExperiment": {"experimentId": "{exp}"}}]}, J),
    # a location that is not an object: MLflow's parser stops there and searches what it read before
    ("search: location not an object", "POST", A3 + "/traces/search", {"locations": [5]}, J),
    ("search: location after a number", "POST", A3 + "/traces/search", {"locations": [5] + LOC}, J),
    ("search: location before a number", "POST", A3 + "/traces/search", {"locations": LOC + [5, {"x": 1}]}, J),
    ("search: location after a string", "POST", A3 + "/traces/search", {"locations": ["x"] + LOC}, J),
    ("search: experiment id not a string", "POST", A3 + "/traces/search",
     {"locations": [{"mlflow_experiment": {"experiment_id": 5}}]}, J),
    ("search v2: no experiments", "GET", A2 + "/traces", None, {}),
    ("search v2", "GET", A2 + "/traces?experiment_ids={exp}&max_results=3&order_by=timestamp_ms", None, {}),
    # tags
    ("set tag: no key", "PATCH", A2 + "/traces/" + TID + "/tags", {"value": "v"}, J),
    ("set tag: immutable", "PATCH", A2 + "/traces/" + TID + "/tags",
     {"key": "mlflow.trace.spansLocation", "value": "x"}, J),
    ("set tag: unknown trace", "PATCH", A2 + "/traces/tr-nope/tags", {"key": "k", "value": "v"}, J),
    ("set tag: bad key", "PATCH", A2 + "/traces/" + TID + "/tags", {"key": "a/../b", "value": "v"}, J),
    ("set tag: long value", "PATCH", A2 + "/traces/" + TID + "/tags", {"key": "long", "value": "v" * 9000}, J),
    ("set tag v3", "PATCH", A3 + "/traces/" + TID + "/tags", {"key": "v3tag", "value": "x"}, J),
    ("set trace name: unknown trace", "PATCH", A2 + "/traces/tr-nope/tags", {"key": "mlflow.traceName", "value": "n"}, J),
    ("delete tag: unknown", "DELETE", A2 + "/traces/" + TID + "/tags", {"key": "never"}, J),
    ("delete tag v3", "DELETE", A3 + "/traces/" + TID + "/tags", {"key": "v3tag"}, J),
    ("delete trace name", "DELETE", A3 + "/traces/" + TID + "/tags", {"key": "mlflow.traceName"}, J),
    ("info after tags", "GET", A3 + "/traces/" + TID, None, {}),
    # links
    ("link: no run", "POST", A2 + "/traces/link-to-run", {"trace_ids": [TID]}, J),
    ("link: 101 traces", "POST", A2 + "/traces/link-to-run", {"trace_ids": [TID] * 101, "run_id": "{run}"}, J),
    ("link: unknown run", "POST", A2 + "/traces/link-to-run", {"trace_ids": [TID], "run_id": "nope"}, J),
    ("link: no traces", "POST", A2 + "/traces/link-to-run", {"trace_ids": [], "run_id": "{run}"}, J),
    ("link: no traces, unknown run", "POST", A2 + "/traces/link-to-run", {"trace_ids": [], "run_id": "nope"}, J),
    ("link prompts: none", "POST", A2 + "/traces/link-prompts", {"trace_id": TID, "prompt_versions": []}, J),
    ("link prompts: none, unknown trace", "POST", A2 + "/traces/link-prompts",
     {"trace_id": "tr-nope", "prompt_versions": []}, J),
    ("info after empty links", "GET", A3 + "/traces/" + TID, None, {}),
    ("link prompts: unknown trace", "POST", A2 + "/traces/link-prompts",
     {"trace_id": "tr-nope", "prompt_versions": [{"name": "p", "version": "1"}]}, J),
    ("link prompts", "POST", A2 + "/traces/link-prompts",
     {"trace_id": TID, "prompt_versions": [{"name": "p", "version": "1"}]}, J),
    ("search prompt", "POST", A3 + "/traces/search", {"locations": LOC, "filter": "prompt = 'p/1'"}, J),
    # assessments
    ("assessment: none", "POST", A3 + "/traces/" + TID + "/assessments", {}, J),
    ("assessment: no kind", "POST", A3 + "/traces/" + TID + "/assessments",
     {"assessment": {"assessment_name": "x", "source": {"source_type": "HUMAN"}}}, J),
    ("assessment: unknown trace", "POST", A3 + "/traces/tr-nope/assessments", FEEDBACK, J),
    ("assessment: feedback", "POST", A3 + "/traces/" + TID + "/assessments", FEEDBACK, J),
    ("assessment: expectation", "POST", A3 + "/traces/" + TID + "/assessments",
     {"assessment": {"assessment_name": "e", "source": {"source_type": "CODE", "source_id": "x"},
                     "create_time": "2020-09-13T12:26:42Z", "last_update_time": "2020-09-13T12:26:42Z",
                     "expectation": {"serialized_value": {"serialization_format": "JSON_FORMAT",
                                                          "value": "{\"a\": [1, 2.5, null]}"}}}}, J),
    ("assessment: bad serialization", "POST", A3 + "/traces/" + TID + "/assessments",
     {"assessment": {"assessment_name": "e", "source": {"source_type": "CODE"},
                     "expectation": {"serialized_value": {"serialization_format": "YAML", "value": "a: 1"}}}}, J),
    ("assessment: get unknown", "GET", A3 + "/traces/" + TID + "/assessments/a-nope", None, {}),
    ("assessment: get on unknown trace", "GET", A3 + "/traces/tr-nope/assessments/a-nope", None, {}),
    ("assessment: update without mask", "PATCH", A3 + "/traces/" + TID + "/assessments/a-nope",
     {"assessment": {"assessment_name": "x"}}, J),
    ("assessment: update unknown", "PATCH", A3 + "/traces/" + TID + "/assessments/a-nope",
     {"assessment": {"assessment_name": "x"}, "update_mask": "assessmentName"}, J),
    ("assessment: delete unknown", "DELETE", A3 + "/traces/" + TID + "/assessments/a-nope", None, {}),
    ("info with assessments", "GET", A3 + "/traces/" + TID, None, {}),
    # v2
    ("start v2", "POST", A2 + "/traces",
     {"experiment_id": "{exp}", "timestamp_ms": T0 + 7000,
      "request_metadata": [{"key": "mlflow.trace.session", "value": "v2s"}, {"key": "m", "value": "1"}],
      "tags": [{"key": "mlflow.traceName", "value": "v2name"}, {"key": "t", "value": "1"}]}, J),
    ("start v2: unknown experiment", "POST", A2 + "/traces", {"experiment_id": "999999", "timestamp_ms": T0}, J),
    ("end v2: unknown", "PATCH", A2 + "/traces/nope", {"timestamp_ms": T0, "status": "OK"}, J),
    ("end v2: bad status", "PATCH", A2 + "/traces/nope", {"timestamp_ms": T0, "status": "BOGUS"}, J),
    ("get info v2: unknown", "GET", A2 + "/traces/nope/info", None, {}),
    ("get info v2", "GET", A2 + "/traces/" + TID + "/info", None, {}),
    # deletion
    ("delete: no experiment", "POST", A2 + "/traces/delete-traces", {}, J),
    ("delete: no criteria", "POST", A2 + "/traces/delete-traces", {"experiment_id": "{exp}"}, J),
    ("delete: both criteria", "POST", A2 + "/traces/delete-traces",
     {"experiment_id": "{exp}", "max_timestamp_millis": T0, "request_ids": [TID]}, J),
    ("delete: max_traces with ids", "POST", A2 + "/traces/delete-traces",
     {"experiment_id": "{exp}", "request_ids": [TID], "max_traces": 1}, J),
    ("delete: max_traces 0", "POST", A2 + "/traces/delete-traces",
     {"experiment_id": "{exp}", "max_timestamp_millis": T0, "max_traces": 0}, J),
    ("delete: bad experiment", "POST", A2 + "/traces/delete-traces", {"experiment_id": "abc", "request_ids": [TID]}, J),
    ("delete: by ids", "POST", A3 + "/traces/delete-traces",
     {"experiment_id": "{exp}", "request_ids": [TID, "tr-nope"]}, J),
    ("delete: oldest two", "POST", A2 + "/traces/delete-traces",
     {"experiment_id": "{exp}", "max_timestamp_millis": T0 + 100_000, "max_traces": 2}, J),
    ("search after deletes", "POST", A3 + "/traces/search", {"locations": LOC, "order_by": ["timestamp_ms"]}, J),
]


def fill(value, ids):
    if isinstance(value, str):
        for k, v in ids.items():
            value = value.replace("{%s}" % k, v)
        return value
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {fill(k, ids): fill(v, ids) for k, v in value.items()}
    return value


def send(server, ids, method, path, body, headers):
    kw = {"headers": fill(headers, ids), "timeout": 60, "allow_redirects": False}
    if isinstance(body, (dict, list)):
        kw["data"] = json.dumps(fill(body, ids))
    elif isinstance(body, str):
        kw["data"] = fill(body, ids).encode()
    elif isinstance(body, bytes):
        kw["data"] = body
    resp = requests.request(method, server.url + fill(path, ids), **kw)
    obs = observe(resp)
    if resp.status_code == 200 and "text" in obs:
        # a download (trace data): compare its JSON, not its bytes (key order is not part of the API)
        try:
            obs["text"] = json.loads(resp.content)
        except ValueError:
            pass
        obs.pop("bytes", None)
    norm = normalizer_for(server).pin("exp", ids["exp"], "<exp:setup>").pin("id", ids["run"], "<run:setup>")
    return norm(obs)


@pytest.mark.area("tracing")
def test_raw_http_tracing(pair):
    def scenario(ctx):
        s = requests.Session()
        exp = s.post(ctx.uri + A2 + "/experiments/create", json={"name": "raw_tracing"}).json()["experiment_id"]
        run = s.post(ctx.uri + A2 + "/runs/create", json={"experiment_id": exp, "start_time": T0}).json()
        ids = {"exp": exp, "run": run["run"]["info"]["run_id"]}
        s.post(ctx.uri + "/v1/traces", data=otlp([(TRACE_HEX, [
            ("9999999999999991", None, "base", T0 + 1, T0 + 2, {"mlflow.traceTag.mlflow.traceName": "base_name"},
             1, "", [])])]), headers={"Content-Type": PB, "x-mlflow-experiment-id": exp})
        for label, method, path, body, headers in CASES:
            ctx.call(f"{label} [{method} {path[:60]}]", send, ctx.server, ids, method, path, body, headers)
    run_scenario(pair, "http.tracing", scenario)
