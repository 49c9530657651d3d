"""`mlflow-cpp experiments ...` and `mlflow-cpp runs ...` next to the real `mlflow experiments` and
`mlflow runs` (MLflow 3.17.2): on a copy of the same SQLite database (MLFLOW_TRACKING_URI a
database URI; the rows each command leaves are compared too), and both against one mlflow-cpp
tracking server (MLFLOW_TRACKING_URI http://...)."""
import csv
import io
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from clidiff import Snapshot, db_state, last_error_line, run_mlflow, run_ours, write_data  # noqa: E402
from mlflow_server import MlflowCppServer  # noqa: E402


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("ops") / "data"
    ids = write_data(root)
    return root, ids, Snapshot(root)


def commands(ids):
    """(name, argv, output compared as JSON) for every case; mutating ones run on a restored copy."""
    return [
        ("search", ["experiments", "search"], False),
        ("search_all", ["experiments", "search", "--view", "all"], False),
        ("search_deleted", ["experiments", "search", "-v", "deleted_only"], False),
        ("search_max", ["experiments", "search", "--view", "all", "--max-results", "2"], False),
        ("list", ["runs", "list", "--experiment-id", ids["kept"]], False),
        ("list_all", ["runs", "list", "--experiment-id", ids["gone"], "--view", "all"], False),
        ("list_none", ["runs", "list", "--experiment-id", ids["gone"]], False),
        ("describe", ["runs", "describe", "--run-id", ids["run_active"]], True),
        ("describe_missing", ["runs", "describe", "--run-id", "0" * 32], False),
        ("create", ["experiments", "create", "-n", "made", "-l", "/tmp/made-here"], False),
        ("create_dup", ["experiments", "create", "--experiment-name", "kept"], False),
        ("bad_view", ["experiments", "search", "--view", "bogus"], False),
        ("rename", ["experiments", "rename", "-x", ids["kept"], "--new-name", "renamed"], False),
        ("rename_deleted", ["experiments", "rename", "--experiment-id", ids["gone"], "--new-name", "x"], False),
        ("delete", ["experiments", "delete", "-x", ids["kept"]], False),
        ("restore", ["experiments", "restore", "-x", ids["gone"]], False),
        ("restore_active", ["experiments", "restore", "-x", ids["kept"]], False),
        ("run_delete", ["runs", "delete", "--run-id", ids["run_active"]], False),
        ("run_restore", ["runs", "restore", "--run-id", ids["run_deleted"]], False),
        ("run_delete_missing", ["runs", "delete", "--run-id", "f" * 32], False),
        ("csv", ["experiments", "csv", "--experiment-id", ids["kept"]], "csv"),
        ("csv_gone", ["experiments", "csv", "-x", ids["gone"]], "csv"),
        ("csv_missing", ["experiments", "csv", "-x", "424242"], "csv"),
        ("csv_file", ["experiments", "csv", "-x", ids["kept"], "--filename", "out.csv"], "csv_file"),
    ]


def csv_rows(text):
    """The CSV's header and rows as dicts. MLflow orders the metrics., params. and tags. columns
    of one run by a Python set (its order changes from process to process), so rows are compared
    by column name; the six run columns come first, in order, on both sides."""
    rows = list(csv.reader(io.StringIO(text)))
    assert rows, "no CSV header"
    header = rows[0]
    assert header[:6] == ["run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time"], header
    groups = [h.split(".", 1)[0] for h in header[6:]]
    assert groups == sorted(groups, key=["metrics", "params", "tags"].index), header  # groups in order
    return sorted(header), [dict(zip(header, r)) for r in rows[1:] if r]  # not click.echo's blank line


def assert_same(ours, theirs, as_json):
    assert (ours.returncode == 0) == (theirs.returncode == 0), (ours.stderr, theirs.stderr)
    if theirs.returncode != 0:
        if "IntegrityError" in theirs.stderr:
            # MLflow's SQL store shows the database driver's error for a duplicate name; ours says
            # what the server says (known difference, README "Operator commands").
            assert "already exists" in ours.stderr
        else:
            assert last_error_line(ours.stderr) == last_error_line(theirs.stderr)
        return
    if as_json == "csv":
        # click.echo's line break after to_csv's last one: a blank last line on both sides.
        assert ours.stdout.endswith("\n\n") and theirs.stdout.endswith("\n\n")
        assert csv_rows(ours.stdout) == csv_rows(theirs.stdout)
    elif as_json == "csv_file":
        assert ours.stdout == theirs.stdout
    elif as_json:
        assert json.loads(ours.stdout) == json.loads(theirs.stdout)
    else:
        assert ours.stdout == theirs.stdout


CASES = [c[0] for c in commands({"kept": "", "gone": "", "run_active": "", "run_deleted": ""})]


@pytest.mark.parametrize("case", CASES)
def test_on_database(data, case):
    root, ids, snap = data
    _, argv, as_json = next(c for c in commands(ids) if c[0] == case)
    env = {"MLFLOW_TRACKING_URI": "sqlite:///" + str(root / "mlflow.db"), "TZ": "UTC"}
    snap.restore()
    theirs = run_mlflow(argv, cwd=str(root), env=env)
    their_db = db_state(str(root / "mlflow.db"))
    their_file = (root / "out.csv").read_text() if as_json == "csv_file" else ""
    snap.restore()
    ours = run_ours(argv, cwd=str(root), env=env)
    our_db = db_state(str(root / "mlflow.db"))
    assert_same(ours, theirs, as_json)
    if as_json == "csv_file":
        assert csv_rows((root / "out.csv").read_text()) == csv_rows(their_file)
    # Timestamps the commands write (last_update_time, deleted_time) differ by the clock: compare
    # the rows without them.
    for table in ("experiments", "runs"):
        their_db[table] = [r[:4] for r in their_db[table]]
        our_db[table] = [r[:4] for r in our_db[table]]
    assert our_db == their_db


def test_on_tracking_server(tmp_path):
    """Both CLIs against one mlflow-cpp server: each read answers the same; each change made by
    ours is seen by theirs."""
    with MlflowCppServer(tmp_path / "srv") as srv:
        env = {"MLFLOW_TRACKING_URI": srv.url, "TZ": "UTC"}
        cwd = str(tmp_path)
        r = run_ours(["experiments", "create", "-n", "over-http"], cwd, env)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("Created experiment 'over-http' with id ")
        exp = r.stdout.strip().rsplit(" ", 1)[1]
        run = srv.api("POST", "runs/create", {"experiment_id": exp, "run_name": "r1", "start_time": 1700000000000})
        rid = run["run"]["info"]["run_id"]
        srv.api("POST", "runs/log-batch", {"run_id": rid, "params": [{"key": "p", "value": "1"}],
                                           "metrics": [{"key": "m", "value": 0.25, "timestamp": 1, "step": 0}],
                                           "tags": [{"key": "t", "value": "v"}]})
        for argv, as_json in [(["experiments", "search", "--view", "all"], False),
                              (["runs", "list", "--experiment-id", exp], False),
                              (["runs", "describe", "--run-id", rid], True),
                              (["runs", "describe", "--run-id", "0" * 32], False),
                              (["experiments", "csv", "-x", exp], "csv"),
                              (["experiments", "rename", "-x", "424242", "--new-name", "n"], False)]:
            assert_same(run_ours(argv, cwd, env), run_mlflow(argv, cwd, env), as_json)
        for argv, expected in [
            (["experiments", "rename", "-x", exp, "--new-name", "renamed"],
             f"Experiment with id {exp} has been renamed to 'renamed'.\n"),
            (["runs", "delete", "--run-id", rid], f"Run with ID {rid} has been deleted.\n"),
            (["runs", "restore", "--run-id", rid], f"Run with id {rid} has been restored.\n"),
            (["experiments", "delete", "-x", exp], f"Experiment with ID {exp} has been deleted.\n"),
            (["experiments", "restore", "-x", exp], f"Experiment with id {exp} has been restored.\n"),
        ]:
            r = run_ours(argv, cwd, env)
            assert (r.returncode, r.stdout) == (0, expected), r.stderr
            assert_same(run_ours(["experiments", "search", "--view", "all"], cwd, env),
                        run_mlflow(["experiments", "search", "--view", "all"], cwd, env), False)
        got = srv.api("GET", "experiments/get", params={"experiment_id": exp})["experiment"]
        assert (got["name"], got["lifecycle_stage"]) == ("renamed", "active")


# Runs whose values test the CSV's formats: NaN and infinite metrics, a param with a comma, quotes
# and a line break, a run still running (no end time), times on and off a whole second, keys only
# some runs have, a deleted run (left out).
CSV_WRITER = r'''
import sys
import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
c = MlflowClient(tracking_uri="sqlite:///" + sys.argv[1])
e = c.create_experiment("csv", artifact_location="/tmp/csv-art")
a = c.create_run(e, start_time=1600000000000, run_name="a").info.run_id
c.log_batch(a, metrics=[Metric("nan", float("nan"), 1, 0), Metric("inf", float("inf"), 1, 0),
                        Metric("small", 1e-05, 1, 0), Metric("int", 3.0, 1, 0)],
            params=[Param("odd", 'a,"b"\nc'), Param("plain", "x")], tags=[RunTag("only_a", "1")])
c.set_terminated(a, "FINISHED", end_time=1600000000123)
b = c.create_run(e, start_time=1600000001234, run_name="b").info.run_id
c.log_batch(b, metrics=[Metric("int", -2.5, 1, 0), Metric("big", 1.5e300, 1, 0)], params=[Param("plain", "y")])
gone = c.create_run(e, start_time=1600000002000, run_name="gone").info.run_id
c.delete_run(gone)
print(e)
'''


def test_csv_values(tmp_path):
    import subprocess
    db = tmp_path / "csv.db"
    out = subprocess.run([sys.executable, "-c", CSV_WRITER, str(db)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    exp = out.stdout.strip().splitlines()[-1]
    env = {"MLFLOW_TRACKING_URI": f"sqlite:///{db}", "TZ": "UTC"}
    argv = ["experiments", "csv", "-x", exp]
    theirs, ours = run_mlflow(argv, str(tmp_path), env), run_ours(argv, str(tmp_path), env)
    assert_same(ours, theirs, "csv")
    header, rows = csv_rows(ours.stdout)
    assert [r["tags.mlflow.runName"] for r in rows] == ["b", "a"]  # start_time DESC, the deleted run left out
    assert rows[1]["params.odd"] == 'a,"b"\nc' and rows[1]["metrics.nan"] == ""
    # One precision per column (pandas): milliseconds on every start time, since b's has some.
    assert rows[1]["end_time"] == "2020-09-13 12:26:40.123+00:00"
    assert rows[0]["end_time"] == "" and rows[1]["start_time"] == "2020-09-13 12:26:40.000+00:00"
