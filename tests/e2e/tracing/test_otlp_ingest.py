"""OTLP span ingestion (POST /v1/traces) and bad input: protobuf and JSON, compression, spans whose
parents never arrive, oversized attributes, malformed payloads and refused batches (nothing is
written for a refused request)."""
import gzip
import json

import requests
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

PB = {"Content-Type": "application/x-protobuf"}


def request(spans, resource=None):
    """spans: (trace hex, span hex, parent hex | None, name, start ms, end ms, {attr: str|int})."""
    req = ExportTraceServiceRequest()
    rs = req.resource_spans.add()
    for k, v in (resource or {}).items():
        rs.resource.attributes.append(KeyValue(key=k, value=AnyValue(string_value=v)))
    ss = rs.scope_spans.add()
    for trace_hex, span_hex, parent, name, start, end, attrs in spans:
        s = ss.spans.add()
        s.trace_id, s.span_id, s.name = bytes.fromhex(trace_hex), bytes.fromhex(span_hex), name
        if parent:
            s.parent_span_id = bytes.fromhex(parent)
        s.start_time_unix_nano, s.end_time_unix_nano = start * 10**6, end * 10**6
        s.status.code = 1
        for k, v in attrs.items():
            s.attributes.append(KeyValue(key=k, value=AnyValue(string_value=v) if isinstance(v, str)
                                         else AnyValue(int_value=v)))
    return req.SerializeToString()


def post(srv, exp, body, headers=PB):
    return requests.post(srv.url + "/v1/traces", data=body, headers={**headers, "x-mlflow-experiment-id": exp},
                         timeout=60)


def get_trace(srv, tid, partial=False):
    return srv.get("/api/3.0/mlflow/traces/get", params={"trace_id": tid, "allow_partial": str(partial).lower()})


def trace_count(srv, exp):
    return srv.db_query("SELECT COUNT(*) FROM trace_info WHERE experiment_id = ?", (int(exp),))[0][0]


def test_protobuf_spans_in_two_batches(srv, exp):
    t = "0123456789abcdef0123456789abcdef"
    tid = "tr-" + t
    # The child first: its trace is created from it, then completed by the root's batch.
    r = post(srv, exp, request([(t, "00000000000000c1", "00000000000000a1", "child", 1000, 1200, {"k": "v"})]))
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/x-protobuf"
    status, out = get_trace(srv, tid, partial=True)
    assert status == 200 and out["trace"]["trace_info"]["state"] == "IN_PROGRESS"
    r = post(srv, exp, request([(t, "00000000000000a1", None, "root", 900, 1500,
                                 {"mlflow.spanInputs": '{"q": 1}', "mlflow.traceTag.mlflow.traceName": "named"})],
                               resource={"service.name": "svc", "host.name": "h1"}))
    assert r.status_code == 200
    status, out = get_trace(srv, tid)
    info = out["trace"]["trace_info"]
    assert info["state"] == "OK" and info["execution_duration"] == "0.600s"
    assert info["request_time"] == "1970-01-01T00:00:00.900Z" and info["request_preview"] == '{"q": 1}'
    assert info["tags"]["mlflow.traceName"] == "named" and info["tags"]["host.name"] == "h1"
    assert [s["name"] for s in out["trace"]["spans"]] == ["root", "child"]


def test_json_gzip_and_orphan_spans(srv, exp):
    body = {"resourceSpans": [{"scopeSpans": [{"spans": [
        {"traceId": "fedcba9876543210fedcba9876543210", "spanId": "1111111111111111",
         "parentSpanId": "2222222222222222", "name": "orphan", "startTimeUnixNano": "5000000000",
         "endTimeUnixNano": "6000000000", "attributes": [{"key": "n", "value": {"intValue": "3"}}]}]}]}]}
    r = post(srv, exp, gzip.compress(json.dumps(body).encode()),
             {"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert r.status_code == 200
    tid = "tr-fedcba9876543210fedcba9876543210"
    # A parent that never arrives: the trace stays in progress and reads back partially.
    status, out = get_trace(srv, tid, partial=True)
    assert status == 200 and out["trace"]["spans"][0]["parent_span_id"] == "IiIiIiIiIiI="
    assert out["trace"]["spans"][0]["attributes"][0] == {"key": "n", "value": {"int_value": 3}}


def test_oversized_attribute_is_stored_whole(srv, exp):
    big = "x" * (2 << 20)
    t = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    r = post(srv, exp, request([(t, "000000000000000b", None, "big", 1, 2, {"blob": big})]))
    assert r.status_code == 200
    status, out = get_trace(srv, "tr-" + t, partial=True)
    attrs = {a["key"]: a["value"] for a in out["trace"]["spans"][0]["attributes"]}
    assert attrs["blob"]["string_value"] == big


def test_bad_payloads_write_nothing(srv, exp):
    before = trace_count(srv, exp)
    good = request([("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "000000000000000c", None, "ok", 1, 2, {})])
    cases = [
        (b"\xff\xfe garbage", PB, 400),
        (good[:-3], PB, 400),                                          # truncated
        (b"", PB, 400),                                                # no spans
        (b"{not json", {"Content-Type": "application/json"}, 400),
        # JSON of the wrong shape: MLflow 3.17 answers 500 here; a clean 400 writes nothing either.
        (b"[]", {"Content-Type": "application/json"}, 400),
        (b'{"resourceSpans": "x"}', {"Content-Type": "application/json"}, 400),
        (b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "0102030405060708090a0b0c0d0e0f13", '
         b'"spanId": "0000000000000001", "startTimeUnixNano": "99999999999999999999999"}]}]}]}',
         {"Content-Type": "application/json"}, 400),                   # a time beyond uint64
        (good, {"Content-Type": "text/plain"}, 400),
        (good, {**PB, "Content-Encoding": "gzip"}, 400),               # not gzip
        (good, {**PB, "Content-Encoding": "zstd"}, 400),
        (request([("cc" * 17, "000000000000000d", None, "wide id", 1, 2, {})]), PB, 422),
    ]
    for body, headers, want in cases:
        r = post(srv, exp, body, headers)
        assert r.status_code == want, (headers, r.status_code, r.text)
        assert "detail" in r.json()
    # A batch refused for one trace (a session id over 250 characters) stores none of its traces.
    mixed = request([("dddddddddddddddddddddddddddddddd", "000000000000000e", None, "fine", 1, 2, {}),
                     ("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "000000000000000f", None, "bad", 1, 2,
                      {"session.id": "s" * 251})])
    r = post(srv, exp, mixed)
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    r = requests.post(srv.url + "/v1/traces", data=good, headers=PB, timeout=30)
    assert r.status_code == 422  # the experiment header is required
    r = post(srv, "999999", good)
    assert r.status_code == 404 and r.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert trace_count(srv, exp) == before
    assert srv.db_query("SELECT COUNT(*) FROM spans WHERE trace_id = ?",
                        ("tr-dddddddddddddddddddddddddddddddd",)) == [(0,)]


def test_large_batch_in_one_request(srv, exp):
    """3000 spans of one trace in one export: all stored, in one transaction."""
    t = "abababababababababababababababab"
    spans = [(t, "%016x" % (i + 1), None if i == 0 else "0000000000000001", "s%d" % i, 1000 + i, 5000 + i, {})
             for i in range(3000)]
    r = post(srv, exp, request(spans))
    assert r.status_code == 200, r.text
    assert srv.db_query("SELECT COUNT(*) FROM spans WHERE trace_id = ?", ("tr-" + t,)) == [(3000,)]
    status, out = get_trace(srv, "tr-" + t, partial=True)
    assert status == 200 and out["trace"]["spans"][0]["name"] == "s0" and len(out["trace"]["spans"]) == 3000
