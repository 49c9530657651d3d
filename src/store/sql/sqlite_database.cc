#include "store/sql/sqlite_database.h"

#include <cstdio>
#include <optional>

#include "store/sql/metric_shapes.h"
#include "store/sql/sqlite_connection.h"

namespace mlflow::store::sql {

SqliteDatabase::SqliteDatabase(SqliteOptions options) : options_(std::move(options)) {
  writer_ = std::make_unique<SqliteConnection>(options_.path);
  shapes_ = std::make_unique<MetricShapes>(*this);
  writer_thread_ = std::thread([this] { WriterLoop(); });
}

SqliteDatabase::~SqliteDatabase() { Close(); }

void SqliteDatabase::Close() {
  {
    std::lock_guard lock(queue_mu_);
    if (closing_) return;
    closing_ = true;
  }
  queue_cv_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
  shapes_->Stop();  // its rebuild's writes are refused from here on
  std::lock_guard lock(readers_mu_);
  readers_.clear();
  // A clean checkpoint leaves the database as one file for other programs (MLflow) to open.
  if (writer_) {
    try {
      writer_->ExecScript("PRAGMA wal_checkpoint(TRUNCATE);");
    } catch (const SqlError&) {
    }
    writer_.reset();
  }
}

SqliteDatabase::Stats SqliteDatabase::stats() {
  std::lock_guard lock(queue_mu_);
  return stats_;
}

bool SqliteDatabase::Enqueue(Job* job) {
  {
    std::lock_guard lock(queue_mu_);
    if (closing_) return false;
    queue_.push_back(job);
  }
  queue_cv_.notify_one();
  return true;
}

Status SqliteDatabase::Write(WriteFn fn) {
  DbCallTimer timer(timings_, DbTimings::kWrite);
  Job job;
  job.fn = std::move(fn);
  if (!Enqueue(&job)) return Status::Unavailable("the server is shutting down");
  job.done.acquire();
  return job.result;
}

void SqliteDatabase::WriteAsync(WriteFn fn, WriteDone done) {
  auto job = std::make_unique<Job>();
  job->fn = std::move(fn);
  job->async_done = std::move(done);
  job->queued_at = std::chrono::steady_clock::now();
  Job* raw = job.release();
  if (!Enqueue(raw)) {
    std::unique_ptr<Job> owned(raw);
    owned->async_done(Status::Unavailable("the server is shutting down"));
  }
}

void SqliteDatabase::Finish(Job* job) {
  if (!job->async_done) {
    job->done.release();  // the caller may return and destroy the job from here on
    return;
  }
  std::unique_ptr<Job> owned(job);
  // The same figure Write's DbCallTimer records: queued to committed.
  timings_.ObserveSeconds(DbTimings::kWrite,
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - job->queued_at).count());
  try {
    owned->async_done(std::move(owned->result));
  } catch (const std::exception& e) {
    // `done` answers a client; one that throws must not stop the writer for everyone else.
    std::fprintf(stderr, "write completion threw: %s\n", e.what());
  }
}

void SqliteDatabase::WriterLoop() {
  std::vector<Job*> group;
  for (;;) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty() && closing_) return;
      while (!queue_.empty() && static_cast<int>(group.size()) < options_.max_group) {
        group.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    Connection& c = *writer_;
    Status commit_status;
    try {
      c.Prepare("BEGIN IMMEDIATE")->Execute();
      shapes_->BeginTransaction(c);
      for (Job* job : group) {
        c.Prepare("SAVEPOINT w")->Execute();
        shapes_->BeforeJob();
        try {
          job->result = job->fn(c);
        } catch (const SqlError& e) {
          job->result = TranslateSqlError(e);
        } catch (const std::exception& e) {
          job->result = Status::Internal(e.what());
        }
        if (!job->result.ok()) {
          c.Prepare("ROLLBACK TO w")->Execute();
          shapes_->AfterJobRolledBack();
        }
        c.Prepare("RELEASE w")->Execute();
      }
      shapes_->BeforeCommit(c);
      c.Prepare("COMMIT")->Execute();
    } catch (const SqlError& e) {
      commit_status = TranslateSqlError(e);
      try {
        c.ExecScript("ROLLBACK");
      } catch (const SqlError&) {
      }
    }
    shapes_->AfterTransaction(commit_status.ok());
    {
      std::lock_guard lock(queue_mu_);
      stats_.commits++;
      stats_.writes += group.size();
    }
    timings_.ObserveBatch(group.size());
    for (Job* job : group) {
      if (!commit_status.ok()) job->result = commit_status;
      Finish(job);
    }
    group.clear();
  }
}

std::unique_ptr<Connection> SqliteDatabase::AcquireReader() {
  std::unique_lock lock(readers_mu_);
  if (readers_.empty() && readers_created_ < options_.read_connections) {
    readers_created_++;
    lock.unlock();
    return std::make_unique<SqliteConnection>(options_.path, /*read_only=*/false);
  }
  readers_cv_.wait(lock, [&] { return !readers_.empty(); });
  auto c = std::move(readers_.back());
  readers_.pop_back();
  return c;
}

void SqliteDatabase::ReleaseReader(std::unique_ptr<Connection> c) {
  {
    std::lock_guard lock(readers_mu_);
    readers_.push_back(std::move(c));
  }
  readers_cv_.notify_one();
}

Status SqliteDatabase::ReadTx(ReadFn fn) {
  DbCallTimer timer(timings_, DbTimings::kRead);
  std::unique_ptr<Connection> c;
  try {
    c = AcquireReader();
  } catch (const SqlError& e) {
    std::lock_guard lock(readers_mu_);
    readers_created_--;
    return TranslateSqlError(e);
  }
  Status st;
  try {
    c->Prepare("BEGIN")->Execute();
    st = fn(*c);
    c->Prepare("COMMIT")->Execute();
  } catch (const SqlError& e) {
    st = TranslateSqlError(e);
    try {
      c->ExecScript("ROLLBACK");
    } catch (const SqlError&) {
    }
  }
  ReleaseReader(std::move(c));
  return st;
}

}  // namespace mlflow::store::sql
