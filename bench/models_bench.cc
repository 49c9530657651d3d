// Load generator for model scoring servers: N keep-alive connections POST the same /invocations
// body for a fixed time; prints requests/s, rows/s and latency percentiles. It drives any server
// (mlflow-cpp models serve, mlflow models serve); bench/models_bench.sh starts both on the same
// models. Prints figures, never fails.
//
//   models_bench --port 5001 --body body.json --rows 1000 --connections 8 --seconds 5 --label xgb-batch
//                [--sid <session id of the server>]   also prints the server's CPU time per request
#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "bench_common.h"

using namespace mlflow::bench;

namespace {

// CPU time (user + system, seconds) of every process in session `sid`: the server and, for
// `mlflow models serve`, its uvicorn workers. A figure the machine's other load does not change.
double SessionCpuSeconds(long sid) {
  double total = 0;
  DIR* d = opendir("/proc");
  if (!d) return 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream f(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    if (!std::getline(f, line)) continue;
    // Fields after the ")" closing the command name: state ppid pgrp session ... utime(14) stime(15).
    size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    std::vector<std::string> v;
    while (rest >> field) v.push_back(field);
    if (v.size() < 13 || std::atol(v[3].c_str()) != sid) continue;
    total += (std::atof(v[11].c_str()) + std::atof(v[12].c_str())) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  closedir(d);
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, connections = 8;
  double seconds = 5, warmup = 1;
  long rows = 1;
  long sid = 0;
  std::string body_file, label = "run";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--port") port = std::atoi(v.c_str());
    if (a == "--body") body_file = v;
    if (a == "--rows") rows = std::atol(v.c_str());
    if (a == "--connections") connections = std::atoi(v.c_str());
    if (a == "--seconds") seconds = std::atof(v.c_str());
    if (a == "--warmup") warmup = std::atof(v.c_str());
    if (a == "--label") label = v;
    if (a == "--sid") sid = std::atol(v.c_str());
  }
  if (!port || body_file.empty()) {
    std::fprintf(stderr, "usage: models_bench --port P --body FILE [--rows N] [--connections 8] [--seconds 5]\n");
    return 2;
  }
  std::ifstream in(body_file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string body = ss.str();
  // Warm-up (connections, caches, worker start-up), not measured.
  if (warmup > 0) {
    RunClients(port, connections, warmup, [&](int, HttpConnection& c) -> uint64_t {
      c.Request("POST", "/invocations", body);
      return 1;
    });
  }
  std::mutex mu;
  std::vector<double> latencies;
  uint64_t errors = 0;
  double cpu0 = sid ? SessionCpuSeconds(sid) : 0;
  auto t0 = Clock::now();
  uint64_t ok = RunClients(port, connections, seconds, [&](int, HttpConnection& c) -> uint64_t {
    thread_local std::vector<double> local;
    auto a = Clock::now();
    std::string out;
    int status = c.Request("POST", "/invocations", body, &out);
    double ms = Seconds(a, Clock::now()) * 1000;
    std::lock_guard lock(mu);
    latencies.push_back(ms);
    if (status != 200) {
      if (errors++ == 0) std::fprintf(stderr, "%s: status %d: %.300s\n", label.c_str(), status, out.c_str());
      return 0;
    }
    return 1;
  });
  double elapsed = Seconds(t0, Clock::now());
  double cpu = sid ? SessionCpuSeconds(sid) - cpu0 : 0;
  double rps = static_cast<double>(ok) / elapsed;
  std::printf("%-24s %8.0f req/s %9.0f rows/s  p50 %7.2f ms  p99 %7.2f ms", label.c_str(), rps,
              rps * static_cast<double>(rows), Percentile(latencies, 50), Percentile(latencies, 99));
  if (sid && ok) std::printf("  server CPU %8.1f us/req", cpu * 1e6 / static_cast<double>(ok));
  std::printf("  errors %llu\n", static_cast<unsigned long long>(errors));
  return 0;
}
