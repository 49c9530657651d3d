#pragma once
// Helpers shared by the benchmark programs: start the real server binary, a minimal keep-alive
// HTTP/1.1 client, RSS, and timing. Benchmarks print figures; they never pass or fail.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace mlflow::bench {

using Clock = std::chrono::steady_clock;
inline double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// A running `mlflow-cpp server` child process on 127.0.0.1 with --port 0.
class ServerProcess {
 public:
  // Starts the binary with a fresh database in `workdir`; returns after /health answers 200.
  ServerProcess(const std::string& binary, const std::string& workdir, const std::vector<std::string>& extra = {});
  ~ServerProcess();
  int port() const { return port_; }
  int pid() const { return pid_; }
  // Seconds from fork to the first good /health.
  double launch_to_healthy() const { return launch_to_healthy_; }
  // Resident set size of the server process, in MB.
  double RssMb() const;
  // CPU seconds (user + system) the server has used so far. Differences of it measure work done
  // independently of what else runs on the machine, where wall-clock latency does not.
  double CpuSeconds() const;
  void Stop();

 private:
  int pid_ = -1;
  int port_ = 0;
  double launch_to_healthy_ = 0;
};

// One keep-alive HTTP/1.1 connection. Throws std::runtime_error on I/O errors.
class HttpConnection {
 public:
  explicit HttpConnection(int port);
  ~HttpConnection();
  // Returns the status code; the body goes to *body when given.
  int Request(const std::string& method, const std::string& target, const std::string& json_body,
              std::string* body = nullptr);
  // Any content type, with extra request headers.
  int Send(const std::string& method, const std::string& target, const std::string& content_type,
           const std::string& payload, const std::vector<std::pair<std::string, std::string>>& headers,
           std::string* body = nullptr);

 private:
  int fd_ = -1;
  std::string buf_;
};

// Runs `fn(client_index, connection)` on N threads, each with its own keep-alive connection to
// `port`, for the given time; returns the sum of what fn returned (operations done).
template <typename Fn>
uint64_t RunClients(int port, int clients, double seconds, Fn fn) {
  std::atomic<uint64_t> ops{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      HttpConnection conn(port);
      uint64_t local = 0;
      while (!stop.load(std::memory_order_relaxed)) local += fn(i, conn);
      ops += local;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  return ops.load();
}

// A log-batch body of n metric points on 10 keys (m0..m9), steps first_step.. first_step+n-1.
std::string BatchBody(const std::string& run_id, int64_t first_step, int n);

// One run's log-batch for the search benchmarks (bench/search_bench.cc, bench/scale_bench.cc):
// params p0..p19 (p2 = 'v' for one run in ten, so a filter on it is selective like a real query),
// metrics m0..m19 in [0, 1), tags t0..t9.
std::string SearchSeedBatch(const std::string& run_id, int64_t i);

// Value of a JSON string field in a small flat body ("run_id":"...") without a JSON parser.
std::string ExtractString(const std::string& body, const std::string& field);

// Percentile (0..100) of a sample, in the sample's unit.
double Percentile(std::vector<double> v, double p);

}  // namespace mlflow::bench
