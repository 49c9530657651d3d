"""Differential tests of the C++ input layer against the Python it mirrors.

Random request bodies are parsed by models_probe (our C++ parser, dtype inference, schema cast and
enforcement, DataFrame/numpy reprs) and by MLflow's own scoring-server functions with pandas; the
dtypes, column labels, printed frames and error bodies must be equal. Also YAML (PyYAML
safe_dump) and float repr. Cases the C++ layer reports as unsupported (the python_function flavor
hands those to MLflow itself) are counted, and must stay a minority.
"""
import json
import math
import os
import random
import re
import subprocess

import numpy as np
import pandas as pd
import pytest
import yaml
from mlflow.exceptions import MlflowException
from mlflow.pyfunc import _validate_prediction_input
from mlflow.pyfunc import scoring_server as ss
from mlflow.types import Schema

PROBE = os.environ.get("MLFLOW_CPP_MODELS_PROBE", "")
SEED = int(os.environ.get("MODELS_DIFF_SEED", "20"))
pytestmark = pytest.mark.skipif(not os.path.exists(PROBE), reason="MLFLOW_CPP_MODELS_PROBE not set")


def probe(cmd, stdin, *args):
    r = subprocess.run([PROBE, cmd, *args], input=stdin.encode(), capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode()
    return out if cmd == "yaml" else json.loads(out)


SET_RE = re.compile(r"\{('[^'{}]*'(?:, '[^'{}]*')+)\}")
EXTRA_RE = re.compile(r"(extra inputs: \[)([^\]]*)(\])")


def normalize(message):
    """Python set orders vary between processes: sort the items of printed sets/extra lists."""
    message = SET_RE.sub(lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", message)
    return EXTRA_RE.sub(lambda m: m.group(1) + ", ".join(sorted(m.group(2).split(", "))) + m.group(3), message)


def error_of(e: MlflowException):
    body = json.loads(e.serialize_as_json())
    body.pop("stack_trace", None)
    body["message"] = normalize(body["message"])
    return body


def dtype_name(dt):
    return "str" if isinstance(dt, pd.StringDtype) else str(dt)


def reference(body, schema, enforce):
    """What MLflow's scoring server builds from the body (and what predict() gets after enforcement)."""
    try:
        data, _params = ss._split_data_and_params(body.encode())  # the server gets bytes
        df = ss.infer_and_parse_data(data, schema)
    except MlflowException as e:
        return {"ok": False, "error": error_of(e)}
    out = {"ok": True, "df": df}
    if enforce:
        try:
            try:
                enforced, _ = _validate_prediction_input(df, None, schema, None)
            except MlflowException as e:
                e.message = f"Failed to predict data '{df}'. \nError: {e.message}"
                raise
        except MlflowException as e:
            return {"ok": False, "error": error_of(e)}
        out["enforced"] = enforced
    return out


def ours(body, schema_json, enforce):
    r = probe("enforce" if enforce else "parse", body, schema_json or "")
    if not r["ok"]:
        body = json.loads(r["body"])
        body["message"] = normalize(body["message"])
        return {"ok": False, "error": body, "unsupported": r["unsupported"]}
    return r


def compare(body, schema_json=None, enforce=False):
    schema = Schema.from_json(schema_json) if schema_json else None
    ref = reference(body, schema, enforce)
    got = ours(body, schema_json, enforce)
    if not got["ok"] and got.get("unsupported"):
        return "unsupported"
    assert ref["ok"] == got["ok"], f"body={body}\nschema={schema_json}\nref={ref}\ngot={got}"
    if not ref["ok"]:
        assert got["error"] == ref["error"], f"body={body}\nschema={schema_json}"
        return "error"
    df = ref["df"]
    if isinstance(df, pd.DataFrame):
        assert got["labels"] == list(df.columns), body
        assert got["dtypes"] == [dtype_name(t) for t in df.dtypes], body
        assert got["repr"] == str(df), f"body={body}\n--- pandas\n{df}\n--- ours\n{got['repr']}"
    if enforce:
        e = ref["enforced"]
        assert got["enforced"]["labels"] == list(e.columns), body
        assert got["enforced"]["dtypes"] == [dtype_name(t) for t in e.dtypes], body
    return "ok"


# --- random data ---------------------------------------------------------------------------------

def rand_float(rng):
    kind = rng.random()
    if kind < 0.6:
        return round(rng.uniform(-100, 100), rng.randint(0, 8))
    if kind < 0.75:
        return rng.uniform(-1, 1) * 10 ** rng.randint(-9, 12)
    if kind < 0.85:
        return float(rng.randint(-5, 5))
    return rng.choice([0.5, -0.0, 1e-7, 123456789.125, 1e16])


def rand_str(rng):
    return rng.choice(["a", "bb", "hello world", "x" * rng.randint(1, 70), "naïve", "tab\tsep", "1.5", "", "None"])


COLUMN_KINDS = ["int", "float", "mixednum", "str", "str_null", "bool", "bool_null", "null", "int_null",
                "mixed", "bigint", "nested"]


def rand_column(rng, kind, n):
    vals = []
    for _ in range(n):
        if kind == "int":
            vals.append(rng.randint(-10**6, 10**6))
        elif kind == "float":
            vals.append(rand_float(rng))
        elif kind == "mixednum":
            vals.append(rng.choice([rng.randint(-50, 50), rand_float(rng)]))
        elif kind == "str":
            vals.append(rand_str(rng))
        elif kind == "str_null":
            vals.append(rng.choice([rand_str(rng), None]))
        elif kind == "bool":
            vals.append(rng.random() < 0.5)
        elif kind == "bool_null":
            vals.append(rng.choice([True, False, None]))
        elif kind == "null":
            vals.append(None)
        elif kind == "int_null":
            vals.append(rng.choice([rng.randint(0, 9), None]))
        elif kind == "mixed":
            vals.append(rng.choice([1, 2.5, "s", None, True]))
        elif kind == "bigint":
            vals.append(rng.choice([2**63 + rng.randint(0, 9), rng.randint(0, 9)]))
        else:
            vals.append(rng.choice([[1, 2], {"k": 1}, "s"]))
    return vals


def rand_frame(rng, max_rows=8, max_cols=6):
    n = rng.choice([1, 2, 3, rng.randint(1, max_rows)])
    ncols = rng.randint(1, max_cols)
    names = [rng.choice(["a", "b", "col", "x", "feature_" + str(i), "a long column name " + str(i)]) + str(i)
             for i in range(ncols)]
    kinds = [rng.choice(COLUMN_KINDS) for _ in range(ncols)]
    cols = [rand_column(rng, k, n) for k in kinds]
    return names, kinds, cols, n


def split_body(names, cols, n, with_columns=True):
    rows = [[c[i] for c in cols] for i in range(n)]
    d = {"data": rows}
    if with_columns:
        d["columns"] = names
    return json.dumps({"dataframe_split": d})


def records_body(rng, names, cols, n):
    recs = []
    for i in range(n):
        rec = {}
        for name, c in zip(names, cols):
            if rng.random() < 0.9:
                rec[name] = c[i]
        recs.append(rec)
    return json.dumps({"dataframe_records": recs})


# --- tests -----------------------------------------------------------------------------------------

def test_parse_random_frames():
    rng = random.Random(SEED)
    counts = {"ok": 0, "error": 0, "unsupported": 0}
    for _ in range(400):
        names, kinds, cols, n = rand_frame(rng)
        fmt = rng.random()
        if fmt < 0.5:
            body = split_body(names, cols, n, with_columns=rng.random() < 0.85)
        else:
            body = records_body(rng, names, cols, n)
        counts[compare(body)] += 1
    assert counts["ok"] > 250, counts
    assert counts["unsupported"] < 80, counts


def test_reprs_of_long_and_wide_frames():
    rng = random.Random(SEED + 1)
    for n, ncols in [(61, 2), (70, 3), (200, 1), (5, 12), (3, 25), (2, 90), (65, 30)]:
        names = [f"c{i}" for i in range(ncols)]
        cols = [rand_column(rng, rng.choice(["int", "float", "str", "bool"]), n) for _ in range(ncols)]
        assert compare(split_body(names, cols, n)) == "ok"


SIMPLE_TYPES = ["double", "float", "long", "integer", "string", "boolean"]


def test_schema_cast_and_enforcement():
    rng = random.Random(SEED + 2)
    counts = {"ok": 0, "error": 0, "unsupported": 0}
    for _ in range(400):
        names, kinds, cols, n = rand_frame(rng, max_rows=5, max_cols=4)
        names = list(dict.fromkeys(names))
        cols = cols[: len(names)]
        spec = []
        for name in names:
            if rng.random() < 0.85:
                spec.append({"type": rng.choice(SIMPLE_TYPES), "name": name, "required": rng.random() < 0.9})
        if rng.random() < 0.3:
            spec.append({"type": rng.choice(SIMPLE_TYPES), "name": "missing_col", "required": True})
        if not spec:
            spec = [{"type": "double", "name": names[0], "required": True}]
        body = split_body(names, cols, n) if rng.random() < 0.6 else records_body(rng, names, cols, n)
        counts[compare(body, json.dumps(spec), enforce=True)] += 1
    assert counts["ok"] > 60 and counts["error"] > 60, counts
    assert counts["unsupported"] < 60, counts


def test_inputs_and_instances_with_a_schema():
    rng = random.Random(SEED + 3)
    spec = json.dumps([{"type": "double", "name": "x", "required": True},
                       {"type": "long", "name": "y", "required": True}])
    bodies = [
        {"inputs": {"x": [1.5, 2], "y": [1, 2]}},
        {"inputs": {"x": 1.5, "y": 2}},
        {"inputs": [{"x": 1.5, "y": 2}, {"x": 3, "y": 4}]},
        {"inputs": {"x": [1.5], "y": [1, 2]}},
        {"inputs": {"x": ["a"], "y": [1]}},
        {"inputs": [[1.5, 2]]},
        {"instances": [{"x": 1.5, "y": 2}, {"x": 2.5, "y": 3}]},
        {"instances": [{"x": 1.5, "y": 2}, 3]},
        {"instances": [{"x": 1.5}, {"x": 2.5, "y": 3}]},
        {"inputs": {"x": [rng.random() for _ in range(5)], "y": list(range(5))}},
    ]
    for b in bodies:
        compare(json.dumps(b), spec, enforce=True)


def test_request_shape_errors():
    for body in ['{"foo": 1}', "[1, 2]", "3", '{"dataframe_split": [1]}', '{"dataframe_split": {"columns": ["a"]}}',
                 '{"dataframe_records": {"a": 1}}', '{"dataframe_records": "x"}', '{bad json',
                 '{"dataframe_split": {"columns": ["a"], "data": [[1, 2]]}}', '{"a": 1, "inputs": [1], "instances": [2]}',
                 '{"dataframe_split": {"data": [[1]], "extra": 1}}', '{"dataframe_split": "s"}', '', '{"x": NaN}']:
        assert compare(body) in ("error", "ok"), body


def test_numpy_reprs():
    rng = np.random.RandomState(SEED)
    cases = [[0.1, 1.25], [1.0, 2.0], [1e-5, 1.0], [1 / 3, 2.0], [[1.5, 2.0], [3.0, 4.0]], list(np.arange(30) * 1.1),
             [1e8, 1.0], list(rng.rand(7)), [[0.5] * 12] * 3, [float("nan"), 1.5, float("-inf")], [-1.25, 3.0]]
    for c in cases:
        arr = np.array(c, dtype=np.float64)
        got = probe("ndarray", json.dumps(c, allow_nan=True), "float64")
        assert got["str"] == str(arr), (c, got)
        assert got["repr"] == repr(arr), (c, got)
    for c in [[1, -22], [[1, 2], [30, 4]], list(range(40))]:
        arr = np.array(c, dtype=np.int64)
        got = probe("ndarray", json.dumps(c), "int64")
        assert got["str"] == str(arr), (c, got)


def test_float_repr():
    rng = random.Random(SEED)
    vals = [rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30) for _ in range(500)]
    vals += [float(np.float32(v)) for v in vals[:200]] + [0.1, 1e16, 1e-5, 0.0001, 123456789012345.6, 5e-324]
    got = probe("floats", json.dumps(vals))
    assert got == [repr(v) for v in vals]


def rand_yaml_value(rng, depth=0):
    r = rng.random()
    if depth < 3 and r < 0.25:
        return {rand_yaml_key(rng): rand_yaml_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    if depth < 3 and r < 0.4:
        return [rand_yaml_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return rng.choice([
        None, True, False, rng.randint(-10**9, 10**9), rng.uniform(-1e6, 1e6), 1e17, "plain", "", "yes", "null",
        "1.5", "2024-01-01", "a: b", "- x", "#c", "it's", 'say "hi"', "x" * 90, "word " * 30, "caf\u00e9",
        "line\nbreak", "tab\there", " lead", "trail ", "[1, 2]", "{a}", "@at", "~", "0x1F", "1_000", ".inf",
        json.dumps([{"type": "double", "name": "sepal length (cm)", "required": True}] * 3)])


def rand_yaml_key(rng):
    if rng.random() < 0.15:
        # keys PyYAML writes as explicit "? key" entries: empty, multi-line, over 122 characters
        return rng.choice(["", "line\nbreak", "k" * 122, "k" * 123, "caf\u00e9" * 40, "word " * 30, "\u00e9" * 300])
    return rng.choice(["a", "b", "key", "yes", "1", "with space", "x" * 20, "flavors", "z"]) + str(rng.randint(0, 9))


def test_yaml_dump_matches_pyyaml():
    rng = random.Random(SEED)
    for _ in range(300):
        doc = {rand_yaml_key(rng): rand_yaml_value(rng) for _ in range(rng.randint(1, 6))}
        expected = yaml.safe_dump(doc, default_flow_style=False)
        assert probe("yaml", json.dumps(doc)) == expected, json.dumps(doc)
