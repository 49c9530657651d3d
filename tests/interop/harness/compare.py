"""Field-by-field comparison of normalized observations, the known-differences list and the tally."""
from __future__ import annotations

import re
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent.parent
KNOWN_FILE = HERE / "known_differences.yaml"
ABSENT = "<absent>"
MAX_REPORTED = 60


@dataclass
class KnownDifference:
    id: str
    test: str     # pattern over the observation label "<test>/<call label>" ('*' = wildcard)
    path: str     # pattern over the JSON path of the differing field ("$" = whole value)
    reason: str
    # "bugfix" (MLflow bug we fix), "extension" (deliberate addition) or "nondeterministic" (MLflow's
    # own answer varies from run to run, e.g. an order it leaves to the database: a run where it
    # happened to agree does not make the entry stale)
    kind: str
    candidates: int = 0  # observations compared that this entry could apply to
    hits: int = 0        # differences it explained

    def applies_to(self, label: str) -> bool:
        return glob_match(self.test, label)

    def explains(self, label: str, path: str) -> bool:
        return self.applies_to(label) and glob_match(self.path, path)


def glob_match(pattern: str, text: str) -> bool:
    """'*' matches any run of characters; everything else (including [ ] ?) is literal, so labels
    and JSON paths can be pasted from a failure report as they are."""
    rx = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(rx, text, re.DOTALL) is not None


def load_known(path: Path = KNOWN_FILE) -> list[KnownDifference]:
    data = yaml.safe_load(path.read_text()) or []
    out = []
    seen = set()
    for e in data:
        missing = {"id", "test", "path", "reason", "kind"} - set(e)
        if missing:
            raise ValueError(f"{path}: entry {e!r} lacks {sorted(missing)}")
        if e["kind"] not in ("bugfix", "extension", "nondeterministic"):
            raise ValueError(f"{path}: entry {e['id']} has kind {e['kind']!r}; use bugfix, extension or "
                             "nondeterministic")
        if e["id"] in seen:
            raise ValueError(f"{path}: duplicate id {e['id']}")
        seen.add(e["id"])
        extra = set(e) - {"id", "test", "path", "reason", "kind", "backend"}
        if extra:
            raise ValueError(f"{path}: entry {e['id']} has unknown keys {sorted(extra)}")
        # backend: the entry describes MLflow on that database only (MLFLOW_CPP_TEST_BACKEND, set by
        # tests/mysql/with_mariadb.sh); other runs do not load it.
        if "backend" in e and e["backend"] != os.environ.get("MLFLOW_CPP_TEST_BACKEND", "sqlite"):
            continue
        out.append(KnownDifference(e["id"], e["test"], e["path"], e["reason"].strip(), e["kind"]))
    return out


@dataclass
class Tally:
    compared: int = 0
    equal: int = 0
    known: int = 0
    failures: int = 0
    failed_labels: list = field(default_factory=list)


TALLY = Tally()
KNOWN = load_known()


def diff(a, b, path="$", out=None):
    """List of (path, real, candidate) for every leaf that differs."""
    if out is None:
        out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a.keys()) + [k for k in b.keys() if k not in a]:
            diff(a.get(k, ABSENT), b.get(k, ABSENT), f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            diff(a[i] if i < len(a) else ABSENT, b[i] if i < len(b) else ABSENT, f"{path}[{i}]", out)
    elif type(a) is not type(b) and not (_num(a) and _num(b)):
        out.append((path, a, b))
    elif a != b:
        out.append((path, a, b))
    return out


def _num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _short(v, n=160):
    s = json.dumps(v, default=str, sort_keys=True)
    return s if len(s) <= n else s[: n - 3] + "..."


def unexplained(label: str, real, cand) -> list:
    """Differences between real and cand that no known-difference entry explains (no tally)."""
    applicable = [k for k in KNOWN if k.applies_to(label)]
    return [(p, ra, ca) for p, ra, ca in diff(real, cand)
            if not any(glob_match(k.path, p) for k in applicable)]


class Comparison:
    """Compares observations one by one; collects unexplained differences for one test."""

    def __init__(self, test: str):
        self.test = test
        self.problems: list[str] = []
        self.details: list[str] = []  # context printed after the problems, not counted as one

    def check(self, label: str, real, cand) -> bool:
        full = f"{self.test}/{label}"
        TALLY.compared += 1
        applicable = [k for k in KNOWN if k.applies_to(full)]
        for k in applicable:
            k.candidates += 1
        diffs = diff(real, cand)
        if not diffs:
            TALLY.equal += 1
            return True
        unexplained = []
        for p, ra, ca in diffs:
            k = next((k for k in applicable if glob_match(k.path, p)), None)
            if k is not None:
                k.hits += 1
            else:
                unexplained.append((p, ra, ca))
        if not unexplained:
            TALLY.known += 1
            return True
        TALLY.failures += 1
        TALLY.failed_labels.append(full)
        for p, ra, ca in unexplained[:8]:
            self.problems.append(f"{full}: {p}: real={_short(ra)} candidate={_short(ca)}")
        if len(unexplained) > 8:
            self.problems.append(f"{full}: ... {len(unexplained) - 8} more differing fields")
        return False

    def check_sequences(self, real_obs: list, cand_obs: list) -> None:
        """real_obs / cand_obs: lists of (label, normalized value) in call order."""
        n = max(len(real_obs), len(cand_obs))
        for i in range(n):
            r = real_obs[i] if i < len(real_obs) else (ABSENT, ABSENT)
            c = cand_obs[i] if i < len(cand_obs) else (ABSENT, ABSENT)
            if r[0] != c[0]:
                TALLY.compared += 1
                TALLY.failures += 1
                TALLY.failed_labels.append(f"{self.test}/{r[0]}")
                self.problems.append(f"{self.test}: call #{i} diverged: real made {r[0]!r} = {_short(r[1])}, "
                                     f"candidate made {c[0]!r} = {_short(c[1])}; later calls not compared")
                break
            self.check(r[0], r[1], c[1])

    def report(self) -> str:
        shown = self.problems[:MAX_REPORTED]
        more = len(self.problems) - len(shown)
        return "\n".join(shown + ([f"... {more} more"] if more > 0 else []) + self.details)

    def assert_ok(self) -> None:
        if self.problems:
            raise AssertionError(f"{len(self.problems)} unlisted difference(s) between real MLflow and the "
                                 f"candidate in {self.test}:\n{self.report()}")


def stale_known() -> list[KnownDifference]:
    """Entries that applied to compared observations but explained nothing: the list must stay honest."""
    return [k for k in KNOWN if k.candidates > 0 and k.hits == 0 and k.kind != "nondeterministic"]


def summary_line(disabled_areas: list[str]) -> str:
    t = TALLY
    dis = ",".join(disabled_areas) if disabled_areas else "none"
    return (f"INTEROP SUMMARY: calls compared {t.compared}, equal {t.equal}, known differences {t.known}, "
            f"failures {t.failures}; disabled areas: {dis}")


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")
