#pragma once
// MySQL / MariaDB implementation of Connection over the MariaDB C connector (libmariadb). Every
// statement is a server-side prepared statement (`?` placeholders are MySQL's own), with values
// bound in the binary protocol: integers as BIGINT, doubles as DOUBLE, text as strings. Results are
// buffered on the client (mysql_stmt_store_result), so a statement may be stepped through while
// others run on the same connection.
//
// The session is set up so the store's SQL reads the same here as on SQLite and PostgreSQL:
// sql_mode ANSI_QUOTES ("key" is an identifier), PIPES_AS_CONCAT, NO_AUTO_VALUE_ON_ZERO (MLflow's
// experiment 0) and strict tables (a value too long for its VARCHAR is an error, as on PostgreSQL),
// UTC, utf8mb4. Statement and script text is first put in MySQL's spelling (mysql_sql.h: the reserved
// column `key` quoted, ON CONFLICT upserts as ON DUPLICATE KEY UPDATE). Affected-row counts are rows matched, not rows changed (CLIENT_FOUND_ROWS, as
// SQLAlchemy asks), so an UPDATE that writes the same value still finds its row.
//
//   MysqlConnection c(ParseMysqlUri("mysql://user:pass@127.0.0.1:3306/db").value());
//   auto st = c.Prepare("SELECT name FROM experiments WHERE experiment_id = ?");
//   st->Bind(1, int64_t{0});
//   while (st->Step()) Use(st->Text(0));
#include <memory>
#include <string>
#include <vector>

#include "store/sql/store_uri.h"
#include "store/sql/connection.h"
#include "store/sql/statement_cache.h"

struct st_mysql;

namespace mlflow::store::sql {

// A SqlError with the server's error number, so the database layer can tell a unique-key race or a
// deadlock (retry the request) from a lost connection (drop it) from a real error.
class MysqlError : public SqlError {
 public:
  MysqlError(Kind kind, unsigned code, bool connection_lost, const std::string& what)
      : SqlError(kind, what), code_(code), connection_lost_(connection_lost) {}
  unsigned code() const { return code_; }
  bool connection_lost() const { return connection_lost_; }

 private:
  unsigned code_;
  bool connection_lost_;
};

class MysqlConnection : public PooledConnection {
 public:
  // Throws MysqlError if the server cannot be reached or refuses the login.
  explicit MysqlConnection(const MysqlTarget& target);
  ~MysqlConnection() override;

  Dialect dialect() const override { return Dialect::kMysql; }
  StatementLease Prepare(const std::string& sql) override;
  void ExecScript(const std::string& sql) override;
  bool HasTable(const std::string& table) override;
  bool HasColumn(const std::string& table, const std::string& column) override;
  std::vector<std::string> TableNames() override;

  // False once the server connection is lost; the pool then drops this connection.
  bool healthy() const override { return healthy_; }
  // Called by statements when the server connection went away.
  void MarkLost() { healthy_ = false; }

  st_mysql* raw() { return conn_; }

 private:
  // Distinct texts kept prepared per connection; the server caps prepared statements for all
  // sessions together (max_prepared_stmt_count, 16382 by default), so fewer than on PostgreSQL.
  static constexpr size_t kStatementCacheCapacity = 256;
  st_mysql* conn_ = nullptr;
  bool healthy_ = true;
  StatementCache cache_{kStatementCacheCapacity};
};

// Throws the MysqlError for the connection's last error (context is appended to the message).
[[noreturn]] void ThrowMysqlError(unsigned code, const std::string& message, const std::string& context);

}  // namespace mlflow::store::sql
