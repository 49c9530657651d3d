#pragma once
// SqliteDatabase: the SQL store's Database on one SQLite file.
//
// Writes go through one writer thread that drains a queue and commits many requests in one
// transaction (group commit, docs/notes/sqlite-notes.md), each inside its own SAVEPOINT so one
// request's error rolls back that request alone. A call returns only after the COMMIT holding it
// returned, so an acknowledged write is durable (WAL + synchronous=FULL). Reads run on a pool of
// read connections and never wait for the writer.
//
//   SqliteOptions options;
//   options.path = "/tmp/mlflow.db";
//   auto db = std::make_shared<SqliteDatabase>(options);
//   Status st = db->Write([&](Connection& c) { ...; return Status(); });
//   db->WriteAsync([row](Connection& c) { ...; return Status(); }, [](Status st) { /* answer */ });
//
// WriteAsync lets a request's IO thread queue its write and go back to reading: the writer thread
// calls `done` after the COMMIT, so no thread waits per request (server/handlers/fast_writes.h).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "store/sql/database.h"

namespace mlflow::store::sql {

struct SqliteOptions {
  std::string path;          // file path, or ":memory:"-like URI for tests
  int read_connections = 4;  // read pool size
  int max_group = 512;       // most write requests in one transaction
};

class SqliteDatabase : public Database {
 public:
  // Opens the writer connection (creating the file) and the read pool. Throws SqlError.
  explicit SqliteDatabase(SqliteOptions options);
  ~SqliteDatabase() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Status Write(WriteFn fn) override;
  bool async_writes() const override { return true; }
  void WriteAsync(WriteFn fn, WriteDone done) override;
  Status ReadTx(ReadFn fn) override;
  void Close() override;

  // Direct access for schema set-up before serving; not thread-safe.
  Connection& writer_connection() { return *writer_; }
  Stats stats() override;
  MetricShapes* metric_shapes() override { return shapes_.get(); }

 private:
  struct Job {
    WriteFn fn;
    Status result;
    std::binary_semaphore done{0};  // wakes exactly this caller, not every waiting one
    // Set for WriteAsync: the job is heap-owned by the queue and `async_done` replaces the wake-up.
    WriteDone async_done;
    std::chrono::steady_clock::time_point queued_at;
  };
  bool Enqueue(Job* job);  // false when closing
  void Finish(Job* job);   // after the COMMIT: wakes the caller or calls async_done
  void WriterLoop();
  std::unique_ptr<Connection> AcquireReader();
  void ReleaseReader(std::unique_ptr<Connection> c);

  SqliteOptions options_;
  std::unique_ptr<Connection> writer_;
  // Told of each write transaction's edges on the writer thread (metric_shapes.h).
  std::unique_ptr<MetricShapes> shapes_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;  // writer waits for jobs
  std::deque<Job*> queue_;
  bool closing_ = false;
  std::thread writer_thread_;
  Stats stats_;

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;
  int readers_created_ = 0;
};

}  // namespace mlflow::store::sql
