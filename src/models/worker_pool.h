#pragma once
// The python_function flavor: a pool of Python worker processes (src/models/python/
// mlflow_cpp_worker.py) that load the model with the real mlflow.pyfunc and answer batches over
// their stdin/stdout (length-prefixed frames). The C++ side keeps HTTP, parsing, batching and the
// signature; a worker only builds the DataFrame from typed columns and calls predict().
//
// - Batching: requests waiting when a worker becomes free are sent together if they have the same
//   columns, dtypes and params (and batching is on for the model); the worker splits the result
//   back per request, or scores them one by one when the output is not row-aligned or one fails.
//   Under concurrent load a free worker first waits briefly for the requests lately in flight
//   (Gather): a batch costs a worker about the same for 1 or 8 rows.
// - A worker that dies mid-batch fails that batch's requests with a 500 naming the exit, and is
//   started again; the other workers keep serving.
// - A request waits at most until its deadline (504); a worker still busy with an expired batch
//   is killed and restarted.
//
//   WorkerPoolOptions o{.python = "/venv/bin/python", .model_dir = dir, .workers = 2};
//   MLFLOW_ASSIGN_OR_RETURN(auto pool, PythonPredictor::Start(o));  // fails if the model cannot load
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "models/predictor.h"

namespace mlflow::models {

struct WorkerPoolOptions {
  std::string python;     // interpreter with mlflow installed
  std::string model_dir;  // local model folder
  int workers = 1;
  bool batching = false;         // send concurrent compatible requests as one DataFrame
  size_t max_batch_rows = 20000;
  int startup_timeout_seconds = 600;
  std::string description;       // env manager and interpreter, for Describe()
};

class PythonPredictor : public Predictor {
 public:
  // Starts the workers and waits until the first one has loaded the model. INVALID_STATE with the
  // worker's message when it cannot (missing packages are named).
  static Result<std::unique_ptr<PythonPredictor>> Start(const WorkerPoolOptions& options);
  ~PythonPredictor() override;

  std::string Describe() const override;
  ScoringResponse Predict(const ScoringRequest& req, Deadline deadline) override;
  bool AcceptsRaw() const override { return true; }
  ScoringResponse PredictRaw(const std::string& body, const std::string& content_type, Deadline deadline) override;

  // MLflow's version in the workers' environment (what /version answers).
  std::string mlflow_version() const;
  // Worker processes started since launch (restarts included), for tests and logs.
  int starts() const { return starts_.load(); }
  std::vector<int> worker_pids() const;

  struct Job;
  class Worker;

 private:
  explicit PythonPredictor(WorkerPoolOptions options);
  ScoringResponse Submit(std::shared_ptr<Job> job);
  // Takes the next batch for a free worker (blocks); empty when stopping.
  std::vector<std::shared_ptr<Job>> NextBatch();
  // Under concurrent load, waits briefly (mu_ held by `lock`) for the requests that usually come
  // with the first queued one; see the comment in worker_pool.cc.
  void Gather(std::unique_lock<std::mutex>& lock);
  void BatchTook(std::chrono::steady_clock::duration d);

  WorkerPoolOptions options_;
  std::vector<std::unique_ptr<Worker>> workers_;
  mutable std::mutex mu_;
  std::condition_variable cv_;         // idle workers: the queue is no longer empty
  std::condition_variable gather_cv_;  // workers in Gather: one more request queued
  int gathering_ = 0;
  std::deque<std::shared_ptr<Job>> queue_;
  bool stopping_ = false;
  // Requests waiting in Submit, and the most seen at once lately (the clients' concurrency).
  size_t active_ = 0, peak_ = 0;
  std::chrono::steady_clock::time_point peak_at_{};
  std::chrono::steady_clock::duration batch_time_{};  // moving average of a batch's round trip
  std::string mlflow_version_;
  std::atomic<int> starts_{0};
  friend class Worker;
};

// The worker script embedded in the binary, written once to a cache folder; returns its path.
Result<std::string> WorkerScriptPath();

}  // namespace mlflow::models
