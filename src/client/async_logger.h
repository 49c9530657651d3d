#pragma once
// AsyncLogger: metrics queued by log_metric_async and sent by background threads in log-batch
// requests of up to 1000 metrics (MLflow's batch limit, docs/reference/limits.md). Enqueue takes a
// mutex for a few nanoseconds and copies the point; run ids are interned, so a point costs no heap
// allocation for keys of up to 15 bytes.
//
// Delivery: a request that fails transiently (the server unreachable, 408/429/5xx after the
// HttpSession's own retries) is sent again, after a pause, until it is stored: a server that
// restarts loses nothing (metric rows are idempotent: a point stored twice is one row). A request
// MLflow refuses (an unknown or finished-and-deleted run, a bad key) drops its points and keeps the
// error for the next Flush. The queue holds at most MLFLOW_CPP_ASYNC_QUEUE_SIZE points (1,000,000);
// beyond, Enqueue waits for room. MLFLOW_ASYNC_LOGGING_THREADPOOL_SIZE senders (4) run at once.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "mlflow/error.h"

namespace mlflow::client_internal {

class Backend;

class AsyncLogger {
 public:
  explicit AsyncLogger(std::shared_ptr<Backend> backend);
  // Waits for queued points (giving up after 60 s without progress, reported on stderr).
  ~AsyncLogger();
  AsyncLogger(const AsyncLogger&) = delete;
  AsyncLogger& operator=(const AsyncLogger&) = delete;

  void Enqueue(const std::string& run_id, std::string_view key, double value, int64_t timestamp, int64_t step);
  // Waits until every point enqueued before the call was stored or refused; throws the first
  // refusal since the last Flush.
  void Flush();

 private:
  struct Point {
    uint32_t run;
    std::string key;
    double value;
    int64_t timestamp;
    int64_t step;
  };
  void Start();  // under mu_
  void SenderLoop();
  void Send(const std::vector<std::string>& runs, std::vector<Point>& chunk);

  std::shared_ptr<Backend> backend_;
  size_t capacity_;
  int threads_wanted_;

  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_, space_cv_;
  std::deque<Point> queue_;
  std::vector<std::string> runs_;  // interned run ids
  std::string last_run_;
  uint32_t last_run_index_ = 0;
  uint64_t enqueued_ = 0;               // sequence number of the next point
  uint64_t taken_ = 0;                  // points handed to senders (FIFO)
  std::multiset<uint64_t> in_flight_;  // first sequence number of each chunk being sent
  std::optional<MlflowError> error_;
  bool stopping_ = false;
  std::atomic<bool> abandon_{false};  // the destructor gave up on an unreachable server
  std::vector<std::thread> senders_;
};

}  // namespace mlflow::client_internal
