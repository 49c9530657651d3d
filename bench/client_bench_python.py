"""The Python client's asynchronous logging on the same server and run as client_bench:
mlflow.log_metric(..., synchronous=False) from one thread, then flush_async_logging().
   python client_bench_python.py <tracking uri> <run id> [points]"""
import sys
import time

import mlflow
from mlflow import MlflowClient

uri, run_id = sys.argv[1], sys.argv[2]
points = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
mlflow.set_tracking_uri(uri)
client = MlflowClient(uri)

s0 = time.perf_counter()
sync_calls = 200
for i in range(sync_calls):
    client.log_metric(run_id, "py_sync", float(i), step=i)
s1 = time.perf_counter()

t0 = time.perf_counter()
for i in range(points):
    client.log_metric(run_id, "py_async", float(i), step=i, synchronous=False)
t1 = time.perf_counter()
mlflow.flush_async_logging()
t2 = time.perf_counter()
stored = len(client.get_metric_history(run_id, "py_async"))
print(f"python {mlflow.__version__} client, same server, run {run_id}")
print(f"  log_metric (synchronous)   {((s1 - s0) / sync_calls) * 1e9:10.0f} ns/call  ({sync_calls} calls)")
print(f"  log_metric(synchronous=False) {((t1 - t0) / points) * 1e9:7.0f} ns/call")
print(f"  queued from one thread     {points / (t1 - t0):10.0f} points/s  ({points} points)")
print(f"  delivered (queue -> store) {points / (t2 - t0):10.0f} points/s  ({t2 - t0:.2f} s)")
print(f"  stored                     {stored:10d} points")
