#pragma once
// MysqlDatabase: the SQL store's Database on MySQL / MariaDB (InnoDB), through a pool of
// connections (mysql_connection.h). The same rules as PostgresDatabase (postgres_database.h):
// every Write() is one transaction on a pooled connection and returns after its COMMIT; a request
// that loses a race MLflow's own store would not fail on (a duplicate key from a concurrent
// check-then-insert, a deadlock, a lock wait timeout, a connection lost before COMMIT) is rolled
// back and run again, a bounded number of times. Writes run at READ COMMITTED (as on PostgreSQL);
// reads in one REPEATABLE READ snapshot
// (START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY).
//
//   MysqlOptions o; o.target = ParseMysqlUri(uri).value(); o.pool_size = 10;
//   auto db = std::make_shared<MysqlDatabase>(o);
//   Status st = db->Setup([&](Connection& c) { ... InspectSchema / CreateSchema ...; });
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sql/database.h"
#include "store/sql/mysql_connection.h"

namespace mlflow::store::sql {

struct MysqlOptions {
  MysqlTarget target;
  int pool_size = 10;     // most connections this process opens
  int max_attempts = 10;  // tries per write when it loses a race
  std::chrono::milliseconds acquire_timeout{30000};
};

// Turns a MySQL error into MLflow's error kinds (what MLflow's store answers for PyMySQL's
// IntegrityError, OperationalError, DataError, ProgrammingError).
Status TranslateMysqlError(const SqlError& e);

class MysqlDatabase : public Database {
 public:
  // Opens one connection at once so a wrong URI fails here. Throws SqlError.
  explicit MysqlDatabase(MysqlOptions options);
  ~MysqlDatabase() override;

  Dialect dialect() const override { return Dialect::kMysql; }
  Status Write(WriteFn fn) override;
  Status ReadTx(ReadFn fn) override;
  void Close() override;
  Stats stats() override { return Stats{commits_.load(), commits_.load()}; }

  // Runs fn on one connection (outside any transaction) while holding a server-wide named lock
  // (GET_LOCK), so servers starting together create the schema once.
  Status Setup(const std::function<Status(Connection&)>& fn);

 private:
  class Lease;
  std::unique_ptr<MysqlConnection> Acquire();
  void Release(std::unique_ptr<MysqlConnection> c, bool in_transaction);
  void DropIdle();

  MysqlOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<MysqlConnection>> idle_;
  int open_ = 0;
  bool closing_ = false;
  std::atomic<uint64_t> commits_{0};
};

}  // namespace mlflow::store::sql
