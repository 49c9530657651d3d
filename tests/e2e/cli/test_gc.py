"""`mlflow-cpp gc` against the real `mlflow gc` (MLflow 3.17.2) on the same SQLite database and
artifact folders, written by the real MLflow client: the lines printed, the error messages, the
rows left in every table and the artifact files left on disk must be the same."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clidiff import Snapshot, db_state, files_under, last_error_line, run_mlflow, run_ours, write_data  # noqa: E402



@pytest.fixture(scope="module")
def data(tmp_path_factory):
    # Written once (the real client takes a while); every test restores it before each CLI runs.
    root = tmp_path_factory.mktemp("gc") / "data"
    ids = write_data(root)
    return root, ids, Snapshot(root)


def both(root, snapshot, args, env=None):
    """Runs the real gc, records its result, restores the folder, runs ours; returns both results."""
    results = []
    for runner in (run_mlflow, run_ours):
        snapshot.restore()
        r = runner(["gc", *args], cwd=str(root), env=env)
        results.append((r, db_state(str(root / "mlflow.db")), files_under(str(root / "art"))))
    return results


def sqlite_uri(root):
    return "sqlite:///" + str(root / "mlflow.db")


def test_gc_everything_deleted(data):
    root, ids, snap = data
    args = ["--backend-store-uri", sqlite_uri(root)]
    env = {"MLFLOW_TRACKING_URI": sqlite_uri(root)}
    (theirs, their_db, their_files), (ours, our_db, our_files) = both(root, snap, args, env)
    assert theirs.returncode == 0, theirs.stderr
    assert ours.returncode == 0, ours.stderr
    # MLflow walks its ids in set order: compare the lines, not their order.
    assert sorted(ours.stdout.splitlines()) == sorted(theirs.stdout.splitlines())
    assert f"Run with ID {ids['run_deleted']} has been permanently deleted." in ours.stdout
    assert f"Experiment with ID {ids['gone']} has been permanently deleted." in ours.stdout
    assert f"Logged model with ID {ids['model_deleted']} has been permanently deleted." in ours.stdout
    assert our_db == their_db
    assert our_files == their_files
    assert not any(ids["run_deleted"] in f for f in our_files)
    assert any(ids["run_active"] in f for f in our_files)
    assert our_db["trace_info"] == [] and our_db["spans"] == []
    assert [r for r in our_db["experiments"] if r[0] == ids["gone"]] == []


@pytest.mark.parametrize("case", [
    "active_run", "recent_run", "active_experiment", "bad_age", "unknown_run", "active_model", "no_tracking_uri",
    "run_ids_only", "older_than_nothing",
])
def test_gc_same_answer(data, case):
    root, ids, snap = data
    uri = sqlite_uri(root)
    env = {"MLFLOW_TRACKING_URI": uri}
    args = {
        "active_run": ["--run-ids", ids["run_active"]],
        "recent_run": ["--run-ids", ids["run_deleted"], "--older-than", "1d"],
        "active_experiment": ["--experiment-ids", ids["kept"]],
        "bad_age": ["--older-than", "3x"],
        "unknown_run": ["--run-ids", "0123456789abcdef0123456789abcdef"],
        "active_model": ["--logged-model-ids", ids["model_kept"]],
        "no_tracking_uri": [],
        "run_ids_only": ["--run-ids", ids["run_deleted"]],
        "older_than_nothing": ["--older-than", "1.5d2h"],
    }[case]
    if case == "no_tracking_uri":
        env = {}
    (theirs, their_db, their_files), (ours, our_db, our_files) = both(root, snap, ["--backend-store-uri", uri, *args],
                                                                       env)
    assert (ours.returncode == 0) == (theirs.returncode == 0), (ours.stderr, theirs.stderr)
    if theirs.returncode != 0:
        assert last_error_line(ours.stderr) == last_error_line(theirs.stderr)
        # What went before the refusal depends on the order MLflow's set gave the ids: both
        # stopped at the same refusal, and the refused entity is still there.
        refused = {"active_run": ids["run_active"], "recent_run": ids["run_deleted"],
                   "active_model": ids["model_kept"]}.get(case)
        if refused:
            assert any(refused in row for rows in our_db.values() if rows for row in rows)
        return
    assert sorted(ours.stdout.splitlines()) == sorted(theirs.stdout.splitlines())
    assert our_db == their_db
    assert our_files == their_files
