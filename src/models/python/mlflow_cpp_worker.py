"""mlflow-cpp model worker: loads one model with the real mlflow.pyfunc and answers scoring
batches sent by the mlflow-cpp server over stdin/stdout.

The server (src/models/worker_pool.cc) starts it as `python mlflow_cpp_worker.py <model dir>` and
embeds this file in its binary. Messages in both directions are frames:
    u32 header length | u32 blob length | header (UTF-8 JSON) | blob (bytes)
all lengths little-endian. Anything the model prints goes to stderr; stdout carries frames only.

Server -> worker:
    {"type": "predict", "requests": [{"rows": n}, ...], "columns": [...], "params": ..., "index": ...}
        One DataFrame for a batch of requests (rows concatenated), columns typed by the server:
        {"label": "x" | 3, "kind": "numeric", "dtype": "float64", "offset": o, "length": n}
        {"label": ..., "kind": "str" | "object", "offset": o, "length": n}  (blob: JSON list)
    {"type": "raw", "content_type": "..."}   blob: an /invocations body, parsed here by MLflow
Worker -> server:
    {"type": "ready", "mlflow_version": ..., "python": ..., "pid": ...}
    {"type": "error", "message": ...}        the model cannot be loaded (the worker then exits)
    {"type": "result", "responses": [{"status": 200, "content_type": ..., "length": n}, ...]}
        blob: the response bodies, in request order
"""
import inspect
import io
import json
import os
import re
import struct
import sys
import time
import traceback

HEADER = struct.Struct("<II")


def read_exact(stream, n):
    chunks = []
    while n > 0:
        data = stream.read(n)
        if not data:
            return None
        chunks.append(data)
        n -= len(data)
    return b"".join(chunks)


def read_frame(stream):
    head = read_exact(stream, HEADER.size)
    if head is None:
        return None, None
    hlen, blen = HEADER.unpack(head)
    header = read_exact(stream, hlen)
    blob = read_exact(stream, blen) if blen else b""
    if header is None or blob is None:
        return None, None
    return json.loads(header.decode("utf-8")), blob


def write_frame(stream, header, blob=b""):
    h = json.dumps(header).encode("utf-8")
    stream.write(HEADER.pack(len(h), len(blob)) + h + blob)
    stream.flush()


def requirement_name(line):
    line = line.split(";")[0].split("#")[0].strip()
    if not line or line.startswith("-"):
        return None
    m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", line)
    return m.group(1) if m else None


def missing_requirements(model_dir):
    """Packages named in the model's requirements.txt that this interpreter lacks."""
    import importlib.metadata
    import importlib.util

    path = os.path.join(model_dir, "requirements.txt")
    if not os.path.exists(path):
        return []
    missing = []
    with open(path) as f:
        for line in f:
            name = requirement_name(line)
            if not name:
                continue
            try:
                importlib.metadata.distribution(name)
                continue
            except importlib.metadata.PackageNotFoundError:
                pass
            # Distributions named differently from their module (e.g. xgboost-cpu provides xgboost).
            module = name.replace("-", "_").lower()
            if importlib.util.find_spec(module) is not None:
                continue
            missing.append(line.strip())
    return missing


def build_frame(header, blob):
    import numpy as np
    import pandas as pd

    index = header.get("index")
    rows = sum(r["rows"] for r in header["requests"])
    idx = pd.Index(index) if index is not None else pd.RangeIndex(rows)
    columns = header["columns"]
    block = one_block(columns, rows, blob)
    if block is not None:
        # pandas would consolidate the dict's columns into this same (columns x rows) block; building
        # it directly skips the per-column Series and the consolidation (the larger part of this
        # function's time on a one-row request).
        return pd.DataFrame(block.T, columns=[c["label"] for c in columns], index=idx, copy=True)
    data = {}
    for col in header["columns"]:
        raw = blob[col["offset"]: col["offset"] + col["length"]]
        if col["kind"] == "numeric":
            data[col["label"]] = np.frombuffer(raw, dtype=col["dtype"]).copy()
            continue
        items = json.loads(raw.decode("utf-8"))
        if col["kind"] == "object":
            # A Series keeps dtype object (an ndarray of strings would be re-inferred as str).
            data[col["label"]] = pd.Series(items, dtype=object, index=idx)
        else:
            # pandas infers the str dtype from the values as its DataFrame constructor does.
            data[col["label"]] = pd.Series(items, index=idx)
    return pd.DataFrame(data, index=idx)


def one_block(columns, rows, blob):
    """The blob as one (columns x rows) array when every column is numeric with the same dtype,
    unique string labels (pandas makes integer keys of a dict a RangeIndex, a list of them not)
    and laid out back to back (as the server writes them); else None."""
    import numpy as np

    if not columns or rows == 0:
        return None
    dtype = columns[0].get("dtype")
    if columns[0]["kind"] != "numeric":
        return None
    width = rows * np.dtype(dtype).itemsize
    labels = set()
    for i, c in enumerate(columns):
        label = c["label"]
        if c["kind"] != "numeric" or c["dtype"] != dtype or type(label) is not str or label in labels:
            return None
        labels.add(label)
        if c["length"] != width or c["offset"] != i * width:
            return None
    array = np.frombuffer(blob, dtype=dtype, count=len(columns) * rows)
    return array.reshape(len(columns), rows)


def numeric_predictions_json(raw):
    """MLflow's predictions_to_json body for a numeric numpy array, through the C JSON encoder:
    json.dump with an encoder class (what predictions_to_json calls) always runs the pure-Python
    encoder, item by item, which dominates the answer's cost for a 1,000-row request. None for any
    other prediction type."""
    import numpy as np

    if type(raw) is not np.ndarray or raw.dtype.kind not in "biuf":
        return None
    return '{"predictions": ' + json.dumps(raw.tolist()) + "}"


class Worker:
    def __init__(self, model_dir):
        from mlflow.pyfunc import scoring_server

        self.ss = scoring_server
        # What `mlflow models serve` sets before serving.
        os.environ["_MLFLOW_IS_IN_SERVING_ENVIRONMENT"] = "true"
        self.model = scoring_server.load_model_with_mlflow_config(model_dir)
        self.input_schema = self.model.metadata.get_input_schema()
        self.takes_params = "params" in inspect.signature(self.model.predict).parameters
        self.fast_json = self.fast_json_agrees()

    def slow_render(self, raw_predictions):
        out = io.StringIO()
        self.ss.predictions_to_json(raw_predictions, out)
        return out.getvalue()

    def fast_json_agrees(self):
        """numeric_predictions_json is used only if it writes what this MLflow's
        predictions_to_json writes, checked once on arrays of each kind."""
        import numpy as np

        samples = [np.array([0, 1, -7]), np.array([[0.1, float("nan")], [1e300, -float("inf")]]),
                   np.array([True, False]), np.array([3], dtype=np.uint8), np.zeros(0),
                   np.array([0.5], dtype=np.float32)]
        try:
            return all(numeric_predictions_json(a) == self.slow_render(a) for a in samples)
        except Exception:
            return False

    def render(self, raw_predictions):
        body = numeric_predictions_json(raw_predictions) if self.fast_json else None
        if body is None:
            body = self.slow_render(raw_predictions)
        return 200, "application/json", body

    def predict_one(self, df, params):
        """MLflow's invocations() for a parsed DataFrame: (status, content type, body)."""
        from mlflow.exceptions import MlflowException

        try:
            try:
                if self.takes_params:
                    raw = self.model.predict(df, params=params)
                else:
                    raw = self.model.predict(df)
            except MlflowException as e:
                e.message = f"Failed to predict data '{df}'. \nError: {e.message}"
                raise e
            except Exception:
                raise MlflowException(
                    message=(
                        "Encountered an unexpected error while evaluating the model. Verify"
                        " that the serialized input Dataframe is compatible with the model for"
                        " inference."
                    ),
                    error_code=self.ss.BAD_REQUEST,
                    stack_trace=traceback.format_exc(),
                )
            return self.render(raw)
        except MlflowException as e:
            return e.get_http_status_code(), "application/json", e.serialize_as_json()

    def predict_batch(self, header, blob):
        import numpy as np
        import pandas as pd

        df = build_frame(header, blob)
        sizes = [r["rows"] for r in header["requests"]]
        params = header.get("params")
        if len(sizes) == 1:
            return [self.predict_one(df, params)]
        bounds = np.cumsum([0] + sizes)
        parts = None
        try:
            raw = self.model.predict(df, params=params) if self.takes_params else self.model.predict(df)
            total = int(bounds[-1])
            if isinstance(raw, (pd.DataFrame, pd.Series)) and len(raw) == total:
                parts = [raw.iloc[bounds[i]: bounds[i + 1]] for i in range(len(sizes))]
            elif isinstance(raw, np.ndarray) and raw.ndim >= 1 and len(raw) == total:
                parts = [raw[bounds[i]: bounds[i + 1]] for i in range(len(sizes))]
            elif isinstance(raw, list) and len(raw) == total:
                parts = [raw[bounds[i]: bounds[i + 1]] for i in range(len(sizes))]
        except Exception:
            parts = None
        if parts is not None:
            return [self.render(p) for p in parts]
        # Not row-aligned, or one request made it fail: score each request on its own, so each
        # gets its own answer (and its own error message).
        out = []
        for i in range(len(sizes)):
            sub = df.iloc[bounds[i]: bounds[i + 1]].reset_index(drop=True)
            out.append(self.predict_one(sub, params))
        return out

    def raw(self, header, blob):
        from mlflow.exceptions import MlflowException

        try:
            r = self.ss.invocations(blob, header["content_type"], self.model, self.input_schema)
            body = r.response if isinstance(r.response, str) else r.response.decode("utf-8")
            return r.status, r.mimetype, body
        except MlflowException as e:
            return e.get_http_status_code(), "application/json", e.serialize_as_json()
        except Exception:
            traceback.print_exc()
            return 500, "text/plain; charset=utf-8", "Internal Server Error"


def main():
    model_dir = sys.argv[1]
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # the model's prints go to stderr: stdout carries frames only
    stdin = os.fdopen(0, "rb", buffering=0)
    missing = missing_requirements(model_dir)
    if missing:
        write_frame(out, {"type": "error", "message": (
            "the model requires " + ", ".join(repr(m) for m in missing) + " which "
            + ("is" if len(missing) == 1 else "are") + " not installed in " + sys.executable)})
        return 3
    try:
        import mlflow

        worker = Worker(model_dir)
    except ModuleNotFoundError as e:
        write_frame(out, {"type": "error", "message": (
            f"loading the model needs the Python module {e.name!r}, which is not installed in "
            f"{sys.executable}: {e}")})
        return 3
    except Exception as e:
        traceback.print_exc()
        write_frame(out, {"type": "error", "message": f"cannot load the model: {e!r}"})
        return 3
    write_frame(out, {"type": "ready", "mlflow_version": mlflow.__version__,
                      "python": sys.version.split()[0], "pid": os.getpid()})
    profile = os.environ.get("MLFLOW_CPP_WORKER_PROFILE")
    return serve(worker, stdin, out, Profile(profile) if profile else None)


class Profile:
    """Profiling by hand (README, models benchmark): cProfile of the serving loop and how many
    requests each batch held, rewritten to <prefix>.<pid>.prof / .batches every 500 batches (the
    server kills its workers when it stops, so nothing is left for the end). A value ending in
    ":batches" counts batches only (cProfile slows the worker, which changes the batches) and
    rewrites the counts after every batch (tests/e2e/models/test_serve.py reads them)."""

    def __init__(self, spec):
        import cProfile

        prefix, _, mode = spec.partition(":")
        self.path = f"{prefix}.{os.getpid()}"
        self.sizes = {}
        self.predict_cpu = 0.0
        self.prof = cProfile.Profile() if mode != "batches" else None
        if self.prof:
            self.prof.enable()

    def batch(self, requests, cpu):
        self.predict_cpu += cpu
        self.sizes[requests] = self.sizes.get(requests, 0) + 1
        if sum(self.sizes.values()) % (500 if self.prof else 1) == 0:
            if self.prof:
                self.prof.disable()
                self.prof.dump_stats(self.path + ".prof")
            with open(self.path + ".batches", "w") as f:
                json.dump({"batches": {str(k): v for k, v in sorted(self.sizes.items())},
                           "cpu_s": time.process_time(), "predict_cpu_s": self.predict_cpu}, f)
            if self.prof:
                self.prof.enable()


def serve(worker, stdin, out, profile):
    while True:
        header, blob = read_frame(stdin)
        if header is None:
            return 0
        kind = header.get("type")
        if kind == "predict":
            started = time.process_time() if profile else 0
            results = worker.predict_batch(header, blob)
            if profile:
                profile.batch(len(results), time.process_time() - started)
        elif kind == "raw":
            results = [worker.raw(header, blob)]
        elif kind == "shutdown":
            return 0
        else:
            results = [(500, "text/plain", f"unknown message type {kind!r}")]
        bodies = [b.encode("utf-8") for _, _, b in results]
        write_frame(out, {"type": "result", "responses": [
            {"status": s, "content_type": c, "length": len(b)}
            for (s, c, _), b in zip(results, bodies)]}, b"".join(bodies))


if __name__ == "__main__":
    sys.exit(main())
