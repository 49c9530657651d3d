"""`migrate-filestore`: the real MLflow 3.17.2 writes a legacy file store (mlruns/), then its own
`mlflow migrate-filestore` fills one SQLite database and `mlflow-cpp migrate-filestore` another.
Both databases are served by mlflow-cpp and every entity the client reads back is compared (the
dump of test_db_roundtrip.py); the database ours made is then served by the real server (which
upgrades it to its own head) and must read back the same.

Differences by design are stated in KNOWN below, each with its reason; nothing else may differ."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from harness import servers
from test_db_roundtrip import compare_dumps, dump

T0 = 1_600_000_000_000

# The file store, written by the real client with MLFLOW_ALLOW_FILE_STORE=true; prints the ids.
WRITER = r'''
import json, os, sys
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
os.environ["MLFLOW_ENABLE_ASYNC_TRACE_LOGGING"] = "false"
import mlflow
from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag, LoggedModelStatus, Metric, Param, RunTag
T0 = %d
root = sys.argv[1]
uri = "file://" + root
mlflow.set_tracking_uri(uri)
mlflow.set_registry_uri(uri)
c = MlflowClient(tracking_uri=uri, registry_uri=uri)
ids = {}
e1 = c.create_experiment("fs_one", tags={"team": "a", "note": "two\nlines"})
e2 = c.create_experiment("fs_two")
e3 = c.create_experiment("fs_deleted")
runs = []
for i in range(4):
    r = c.create_run(e1 if i < 3 else e2, start_time=T0 + i * 1000, run_name=f"fs_run_{i}", tags={"seed": str(i)})
    rid = r.info.run_id
    runs.append(rid)
    c.log_batch(rid, metrics=[Metric("acc", v, T0 + s, s) for s, v in enumerate([0.1, 0.5, float("nan")])]
                + [Metric("inf", float("inf"), T0, 0), Metric("nested/loss", 2.0 + i, T0, -3)],
                params=[Param("lr", str(0.1 * i)), Param("empty", ""), Param("dir/key", "v")],
                tags=[RunTag("t", "x" * (i * 10)), RunTag("mlflow.note.content", "note")])
    if i %% 2:
        c.set_terminated(rid, "FINISHED" if i != 3 else "FAILED", end_time=T0 + i * 1000 + 500)
child = c.create_run(e1, start_time=T0 + 9000, run_name="fs_child", tags={"mlflow.parentRunId": runs[0]})
runs.append(child.info.run_id)
c.delete_run(runs[2])
c.log_inputs(runs[1], [DatasetInput(Dataset("ds", "dg", "local", '{"p": 1}', '{"s": 1}', '{"n": 2}'),
                                    [InputTag("mlflow.data.context", "training")])])
in_gone = c.create_run(e3, start_time=T0 + 7000, run_name="fs_in_deleted").info.run_id
c.log_param(in_gone, "p", "1")
# A logged model with params, tags, a metric, as a run's output and a run's input.
m = c.create_logged_model(e1, "fs_lm", runs[1], {"t": "1"}, {"p": "1"}, "type_a")
c.finalize_logged_model(m.model_id, LoggedModelStatus.READY)
c.log_metric(runs[1], "lm_acc", 0.9, timestamp=T0, step=2, model_id=m.model_id, dataset_name="ds",
             dataset_digest="dg")
ids["model"] = m.model_id
# A trace in experiment one, with a tag.
mlflow.set_experiment(experiment_id=e1)
with mlflow.start_span("fs_span") as span:
    span.set_inputs({"q": "hi"})
    span.set_outputs("yo")
trace_id = mlflow.get_last_active_trace_id()
c.set_trace_tag(trace_id, "reviewed", "yes")
ids["trace"] = trace_id
c.delete_experiment(e3)
# The registry: two models, versions (one deleted), stage, alias, tags.
c.create_registered_model("fs_model", tags={"k": "v"}, description="d")
c.create_registered_model("fs_model_2")
for i in range(3):
    c.create_model_version("fs_model", f"{uri}/{e1}/{runs[1]}/artifacts/m", runs[1], tags={"i": str(i)},
                           description=f"v{i}")
c.create_model_version("fs_model_2", "s3://bucket/x")
c.transition_model_version_stage("fs_model", "2", "Production")
c.set_registered_model_alias("fs_model", "champ", "3")
c.set_model_version_tag("fs_model", "1", "vt", "x")
c.delete_model_version("fs_model", "1")
ids.update(e1=e1, e2=e2, e3=e3, runs=runs)
print(json.dumps(ids))
''' % T0

# What differs by design between the two migrations (as seen through the REST API).
KNOWN = {
    # Nothing: both keep every id, time and value the file store holds. The dataset and input
    # uuids differ (MLflow draws random ones, we keep the file store's folder names) but no REST
    # answer shows them.
}


def migrate(argv, cwd):
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"})


def real_migrate_argv(source, db):
    return [sys.executable, "-m", "mlflow", "migrate-filestore", "--source", str(source), "--target",
            f"sqlite:///{db}", "--no-progress"]


def our_migrate_argv(source, target, progress=True):
    kind, path = servers.candidate_spec()
    if kind == "real":  # real-vs-real harness check: MLflow's command on both sides
        return real_migrate_argv(source, target.removeprefix("sqlite:///"))
    return [path, "migrate-filestore", "--source", str(source), "--target", target,
            "--progress" if progress else "--no-progress"]


@pytest.fixture(scope="module")
def filestore():
    root = Path(tempfile.mkdtemp(prefix="interop-fs-"))
    source = root / "fs"
    source.mkdir(parents=True)  # the FileStore makes mlruns/ and its Default experiment 0
    out = subprocess.run([sys.executable, "-c", WRITER, str(source / "mlruns")], capture_output=True, text=True,
                         timeout=600, cwd=root)
    assert out.returncode == 0, out.stderr[-3000:]
    ids = json.loads(out.stdout.strip().splitlines()[-1])
    yield root, source, ids
    shutil.rmtree(root, ignore_errors=True)


def serve(role, label, db, venv):
    work = db.parent / f"work-{label}"
    work.mkdir(parents=True, exist_ok=True)
    return servers.make_server(role, venv, label=label, workdir=str(work), db_path=str(db))


def dump_served(role, label, db, venv):
    s = serve(role, label, db, venv)
    try:
        s.start()
        return s, dump(s.url, require_metric_data=False)  # its traces log no token usage
    finally:
        s.stop()


@pytest.mark.area("migrate_filestore")
def test_both_migrations_read_back_equal(filestore, venv):
    root, source, ids = filestore
    (root / "real").mkdir()
    (root / "ours").mkdir()
    real_db, our_db = root / "real" / "mlflow.db", root / "ours" / "mlflow.db"
    theirs = migrate(real_migrate_argv(source, real_db), root)
    assert theirs.returncode == 0, theirs.stderr[-3000:]
    ours = migrate(our_migrate_argv(source, f"sqlite:///{our_db}"), root)
    assert ours.returncode == 0, ours.stderr[-3000:]
    if servers.candidate_spec()[0] == "cpp":
        assert "[1/" in ours.stderr and "experiment " + ids["e1"] in ours.stderr, ours.stderr  # --progress
        assert "runs" in ours.stdout and "registered_models" in ours.stdout, ours.stdout  # the summary

    # Served by mlflow-cpp, a copy each: equal.
    s_real, d_real = dump_served("candidate", "cand-real-db", real_db, venv)
    s_ours, d_ours = dump_served("candidate", "cand-our-db", our_db, venv)
    # The file store's content is there: the counts the scenario made.
    assert len(d_ours["experiments"]) == 4, d_ours["experiments"]  # Default, two active, one deleted
    assert len(d_ours["runs"]) == 6
    assert len(d_ours.get("registered_models", [])) == 2
    assert d_ours.get("traces"), "the trace is missing"
    problems = compare_dumps("migrate.real_vs_ours.served_by_candidate", s_real, d_real, s_ours, d_ours).problems
    problems = [p for p in problems if not any(k in p for k in KNOWN)]

    # The database ours made, served by the real MLflow (upgraded to its head): equal again.
    copy = root / "ours-for-real" / "mlflow.db"
    copy.parent.mkdir()
    shutil.copy(our_db, copy)
    s_r, d_r = dump_served("real", "real-our-db", copy, venv)
    problems += compare_dumps("migrate.ours.served_by_real", s_ours, d_ours, s_r, d_r).problems
    assert not problems, "migrate-filestore differences:\n" + "\n".join(problems[:60])


@pytest.mark.area("migrate_filestore")
def test_refusals_change_nothing(filestore):
    root, source, _ = filestore
    if servers.candidate_spec()[0] != "cpp":
        pytest.skip("mlflow-cpp's own refusals (MLflow prompts to overwrite instead)")
    work = root / "refusals"
    work.mkdir()
    # Not a file store: an error, and no database file appears.
    (work / "empty").mkdir()
    target = work / "new.db"
    out = migrate(our_migrate_argv(work / "empty", f"sqlite:///{target}"), work)
    assert out.returncode != 0 and "not an MLflow file store" in out.stderr, out.stderr
    assert not target.exists()
    # A target with data: refused, its bytes unchanged.
    first = migrate(our_migrate_argv(source, f"sqlite:///{target}", progress=False), work)
    assert first.returncode == 0, first.stderr
    assert first.stderr == "", first.stderr  # --no-progress
    before = target.read_bytes()
    again = migrate(our_migrate_argv(source, f"sqlite:///{target}"), work)
    assert again.returncode != 0 and "not empty" in again.stderr, again.stderr
    assert target.read_bytes() == before
    # A malformed metric file: an error naming it, and nothing written.
    broken = work / "broken"
    shutil.copytree(source, broken)
    metric = next(p for p in broken.rglob("metrics/acc") if p.is_file())
    metric.write_text(metric.read_text() + "not a metric line\n")
    target2 = work / "broken.db"
    out = migrate(our_migrate_argv(broken, f"sqlite:///{target2}"), work)
    assert out.returncode != 0 and "metrics/acc" in out.stderr, out.stderr
    assert not target2.exists()
