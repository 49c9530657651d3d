"""Run one client scenario against both servers in turn and compare what each returned."""
from __future__ import annotations

import hashlib
import json
import os
import traceback
from pathlib import Path

import mlflow
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from .compare import TALLY, Comparison
from .normalize import Normalizer

# A server answering 5xx must fail the test quickly instead of making the client retry for minutes.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "60")
os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")


def to_obs(value):
    """Plain JSON-like form of whatever the MLflow client returned."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return {"bytes": len(value), "sha256": hashlib.sha256(value).hexdigest()}
    if isinstance(value, dict):
        return {str(k): to_obs(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        out = [to_obs(v) for v in value]
        token = getattr(value, "token", None)
        if hasattr(value, "token"):
            return {"items": out, "token": "<token>" if token else None}
        return out
    if hasattr(value, "to_proto"):
        from mlflow.utils.proto_json_utils import message_to_json
        try:
            return json.loads(message_to_json(value.to_proto()))
        except Exception:  # noqa: BLE001 - fall through to attributes
            pass
    if hasattr(value, "to_dictionary"):
        return to_obs(value.to_dictionary())
    if hasattr(value, "__dict__"):
        return {k.lstrip("_"): to_obs(v) for k, v in vars(value).items()}
    return repr(value)


def error_obs(e: MlflowException) -> dict:
    return {"error": e.error_code}


class Ctx:
    """What a scenario sees: a client bound to one server plus a recorder."""

    def __init__(self, server, side: str):
        self.server = server
        self.side = side
        self.uri = server.url
        self.client = MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)
        self.obs: list[tuple[str, object]] = []
        # label -> the MLflow error's message: not compared, shown when the comparison fails
        self.error_messages: dict[str, str] = {}
        self.tmp = Path(server.workdir) / "client"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def call(self, label: str, fn, *args, **kwargs):
        """Call fn, record its result (or its MLflow error code) under label, return the result."""
        try:
            result = fn(*args, **kwargs)
        except MlflowException as e:
            self.obs.append((label, error_obs(e)))
            self.error_messages[label] = str(e.message)[:600]
            return None
        self.obs.append((label, to_obs(result)))
        return result

    def expect_error(self, label: str, fn, *args, **kwargs):
        """Like call, for calls expected to fail: the recorded value is the error code either way."""
        return self.call(label, fn, *args, **kwargs)

    def note(self, label: str, value) -> None:
        self.obs.append((label, to_obs(value)))


def reset_fluent_state() -> None:
    """Forget the fluent API's active experiment: it must not leak from one server to the other
    (some MLflow versions also export it as MLFLOW_EXPERIMENT_ID)."""
    import mlflow.tracking.fluent as fluent
    fluent._active_experiment_id = None
    for var in ("MLFLOW_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_NAME", "MLFLOW_RUN_ID"):
        os.environ.pop(var, None)


def normalizer_for(server) -> Normalizer:
    return Normalizer([f"127.0.0.1:{server.port}", f"localhost:{server.port}"],
                      [str(server.workdir), str(Path(server.workdir).resolve())])


def dump_observations(test: str, real_n, cand_n) -> None:
    """MLFLOW_INTEROP_DUMP=<dir>: write both normalized observation lists, for diffing by hand."""
    out = os.environ.get("MLFLOW_INTEROP_DUMP")
    if not out:
        return
    Path(out).mkdir(parents=True, exist_ok=True)
    for side, obs in (("real", real_n), ("candidate", cand_n)):
        with open(Path(out) / f"{test}.{side}.json", "w") as f:
            json.dump([{"label": l, "value": v} for l, v in obs], f, indent=1, sort_keys=True, default=str)


def run_scenario(pair, test: str, scenario, *args) -> None:
    """scenario(ctx, *args) runs once per server; observations are compared call by call."""
    sides = []
    for label, server in (("real", pair.real), ("candidate", pair.candidate)):
        ctx = Ctx(server, label)
        mlflow.set_tracking_uri(ctx.uri)
        mlflow.set_registry_uri(ctx.uri)
        try:
            scenario(ctx, *args)
        except Exception as e:  # noqa: BLE001 - an aborted scenario is itself a difference
            ctx.obs.append(("<scenario aborted>", {"exception": type(e).__name__}))
            ctx.abort_trace = traceback.format_exc()
        finally:
            while mlflow.active_run() is not None:
                mlflow.end_run()
            reset_fluent_state()
        sides.append(ctx)
    real, cand = sides
    nr, nc = normalizer_for(pair.real), normalizer_for(pair.candidate)
    real_n = [(l, nr(v)) for l, v in real.obs]
    cand_n = [(l, nc(v)) for l, v in cand.obs]
    dump_observations(test, real_n, cand_n)
    cmp = Comparison(test)
    cmp.check_sequences(real_n, cand_n)
    for ctx in sides:
        if getattr(ctx, "abort_trace", None):
            TALLY.failures += 1
            cmp.problems.append(f"{test}: scenario aborted on {ctx.side}:\n{ctx.abort_trace}")
    if cmp.problems:
        cmp.details.append(error_details(test, sides, pair))
    cmp.assert_ok()


def error_details(test: str, sides, pair) -> str:
    """Why a side answered with an error (the messages are not compared), and what the real
    server logged: a difference caused by the real MLflow failing must be explainable from CI's
    output alone."""
    lines = [f"{test}: error messages behind the differences:"]
    for ctx in sides:
        for label, message in list(ctx.error_messages.items())[:8]:
            lines.append(f"  {ctx.side} {label}: {message}")
    lines.append(f"  real server log tail:\n{pair.real.log_tail(30)}")
    return "\n".join(lines)
