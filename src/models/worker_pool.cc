#include "models/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "models/subprocess.h"

namespace mlflow::models {

extern const char* const kWorkerScript;  // worker_script.cc, generated from python/mlflow_cpp_worker.py

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kMaxRestartBackoffMs = 30000;

// A frame: u32 header length, u32 blob length, header JSON, blob (little-endian lengths).
std::string EncodeFrame(const std::string& header, const std::string& blob) {
  std::string out;
  out.reserve(8 + header.size() + blob.size());
  auto put = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  put(static_cast<uint32_t>(header.size()));
  put(static_cast<uint32_t>(blob.size()));
  out += header;
  out += blob;
  return out;
}

enum class IoResult { kOk, kTimeout, kClosed };

IoResult WriteAll(int fd, const std::string& data, Deadline deadline) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return IoResult::kClosed;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return IoResult::kTimeout;
    pollfd p{fd, POLLOUT, 0};
    ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
  }
  return IoResult::kOk;
}

IoResult ReadAll(int fd, char* buf, size_t size, Deadline deadline) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, buf + done, size - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) return IoResult::kClosed;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return IoResult::kClosed;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return IoResult::kTimeout;
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
  }
  return IoResult::kOk;
}

IoResult ReadFrame(int fd, Deadline deadline, json* header, std::string* blob) {
  char head[8];
  if (auto r = ReadAll(fd, head, 8, deadline); r != IoResult::kOk) return r;
  auto get = [&](int at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(head[at + i])) << (8 * i);
    return v;
  };
  uint32_t hlen = get(0), blen = get(4);
  std::string h(hlen, '\0');
  if (auto r = ReadAll(fd, h.data(), hlen, deadline); r != IoResult::kOk) return r;
  blob->assign(blen, '\0');
  if (blen) {
    if (auto r = ReadAll(fd, blob->data(), blen, deadline); r != IoResult::kOk) return r;
  }
  *header = json::parse(h, nullptr, false);
  return header->is_object() ? IoResult::kOk : IoResult::kClosed;
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return "was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  return "stopped";
}

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

void AppendCellJson(PyJsonWriter& w, const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::kNone: w.Null(); break;
    case Cell::Kind::kNaN: w.Float(std::nan("")); break;
    case Cell::Kind::kFloat: w.Float(c.d); break;
    case Cell::Kind::kInt: w.Int(c.i); break;
    case Cell::Kind::kUInt: w.UInt(static_cast<uint64_t>(c.i)); break;
    case Cell::Kind::kBool: w.Bool(c.i != 0); break;
    case Cell::Kind::kValue: w.Value(c.value); break;
  }
}

template <typename T>
std::string Bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

}  // namespace

// One request (or a raw body) waiting for a worker. The submitter fills it completely before
// queueing, so a worker never touches the submitter's data.
struct PythonPredictor::Job {
  bool raw = false;
  std::string raw_body, raw_content_type;
  std::string key;  // jobs with equal non-empty keys may share a batch
  size_t rows = 0;
  std::string params_json = "null";
  std::string index_json = "null";
  struct Part {
    std::string label_json, kind, dtype, data;  // data: raw bytes, or a JSON list for str/object
  };
  std::vector<Part> columns;
  Deadline deadline;

  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool cancelled = false;
  ScoringResponse response;

  void Finish(ScoringResponse r) {
    std::lock_guard lock(mu);
    if (done) return;
    response = std::move(r);
    done = true;
    cv.notify_all();
  }
  bool Cancelled() {
    std::lock_guard lock(mu);
    return cancelled || done;
  }
};

class PythonPredictor::Worker {
 public:
  Worker(PythonPredictor& pool, int index) : pool_(pool), index_(index) {}
  ~Worker() { Stop(); }

  // Starts the process and waits for its "ready" (or "error") message.
  Status Launch() {
    std::vector<std::string> argv = {pool_.options_.python, "-u", script_, pool_.options_.model_dir};
    MLFLOW_ASSIGN_OR_RETURN(child_, SpawnPiped(argv, {{"PYTHONUNBUFFERED", "1"}}));
    SetNonBlocking(child_.in_fd);
    SetNonBlocking(child_.out_fd);
    pool_.starts_++;
    json header;
    std::string blob;
    auto deadline = Clock::now() + std::chrono::seconds(pool_.options_.startup_timeout_seconds);
    IoResult r = ReadFrame(child_.out_fd, deadline, &header, &blob);
    if (r != IoResult::kOk) {
      std::string why = r == IoResult::kTimeout ? "did not load the model in time" : Reap();
      Kill();
      return Status::InvalidState("the Python model worker (" + pool_.options_.python + ") " + why +
                                  "; see its messages above");
    }
    if (header.value("type", "") != "ready") {
      std::string msg = header.value("message", "the Python model worker failed to start");
      Kill();
      return Status::InvalidState(msg);
    }
    pid_ = child_.pid;
    std::lock_guard lock(pool_.mu_);
    if (pool_.mlflow_version_.empty()) pool_.mlflow_version_ = header.value("mlflow_version", "");
    return Status();
  }

  void StartThread(bool launched) {
    thread_ = std::thread([this, launched] { Run(launched); });
  }

  // Called with the pool stopping: the process is asked to end (its pipe then closes, which wakes
  // this worker's thread), the thread is joined, and anything left is killed.
  void Stop() {
    pid_t p = pid_.load();
    if (p > 0) ::kill(p, SIGTERM);
    if (thread_.joinable()) thread_.join();
    Kill();
  }

  void set_script(std::string s) { script_ = std::move(s); }
  pid_t pid() const { return pid_.load(); }

 private:
  void Run(bool launched) {
    int backoff_ms = 200;
    while (true) {
      if (!launched) {
        {
          std::lock_guard lock(pool_.mu_);
          if (pool_.stopping_) return;
        }
        Status st = Launch();
        if (!st.ok()) {
          spdlog::error("model worker {}: {}", index_, st.message());
          std::unique_lock lock(pool_.mu_);
          pool_.cv_.wait_for(lock, std::chrono::milliseconds(backoff_ms), [this] { return pool_.stopping_; });
          if (pool_.stopping_) return;
          backoff_ms = std::min(backoff_ms * 2, kMaxRestartBackoffMs);
          continue;
        }
        backoff_ms = 200;
      }
      launched = true;
      auto batch = pool_.NextBatch();
      if (batch.empty()) return;
      if (!Alive()) {
        // It died while idle: these requests never reached it. Requeue them and start another.
        spdlog::error("model worker {} (pid {}) {} while idle; restarting it", index_, child_.pid, Reap());
        std::lock_guard lock(pool_.mu_);
        for (auto it = batch.rbegin(); it != batch.rend(); ++it) pool_.queue_.push_front(*it);
        pool_.cv_.notify_all();
        launched = false;
        continue;
      }
      if (!Process(batch)) launched = false;  // the process is gone: start another
    }
  }

  // Sends a batch and delivers the answers. False when the process died or was killed.
  bool Process(std::vector<std::shared_ptr<Job>>& batch) {
    Deadline deadline = batch[0]->deadline;
    for (auto& j : batch) deadline = std::min(deadline, j->deadline);
    std::string frame = batch[0]->raw ? RawFrame(*batch[0]) : PredictFrame(batch);
    auto started = Clock::now();
    IoResult r = WriteAll(child_.in_fd, frame, deadline);
    json header;
    std::string blob;
    if (r == IoResult::kOk) r = ReadFrame(child_.out_fd, deadline, &header, &blob);
    if (r == IoResult::kOk) {
      if (!batch[0]->raw) pool_.BatchTook(Clock::now() - started);
      const json& responses = header["responses"];
      size_t offset = 0;
      for (size_t i = 0; i < batch.size(); ++i) {
        if (!responses.is_array() || i >= responses.size()) {
          batch[i]->Finish(ScoringResponse::FromError(ScoringError::Internal("the model worker sent no answer")));
          continue;
        }
        const json& resp = responses[i];
        size_t len = resp.value("length", 0u);
        ScoringResponse out;
        out.status = resp.value("status", 500);
        out.content_type = resp.value("content_type", "application/json");
        out.body = blob.substr(offset, len);
        offset += len;
        batch[i]->Finish(std::move(out));
      }
      return true;
    }
    pid_t pid = child_.pid;
    if (r == IoResult::kTimeout) {
      // Still busy past the deadline: the waiting requests already answered 504. Requests of the
      // batch with time left go back to the queue; the worker is replaced.
      Kill();
      std::lock_guard lock(pool_.mu_);
      for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
        if (!(*it)->Cancelled() && (*it)->deadline > Clock::now()) pool_.queue_.push_front(*it);
      }
      pool_.cv_.notify_all();
      spdlog::warn("model worker {} (pid {}) exceeded the request timeout; restarting it", index_, pid);
      return false;
    }
    std::string why = Reap();
    spdlog::error("model worker {} (pid {}) {} while scoring; restarting it", index_, pid, why);
    for (auto& j : batch) {
      j->Finish(ScoringResponse::FromError(ScoringError::Internal(
          "The model worker process (pid " + std::to_string(pid) + ") " + why +
          " while scoring this request; it is being restarted. Other requests are served by the remaining workers.")));
    }
    return false;
  }

  static std::string RawFrame(const Job& j) {
    json h = {{"type", "raw"}, {"content_type", j.raw_content_type}};
    return EncodeFrame(h.dump(), j.raw_body);
  }

  static std::string PredictFrame(const std::vector<std::shared_ptr<Job>>& batch) {
    const Job& first = *batch[0];
    std::string blob;
    std::string cols = "[";
    for (size_t c = 0; c < first.columns.size(); ++c) {
      const auto& part = first.columns[c];
      size_t offset = blob.size();
      if (part.kind == "numeric") {
        for (const auto& j : batch) blob += j->columns[c].data;
      } else {
        // JSON lists: concatenate their items.
        blob += '[';
        bool any = false;
        for (const auto& j : batch) {
          const std::string& d = j->columns[c].data;
          if (d.size() <= 2) continue;
          if (any) blob += ", ";
          blob.append(d, 1, d.size() - 2);
          any = true;
        }
        blob += ']';
      }
      if (c) cols += ", ";
      cols += R"({"label": )" + part.label_json + R"(, "kind": ")" + part.kind + R"(", "dtype": ")" + part.dtype +
              R"(", "offset": )" + std::to_string(offset) + R"(, "length": )" + std::to_string(blob.size() - offset) + "}";
    }
    cols += "]";
    std::string reqs = "[";
    for (size_t i = 0; i < batch.size(); ++i) reqs += (i ? ", " : "") + std::string(R"({"rows": )") + std::to_string(batch[i]->rows) + "}";
    reqs += "]";
    std::string header = R"({"type": "predict", "requests": )" + reqs + R"(, "columns": )" + cols +
                         R"(, "params": )" + first.params_json + R"(, "index": )" +
                         (batch.size() == 1 ? first.index_json : "null") + "}";
    return EncodeFrame(header, blob);
  }

  bool Alive() {
    if (child_.pid <= 0) return false;
    // Peek without reaping: Reap() collects the status when it is gone.
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(child_.pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return false;
    return info.si_pid == 0;
  }

  // Waits for the process (it closed its pipe) and describes how it ended.
  std::string Reap() {
    if (child_.pid <= 0) return "exited";
    int status = 0;
    pid_t pid = child_.pid;
    // The pipe closed: the process is exiting or already gone. Give it a moment, then force it.
    for (int i = 0; i < 100; ++i) {
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid) {
        CloseFds();
        child_.pid = -1;
        pid_ = -1;
        return DescribeExit(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Kill();
    return "stopped answering";
  }

  void Kill() {
    if (child_.pid > 0) {
      ::kill(child_.pid, SIGKILL);
      int status = 0;
      while (::waitpid(child_.pid, &status, 0) < 0 && errno == EINTR) {
      }
      child_.pid = -1;
    }
    pid_ = -1;
    CloseFds();
  }

  void CloseFds() {
    if (child_.in_fd >= 0) ::close(child_.in_fd);
    if (child_.out_fd >= 0) ::close(child_.out_fd);
    child_.in_fd = child_.out_fd = -1;
  }

  PythonPredictor& pool_;
  int index_;
  std::string script_;
  Child child_;
  std::atomic<pid_t> pid_{-1};
  std::thread thread_;
};

PythonPredictor::PythonPredictor(WorkerPoolOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<PythonPredictor>> PythonPredictor::Start(const WorkerPoolOptions& options) {
  // Writing to a worker that just died must fail with EPIPE, not kill the server.
  ::signal(SIGPIPE, SIG_IGN);
  MLFLOW_ASSIGN_OR_RETURN(std::string script, WorkerScriptPath());
  std::unique_ptr<PythonPredictor> p(new PythonPredictor(options));
  int n = std::max(1, options.workers);
  for (int i = 0; i < n; ++i) {
    p->workers_.push_back(std::make_unique<Worker>(*p, i));
    p->workers_.back()->set_script(script);
  }
  // The first worker loads the model before serving starts: a model that cannot load (missing
  // package, bad file) fails here, with the worker's message.
  MLFLOW_RETURN_IF_ERROR(p->workers_[0]->Launch());
  p->workers_[0]->StartThread(true);
  for (int i = 1; i < n; ++i) p->workers_[static_cast<size_t>(i)]->StartThread(false);
  return p;
}

PythonPredictor::~PythonPredictor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& j : queue_) {
      j->Finish(ScoringResponse::FromError(ScoringError{503, "TEMPORARILY_UNAVAILABLE", "The server is stopping", "", "", false}));
    }
    queue_.clear();
  }
  cv_.notify_all();
  gather_cv_.notify_all();
  workers_.clear();  // joins threads, stops processes
}

std::string PythonPredictor::Describe() const {
  return "python_function through " + std::to_string(options_.workers) + " Python worker(s) (" + options_.description +
         ", batching " + (options_.batching ? "on" : "off") + ")";
}

std::string PythonPredictor::mlflow_version() const {
  std::lock_guard lock(mu_);
  return mlflow_version_;
}

std::vector<int> PythonPredictor::worker_pids() const {
  std::vector<int> out;
  for (const auto& w : workers_) out.push_back(w->pid());
  return out;
}

std::vector<std::shared_ptr<PythonPredictor::Job>> PythonPredictor::NextBatch() {
  std::unique_lock lock(mu_);
  std::vector<std::shared_ptr<Job>> batch;
  while (batch.empty()) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return {};
    if (options_.batching) Gather(lock);
    if (stopping_) return {};
    if (queue_.empty()) continue;  // another worker took them meanwhile
    auto first = queue_.front();
    queue_.pop_front();
    if (first->Cancelled()) continue;
    batch.push_back(first);
    if (!options_.batching || first->key.empty()) break;
    size_t rows = first->rows;
    for (auto it = queue_.begin(); it != queue_.end() && rows < options_.max_batch_rows;) {
      if ((*it)->key == first->key && rows + (*it)->rows <= options_.max_batch_rows && !(*it)->Cancelled()) {
        rows += (*it)->rows;
        batch.push_back(*it);
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Requests left behind (other columns or params, or past the row limit) go to an idle worker:
  // arrivals during a Gather woke only the gathering workers.
  if (!queue_.empty()) cv_.notify_one();
  return batch;
}

// Batching under load. A batch costs the worker about the same whatever its size (MLflow's
// schema enforcement and the model's own input checks are per call: README, models section), so
// CPU per request falls with the batch size. With N clients each waiting for its answer, the
// requests of a batch come back together once answered, but a few hundred microseconds apart;
// a worker that takes the first of them at once scores it alone and the rest split across the
// pool (one-row requests from 8 connections averaged under 4 a batch). So a free worker that
// finds fewer requests queued than were lately waiting at once (peak_, decaying after 100 ms)
// waits for more, up to one average batch time (at most 5 ms): a single client never waits, and
// a request waits at most about as long as scoring one batch takes.
void PythonPredictor::Gather(std::unique_lock<std::mutex>& lock) {
  auto linger = std::min<Clock::duration>(batch_time_, std::chrono::milliseconds(5));
  // Raw bodies and requests with their own index go alone: nothing to gather for them.
  if (linger <= Clock::duration::zero() || queue_.front()->key.empty()) return;
  auto enough = [this] {
    if (stopping_ || queue_.empty()) return true;
    size_t rows = 0;
    for (const auto& j : queue_) rows += j->rows;
    return queue_.size() >= peak_ || rows >= options_.max_batch_rows;
  };
  ++gathering_;
  gather_cv_.wait_until(lock, Clock::now() + linger, enough);
  --gathering_;
}

void PythonPredictor::BatchTook(Clock::duration d) {
  std::lock_guard lock(mu_);
  batch_time_ = batch_time_ == Clock::duration::zero() ? d : (batch_time_ * 4 + d) / 5;
}

ScoringResponse PythonPredictor::Submit(std::shared_ptr<Job> job) {
  bool gathering = false;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return ScoringResponse::FromError(ScoringError{503, "TEMPORARILY_UNAVAILABLE", "The server is stopping", "", "", false});
    queue_.push_back(job);
    auto now = Clock::now();
    if (++active_ >= peak_ || now - peak_at_ > std::chrono::milliseconds(100)) {
      peak_ = active_;
      peak_at_ = now;
    }
    gathering = gathering_ > 0;
  }
  // A worker gathering a batch takes this request too; else one idle worker wakes.
  if (gathering) {
    gather_cv_.notify_all();
  } else {
    cv_.notify_one();
  }
  ScoringResponse out;
  {
    std::unique_lock lock(job->mu);
    if (!job->cv.wait_until(lock, job->deadline, [&] { return job->done; })) {
      job->cancelled = true;
      out = ScoringResponse::Timeout();
    } else {
      out = job->response;
    }
  }
  std::lock_guard lock(mu_);
  --active_;
  return out;
}

ScoringResponse PythonPredictor::Predict(const ScoringRequest& req, Deadline deadline) {
  auto job = std::make_shared<Job>();
  job->deadline = deadline;
  const Frame& f = req.frame;
  job->rows = f.rows;
  if (!req.params.is_absent()) {
    PyJsonWriter w;
    w.Value(req.params);
    job->params_json = w.Take();
  }
  std::string key;
  for (const auto& c : f.columns) {
    Job::Part part;
    part.label_json = c.label.is_int ? std::to_string(c.label.i) : [&] {
      std::string s;
      AppendPyJsonString(s, c.label.s);
      return s;
    }();
    switch (c.dtype) {
      case DType::kStr:
      case DType::kObject: {
        part.kind = c.dtype == DType::kStr ? "str" : "object";
        PyJsonWriter w;
        w.BeginArray();
        for (const Cell& cell : c.cells) AppendCellJson(w, cell);
        w.EndArray();
        part.data = w.Take();
        break;
      }
      default:
        part.kind = "numeric";
        part.dtype = std::string(DTypeName(c.dtype));
        switch (c.dtype) {
          case DType::kBool: part.data = Bytes(c.b); break;
          case DType::kInt32: part.data = Bytes(c.i32); break;
          case DType::kInt64:
          case DType::kUInt64: part.data = Bytes(c.i64); break;
          case DType::kFloat32: part.data = Bytes(c.f32); break;
          default: part.data = Bytes(c.f64); break;
        }
    }
    key += part.label_json + ":" + part.kind + part.dtype + ";";
    job->columns.push_back(std::move(part));
  }
  if (!f.index.labels.empty()) {
    PyJsonWriter w;
    w.BeginArray();
    for (JsonRef l : f.index.labels) w.Value(l);
    w.EndArray();
    job->index_json = w.Take();
    key.clear();  // a custom index is kept per request
  } else {
    key += "|" + job->params_json;
  }
  job->key = std::move(key);
  return Submit(job);
}

ScoringResponse PythonPredictor::PredictRaw(const std::string& body, const std::string& content_type, Deadline deadline) {
  auto job = std::make_shared<Job>();
  job->raw = true;
  job->raw_body = body;
  job->raw_content_type = content_type;
  job->deadline = deadline;
  return Submit(job);
}

Result<std::string> WorkerScriptPath() {
  // One file per script content, in a private cache folder.
  std::string text = kWorkerScript;
  size_t h = std::hash<std::string>{}(text);
  const char* base = std::getenv("XDG_CACHE_HOME");
  fs::path dir = base && *base ? fs::path(base) : fs::temp_directory_path();
  dir /= "mlflow-cpp-" + std::to_string(::getuid());
  std::error_code ec;
  fs::create_directories(dir, ec);
  ::chmod(dir.c_str(), 0700);
  char name[64];
  std::snprintf(name, sizeof(name), "mlflow_cpp_worker-%016zx.py", h);
  fs::path path = dir / name;
  if (fs::exists(path, ec)) return path.string();
  fs::path tmp = dir / (std::string(name) + ".tmp" + std::to_string(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return Status::Internal("cannot write the worker script to " + tmp.string());
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::Internal("cannot place the worker script at " + path.string() + ": " + ec.message());
  return path.string();
}

}  // namespace mlflow::models
