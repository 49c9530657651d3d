#pragma once
// SQLite implementation of Connection: WAL, synchronous=FULL, foreign keys and case-sensitive LIKE
// on (MLflow's session settings), a REGEXP function for RLIKE, and a statement cache.
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

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
  using Connection::Prepare;
  StatementLease Prepare(const std::string& sql) override;
  StatementLease PrepareLiteral(const char* sql) override;
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
  // Statements of literal SQL texts by the literal's address (the writer thread prepares the same
  // few dozen texts for every request): no std::string, no hash of the text. The text is
  // compared too, so a caller's buffer reused for another text is never mistaken for the first.
  // Bounded by the literals in the program; a leased entry is not handed out twice (as above).
  struct LiteralEntry {
    std::string sql;
    std::shared_ptr<Statement> statement;
  };
  static constexpr size_t kLiteralCacheCapacity = 1024;
  std::unordered_map<const char*, LiteralEntry> literals_;
};

}  // namespace mlflow::store::sql
