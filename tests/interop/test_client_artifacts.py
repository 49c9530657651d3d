"""Differential artifact suite: log, list, download (nested folders, large files) via the proxy."""
import hashlib
import os
import random

import mlflow
import pytest

from harness.client_diff import run_scenario

T0 = 1_600_000_000_000
LARGE_BYTES = 24 * 1024 * 1024


def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return {"bytes": os.path.getsize(path), "sha256": h.hexdigest()}


def tree(root):
    """Relative file names and digests below root (what a download produced)."""
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            out[os.path.relpath(p, root)] = file_digest(p)
    return dict(sorted(out.items()))


@pytest.mark.area("artifacts")
def test_artifacts(pair):
    def scenario(ctx):
        c = ctx.client
        src = ctx.tmp / "src"
        (src / "sub" / "deeper").mkdir(parents=True, exist_ok=True)
        (src / "a.txt").write_text("hello\n")
        (src / "sub" / "b.json").write_text('{"k": 1}')
        (src / "sub" / "deeper" / "c.bin").write_bytes(bytes(range(256)) * 10)
        (src / "empty.txt").write_bytes(b"")
        (src / "space name.txt").write_text("spaces")
        large = ctx.tmp / "large.bin"
        rnd = random.Random(1234)
        with open(large, "wb") as f:
            for _ in range(LARGE_BYTES // (1 << 20)):
                f.write(rnd.randbytes(1 << 20))
        e = c.create_experiment("artifacts_exp")
        rid = c.create_run(e, start_time=T0, run_name="art_run").info.run_id
        ctx.call("log_artifact", c.log_artifact, rid, str(src / "a.txt"))
        ctx.call("log_artifact into path", c.log_artifact, rid, str(src / "a.txt"), "x/y")
        ctx.call("log_artifacts dir", c.log_artifacts, rid, str(src), "tree")
        ctx.call("log large", c.log_artifact, rid, str(large), "big")
        ctx.call("log_text", c.log_text, rid, "some text", "notes/n.txt")
        ctx.call("log_dict", c.log_dict, rid, {"a": [1, 2]}, "cfg/d.json")
        ctx.call("list root", c.list_artifacts, rid)
        ctx.call("list tree", c.list_artifacts, rid, "tree")
        ctx.call("list tree/sub", c.list_artifacts, rid, "tree/sub")
        ctx.call("list file path", c.list_artifacts, rid, "a.txt")
        ctx.call("list missing", c.list_artifacts, rid, "no/such/dir")
        ctx.call("list big", c.list_artifacts, rid, "big")
        dst = ctx.tmp / "dl"
        dst.mkdir(exist_ok=True)
        p = ctx.call("download file", c.download_artifacts, rid, "a.txt", str(dst / "one"))
        if p:
            ctx.note("download file content", file_digest(p))
        p = ctx.call("download dir", c.download_artifacts, rid, "tree", str(dst / "two"))
        if p:
            ctx.note("download dir content", tree(p))
        p = ctx.call("download large", c.download_artifacts, rid, "big/large.bin", str(dst / "three"))
        if p:
            ctx.note("download large content", file_digest(p))
        p = ctx.call("download all", c.download_artifacts, rid, "", str(dst / "four"))
        if p:
            ctx.note("download all content", tree(p))
        ctx.call("download missing", c.download_artifacts, rid, "nope.txt", str(dst / "five"))
        ctx.call("load_text", mlflow.artifacts.load_text, f"runs:/{rid}/notes/n.txt")
        ctx.call("load_dict", mlflow.artifacts.load_dict, f"runs:/{rid}/cfg/d.json")
        ctx.call("run artifact_uri", lambda: c.get_run(rid).info.artifact_uri)
        # fluent
        mlflow.set_experiment(experiment_id=e)
        with mlflow.start_run(run_name="fluent_art") as run:
            mlflow.log_text("x", "f.txt")
            mlflow.log_artifact(str(src / "sub" / "b.json"), "j")
        ctx.call("fluent list", c.list_artifacts, run.info.run_id)
        ctx.call("fluent list j", c.list_artifacts, run.info.run_id, "j")
        ctx.call("list on missing run", c.list_artifacts, "d" * 32)
    run_scenario(pair, "client.artifacts", scenario)
