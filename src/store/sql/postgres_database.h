#pragma once
// PostgresDatabase: the SQL store's Database on PostgreSQL, through a pool of libpq connections
// (pooled_database.h has the pool and the transaction and retry rules). Writes run at PostgreSQL's
// READ COMMITTED; reads in a read-only REPEATABLE READ transaction (one snapshot for the whole read).
//
//   PostgresOptions o; o.conninfo = "postgresql://u:p@127.0.0.1:5432/mlflow"; o.pool_size = 10;
//   auto db = std::make_shared<PostgresDatabase>(o);
//   Status st = db->Setup([&](Connection& c) { ... InspectSchema / CreateSchema ...; });
#include <string>

#include "store/sql/pooled_database.h"

namespace mlflow::store::sql {

struct PostgresOptions : PoolOptions {
  std::string conninfo;  // libpq URI or key=value string
};

// Turns a PostgreSQL error into MLflow's error kinds, like TranslateSqlError.
Status TranslatePgError(const SqlError& e);

class PostgresDatabase : public PooledDatabase {
 public:
  // Opens one connection at once so a wrong URI fails here. Throws SqlError.
  explicit PostgresDatabase(PostgresOptions options);

  Dialect dialect() const override { return Dialect::kPostgres; }

 protected:
  std::unique_ptr<PooledConnection> Connect() override;
  const char* begin_write_sql() const override { return "BEGIN"; }
  const char* begin_read_sql() const override { return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"; }
  std::string setup_lock_sql() const override;
  std::string setup_unlock_sql() const override;
  ServerErrorClass Classify(const SqlError& e) const override;
  Status Translate(const SqlError& e) const override { return TranslatePgError(e); }

 private:
  std::string conninfo_;
};

}  // namespace mlflow::store::sql
