#pragma once
// Database: the connections behind the SQL store, with MLflow's transaction rules. Two
// implementations: SqliteDatabase (sqlite_database.h: group commit on one writer thread) and
// PooledDatabase (pooled_database.h: a connection pool to PostgreSQL or MySQL, one transaction per
// write).
//
// A Write() returns only after the COMMIT holding it returned, so an acknowledged write is durable.
// Reads run on read connections and never wait for the writer.
//
//   Status st = db.Write([&](Connection& c) { ...; return Status(); });
//   Result<Run> run = db.Read<Run>([&](Connection& c) -> Result<Run> { ... });
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "store/sql/connection.h"
#include "store/sql/db_timings.h"

namespace mlflow::store::sql {

using WriteFn = std::function<Status(Connection&)>;
using ReadFn = std::function<Status(Connection&)>;
// Gets a queued write's result after the COMMIT that holds it (WriteAsync).
using WriteDone = std::function<void(Status)>;

// Turns a SqlError into MLflow's error: a constraint violation is BAD_REQUEST (what MLflow's SQL
// store answers for integrity errors), lock contention TEMPORARILY_UNAVAILABLE (clients retry).
Status TranslateSqlError(const SqlError& e);

class MetricShapes;

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // Runs fn in a write transaction. fn's non-OK Status (or a SqlError it throws) undoes fn's
  // changes alone and is returned.
  virtual Status Write(WriteFn fn) = 0;
  // True when WriteAsync queues without blocking the caller (SQLite's writer thread); elsewhere
  // (the pooled servers) WriteAsync is Write followed by `done` on the calling thread.
  virtual bool async_writes() const { return false; }
  // Write without waiting: fn runs in a write transaction as for Write, and `done` gets the same
  // Status once the COMMIT holding it returned (so an acknowledgement sent from `done` is as durable
  // as one sent after Write). `done` runs on the writer thread: it must be short and never block.
  // fn and everything it refers to must live until then (capture by value).
  virtual void WriteAsync(WriteFn fn, WriteDone done) { done(Write(std::move(fn))); }
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
  // The writer's record of which metric histories are one point a step (metric_shapes.h); SQLite
  // only, nullptr elsewhere.
  virtual MetricShapes* metric_shapes() { return nullptr; }
  // Wall time of Write and ReadTx calls as the store sees them (waiting for the writer or a
  // pooled connection included) and requests per commit; implementations record them.
  DbTimings& timings() { return timings_; }

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

 protected:
  DbTimings timings_;
};

}  // namespace mlflow::store::sql
