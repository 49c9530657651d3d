#pragma once
// SQLite implementation of Connection: WAL, synchronous=FULL, foreign keys and case-sensitive LIKE
// on (MLflow's session settings), a REGEXP function for RLIKE, and a statement cache.
#include <cstddef>
#include <memory>
#include <string>

#include "store/sql/connection.h"
#include "store/sql/statement_cache.h"

struct sqlite3;

namespace mlflow::store::sql {

class SqliteConnection : public Connection {
 public:
  // path: a filesystem path or ":memory:". Throws SqlError if the file cannot be opened.
  explicit SqliteConnection(const std::string& path, bool read_only = false);
  ~SqliteConnection() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  StatementLease Prepare(const std::string& sql) override;
  void ExecScript(const std::string& sql) override;
  bool HasTable(const std::string& table) override;
  bool HasColumn(const std::string& table, const std::string& column) override;
  std::vector<std::string> TableNames() override;

  sqlite3* raw() { return db_; }

 private:
  // Distinct texts kept prepared (search compiles many distinct queries).
  static constexpr size_t kStatementCacheCapacity = 512;

  sqlite3* db_ = nullptr;
  StatementCache cache_{kStatementCacheCapacity};
};

}  // namespace mlflow::store::sql
