#include "store/sql/mysql_connection.h"

#include "store/sql/mysql_sql.h"

#include <mysql.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mlflow::store::sql {
namespace {

// Server error numbers (mysqld_error.h, errmsg.h) the database layer tells apart.
bool IsConstraint(unsigned code) {
  switch (code) {
    case 1062:  // ER_DUP_ENTRY
    case 1586:  // ER_DUP_ENTRY_WITH_KEY_NAME
    case 1451:  // ER_ROW_IS_REFERENCED_2 (foreign key, delete)
    case 1452:  // ER_NO_REFERENCED_ROW_2 (foreign key, insert)
    case 1216:
    case 1217:
    case 1048:  // ER_BAD_NULL_ERROR
    case 1364:  // ER_NO_DEFAULT_FOR_FIELD
    case 4025:  // MariaDB: CHECK constraint failed
    case 3819:  // MySQL: CHECK constraint violated
      return true;
    default:
      return false;
  }
}

bool IsLost(unsigned code) {
  return code == 2002 || code == 2003 || code == 2006 || code == 2013 || code == 2055 || code == 1053 ||
         code == 1927;
}

}  // namespace

[[noreturn]] void ThrowMysqlError(unsigned code, const std::string& message, const std::string& context) {
  const bool lost = IsLost(code);
  SqlError::Kind kind = SqlError::Kind::kOther;
  if (IsConstraint(code)) kind = SqlError::Kind::kConstraint;
  if (lost || code == 1213 || code == 1205) kind = SqlError::Kind::kBusy;  // deadlock, lock wait timeout
  std::string what = "(" + std::to_string(code) + ", \"" + message + "\")";
  if (!context.empty()) what += " (" + context + ")";
  throw MysqlError(kind, code, lost, what);
}

class MysqlStatement : public Statement {
 public:
  MysqlStatement(MysqlConnection* conn, std::string sql) : conn_(conn), sql_(std::move(sql)) {
    st_ = mysql_stmt_init(conn_->raw());
    if (!st_) Fail(mysql_errno(conn_->raw()), mysql_error(conn_->raw()));
    if (mysql_stmt_prepare(st_, sql_.data(), sql_.size()) != 0) {
      unsigned code = mysql_stmt_errno(st_);
      std::string msg = mysql_stmt_error(st_);
      mysql_stmt_close(st_);
      st_ = nullptr;
      Fail(code, msg, "prepare: " + sql_.substr(0, 200));
    }
    values_.resize(mysql_stmt_param_count(st_));
  }
  ~MysqlStatement() override {
    if (st_) mysql_stmt_close(st_);
  }

  void Bind(int index, const SqlValue& value) override {
    if (index < 1 || index > static_cast<int>(values_.size())) {
      throw SqlError(SqlError::Kind::kOther, "bind index " + std::to_string(index) + " out of range for: " + sql_);
    }
    values_[static_cast<size_t>(index - 1)] = value;
  }

  bool Step() override {
    if (!executed_) Run();
    if (!has_result_) return false;
    int rc = mysql_stmt_fetch(st_);
    if (rc == MYSQL_NO_DATA) return false;
    if (rc == 1) Fail(mysql_stmt_errno(st_), mysql_stmt_error(st_));
    // Text longer than its buffer: fetch that column again into a buffer of its full length.
    for (size_t i = 0; i < cols_.size(); ++i) {
      Column& c = cols_[i];
      if (c.is_null || c.kind != Kind::kText || c.length <= c.text.size()) continue;
      c.text.resize(c.length);
      MYSQL_BIND b{};
      b.buffer_type = MYSQL_TYPE_STRING;
      b.buffer = c.text.data();
      b.buffer_length = c.length;
      unsigned long len = 0;
      b.length = &len;
      if (mysql_stmt_fetch_column(st_, &b, static_cast<unsigned>(i), 0) != 0) {
        Fail(mysql_stmt_errno(st_), mysql_stmt_error(st_));
      }
      RebindResults();  // the result binding points at the resized buffer from now on
    }
    return true;
  }

  int64_t Execute() override {
    if (!executed_) Run();
    return static_cast<int64_t>(mysql_stmt_affected_rows(st_));
  }

  bool IsNull(int col) const override { return cols_[static_cast<size_t>(col)].is_null; }

  int64_t Int(int col) const override {
    const Column& c = cols_[static_cast<size_t>(col)];
    if (c.is_null) return 0;
    switch (c.kind) {
      case Kind::kInt: return c.i;
      case Kind::kDouble: return static_cast<int64_t>(c.d);
      case Kind::kText: {
        std::string s(TextView(col));
        char* end = nullptr;
        long long r = std::strtoll(s.c_str(), &end, 10);
        if (end && *end == '.') return static_cast<int64_t>(std::strtod(s.c_str(), nullptr));
        return r;
      }
    }
    return 0;
  }

  double Double(int col) const override {
    const Column& c = cols_[static_cast<size_t>(col)];
    if (c.is_null) return 0;
    switch (c.kind) {
      case Kind::kInt: return static_cast<double>(c.i);
      case Kind::kDouble: return c.d;
      case Kind::kText: return std::strtod(std::string(TextView(col)).c_str(), nullptr);
    }
    return 0;
  }

  std::string Text(int col) const override { return std::string(TextView(col)); }

  std::string_view TextView(int col) const override {
    const Column& c = cols_[static_cast<size_t>(col)];
    if (c.is_null) return {};
    switch (c.kind) {
      case Kind::kText: return std::string_view(c.text.data(), std::min<size_t>(c.length, c.text.size()));
      case Kind::kInt: c.shown = std::to_string(c.i); break;
      case Kind::kDouble: {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.17g", c.d);
        c.shown = buf;
        break;
      }
    }
    return c.shown;
  }

  void Reset() override {
    if (has_result_) mysql_stmt_free_result(st_);
    has_result_ = false;
    executed_ = false;
    for (auto& v : values_) v = SqlValue{};
  }

 private:
  enum class Kind { kInt, kDouble, kText };
  struct Column {
    Kind kind = Kind::kText;
    int64_t i = 0;
    double d = 0;
    std::string text;
    unsigned long length = 0;
    my_bool is_null = 0;
    my_bool error = 0;
    mutable std::string shown;  // a number as text, for TextView
  };

  [[noreturn]] void Fail(unsigned code, const std::string& msg, const std::string& context = "") {
    if (code >= 2000 && code < 3000 && code != 2031 && code != 2036) conn_->MarkLost();  // client-side: the link
    ThrowMysqlError(code, msg, context);
  }

  void Run() {
    std::vector<MYSQL_BIND> binds(values_.size());
    std::vector<unsigned long> lengths(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) {
      MYSQL_BIND& b = binds[i];
      SqlValue& v = values_[i];
      switch (v.index()) {
        case 0: b.buffer_type = MYSQL_TYPE_NULL; break;
        case 1:
          b.buffer_type = MYSQL_TYPE_LONGLONG;
          b.buffer = &std::get<int64_t>(v);
          break;
        case 2:
          b.buffer_type = MYSQL_TYPE_DOUBLE;
          b.buffer = &std::get<double>(v);
          break;
        case 3: {
          std::string& s = std::get<std::string>(v);
          b.buffer_type = MYSQL_TYPE_STRING;
          b.buffer = s.data();
          b.buffer_length = s.size();
          lengths[i] = s.size();
          b.length = &lengths[i];
          break;
        }
      }
    }
    if (!binds.empty() && mysql_stmt_bind_param(st_, binds.data()) != 0) {
      Fail(mysql_stmt_errno(st_), mysql_stmt_error(st_));
    }
    if (mysql_stmt_execute(st_) != 0) Fail(mysql_stmt_errno(st_), mysql_stmt_error(st_), sql_.substr(0, 200));
    executed_ = true;
    MYSQL_RES* meta = mysql_stmt_result_metadata(st_);
    if (!meta) return;  // no result set (INSERT, UPDATE, ...)
    const unsigned n = mysql_num_fields(meta);
    const MYSQL_FIELD* fields = mysql_fetch_fields(meta);
    cols_.assign(n, Column{});
    for (unsigned i = 0; i < n; ++i) {
      switch (fields[i].type) {
        case MYSQL_TYPE_TINY:
        case MYSQL_TYPE_SHORT:
        case MYSQL_TYPE_LONG:
        case MYSQL_TYPE_INT24:
        case MYSQL_TYPE_LONGLONG:
        case MYSQL_TYPE_YEAR:
          cols_[i].kind = Kind::kInt;
          break;
        case MYSQL_TYPE_FLOAT:
        case MYSQL_TYPE_DOUBLE:
          cols_[i].kind = Kind::kDouble;
          break;
        default:
          cols_[i].kind = Kind::kText;
          cols_[i].text.resize(256);
          break;
      }
    }
    mysql_free_result(meta);
    if (mysql_stmt_store_result(st_) != 0) Fail(mysql_stmt_errno(st_), mysql_stmt_error(st_));
    has_result_ = true;
    RebindResults();
  }

  void RebindResults() {
    result_binds_.assign(cols_.size(), MYSQL_BIND{});
    for (size_t i = 0; i < cols_.size(); ++i) {
      MYSQL_BIND& b = result_binds_[i];
      Column& c = cols_[i];
      b.is_null = &c.is_null;
      b.length = &c.length;
      b.error = &c.error;
      switch (c.kind) {
        case Kind::kInt:
          b.buffer_type = MYSQL_TYPE_LONGLONG;
          b.buffer = &c.i;
          break;
        case Kind::kDouble:
          b.buffer_type = MYSQL_TYPE_DOUBLE;
          b.buffer = &c.d;
          break;
        case Kind::kText:
          b.buffer_type = MYSQL_TYPE_STRING;
          b.buffer = c.text.data();
          b.buffer_length = c.text.size();
          break;
      }
    }
    if (!result_binds_.empty() && mysql_stmt_bind_result(st_, result_binds_.data()) != 0) {
      Fail(mysql_stmt_errno(st_), mysql_stmt_error(st_));
    }
  }

  MysqlConnection* conn_;
  std::string sql_;
  MYSQL_STMT* st_ = nullptr;
  std::vector<SqlValue> values_;
  std::vector<Column> cols_;
  std::vector<MYSQL_BIND> result_binds_;
  bool executed_ = false;
  bool has_result_ = false;
};

MysqlConnection::MysqlConnection(const MysqlTarget& t) {
  conn_ = mysql_init(nullptr);
  if (!conn_) throw MysqlError(SqlError::Kind::kBusy, 2008, true, "cannot connect to MySQL: out of memory");
  mysql_options(conn_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  unsigned timeout = 10;
  mysql_options(conn_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  // Like PyMySQL: TCP unless a socket is named, also for "localhost".
  unsigned protocol = t.unix_socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
  mysql_options(conn_, MYSQL_OPT_PROTOCOL, &protocol);
  if (!mysql_real_connect(conn_, t.unix_socket.empty() ? t.host.c_str() : nullptr, t.user.c_str(),
                          t.password.c_str(), t.database.empty() ? nullptr : t.database.c_str(), t.port,
                          t.unix_socket.empty() ? nullptr : t.unix_socket.c_str(),
                          CLIENT_FOUND_ROWS | CLIENT_MULTI_STATEMENTS)) {
    unsigned code = mysql_errno(conn_);
    std::string msg = mysql_error(conn_);
    mysql_close(conn_);
    conn_ = nullptr;
    throw MysqlError(SqlError::Kind::kBusy, code, true, "cannot connect to MySQL: " + msg);
  }
  ExecScript(
      "SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT,NO_AUTO_VALUE_ON_ZERO,STRICT_TRANS_TABLES,"
      "NO_ENGINE_SUBSTITUTION', time_zone = '+00:00'");
}

MysqlConnection::~MysqlConnection() {
  cache_.Clear();
  if (conn_) mysql_close(conn_);
}

StatementLease MysqlConnection::Prepare(const std::string& sql) {
  if (auto cached = cache_.TakeIdle(sql)) return StatementLease(std::move(cached));
  auto st = std::make_shared<MysqlStatement>(this, TranslateForMysql(sql));
  if (!cache_.Contains(sql)) cache_.Insert(sql, st);  // else: the cached one is leased; this one is private
  return StatementLease(std::move(st));
}

void MysqlConnection::ExecScript(const std::string& script) {
  const std::string sql = TranslateForMysql(script);
  if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) {
    unsigned code = mysql_errno(conn_);
    if (IsLost(code)) healthy_ = false;
    ThrowMysqlError(code, mysql_error(conn_), sql.size() > 200 ? "" : sql);
  }
  // Every result of a multi-statement script, so the connection is ready for the next command.
  for (;;) {
    if (MYSQL_RES* res = mysql_store_result(conn_)) mysql_free_result(res);
    int more = mysql_next_result(conn_);
    if (more == -1) break;
    if (more > 0) {
      unsigned code = mysql_errno(conn_);
      if (IsLost(code)) healthy_ = false;
      ThrowMysqlError(code, mysql_error(conn_), sql.size() > 200 ? "" : sql);
    }
  }
}

bool MysqlConnection::HasTable(const std::string& table) {
  auto st = Prepare("SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?");
  st->Bind(1, table);
  return st->Step();
}

bool MysqlConnection::HasColumn(const std::string& table, const std::string& column) {
  auto st = Prepare(
      "SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? "
      "AND column_name = ?");
  st->Bind(1, table);
  st->Bind(2, column);
  return st->Step();
}

std::vector<std::string> MysqlConnection::TableNames() {
  std::vector<std::string> names;
  auto st = Prepare(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
      "AND table_type = 'BASE TABLE' ORDER BY table_name");
  while (st->Step()) names.push_back(st->Text(0));
  return names;
}

}  // namespace mlflow::store::sql
