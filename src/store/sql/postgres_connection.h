#pragma once
// PostgreSQL implementation of Connection over libpq. The store's SQL uses `?` placeholders; they
// are rewritten to $1..$n once, when a statement is first prepared on this connection.
//
// Parameters go as text with no declared type, so PostgreSQL infers each one from its context
// (a '0'/'1' into a boolean column, a number into integer or bigint); only when the server cannot
// infer a type (e.g. `? IS NULL`) is the statement re-prepared with types taken from the bound
// values. Results come back as text; Int() reads booleans ('t'/'f') as 1/0.
//
//   PostgresConnection c("postgresql://user:pass@127.0.0.1:5432/db");
//   auto st = c.Prepare("SELECT name FROM experiments WHERE experiment_id = ?");
//   st->Bind(1, int64_t{0});
//   while (st->Step()) Use(st->Text(0));
#include <memory>
#include <string>
#include <vector>

#include "store/sql/connection.h"
#include "store/sql/statement_cache.h"

struct pg_conn;

namespace mlflow::store::sql {

// A SqlError with PostgreSQL's SQLSTATE, so the database layer can tell a unique-key race or a
// deadlock (retry the request) from a lost connection (drop it) from a real error.
class PgError : public SqlError {
 public:
  PgError(Kind kind, std::string sqlstate, bool connection_lost, const std::string& message,
          const std::string& context = "")
      : SqlError(kind, message, context), sqlstate_(std::move(sqlstate)), connection_lost_(connection_lost) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool connection_lost() const { return connection_lost_; }

 private:
  std::string sqlstate_;
  bool connection_lost_;
};

class PostgresConnection : public PooledConnection {
 public:
  // conninfo: a libpq URI (postgresql://...) or key=value string. Throws SqlError if the
  // server cannot be reached or refuses the login.
  explicit PostgresConnection(const std::string& conninfo);
  ~PostgresConnection() override;

  Dialect dialect() const override { return Dialect::kPostgres; }
  StatementLease Prepare(const std::string& sql) override;
  void ExecScript(const std::string& sql) override;
  bool HasTable(const std::string& table) override;
  bool HasColumn(const std::string& table, const std::string& column) override;
  std::vector<std::string> TableNames() override;

  // False once the server connection is lost; the pool then drops this connection.
  bool healthy() const override;
  // True while inside a transaction block (also an aborted one).
  bool in_transaction() const;
  // Deallocates on the server the prepared statements whose objects were destroyed (evicted from
  // the cache, or private ones whose lease ended). Call between transactions: a DEALLOCATE inside
  // an aborted transaction would fail.
  void DeallocateReleasedStatements();
  void BeforeReuse() override { DeallocateReleasedStatements(); }

  pg_conn* raw() { return conn_; }

 private:
  friend class PgStatement;
  // A destroyed PgStatement leaves its server-side name here (DeallocateReleasedStatements).
  void NoteReleased(std::string name) { released_.push_back(std::move(name)); }

  // Distinct texts kept prepared (search compiles many distinct queries).
  static constexpr size_t kStatementCacheCapacity = 512;

  pg_conn* conn_ = nullptr;
  StatementCache cache_{kStatementCacheCapacity};
  std::vector<std::string> released_;
  uint64_t next_statement_id_ = 0;
};

// Rewrites `?` placeholders to $1..$n, leaving quoted strings, quoted identifiers and comments
// alone. Returns the number of placeholders in *count.
std::string RewritePlaceholders(const std::string& sql, int* count);

// Turns a SQLAlchemy-style URI (postgresql+psycopg2://...) into a libpq conninfo.
std::string PostgresConninfoFromUri(const std::string& uri);

}  // namespace mlflow::store::sql
