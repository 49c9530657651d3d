// Search benchmark: 10,000 runs (20 params, 20 metrics, 10 tags each) seeded through the REST API,
// then runs/search latency over HTTP, JSON included:
//   (a) no filter, max_results 1000; (b) `metrics.m1 > 0.5 and params.p2 = 'v'` ordered by a
//   metric; (c) paging through every run, 1,000 at a time.
//
//   search_bench [--binary PATH] [--runs 10000] [--iterations 20]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.h"

namespace fs = std::filesystem;
using namespace mlflow::bench;

int main(int argc, char** argv) {
  std::string binary = (fs::path(argv[0]).parent_path() / "../src/cli/mlflow-cpp").string();
  int runs = 10000, iterations = 20, clients = 4;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--binary") binary = argv[i + 1];
    if (a == "--runs") runs = std::atoi(argv[i + 1]);
    if (a == "--iterations") iterations = std::atoi(argv[i + 1]);
  }
  binary = fs::absolute(binary).lexically_normal().string();
  char tmpl[] = "/tmp/mlflow-search-bench-XXXXXX";
  std::string workdir = mkdtemp(tmpl);
  ServerProcess server(binary, workdir);
  int port = server.port();

  // Seed through the API: create-run then one log-batch (50 items) per run, from a few clients.
  auto seed_start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      HttpConnection conn(port);
      std::string body;
      for (int i = c; i < runs; i += clients) {
        std::string create = "{\"experiment_id\":\"0\",\"start_time\":" + std::to_string(1700000000000LL + i) + "}";
        if (conn.Request("POST", "/api/2.0/mlflow/runs/create", create, &body) != 200) std::abort();
        std::string id = ExtractString(body, "run_id");
        if (conn.Request("POST", "/api/2.0/mlflow/runs/log-batch", SearchSeedBatch(id, i)) != 200) std::abort();
      }
    });
  }
  for (auto& t : threads) t.join();
  double seed_s = Seconds(seed_start, Clock::now());

  HttpConnection conn(port);
  // Server CPU milliseconds per query (or per whole walk) for each measured section.
  std::vector<double> cpu_ms;
  auto measure = [&](const std::string& body) {
    double cpu0 = server.CpuSeconds();
    std::vector<double> ms;
    std::string out;
    for (int i = 0; i < iterations; ++i) {
      auto t0 = Clock::now();
      if (conn.Request("POST", "/api/2.0/mlflow/runs/search", body, &out) != 200) {
        std::fprintf(stderr, "search failed: %s\n", out.substr(0, 300).c_str());
        std::exit(1);
      }
      ms.push_back(Seconds(t0, Clock::now()) * 1000);
    }
    cpu_ms.push_back((server.CpuSeconds() - cpu0) * 1000 / iterations);
    return ms;
  };
  auto a = measure(R"({"experiment_ids":["0"],"max_results":1000})");
  auto b = measure(
      R"({"experiment_ids":["0"],"filter":"metrics.m1 > 0.5 and params.p2 = 'v'","order_by":["metrics.m2 DESC"],"max_results":1000})");
  std::vector<double> walk;
  size_t seen = 0;
  const int walks = std::max(3, iterations / 4);
  double walk_cpu0 = server.CpuSeconds();
  for (int i = 0; i < walks; ++i) {
    auto t0 = Clock::now();
    std::string token, out;
    seen = 0;
    for (int page = 0; page < runs / 1000 + 2; ++page) {
      std::string body = R"({"experiment_ids":["0"],"max_results":1000)";
      if (!token.empty()) body += ",\"page_token\":\"" + token + "\"";
      body += "}";
      conn.Request("POST", "/api/2.0/mlflow/runs/search", body, &out);
      for (size_t pos = 0; (pos = out.find("\"run_uuid\"", pos)) != std::string::npos; ++pos) ++seen;
      token = ExtractString(out, "next_page_token");
      if (token.empty()) break;
    }
    walk.push_back(Seconds(t0, Clock::now()) * 1000);
  }
  cpu_ms.push_back((server.CpuSeconds() - walk_cpu0) * 1000 / walks);
  std::printf("search benchmark: %d runs (20 params, 20 metrics, 10 tags) seeded through the API in %.1f s\n", runs,
              seed_s);
  std::printf("%-62s %9s %9s %14s\n", "query", "p50 ms", "p95 ms", "server CPU ms");
  std::printf("%-62s %9.1f %9.1f %14.1f\n", "(a) no filter, max_results 1000", Percentile(a, 50), Percentile(a, 95),
              cpu_ms[0]);
  std::printf("%-62s %9.1f %9.1f %14.1f\n", "(b) metrics.m1 > 0.5 and params.p2 = 'v', order by metric",
              Percentile(b, 50), Percentile(b, 95), cpu_ms[1]);
  std::printf("%-62s %9.1f %9.1f %14.1f  (%zu runs)\n", "(c) page through all runs, 1000 per page (whole walk)",
              Percentile(walk, 50), Percentile(walk, 95), cpu_ms[2], seen);
  std::printf("server CPU ms: user + system time the server spent per query (per walk for (c)); unlike latency it\n"
              "does not grow with other load on the machine, so it compares builds on a busy host\n");
  server.Stop();
  fs::remove_all(workdir);
  return 0;
}
