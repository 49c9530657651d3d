"""The worker's shortcuts (src/models/python/mlflow_cpp_worker.py) give what the plain path gives:
build_frame's one-block DataFrame equals the one pandas builds from a dict of columns (values,
dtypes, labels, index, memory layout), and numeric_predictions_json writes what MLflow's
predictions_to_json writes."""
import io
import os
import sys

import numpy as np
import pandas as pd
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(REPO, "src", "models", "python"))
import mlflow_cpp_worker as worker  # noqa: E402


def header_for(requests, rows, dtypes, labels, index=None, seed=0):
    """A predict header and blob as worker_pool.cc writes them: columns back to back."""
    rng = np.random.RandomState(seed)
    cols, blob = [], b""
    for label, dtype in zip(labels, dtypes):
        data = (rng.rand(requests * rows) * 100 - 50).astype(dtype).tobytes()
        cols.append({"label": label, "kind": "numeric", "dtype": dtype, "offset": len(blob), "length": len(data)})
        blob += data
    header = {"type": "predict", "requests": [{"rows": rows}] * requests, "columns": cols,
              "params": None, "index": index}
    return header, blob


def dict_frame(header, blob):
    """The frame as a dict of columns builds it (the path for every other input)."""
    rows = sum(r["rows"] for r in header["requests"])
    index = header["index"]
    idx = pd.Index(index) if index is not None else pd.RangeIndex(rows)
    data = {c["label"]: np.frombuffer(blob[c["offset"]: c["offset"] + c["length"]], dtype=c["dtype"]).copy()
            for c in header["columns"]}
    return pd.DataFrame(data, index=idx)


NAMES = [f"f{i}" for i in range(10)]
CASES = [
    # (requests, rows, dtypes, labels, index, takes the one-block path)
    (1, 1, ["float64"] * 10, NAMES, None, True),
    (4, 1, ["float64"] * 10, NAMES, None, True),
    (3, 1000, ["float64"] * 10, NAMES, None, True),
    (2, 3, ["int64"] * 10, NAMES, None, True),
    (1, 2, ["int32"] * 10, NAMES, None, True),
    (1, 2, ["float32"] * 10, NAMES, None, True),
    (1, 2, ["bool"] * 10, NAMES, None, True),
    (1, 2, ["float64"] * 10, NAMES, ["a", "b"], True),
    (1, 2, ["int32"] * 5 + ["float64"] * 5, NAMES, None, False),
    (1, 2, ["float64"] * 10, list(range(10)), None, False),  # a dict of these keys makes a RangeIndex
    (1, 2, ["float64"] * 10, ["x"] * 10, None, False),  # a dict keeps one of equal keys
    (1, 0, ["float64"] * 10, NAMES, None, False),
]


@pytest.mark.parametrize("requests,rows,dtypes,labels,index,fast", CASES)
def test_build_frame_equals_dict_frame(requests, rows, dtypes, labels, index, fast):
    header, blob = header_for(requests, rows, dtypes, labels, index)
    got = worker.build_frame(header, blob)
    want = dict_frame(header, blob)
    pd.testing.assert_frame_equal(got, want, check_exact=True, check_index_type=True, check_column_type=True)
    assert (worker.one_block(header["columns"], requests * rows, blob) is not None) == fast
    assert [b.values.flags.c_contiguous for b in got._mgr.blocks] == [b.values.flags.c_contiguous for b in want._mgr.blocks]
    assert all(b.values.flags.writeable for b in got._mgr.blocks)  # a model may write into its input


def predictions_to_json(raw):
    from mlflow.pyfunc import scoring_server

    out = io.StringIO()
    scoring_server.predictions_to_json(raw, out)
    return out.getvalue()


@pytest.mark.parametrize("raw", [
    np.array([0, 1, -7, 2**62]),
    np.array([[0.1, float("nan")], [1e300, -float("inf")], [5e-324, -0.0]]),
    np.array([True, False]),
    np.array([3, 255], dtype=np.uint8),
    np.array([0.1, 1 / 3], dtype=np.float32),
    np.zeros(0),
    np.zeros((2, 0)),
    np.arange(1000) % 2,
])
def test_numeric_predictions_json_is_predictions_to_json(raw):
    assert worker.numeric_predictions_json(raw) == predictions_to_json(raw)


@pytest.mark.parametrize("raw", [
    np.array(["a", "b"]), np.array([{"a": 1}], dtype=object), pd.Series([1, 2]), pd.DataFrame({"a": [1]}), [1, 2],
    np.array(["2020-01-01"], dtype="datetime64[D]"), np.array([1 + 2j]),
])
def test_other_predictions_take_mlflows_path(raw):
    assert worker.numeric_predictions_json(raw) is None
