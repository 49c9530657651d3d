"""Runs Python commands many times without paying the interpreter's and MLflow's start-up each
time (4 to 5 s of CPU for `python -m mlflow ...`): this process imports the modules named on its
command line once, then forks a child per command. The child is a fresh process as far as the
command can tell: its own working directory, environment, TZ, stdin, stdout and stderr on the files
it was given, sys.argv and sys.path[0] as the interpreter sets them, and the exit code the
interpreter would give (SystemExit's, 1 after the traceback of an uncaught exception).

    python zygote.py [module-to-preload...]

Protocol (one JSON object a line, both ways), used by zygote_client.py:
  -> {"argv": [...what follows the interpreter: "-m", mod, ... | "-c", code, ... | script, ...],
      "cwd": "...", "env": {...}, "in": "path", "out": "path", "err": "path", "timeout": 300}
  <- {"code": N}   (-9 when the command ran past its timeout and was killed)
"""
import importlib
import json
import os
import runpy
import signal
import sys
import time
import traceback


def run_command(argv):
    if argv[0] == "-m":
        sys.argv = [argv[1], *argv[2:]]  # runpy puts the module's file in sys.argv[0]
        sys.path.insert(0, os.getcwd())
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    elif argv[0] == "-c":
        sys.argv = ["-c", *argv[2:]]
        sys.path.insert(0, "")
        exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
    else:
        sys.argv = list(argv)
        sys.path.insert(0, os.path.dirname(os.path.abspath(argv[0])))
        runpy.run_path(argv[0], run_name="__main__")


def run_child(req):
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    time.tzset()
    for fd, path, flags in ((0, req.get("in") or os.devnull, os.O_RDONLY),
                            (1, req["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                            (2, req["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
        f = os.open(path, flags, 0o644)
        os.dup2(f, fd)
        os.close(f)
    code = 0
    try:
        run_command(req["argv"])
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code
        else:  # sys.exit("message"): the interpreter prints it and exits 1
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException:  # noqa: BLE001 - what an uncaught exception does to the interpreter
        traceback.print_exc()
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def wait_bounded(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return -9


def main():
    for name in sys.argv[1:]:
        importlib.import_module(name)
    sys.path.pop(0)  # this file's folder: a command sees the sys.path its interpreter would
    reply = sys.stdout
    for line in sys.stdin:
        req = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_child(req)
        reply.write(json.dumps({"code": wait_bounded(pid, req.get("timeout", 300))}) + "\n")
        reply.flush()


if __name__ == "__main__":
    main()
