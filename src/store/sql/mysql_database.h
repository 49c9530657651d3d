#pragma once
// MysqlDatabase: the SQL store's Database on MySQL / MariaDB (InnoDB), through a pool of
// connections (mysql_connection.h); pooled_database.h has the pool and the transaction and retry
// rules, the same as on PostgreSQL. Writes run at READ COMMITTED (as on PostgreSQL); reads in one
// REPEATABLE READ snapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY).
//
//   MysqlOptions o; o.target = ParseMysqlUri(uri).value(); o.pool_size = 10;
//   auto db = std::make_shared<MysqlDatabase>(o);
//   Status st = db->Setup([&](Connection& c) { ... InspectSchema / CreateSchema ...; });
#include <string>

#include "store/sql/mysql_connection.h"
#include "store/sql/pooled_database.h"

namespace mlflow::store::sql {

struct MysqlOptions : PoolOptions {
  MysqlTarget target;
};

// Turns a MySQL error into MLflow's error kinds (what MLflow's store answers for PyMySQL's
// IntegrityError, OperationalError, DataError, ProgrammingError).
Status TranslateMysqlError(const SqlError& e);

class MysqlDatabase : public PooledDatabase {
 public:
  // Opens one connection at once so a wrong URI fails here. Throws SqlError.
  explicit MysqlDatabase(MysqlOptions options);

  Dialect dialect() const override { return Dialect::kMysql; }

 protected:
  std::unique_ptr<PooledConnection> Connect() override;
  // READ COMMITTED, as on PostgreSQL: a read after a row lock sees what the lock's holder
  // committed, and InnoDB takes no gap locks (fewer deadlocks between concurrent writers).
  const char* begin_write_sql() const override {
    return "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION";
  }
  const char* begin_read_sql() const override { return "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"; }
  // The lock name is per database, so servers of different databases on one server never wait.
  std::string setup_lock_sql() const override { return "DO GET_LOCK(CONCAT('mlflow_cpp_setup.', DATABASE()), 60)"; }
  std::string setup_unlock_sql() const override { return "DO RELEASE_LOCK(CONCAT('mlflow_cpp_setup.', DATABASE()))"; }
  ServerErrorClass Classify(const SqlError& e) const override;
  Status Translate(const SqlError& e) const override { return TranslateMysqlError(e); }

 private:
  MysqlTarget target_;
};

}  // namespace mlflow::store::sql
