"""Tracing ingestion through MLflow's own client exporter (part of bench/trace_bench.sh).

  python trace_bench_client.py URL EXPERIMENT_NAME [--processes 8] [--seconds 10] [--spans 10]

Each process traces a function whose root span holds spans-1 child spans (mlflow.trace +
mlflow.start_span), with synchronous export, so a trace counts once the server has taken its
spans (one OTLP request per span) and its StartTraceV3. Prints spans/s over all processes.
"""
import argparse
import multiprocessing as mp
import os
import time


def worker(url, experiment, seconds, spans, out):
    os.environ["MLFLOW_ENABLE_ASYNC_TRACE_LOGGING"] = "false"
    import mlflow

    mlflow.set_tracking_uri(url)
    mlflow.set_experiment(experiment)

    @mlflow.trace(span_type="AGENT")
    def agent(q):
        for i in range(spans - 1):
            with mlflow.start_span(f"step{i}", span_type="LLM" if i % 2 else "TOOL") as s:
                s.set_inputs({"i": i, "query": q})
                s.set_outputs({"o": i * 2})
        return "answer " + q

    agent("warm-up")
    done = 0
    deadline = time.monotonic() + seconds
    start = time.monotonic()
    while time.monotonic() < deadline:
        agent(f"question {done}")
        done += 1
    out.put((done, time.monotonic() - start))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("experiment")
    p.add_argument("--processes", type=int, default=8)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--spans", type=int, default=10)
    a = p.parse_args()
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(a.url, a.experiment, a.seconds, a.spans, q)) for _ in range(a.processes)]
    for pr in procs:
        pr.start()
    results = [q.get() for _ in procs]
    for pr in procs:
        pr.join()
    traces = sum(r[0] for r in results)
    secs = max(r[1] for r in results)
    print(f"MLflow client exporter (sync): {a.processes} processes, traces of {a.spans} spans, {secs:.1f} s: "
          f"{traces} traces, {traces * a.spans / secs:.0f} spans/s ({traces / secs:.0f} traces/s)")


if __name__ == "__main__":
    main()
