"""Session fixtures: the real MLflow server and the candidate (mlflow-cpp), started once."""
from __future__ import annotations

import atexit
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import areas  # noqa: E402
from harness import compare, servers  # noqa: E402

_DISABLED: dict[str, int] = {}


def pytest_configure(config):
    unknown = (set(areas.ENABLED_AREAS) | areas.enabled_areas()) - set(areas.ALL_AREAS)
    if unknown:
        raise pytest.UsageError(f"unknown areas {sorted(unknown)} (ENABLED_AREAS or MLFLOW_INTEROP_AREAS); "
                                f"known: {sorted(areas.ALL_AREAS)}")
    servers.candidate_spec()  # fails fast with a clear message when the candidate is not given


def pytest_collection_modifyitems(config, items):
    enabled = areas.enabled_areas()
    keep, drop = [], []
    for item in items:
        marks = [m.args[0] for m in item.iter_markers("area")]
        if len(marks) != 1 or marks[0] not in areas.ALL_AREAS:
            raise pytest.UsageError(f"{item.nodeid}: needs exactly one known @pytest.mark.area, has {marks}")
        if marks[0] in enabled:
            keep.append(item)
        else:
            drop.append(item)
            _DISABLED[marks[0]] = _DISABLED.get(marks[0], 0) + 1
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@dataclass
class Pair:
    real: servers.ServerProc
    candidate: servers.ServerProc


def _stop_everything(*_):
    servers.stop_all()


atexit.register(_stop_everything)


def _on_term(signum, frame):
    servers.stop_all()
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, _on_term)


@pytest.fixture(scope="session")
def venv() -> str:
    return sys.prefix


@pytest.fixture(scope="session")
def pair(venv):
    real = servers.make_server("real", venv)
    cand = servers.make_server("candidate", venv)
    try:
        servers.start_many([real, cand])
        yield Pair(real, cand)
    finally:
        real.cleanup()
        cand.cleanup()


def _stale():
    # Known differences describe mlflow-cpp; a real-vs-real run cannot reproduce them.
    if servers.candidate_spec()[0] == "real":
        return []
    return compare.stale_known()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    disabled = sorted(_DISABLED)
    stale = _stale()
    for k in stale:
        terminalreporter.write_line(f"STALE KNOWN DIFFERENCE {k.id}: applied to {k.candidates} compared "
                                    f"call(s) and explained none; remove it from known_differences.yaml")
    if disabled:
        terminalreporter.write_line("areas not run against the candidate (see areas.py): " + ", ".join(
            f"{a} ({_DISABLED[a]} tests)" for a in disabled))
    terminalreporter.write_line(compare.summary_line(disabled))


_FINISHED = {}


def pytest_sessionfinish(session, exitstatus):
    _FINISHED["session"] = session
    # Nothing collected (pytest's exit 5), a run that compared nothing, or a known-differences list
    # gone stale must not pass.
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("\nINTEROP: no test collected: failing the run", file=sys.stderr)
        session.exitstatus = 1
    elif exitstatus == 0 and not session.config.option.collectonly:
        if compare.TALLY.compared == 0:
            print("\nINTEROP: no call was compared: failing the run", file=sys.stderr)
            session.exitstatus = 1
        elif _stale() and not session.config.getoption("-k") and \
                not session.config.getoption("markexpr"):
            session.exitstatus = 1


def pytest_unconfigure(config):
    # The MLflow client leaves non-daemon helper threads behind (async logging, artifact pools);
    # once the summary is printed, exit with the run's status rather than wait on them.
    session = _FINISHED.get("session")
    if session is not None:
        servers.stop_all()  # what the atexit hook would do; os._exit skips atexit
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(session.exitstatus))
