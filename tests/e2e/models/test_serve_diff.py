"""Differential test: the same requests to the real `mlflow models serve` (MLflow 3.17.2, uvicorn,
--env-manager local) and to `mlflow-cpp models serve`, on the same models; status, content type and
body must be equal. Allowed differences are listed in KNOWN_DIFFERENCES with their reasons.

Bodies are compared as JSON where they are JSON; content types exactly. Two normalisations apply to both sides: Python set
orders inside messages (they vary between Python processes), and stack_trace values (ours do not
come from a Python interpreter for natively served models; only their presence is compared).
"""
import json
import re

import pytest
import requests

from modelutil import ScoringServer

# (model, request id) -> reason. Empty today; an entry that explains no difference fails the test.
KNOWN_DIFFERENCES = {}

SET_RE = re.compile(r"\{('[^'{}]*'(?:, '[^'{}]*')+)\}")
EXTRA_RE = re.compile(r"(extra inputs: \[)([^\]]*)(\])")


def normalize_text(s):
    s = SET_RE.sub(lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", s)
    return EXTRA_RE.sub(lambda m: m.group(1) + ", ".join(sorted(m.group(2).split(", "))) + m.group(3), s)


def normalize(status, text, ctype):
    ctype = ctype.lower()
    try:
        body = json.loads(text)
    except ValueError:
        return status, ctype, normalize_text(text)
    if isinstance(body, dict):
        if "stack_trace" in body:
            body["stack_trace"] = "<present>"
        if isinstance(body.get("message"), str):
            body["message"] = normalize_text(body["message"])
    return status, ctype, body


def corpus(columns, sample_row):
    """(id, method, path, body, content type) requests for a model with these input columns."""
    n = len(columns)
    row = list(sample_row)
    bad_row = row[:-1] + ["not a number"]
    reqs = [
        ("GET /ping", "GET", "/ping", None, None),
        ("GET /health", "GET", "/health", None, None),
        ("GET /version", "GET", "/version", None, None),
        ("GET /nope", "GET", "/nope", None, None),
        ("GET /invocations", "GET", "/invocations", None, None),
        ("split", "POST", "/invocations", {"dataframe_split": {"columns": columns, "data": [row, row]}}, "application/json"),
        ("split ints", "POST", "/invocations",
         {"dataframe_split": {"columns": columns, "data": [[int(v) if isinstance(v, float) else v for v in row]]}},
         "application/json"),
        ("split index", "POST", "/invocations",
         {"dataframe_split": {"columns": columns, "data": [row], "index": [7]}}, "application/json"),
        ("records", "POST", "/invocations", {"dataframe_records": [dict(zip(columns, row))] * 3}, "application/json"),
        ("records extra column", "POST", "/invocations",
         {"dataframe_records": [dict(zip(columns, row), extra=1)]}, "application/json"),
        ("instances", "POST", "/invocations", {"instances": [dict(zip(columns, row))] * 2}, "application/json"),
        ("inputs dict", "POST", "/invocations", {"inputs": {c: [v] for c, v in zip(columns, row)}}, "application/json"),
        ("inputs records", "POST", "/invocations", {"inputs": [dict(zip(columns, row))]}, "application/json"),
        ("csv", "POST", "/invocations", ",".join(columns) + "\n" + ",".join(str(v) for v in row) + "\n", "text/csv"),
        ("charset", "POST", "/invocations", {"dataframe_split": {"columns": columns, "data": [row]}},
         "application/json; charset=utf-8"),
        ("missing column", "POST", "/invocations",
         {"dataframe_split": {"columns": columns[:1], "data": [row[:1]]}}, "application/json"),
        ("missing column records", "POST", "/invocations",
         {"dataframe_records": [{columns[0]: row[0]}, {columns[0]: row[0]}]}, "application/json"),
        ("string in numeric column", "POST", "/invocations",
         {"dataframe_split": {"columns": columns, "data": [bad_row]}}, "application/json"),
        ("null in column", "POST", "/invocations",
         {"dataframe_split": {"columns": columns, "data": [row[:-1] + [None]]}}, "application/json"),
        ("wrong width", "POST", "/invocations",
         {"dataframe_split": {"columns": columns, "data": [row + [1.0]]}}, "application/json"),
        ("malformed json", "POST", "/invocations", '{"dataframe_split": {"columns": [', "application/json"),
        ("malformed json 2", "POST", "/invocations", "{'single': 'quotes'}", "application/json"),
        ("empty body", "POST", "/invocations", "", "application/json"),
        ("list body", "POST", "/invocations", "[1, 2, 3]", "application/json"),
        ("scalar body", "POST", "/invocations", "42", "application/json"),
        ("no format key", "POST", "/invocations", {"data": [[1]]}, "application/json"),
        ("two format keys", "POST", "/invocations", {"inputs": [1], "dataframe_split": {"data": [[1]]}}, "application/json"),
        ("split not a dict", "POST", "/invocations", {"dataframe_split": [[1, 2]]}, "application/json"),
        ("split without data", "POST", "/invocations", {"dataframe_split": {"columns": columns}}, "application/json"),
        ("records not a list", "POST", "/invocations", {"dataframe_records": {"a": 1}}, "application/json"),
        ("empty data", "POST", "/invocations", {"dataframe_split": {"columns": columns, "data": []}},
         "application/json"),
        ("NaN and Infinity", "POST", "/invocations",
         '{"dataframe_split": {"columns": %s, "data": [%s]}}' % (
             json.dumps(columns), ", ".join(["[" + ", ".join(["NaN"] + ["Infinity"] * (n - 1)) + "]"])),
         "application/json"),
        ("booleans in columns", "POST", "/invocations",
         {"dataframe_split": {"columns": columns, "data": [[True] * n]}}, "application/json"),
        ("nested value", "POST", "/invocations",
         {"dataframe_split": {"columns": columns, "data": [row[:-1] + [[1, 2]]]}}, "application/json"),
        ("big integer", "POST", "/invocations",
         {"dataframe_split": {"columns": columns, "data": [row[:-1] + [2**70]]}}, "application/json"),
        ("unicode", "POST", "/invocations",
         {"dataframe_split": {"columns": columns, "data": [row[:-1] + ["caf\u00e9 \u2603"]]}}, "application/json"),
        ("deep nesting", "POST", "/invocations", "[" * 5000 + "]" * 5000, "application/json"),
        ("text/plain", "POST", "/invocations", "x", "text/plain"),
        ("latin-1", "POST", "/invocations", "{}", "application/json; charset=latin-1"),
        ("format param", "POST", "/invocations", "{}", "application/json; format=pandas-split"),
        ("no content type", "POST", "/invocations", "{}", None),
    ]
    return reqs


def send(server, method, path, body, ctype):
    data = None if body is None else (body if isinstance(body, str) else json.dumps(body))
    headers = {} if ctype is None else {"Content-Type": ctype}
    # A new connection per request: uvicorn closes the connection after an unhandled error (500).
    r = requests.request(method, server.url + path, data=data, headers=headers, timeout=120)
    return r.status_code, r.text, r.headers.get("content-type", "")


def diff_model(key, model_dir, columns, row, tmp_path, extra_requests=()):
    mismatches, compared, known, ok = [], 0, 0, 0
    with ScoringServer(tmp_path / "theirs", model_dir, real_mlflow=True) as theirs, \
            ScoringServer(tmp_path / "ours", model_dir) as ours:
        for rid, method, path, body, ctype in list(corpus(columns, row)) + list(extra_requests):
            a = normalize(*send(theirs, method, path, body, ctype))
            b = normalize(*send(ours, method, path, body, ctype))
            compared += 1
            ok += a[0] == 200
            if a != b:
                if (key, rid) in KNOWN_DIFFERENCES:
                    known += 1
                else:
                    mismatches.append(f"{key} / {rid}:\n  mlflow:    {a}\n  mlflow-cpp: {b}")
    print(f"DIFF SUMMARY {key}: compared {compared}, equal {compared - known - len(mismatches)}, "
          f"known differences {known}, mismatches {len(mismatches)} ({ok} answered 200 by MLflow)")
    assert not mismatches, "\n".join(mismatches)
    listed = sum(1 for (model, _rid) in KNOWN_DIFFERENCES if model == key)
    assert known == listed, "a KNOWN_DIFFERENCES entry no longer differs: remove it"
    # The corpus exercises predictions, not only errors.
    assert ok >= 10


@pytest.fixture
def dirs(tmp_path):
    (tmp_path / "theirs").mkdir()
    (tmp_path / "ours").mkdir()
    return tmp_path


def test_xgboost_native_vs_mlflow(logged, dirs):
    X = logged["xgb"]["X"]
    diff_model("xgb", logged["xgb"]["local"], list(X.columns), [round(v, 6) for v in X.iloc[0].tolist()], dirs)


def test_sklearn_workers_vs_mlflow(logged, dirs):
    X = logged["xgb"]["X"]
    diff_model("sklearn", logged["sklearn"]["local"], ["a", "b", "c", "d"],
               [round(v, 6) for v in X.iloc[0, :4].tolist()], dirs)


def test_custom_pyfunc_vs_mlflow(logged, dirs):
    extra = [
        ("params", "POST", "/invocations",
         {"dataframe_split": {"columns": ["x", "label"], "data": [[1.5, "a"]]}, "params": {"scale": 3}},
         "application/json"),
        ("bad params", "POST", "/invocations",
         {"dataframe_split": {"columns": ["x"], "data": [[1.5]]}, "params": {"scale": [1, 2]}}, "application/json"),
        ("params not a dict", "POST", "/invocations",
         {"dataframe_split": {"columns": ["x"], "data": [[1.5]]}, "params": [1]}, "application/json"),
        ("predict raises", "POST", "/invocations",
         {"dataframe_split": {"columns": ["x"], "data": [[-3.0]]}}, "application/json"),
        # The model describes the DataFrame it received: dtypes, index and values must be MLflow's.
        ("frame: ints into a string column", "POST", "/invocations",
         {"dataframe_split": {"columns": ["x", "label"], "data": [[-4.0, 1], [2.0, 3]]}}, "application/json"),
        ("frame: strings with null", "POST", "/invocations",
         {"dataframe_split": {"columns": ["x", "label"], "data": [[-4.0, "a"], [1.5, None]]}}, "application/json"),
        ("frame: custom index", "POST", "/invocations",
         {"dataframe_split": {"columns": ["x", "label"], "data": [[-4.0, "a"], [1, "b"]], "index": [7, 9]}},
         "application/json"),
        ("frame: records, extra and missing keys", "POST", "/invocations",
         {"dataframe_records": [{"x": -4, "other": True}, {"x": 2.5, "label": "z"}]}, "application/json"),
        ("frame: mixed column", "POST", "/invocations",
         {"dataframe_split": {"columns": ["x", "label"], "data": [[-4.0, "a"], [1.0, 2.5], [0, True]]}},
         "application/json"),
    ]
    diff_model("custom", logged["custom"]["local"], ["x", "label"], [2.5, "b"], dirs, extra)
