#pragma once
// Database: the connections behind the SQL store, with MLflow's transaction rules.
//
// Writes go through Write(): on SQLite one writer thread drains a queue and commits many requests
// in one transaction (group commit, docs/notes/sqlite-notes.md), each inside its own SAVEPOINT so one
// request's error rolls back that request alone. A call returns only after the COMMIT holding it
// returned, so an acknowledged write is durable (WAL + synchronous=FULL). Reads run on a pool of
// read connections and never wait for the writer.
//
//   Status st = db.Write([&](Connection& c) { ...; return Status(); });
//   Result<Run> run = db.Read<Run>([&](Connection& c) -> Result<Run> { ... });
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "store/sql/connection.h"

namespace mlflow::sql {

using WriteFn = std::function<Status(Connection&)>;
using ReadFn = std::function<Status(Connection&)>;

// Turns a SqlError into MLflow's error: a constraint violation is BAD_REQUEST (what MLflow's SQL
// store answers for integrity errors), lock contention TEMPORARILY_UNAVAILABLE (clients retry).
Status TranslateSqlError(const SqlError& e);

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // Runs fn in a write transaction. fn's non-OK Status (or a SqlError it throws) undoes fn's
  // changes alone and is returned.
  virtual Status Write(WriteFn fn) = 0;
  // Runs fn in a read transaction on a read connection.
  virtual Status ReadTx(ReadFn fn) = 0;
  // Closes connections after pending writes finish.
  virtual void Close() = 0;

  // Write requests served and the transactions that held them (group commit makes the second
  // smaller than the first). For operators and the benchmark.
  struct Stats {
    uint64_t commits = 0;
    uint64_t writes = 0;
  };
  virtual Stats stats() { return {}; }

  template <typename T>
  Result<T> Read(const std::function<Result<T>(Connection&)>& fn) {
    std::optional<T> out;
    Status st = ReadTx([&](Connection& c) -> Status {
      Result<T> r = fn(c);
      if (!r.ok()) return r.status();
      out.emplace(std::move(r).value());
      return Status();
    });
    if (!st.ok()) return st;
    return std::move(*out);
  }
};

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
  Status ReadTx(ReadFn fn) override;
  void Close() override;

  // Direct access for schema set-up before serving; not thread-safe.
  Connection& writer_connection() { return *writer_; }
  Stats stats() override;

 private:
  struct Job {
    WriteFn fn;
    Status result;
    std::binary_semaphore done{0};  // wakes exactly this caller, not every waiting one
  };
  void WriterLoop();
  std::unique_ptr<Connection> AcquireReader();
  void ReleaseReader(std::unique_ptr<Connection> c);

  SqliteOptions options_;
  std::unique_ptr<Connection> writer_;

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

}  // namespace mlflow::sql
