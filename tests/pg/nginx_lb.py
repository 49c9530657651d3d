"""Debian's nginx as a round-robin HTTP load balancer in front of mlflow-cpp replicas, for tests.

    with NginxBalancer(workdir, [("127.0.0.1", 5001), ("127.0.0.1", 5002)]) as lb:
        requests.get(lb.url + "/health")
        lb.upstreams_used()  # {"127.0.0.1:5001": n, ...} from its access log

Runs in the foreground of a child process (daemon off), on a free loopback port, with every path
(pid, logs, temp folders) inside workdir. POSTs are never re-sent to another replica (nginx's
default for non-idempotent requests), so a load balancer retry cannot duplicate a write.
"""
import os
import shutil
import socket
import subprocess
import time

import requests


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def nginx_binary():
    for path in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if path and os.path.exists(path):
            return path
    raise RuntimeError("nginx not found: apt-get install nginx (scripts/install-deps.sh)")


class NginxBalancer:
    def __init__(self, workdir, upstreams):
        self.dir = os.path.join(str(workdir), "nginx")
        self.upstreams = list(upstreams)
        self.port = None
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _config(self):
        d = self.dir
        servers = "\n".join(f"    server {h}:{p} max_fails=0;" for h, p in self.upstreams)
        user = "user root;" if os.geteuid() == 0 else ""
        return f"""
{user}
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  log_format up '$upstream_addr $status';
  access_log {d}/access.log up;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  upstream mlflow {{
{servers}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{self.port};
    client_max_body_size 0;
    keepalive_requests 10000000;
    location / {{
      proxy_pass http://mlflow;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_read_timeout 120s;
    }}
  }}
}}
"""

    def start(self, timeout=15.0):
        os.makedirs(self.dir, exist_ok=True)
        deadline = time.monotonic() + timeout
        for _ in range(5):
            self.port = _free_port()
            conf = os.path.join(self.dir, "nginx.conf")
            with open(conf, "w") as f:
                f.write(self._config())
            self._log = open(os.path.join(self.dir, "stderr.log"), "a")
            self.proc = subprocess.Popen([nginx_binary(), "-p", self.dir, "-c", conf],
                                         stdout=self._log, stderr=subprocess.STDOUT)
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    if requests.get(self.url + "/health", timeout=1).status_code == 200:
                        return self
                except requests.ConnectionError:
                    pass
                time.sleep(0.05)
            if self.proc.poll() is None:
                break
            # Exited (port taken between the probe and nginx's bind?): try another port.
        self.stop()
        raise RuntimeError("nginx did not start: " + open(os.path.join(self.dir, "error.log")).read()
                           if os.path.exists(os.path.join(self.dir, "error.log")) else "nginx did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: fast shutdown
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def upstreams_used(self):
        counts = {}
        with open(os.path.join(self.dir, "access.log")) as f:
            for line in f:
                addr = line.split()[0]
                counts[addr] = counts.get(addr, 0) + 1
        return counts

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
