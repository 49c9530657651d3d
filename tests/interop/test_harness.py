"""Self-tests of the comparison machinery (no server): a harness that normalizes too much or
compares too little would pass anything, so its rules are pinned here."""
import time

import pytest

from harness import compare
from harness.normalize import Normalizer, is_now

RUN_A = "0123456789abcdef0123456789abcdef"
RUN_B = "fedcba9876543210fedcba9876543210"
NOW = int(time.time() * 1000)


@pytest.mark.area("harness")
def test_ids_map_in_order_of_appearance_and_stay_consistent():
    n = Normalizer(["127.0.0.1:5000"], ["/tmp/w1"])
    out = n({"run_id": RUN_A, "other": RUN_B, "again": RUN_A,
             "uri": f"mlflow-artifacts:/7/{RUN_A}/artifacts", "experiment_id": "7",
             "model": "m-" + RUN_B, "link": "http://127.0.0.1:5000/x", "path": "/tmp/w1/art"})
    assert out == {"run_id": "<id:1>", "other": "<id:2>", "again": "<id:1>",
                   "uri": "mlflow-artifacts:/<exp:1>/<id:1>/artifacts", "experiment_id": "<exp:1>",
                   "model": "<model:1>", "link": "http://<host>/x", "path": "<tmp>/art"}
    # the Default experiment keeps its id; another side with other raw ids maps to the same symbols
    assert Normalizer()({"experiment_id": "0"}) == {"experiment_id": "0"}
    m = Normalizer()
    assert m({"run_id": RUN_B, "again": RUN_B}) == {"run_id": "<id:1>", "again": "<id:1>"}


@pytest.mark.area("harness")
def test_only_session_clock_readings_are_hidden():
    n = Normalizer()
    assert n({"start_time": NOW, "end_time": NOW + 1000}) == {"start_time": "<now>", "end_time": "<now>"}
    # fixed timestamps a scenario chose, hours-off clocks and seconds-instead-of-ms are compared
    assert n({"t": 1_600_000_000_000}) == {"t": 1_600_000_000_000}
    assert not is_now(NOW - 3 * 3600 * 1000)
    assert not is_now(NOW // 1000)


@pytest.mark.area("harness")
def test_sets_are_sorted_but_orders_are_kept():
    n = Normalizer()
    a = n({"data": {"params": [{"key": "b", "value": "1"}, {"key": "a", "value": "2"}]},
           "tags": [{"key": "z", "value": ""}, {"key": "y", "value": ""}],
           "runs": ["r2", "r1"], "metrics": [3, 1]})
    assert [p["key"] for p in a["data"]["params"]] == ["a", "b"]
    assert [t["key"] for t in a["tags"]] == ["y", "z"]
    assert a["runs"] == ["r2", "r1"] and a["metrics"] == [3, 1]  # search order and history order count


@pytest.mark.area("harness")
def test_diff_reports_each_field_path():
    d = compare.diff({"a": 1, "b": [1, 2], "c": {"x": "NaN"}, "only_real": True},
                     {"a": 1.0, "b": [1], "c": {"x": 0}, "only_cand": None})
    paths = {p for p, _, _ in d}
    assert paths == {"$.b[1]", "$.c.x", "$.only_real", "$.only_cand"}
    assert compare.diff(True, 1) == [("$", True, 1)]  # bool is not a number


@pytest.mark.area("harness")
def test_known_difference_patterns_are_literal_except_star():
    assert compare.glob_match("client.x/order_by ['a', 'a']*", "client.x/order_by ['a', 'a'] all")
    assert not compare.glob_match("client.x/order_by ['a', 'a']", "client.x/order_by a")
    assert compare.glob_match("$.error", "$.error") and not compare.glob_match("$.error", "$.errors")


@pytest.mark.area("harness")
def test_unlisted_difference_fails_and_listed_one_passes(monkeypatch):
    entry = compare.KnownDifference("k", "t/listed*", "$.error", "why", "bugfix")
    monkeypatch.setattr(compare, "KNOWN", [entry])
    before = (compare.TALLY.compared, compare.TALLY.known, compare.TALLY.failures)
    cmp = compare.Comparison("t")
    assert cmp.check("listed call", {"error": "A"}, {"error": "B"})
    assert not cmp.check("other call", {"error": "A"}, {"error": "B"})
    with pytest.raises(AssertionError, match="other call"):
        cmp.assert_ok()
    assert entry.hits == 1 and entry.candidates == 1
    # these synthetic checks must not count in the suite's tally
    compare.TALLY.compared, compare.TALLY.known, compare.TALLY.failures = before
    compare.TALLY.failed_labels.remove("t/other call")
    idle = compare.KnownDifference("idle", "t/*", "$.nothing", "why", "bugfix")
    monkeypatch.setattr(compare, "KNOWN", [idle])
    compare.Comparison("t").check("same", {"a": 1}, {"a": 1})
    compare.TALLY.compared -= 1
    compare.TALLY.equal -= 1
    assert compare.stale_known() == [idle]


@pytest.mark.area("harness")
def test_trace_times_and_span_ids():
    import datetime
    n = Normalizer()
    iso = datetime.datetime.fromtimestamp(NOW / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    out = n({"request_time": iso, "fixed": "2020-09-13T12:26:40Z", "start_time_unix_nano": NOW * 1_000_000,
             "span_id": "xp8nR4KzUu0=", "parent_span_id": "xp8nR4KzUu0=", "trace_id": "Op5a/eAmobaWWfW4/dhKrA==",
             "other": "xp8nR4KzUu0=", "trace": "tr-" + RUN_A, "end_time_unix_nano": 1_600_000_000_000_000_000})
    assert out == {"request_time": "<now>", "fixed": "2020-09-13T12:26:40Z", "start_time_unix_nano": "<now>",
                   "span_id": "<span:1>", "parent_span_id": "<span:1>", "trace_id": "<span:2>",
                   "other": "xp8nR4KzUu0=", "trace": "tr-<id:1>", "end_time_unix_nano": 1_600_000_000_000_000_000}
