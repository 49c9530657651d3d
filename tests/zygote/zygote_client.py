"""subprocess.run for `python ...` commands through zygote.py: one zygote per interpreter and list
of preloaded modules, started on first use, each command a forked child of it (see zygote.py).

    from zygote_client import run_python
    res = run_python(venv_python, ["-m", "mlflow", "gc", ...], cwd=..., env=..., preload=("mlflow.cli",))
"""
import json
import os
import subprocess
import tempfile
import threading

_HERE = os.path.dirname(os.path.abspath(__file__))
_zygotes = {}
_lock = threading.Lock()


def _zygote(python, preload):
    key = (python, tuple(preload))
    z = _zygotes.get(key)
    if z is None or z[0].poll() is not None:
        proc = subprocess.Popen([python, os.path.join(_HERE, "zygote.py"), *preload], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, cwd=_HERE)
        z = _zygotes[key] = (proc, threading.Lock())
    return z


def run_python(python, argv, cwd=None, env=None, timeout=300, input=None, preload=()):
    """Like subprocess.run([python, *argv], capture_output=True, text=True, ...): env is the whole
    environment (os.environ when None); a timeout kills the command and gives returncode -9."""
    with _lock:
        proc, lock = _zygote(python, preload)
    with lock, tempfile.TemporaryDirectory() as tmp:
        paths = {k: os.path.join(tmp, k) for k in ("in", "out", "err")}
        with open(paths["in"], "w") as f:
            f.write(input or "")
        proc.stdin.write(json.dumps({"argv": list(argv), "cwd": str(cwd or os.getcwd()),
                                     "env": dict(os.environ if env is None else env), "timeout": timeout,
                                     **paths}) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        assert line, f"zygote.py for {python} stopped"
        with open(paths["out"]) as out, open(paths["err"]) as err:
            return subprocess.CompletedProcess([python, *argv], json.loads(line)["code"], out.read(), err.read())
