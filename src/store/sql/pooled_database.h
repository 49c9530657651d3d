#pragma once
// PooledDatabase: the SQL store's Database on a database server (PostgreSQL, MySQL / MariaDB),
// through a pool of connections. PostgresDatabase (postgres_database.h) and MysqlDatabase
// (mysql_database.h) supply what differs between servers: how to connect, how a transaction
// begins, how a server error reads (lost race, lost connection) and MLflow's answer for it.
//
// Every Write() is one transaction on a pooled connection (BEGIN; fn; COMMIT), so a request's error
// rolls back that request alone, as Database::Write promises; it returns only after COMMIT returned
// (the server's own log flush makes it durable; concurrent commits share flushes, so no group
// commit queue is needed). Several server processes may share the database: a request that loses a
// race MLflow's own store would not fail on (a unique-key race between check-then-insert, a
// deadlock, a serialization failure, a lock wait timeout, a connection lost before COMMIT) is
// rolled back and run again, a bounded number of times. A connection lost during COMMIT leaves the
// outcome unknown: that request is never run twice. Reads run in one read-only snapshot.
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

struct PoolOptions {
  int pool_size = 10;     // most connections this process opens
  int max_attempts = 10;  // tries per write when it loses a race (see above)
  std::chrono::milliseconds acquire_timeout{30000};  // waiting for a free connection
};

// What a server error means for the request that met it.
struct ServerErrorClass {
  bool connection_lost = false;  // the connection is gone (server restarted, network)
  bool lost_race = false;        // another writer won: running the request again may succeed
  bool duplicate_key = false;    // a unique key taken: a race, or (if it keeps failing) a real duplicate
};

class PooledDatabase : public Database {
 public:
  ~PooledDatabase() override;

  Status Write(WriteFn fn) override;
  Status ReadTx(ReadFn fn) override;
  void Close() override;

  // Runs fn on one connection (outside any transaction) while holding a database-wide lock, so
  // replicas starting together create the schema once.
  Status Setup(const std::function<Status(Connection&)>& fn);

  // One write request per transaction here: writes == commits.
  Stats stats() override;
  struct PoolStats {
    uint64_t commits = 0;      // write transactions committed
    uint64_t retries = 0;      // write attempts run again after a race
    uint64_t connections = 0;  // connections opened so far
  };
  PoolStats pool_stats() const;

 protected:
  // first: a connection the subclass opened at once, so a wrong URI fails in its constructor.
  PooledDatabase(PoolOptions options, std::unique_ptr<PooledConnection> first);

  // Opens a new connection. Throws SqlError.
  virtual std::unique_ptr<PooledConnection> Connect() = 0;
  // Statements that begin a write transaction and a read-only snapshot.
  virtual const char* begin_write_sql() const = 0;
  virtual const char* begin_read_sql() const = 0;
  // Statements that take and release the database-wide setup lock.
  virtual std::string setup_lock_sql() const = 0;
  virtual std::string setup_unlock_sql() const = 0;
  virtual ServerErrorClass Classify(const SqlError& e) const = 0;
  // MLflow's answer for a database error on this server.
  virtual Status Translate(const SqlError& e) const = 0;

 private:
  class Lease;
  std::unique_ptr<PooledConnection> Acquire();
  void Release(std::unique_ptr<PooledConnection> c, bool in_transaction);
  // After a lost connection the idle ones are most likely dead too (server restart): close them
  // so the retry opens a fresh one instead of trying each stale one in turn.
  void DropIdle();

  PoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  int open_ = 0;  // connections alive (idle or leased)
  bool closing_ = false;
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> opened_{0};
};

}  // namespace mlflow::store::sql
