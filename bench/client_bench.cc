// C++ client throughput: metric points queued from one thread by log_metric_async, delivered to the
// store (queue drained and flushed), and the per-call cost of log_metric_async and of a synchronous
// log_metric. Prints figures, never fails.
//   client_bench <tracking uri> [points=1000000] [run id to log into]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "mlflow/mlflow.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: client_bench <tracking uri> [points] [run id]\n");
    return 0;
  }
  const std::string uri = argv[1];
  const long points = argc > 2 ? std::atol(argv[2]) : 1000000;
  try {
    mlflow::Client client(uri);
    std::string run_id = argc > 3 ? argv[3] : client.create_run("0", {}, "client-bench").info.run_id;

    // Synchronous log_metric: one request (or one store write) per call.
    const int sync_calls = 500;
    auto s0 = std::chrono::steady_clock::now();
    for (int i = 0; i < sync_calls; ++i) client.log_metric(run_id, "cpp_sync", i, i);
    auto s1 = std::chrono::steady_clock::now();

    // Asynchronous: queue from this thread, then wait for delivery.
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < points; ++i) client.log_metric_async(run_id, "cpp_async", static_cast<double>(i), i);
    auto t1 = std::chrono::steady_clock::now();
    client.flush();
    auto t2 = std::chrono::steady_clock::now();

    std::printf("uri %s run %s\n", uri.c_str(), run_id.c_str());
    std::printf("  log_metric (synchronous)   %10.0f ns/call  (%d calls)\n", Seconds(s0, s1) * 1e9 / sync_calls,
                sync_calls);
    std::printf("  log_metric_async           %10.1f ns/call\n", Seconds(t0, t1) * 1e9 / points);
    std::printf("  queued from one thread     %10.0f points/s  (%ld points)\n", points / Seconds(t0, t1), points);
    std::printf("  delivered (queue -> store) %10.0f points/s  (first call to flush() returning: %.2f s)\n",
                points / Seconds(t0, t2), Seconds(t0, t2));
    size_t stored = client.get_metric_history(run_id, "cpp_async").size();
    std::printf("  stored                     %10zu points\n", stored);
    std::printf("RUN_ID %s\n", run_id.c_str());
  } catch (const mlflow::MlflowError& e) {
    std::printf("client_bench: %s: %s\n", e.error_code().c_str(), e.what());
  }
  return 0;
}
