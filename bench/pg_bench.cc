// Workload driver for the PostgreSQL / replica benchmark (bench/pg_bench.sh starts the servers):
// the foundation figures (create-run, log-batch points, log-metric, metric history) and the search
// figures (search-runs with a filter and an order) against one HTTP endpoint, which may be one
// server on SQLite, one on PostgreSQL, or nginx in front of several replicas.
//
//   pg_bench --port 5000 --label sqlite [--clients 8] [--seconds 3] [--search-runs 2000]
//
// Prints one line "RESULT <label> key=value ..." for the script to tabulate; never fails on figures.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.h"

using namespace mlflow::bench;

namespace {

const std::string kApi = "/api/2.0/mlflow/";

std::string Post(HttpConnection& c, const std::string& endpoint, const std::string& body) {
  std::string out;
  int st = c.Request("POST", kApi + endpoint, body, &out);
  if (st != 200) throw std::runtime_error(endpoint + " -> " + std::to_string(st) + ": " + out.substr(0, 300));
  return out;
}

std::string CreateRun(HttpConnection& c, const std::string& experiment_id) {
  return ExtractString(Post(c, "runs/create", R"({"experiment_id":")" + experiment_id + R"(","start_time":1})"),
                       "run_id");
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, clients = 8, search_runs = 2000;
  double seconds = 3;
  std::string label = "target";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--port") port = std::atoi(argv[i + 1]);
    if (a == "--clients") clients = std::atoi(argv[i + 1]);
    if (a == "--seconds") seconds = std::atof(argv[i + 1]);
    if (a == "--search-runs") search_runs = std::atoi(argv[i + 1]);
    if (a == "--label") label = argv[i + 1];
  }
  if (port <= 0) {
    std::fprintf(stderr, "usage: pg_bench --port N [--label L] [--clients 8] [--seconds 3] [--search-runs 2000]\n");
    return 2;
  }
  try {
    HttpConnection admin(port);
    // Own experiments, so several runs of the driver on one database do not mix.
    std::string tag = std::to_string(static_cast<long long>(Clock::now().time_since_epoch().count()));
    std::string exp = ExtractString(Post(admin, "experiments/create", R"({"name":"bench-)" + tag + R"("})"),
                                    "experiment_id");

    // Foundation: create-run, log-batch (100 points), log-metric, each with N keep-alive clients.
    uint64_t runs = RunClients(port, clients, seconds, [&](int, HttpConnection& c) {
      CreateRun(c, exp);
      return uint64_t{1};
    });
    std::vector<std::string> run_ids;
    for (int i = 0; i < clients; ++i) run_ids.push_back(CreateRun(admin, exp));
    std::vector<int64_t> next_step(static_cast<size_t>(clients), 0);
    uint64_t points = RunClients(port, clients, seconds, [&](int i, HttpConnection& c) {
      auto& step = next_step[static_cast<size_t>(i)];
      Post(c, "runs/log-batch", BatchBody(run_ids[static_cast<size_t>(i)], step, 100));
      step += 100;
      return uint64_t{100};
    });
    uint64_t metrics = RunClients(port, clients, seconds, [&](int i, HttpConnection& c) {
      auto& step = next_step[static_cast<size_t>(i)];
      Post(c, "runs/log-metric", "{\"run_id\":\"" + run_ids[static_cast<size_t>(i)] +
                                     "\",\"key\":\"single\",\"value\":1.5,\"timestamp\":1,\"step\":" +
                                     std::to_string(step++) + "}");
      return uint64_t{1};
    });

    // Search: a fresh experiment of `search_runs` runs, each with 5 metrics, 5 params, 2 tags.
    std::string sexp = ExtractString(Post(admin, "experiments/create", R"({"name":"bench-search-)" + tag + R"("})"),
                                     "experiment_id");
    {
      std::atomic<int> next{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < clients; ++t) {
        threads.emplace_back([&] {
          HttpConnection c(port);
          for (int n = next.fetch_add(1); n < search_runs; n = next.fetch_add(1)) {
            std::string rid = CreateRun(c, sexp);
            std::string b = "{\"run_id\":\"" + rid + "\",\"metrics\":[";
            for (int k = 0; k < 5; ++k) {
              b += std::string(k ? "," : "") + "{\"key\":\"acc" + std::to_string(k) + "\",\"value\":" +
                   std::to_string((n * 7919 + k * 104729) % 1000 / 1000.0) + ",\"timestamp\":1,\"step\":0}";
            }
            b += "],\"params\":[";
            for (int k = 0; k < 5; ++k) {
              b += std::string(k ? "," : "") + "{\"key\":\"p" + std::to_string(k) + "\",\"value\":\"" +
                   std::to_string((n + k) % 10) + "\"}";
            }
            b += "],\"tags\":[{\"key\":\"team\",\"value\":\"t" + std::to_string(n % 4) +
                 "\"},{\"key\":\"phase\",\"value\":\"train\"}]}";
            Post(c, "runs/log-batch", b);
          }
        });
      }
      for (auto& t : threads) t.join();
    }
    const std::string search_body =
        "{\"experiment_ids\":[\"" + sexp +
        "\"],\"filter\":\"metrics.acc0 > 0.5 and params.p1 = '3' and tags.team != 't0'\","
        "\"order_by\":[\"metrics.acc1 DESC\"],\"max_results\":100}";
    const std::string page_body = "{\"experiment_ids\":[\"" + sexp + "\"],\"max_results\":1000}";
    std::mutex mu;
    std::vector<double> latencies;
    uint64_t searches = RunClients(port, clients, seconds, [&](int, HttpConnection& c) {
      auto t0 = Clock::now();
      Post(c, "runs/search", search_body);
      double ms = Seconds(t0, Clock::now()) * 1000;
      std::lock_guard lock(mu);
      latencies.push_back(ms);
      return uint64_t{1};
    });
    std::vector<double> page_ms;
    for (int rep = 0; rep < 5; ++rep) {
      auto t0 = Clock::now();
      Post(admin, "runs/search", page_body);
      page_ms.push_back(Seconds(t0, Clock::now()) * 1000);
    }

    // Metric history: 100,000 points of one key, read back in one request.
    std::string hrun = CreateRun(admin, exp);
    for (int64_t st = 0; st < 100000; st += 1000) {
      std::string b = "{\"run_id\":\"" + hrun + "\",\"metrics\":[";
      for (int i = 0; i < 1000; ++i) {
        b += std::string(i ? "," : "") + "{\"key\":\"loss\",\"value\":" + std::to_string((st + i) * 0.001) +
             ",\"timestamp\":" + std::to_string(1700000000000 + st + i) + ",\"step\":" + std::to_string(st + i) + "}";
      }
      Post(admin, "runs/log-batch", b + "]}");
    }
    std::vector<double> history_ms;
    for (int rep = 0; rep < 3; ++rep) {
      auto t0 = Clock::now();
      std::string body;
      admin.Request("GET", kApi + "metrics/get-history?run_id=" + hrun + "&metric_key=loss", "", &body);
      history_ms.push_back(Seconds(t0, Clock::now()) * 1000);
    }

    std::printf(
        "RESULT %s create_run_per_s=%.0f batch_points_per_s=%.0f log_metric_per_s=%.0f search_per_s=%.0f "
        "search_p50_ms=%.1f search_p95_ms=%.1f search_page1000_ms=%.1f history_100k_ms=%.1f\n",
        label.c_str(), runs / seconds, points / seconds, metrics / seconds, searches / seconds,
        Percentile(latencies, 50), Percentile(latencies, 95), Percentile(page_ms, 50), Percentile(history_ms, 50));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pg_bench: %s\n", e.what());
    return 1;
  }
}
