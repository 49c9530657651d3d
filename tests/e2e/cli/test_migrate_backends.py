"""`mlflow-cpp migrate-filestore` into the selected backend (SQLite by default; PostgreSQL under
tests/pg/with_cluster.sh, MySQL under tests/mysql/with_mariadb.sh): a small file store in MLflow's
layout goes in, reads back through `experiments search` / `runs describe`, a second migration is
refused, new experiments get ids after the migrated ones, and an 18-digit experiment id (what the
file store draws) is refused where MLflow's schema has a 32-bit column."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from clidiff import run_ours  # noqa: E402
from mlflow_server import new_mysql_database, new_pg_database, selected_backend  # noqa: E402

RUN = "0123456789abcdef0123456789abcdef"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def make_store(root, big_id=None):
    m = root / "mlruns"
    write(m / "0" / "meta.yaml", "artifact_location: /art/0\ncreation_time: 1\nexperiment_id: '0'\n"
          "last_update_time: 2\nlifecycle_stage: active\nname: Default\n")
    write(m / "5" / "meta.yaml", "artifact_location: /art/5\ncreation_time: 1\nexperiment_id: '5'\n"
          "last_update_time: 2\nlifecycle_stage: active\nname: five\n")
    write(m / "5" / "tags" / "team", "ml")
    r = m / "5" / RUN
    write(r / "meta.yaml", f"artifact_uri: /art/5/{RUN}/artifacts\nend_time: 9\nexperiment_id: '5'\n"
          f"lifecycle_stage: active\nrun_id: {RUN}\nrun_name: r\nrun_uuid: {RUN}\nsource_type: 4\n"
          "start_time: 3\nstatus: 3\nuser_id: u\n")
    write(r / "params" / "lr", "0.1")
    write(r / "metrics" / "loss", "5 0.5 0\n6 0.25 1\n")
    write(r / "tags" / "mlflow.runName", "r")
    write(m / ".trash" / "7" / "meta.yaml", "experiment_id: '7'\nlifecycle_stage: deleted\nname: gone\n")
    write(m / "models" / "reg" / "meta.yaml", "creation_timestamp: 1\nlast_updated_timestamp: 2\nname: reg\n")
    write(m / "models" / "reg" / "version-1" / "meta.yaml", "current_stage: None\nname: reg\nsource: /x\n"
          "status: READY\nversion: 1\n")
    write(m / "models" / "reg" / "aliases" / "champ", "1")
    if big_id:
        write(m / big_id / "meta.yaml", f"experiment_id: '{big_id}'\nlifecycle_stage: active\nname: big\n")
    return root


def new_target(tmp_path):
    backend = selected_backend()
    if backend == "postgresql":
        return new_pg_database()
    if backend == "mysql":
        return new_mysql_database()
    return f"sqlite:///{tmp_path / 'migrated.db'}"


def test_migrates_into_the_backend(tmp_path):
    store = make_store(tmp_path / "store")
    target = new_target(tmp_path)
    out = run_ours(["migrate-filestore", "--source", str(store), "--target", target], str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "[2/3] experiment 5: 1 runs" in out.stderr, out.stderr
    env = {"MLFLOW_TRACKING_URI": target}
    search = run_ours(["experiments", "search", "--view", "all"], str(tmp_path), env)
    assert search.returncode == 0, search.stderr
    rows = [line.split()[:2] for line in search.stdout.splitlines()[2:] if line.strip()]
    assert rows == [["0", "Default"], ["5", "five"], ["7", "gone"]], search.stdout
    run = run_ours(["runs", "describe", "--run-id", RUN], str(tmp_path), env)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert got["info"]["status"] == "FINISHED" and got["info"]["artifact_uri"] == f"/art/5/{RUN}/artifacts"
    assert got["data"]["params"] == {"lr": "0.1"} and got["data"]["metrics"] == {"loss": 0.25}
    again = run_ours(["migrate-filestore", "--source", str(store), "--target", target], str(tmp_path))
    assert again.returncode == 1 and "not empty" in again.stderr, again.stderr
    made = run_ours(["experiments", "create", "-n", "after"], str(tmp_path), env)
    assert made.returncode == 0, made.stderr
    assert int(made.stdout.strip().rsplit(" ", 1)[1]) > 7, made.stdout  # the id sequence moved past 7


def test_file_store_experiment_ids(tmp_path):
    store = make_store(tmp_path / "store", big_id="123456789012345678")
    target = new_target(tmp_path)
    out = run_ours(["migrate-filestore", "--source", str(store), "--target", target, "--no-progress"],
                   str(tmp_path))
    if selected_backend() == "sqlite":
        assert out.returncode == 0, out.stderr
        search = run_ours(["experiments", "search"], str(tmp_path), {"MLFLOW_TRACKING_URI": target})
        assert "123456789012345678" in search.stdout, search.stdout
    else:
        assert out.returncode == 1 and "does not fit the 32-bit experiment_id column" in out.stderr, out.stderr
        search = run_ours(["experiments", "search", "--view", "all"], str(tmp_path), {"MLFLOW_TRACKING_URI": target})
        assert "five" not in search.stdout, search.stdout  # nothing was written


def test_help_texts_name_every_backend(tmp_path):
    """The commands that take a database URI name all three schemes in their help."""
    for argv in (["gc", "--help"], ["server", "--help"], ["db", "upgrade", "--help"],
                 ["migrate-filestore", "--help"]):
        out = run_ours(argv, str(tmp_path))
        assert out.returncode == 0, out.stderr
        for scheme in ("sqlite:///", "postgresql://", "mysql://"):
            assert scheme in out.stdout, (argv, scheme, out.stdout)
