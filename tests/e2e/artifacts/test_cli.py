"""`mlflow-cpp artifacts ...` against the real server (docs/reference/formats.md h.8)."""
import json
import os
import subprocess

from mlflow_server import server_binary


def cli(srv, *args, env=None):
    e = dict(os.environ, MLFLOW_TRACKING_URI=srv.url, **(env or {}))
    return subprocess.run([server_binary(), "artifacts", *args], capture_output=True, text=True, env=e, timeout=120)


def test_cli_log_list_download(local_srv, tmp_path):
    run = local_srv.api("POST", "runs/create", {"experiment_id": "0"})["run"]["info"]
    rid = run["run_id"]
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("A")
    (src / "sub" / "b.txt").write_text("BB")
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(1 << 20) * 20)

    r = cli(local_srv, "log-artifact", "-l", str(big), "-r", rid, "-a", "blobs", env={"MLFLOW_CPP_PROGRESS": "1"})
    assert r.returncode == 0, r.stderr
    assert "100%" in r.stderr and "MB/s" in r.stderr  # the progress bar on a 20 MB file
    r = cli(local_srv, "log-artifacts", "-l", str(src), "-r", rid, "-a", "tree")
    assert r.returncode == 0, r.stderr
    on_disk = os.path.join(local_srv.artifacts, "0", rid, "artifacts", "tree", "sub", "b.txt")
    assert open(on_disk).read() == "BB"

    r = cli(local_srv, "list", "-r", rid)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [{"path": "blobs", "is_dir": True}, {"path": "tree", "is_dir": True}]
    r = cli(local_srv, "list", "-r", rid, "-a", "tree")
    assert json.loads(r.stdout) == [{"path": "tree/a.txt", "is_dir": False, "file_size": 1},
                                    {"path": "tree/sub", "is_dir": True}]

    r = cli(local_srv, "download", "-r", rid, "-a", "blobs/big.bin", "-d", str(tmp_path / "dl"))
    assert r.returncode == 0, r.stderr
    out = r.stdout.strip().splitlines()[-1]
    assert out == str(tmp_path / "dl" / "blobs" / "big.bin")
    assert open(out, "rb").read() == big.read_bytes()
    r = cli(local_srv, "download", "-u", f"runs:/{rid}/tree", "-d", str(tmp_path / "dl2"))
    assert r.returncode == 0, r.stderr
    assert open(tmp_path / "dl2" / "tree" / "sub" / "b.txt").read() == "BB"
    r = cli(local_srv, "download", "-u", f"mlflow-artifacts:/0/{rid}/artifacts/tree/a.txt", "-d", str(tmp_path / "d3"))
    assert r.returncode == 0 and open(r.stdout.strip().splitlines()[-1]).read() == "A"


def test_cli_errors(local_srv, tmp_path):
    run = local_srv.api("POST", "runs/create", {"experiment_id": "0"})["run"]["info"]
    r = cli(local_srv, "download", "-r", run["run_id"], "-a", "missing.txt", "-d", str(tmp_path))
    assert r.returncode == 1 and "RESOURCE_DOES_NOT_EXIST" in r.stderr
    r = cli(local_srv, "list", "-r", "f" * 32)
    assert r.returncode == 1 and "RESOURCE_DOES_NOT_EXIST" in r.stderr
    r = cli(local_srv, "log-artifact", "-l", str(tmp_path / "nope"), "-r", run["run_id"])
    assert r.returncode == 1
    r = cli(local_srv, "log-artifact", "-l", __file__, "-r", run["run_id"], "-a", "../escape")
    assert r.returncode == 1 and "Invalid path" in r.stderr
