#pragma once
// PostgresDatabase: the SQL store's Database on PostgreSQL, through a pool of libpq connections.
//
// Every Write() is one transaction on a pooled connection (BEGIN; fn; COMMIT), so a request's
// error rolls back that request alone, as Database::Write promises; it returns only after COMMIT
// returned (PostgreSQL's fsync'd WAL makes it durable; concurrent commits share WAL flushes, so
// no group commit queue is needed here). Several server processes may share the database: a
// request that loses a race MLflow's own store would not fail on — a unique-key race between
// check-then-insert (same experiment name, same param, next model version), a deadlock or a
// serialization failure — is rolled back and run again, a bounded number of times. Reads run in
// a read-only REPEATABLE READ transaction (one snapshot for the whole read).
//
//   PostgresOptions o; o.conninfo = "postgresql://u:p@127.0.0.1:5432/mlflow"; o.pool_size = 10;
//   auto db = std::make_shared<PostgresDatabase>(o);
//   Status st = db->Setup([&](Connection& c) { ... InspectSchema / CreateSchema ...; });
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sql/database.h"

namespace mlflow::store::sql {

class PostgresConnection;
class PgError;

struct PostgresOptions {
  std::string conninfo;  // libpq URI or key=value string
  int pool_size = 10;    // most connections this process opens
  int max_attempts = 10;  // tries per write when it loses a race (see above)
  std::chrono::milliseconds acquire_timeout{30000};  // waiting for a free connection
};

// Turns a PostgreSQL error into MLflow's error kinds, like TranslateSqlError.
Status TranslatePgError(const SqlError& e);

class PostgresDatabase : public Database {
 public:
  // Opens one connection at once so a wrong URI fails here. Throws SqlError.
  explicit PostgresDatabase(PostgresOptions options);
  ~PostgresDatabase() override;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Status Write(WriteFn fn) override;
  Status ReadTx(ReadFn fn) override;
  void Close() override;

  // Runs fn on one connection (outside any transaction) while holding a database-wide advisory
  // lock, so replicas starting together create the schema once.
  Status Setup(const std::function<Status(Connection&)>& fn);

  // One write request per transaction here: writes == commits.
  Stats stats() override;
  struct PoolStats {
    uint64_t commits = 0;      // write transactions committed
    uint64_t retries = 0;      // write attempts run again after a race
    uint64_t connections = 0;  // connections opened so far
  };
  PoolStats pool_stats() const;

 private:
  class Lease;
  std::unique_ptr<PostgresConnection> Acquire();
  void Release(std::unique_ptr<PostgresConnection> c);
  // After a lost connection the idle ones are most likely dead too (server restart): close them
  // so the retry opens a fresh one instead of trying each stale one in turn.
  void DropIdle();

  PostgresOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;
  int open_ = 0;  // connections alive (idle or leased)
  bool closing_ = false;
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> opened_{0};
};

}  // namespace mlflow::store::sql
