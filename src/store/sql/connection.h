#pragma once
// A database connection and its prepared statements, behind one small interface so the SQL store
// runs on SQLite and (later) PostgreSQL. SQL text uses `?` placeholders; a dialect rewrites them.
//
// Errors inside the SQL layer are thrown as SqlError and turned into a Status at the store
// boundary (TranslateSqlError); nothing above the store sees an exception from here.
//
//   Statement& st = conn.Prepare("SELECT name FROM experiments WHERE experiment_id = ?");
//   st.Bind(1, int64_t{0});
//   while (st.Step()) Use(st.Text(0));

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/sql_value.h"

namespace mlflow::store::sql {

using Dialect = SqlDialect;

// kConstraint: a UNIQUE/PK/FK/CHECK violation; kBusy: lock contention; kOther: everything else.
class SqlError : public std::runtime_error {
 public:
  enum class Kind { kConstraint, kBusy, kOther };
  // context (the statement, for the server's own logs) is part of what() but not of message():
  // answers to clients carry message() only, never SQL text.
  SqlError(Kind kind, const std::string& message, const std::string& context = "")
      : std::runtime_error(context.empty() ? message : message + " (" + context + ")"), kind_(kind), message_(message) {}
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }

 private:
  Kind kind_;
  std::string message_;
};

class Statement {
 public:
  virtual ~Statement() = default;
  // Parameters are 1-based, like SQLite's.
  virtual void Bind(int index, const SqlValue& value) = 0;
  // Typed binds: by default through a SqlValue; a driver that can bind the value as it is (SQLite)
  // overrides them, so binding text on the hot write paths allocates no std::string first.
  virtual void BindText(int index, std::string_view v) { Bind(index, SqlValue{std::string(v)}); }
  virtual void BindInt64(int index, int64_t v) { Bind(index, SqlValue{v}); }
  virtual void BindDouble(int index, double v) { Bind(index, SqlValue{v}); }
  void Bind(int index, int64_t v) { BindInt64(index, v); }
  void Bind(int index, int v) { BindInt64(index, int64_t{v}); }
  void Bind(int index, double v) { BindDouble(index, v); }
  void Bind(int index, std::string_view v) { BindText(index, v); }
  void Bind(int index, const std::string& v) { BindText(index, v); }
  void Bind(int index, const char* v) { BindText(index, v); }
  void BindNull(int index) { Bind(index, SqlValue{}); }
  void Bind(int index, const std::optional<std::string>& v) {
    if (v) {
      Bind(index, *v);
    } else {
      BindNull(index);
    }
  }
  // Binds values to 1..n.
  void BindAll(const std::vector<SqlValue>& values) {
    for (size_t i = 0; i < values.size(); ++i) Bind(static_cast<int>(i + 1), values[i]);
  }
  // Binds the arguments to 1..n, in order, through the Bind overloads (no temporary list):
  //   st->BindAll(tag.key, tag.value, run_id);
  // Always inlined: the same code as one Bind call per argument, on the hot write paths.
  template <typename... Values>
  [[gnu::always_inline]] void BindAll(const Values&... values) {
    BindFrom(1, values...);
  }
  // Binds the arguments to first, first + 1, ...; returns the index after the last one (for
  // statements that bind one row after another).
  template <typename... Values>
  [[gnu::always_inline]] int BindFrom(int first, const Values&... values) {
    (Bind(first++, values), ...);
    return first;
  }
  // Advances to the next row; false when done. Throws SqlError.
  virtual bool Step() = 0;
  // Runs a statement that returns no rows; returns the number of rows changed.
  virtual int64_t Execute() = 0;
  virtual bool IsNull(int col) const = 0;
  virtual int64_t Int(int col) const = 0;
  virtual double Double(int col) const = 0;
  virtual std::string Text(int col) const = 0;
  virtual std::string_view TextView(int col) const = 0;
  // Clears bindings and rewinds; called before each reuse.
  virtual void Reset() = 0;
};

// A prepared statement borrowed from a connection; rewound when released. The lease shares
// ownership of the statement, so nothing (not even the connection's cache evicting it) destroys a
// statement in use (statement_cache.h).
class StatementLease {
 public:
  explicit StatementLease(std::shared_ptr<Statement> st) : st_(std::move(st)) {}
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;
  StatementLease(StatementLease&& o) noexcept = default;
  ~StatementLease() {
    if (st_) st_->Reset();
  }
  Statement* operator->() { return st_.get(); }
  Statement& operator*() { return *st_; }

 private:
  std::shared_ptr<Statement> st_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // A prepared statement for this SQL text, from the connection's cache when it is idle; a text
  // already leased gets a private statement, so nested use of one text is safe.
  virtual StatementLease Prepare(const std::string& sql) = 0;
  // The same for SQL text that is a string literal (most of the store's statements): a connection
  // may find it by the literal's address before hashing and comparing the whole text
  // (sqlite_connection.h); the default makes a std::string and calls the one above.
  StatementLease Prepare(const char* sql) { return PrepareLiteral(sql); }
  virtual StatementLease PrepareLiteral(const char* sql) { return Prepare(std::string(sql)); }
  // Runs one or more statements without parameters.
  virtual void ExecScript(const std::string& sql) = 0;
  // Whether a table / column exists (schema detection).
  virtual bool HasTable(const std::string& table) = 0;
  virtual bool HasColumn(const std::string& table, const std::string& column) = 0;
  virtual std::vector<std::string> TableNames() = 0;
};

// A connection to a database server (PostgreSQL, MySQL) that a pool keeps between requests
// (pooled_database.h): it knows whether its server connection still works.
class PooledConnection : public Connection {
 public:
  // False once the server connection is lost; the pool then drops this connection.
  virtual bool healthy() const = 0;
  // Called between transactions, before the connection goes back to the pool.
  virtual void BeforeReuse() {}
};

}  // namespace mlflow::store::sql
