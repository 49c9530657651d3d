#include "client/async_logger.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "client/backend.h"
#include "client/http_session.h"

namespace mlflow::client_internal {
namespace {

constexpr size_t kChunk = 1000;  // MLflow's metrics-per-batch limit

long EnvLong(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  return (end && *end == '\0' && n > 0) ? n : fallback;
}

// Network failures and statuses the Python client retries: worth sending again.
bool IsTransient(const MlflowError& e) {
  return (e.http_status() == 0 && e.error_code() == "TEMPORARILY_UNAVAILABLE") ||
         IsTransientHttpStatus(e.http_status());
}

}  // namespace

AsyncLogger::AsyncLogger(std::shared_ptr<Backend> backend)
    : backend_(std::move(backend)),
      capacity_(static_cast<size_t>(EnvLong("MLFLOW_CPP_ASYNC_QUEUE_SIZE", 1000000))),
      threads_wanted_(static_cast<int>(EnvLong("MLFLOW_ASYNC_LOGGING_THREADPOOL_SIZE", 4))) {}

AsyncLogger::~AsyncLogger() {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t last_taken = taken_;
  auto last_progress = std::chrono::steady_clock::now();
  while (!queue_.empty() || !in_flight_.empty()) {
    done_cv_.wait_for(lock, std::chrono::seconds(1));
    if (taken_ != last_taken) {
      last_taken = taken_;
      last_progress = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_progress > std::chrono::seconds(60)) {
      std::fprintf(stderr, "mlflow: dropping %zu queued metric points: the tracking server stayed unreachable\n",
                   queue_.size());
      queue_.clear();
      abandon_ = true;
      break;
    }
  }
  if (error_) std::fprintf(stderr, "mlflow: asynchronous logging failed: %s\n", error_->what());
  stopping_ = true;
  work_cv_.notify_all();
  lock.unlock();
  for (auto& t : senders_) t.join();
}

void AsyncLogger::Start() {
  for (int i = 0; i < threads_wanted_; ++i) senders_.emplace_back([this] { SenderLoop(); });
}

void AsyncLogger::Enqueue(const std::string& run_id, std::string_view key, double value, int64_t timestamp,
                          int64_t step) {
  std::unique_lock<std::mutex> lock(mu_);
  if (senders_.empty()) Start();
  if (queue_.size() >= capacity_) {
    space_cv_.wait(lock, [&] { return queue_.size() < capacity_; });
  }
  if (run_id != last_run_ || runs_.empty()) {
    auto it = std::find(runs_.begin(), runs_.end(), run_id);
    if (it == runs_.end()) {
      runs_.push_back(run_id);
      it = runs_.end() - 1;
    }
    last_run_index_ = static_cast<uint32_t>(it - runs_.begin());
    last_run_ = run_id;
  }
  queue_.push_back(Point{last_run_index_, std::string(key), value, timestamp, step});
  ++enqueued_;
  bool wake = queue_.size() == 1 || queue_.size() % kChunk == 0;
  lock.unlock();
  if (wake) work_cv_.notify_one();
}

void AsyncLogger::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = enqueued_;
  work_cv_.notify_all();
  done_cv_.wait(lock, [&] { return taken_ >= target && (in_flight_.empty() || *in_flight_.begin() >= target); });
  if (error_) {
    MlflowError e = *error_;
    error_.reset();
    throw e;
  }
}

void AsyncLogger::SenderLoop() {
  std::vector<Point> chunk;
  std::vector<std::string> runs;
  for (;;) {
    std::unique_lock<std::mutex> lock(mu_);
    work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    const size_t n = std::min(kChunk, queue_.size());
    const uint64_t first = taken_;
    chunk.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
    queue_.erase(queue_.begin(), queue_.begin() + n);
    taken_ += n;
    auto flight = in_flight_.insert(first);
    if (runs.size() != runs_.size()) runs = runs_;
    lock.unlock();
    space_cv_.notify_all();

    Send(runs, chunk);

    lock.lock();
    in_flight_.erase(flight);
    lock.unlock();
    done_cv_.notify_all();
  }
}

void AsyncLogger::Send(const std::vector<std::string>& runs, std::vector<Point>& chunk) {
  // Usually one run per chunk; otherwise one request per run, in the order the runs appear.
  std::stable_sort(chunk.begin(), chunk.end(), [](const Point& a, const Point& b) { return a.run < b.run; });
  std::vector<entities::Metric> metrics;
  metrics.reserve(chunk.size());
  size_t i = 0;
  while (i < chunk.size()) {
    size_t j = i;
    metrics.clear();
    while (j < chunk.size() && chunk[j].run == chunk[i].run) {
      metrics.push_back({std::move(chunk[j].key), chunk[j].value, chunk[j].timestamp, chunk[j].step});
      ++j;
    }
    const std::string& run_id = runs[chunk[i].run];
    for (;;) {
      try {
        backend_->LogBatch(run_id, metrics.data(), metrics.size(), {}, {});
        break;
      } catch (const MlflowError& e) {
        if (IsTransient(e)) {
          // The session already retried with backoff; keep trying, a second at a time, unless the
          // logger is being destroyed and the server is gone (the destructor's own deadline).
          if (abandon_) break;
          std::this_thread::sleep_for(std::chrono::seconds(1));
          continue;
        }
        std::lock_guard<std::mutex> lock(mu_);
        if (!error_) error_ = e;
        break;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu_);
        if (!error_) error_ = MlflowError("INTERNAL_ERROR", e.what());
        break;
      }
    }
    i = j;
  }
}

}  // namespace mlflow::client_internal
