#include "store/sql/postgres_connection.h"

#include <libpq-fe.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>


namespace mlflow::store::sql {
namespace {

constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kFloat8Oid = 701;

// SQLSTATE classes: 23 integrity, 40001/40P01 serialization/deadlock, 55P03 lock not available,
// 08 connection, 57P01.. admin shutdown.
SqlError::Kind KindOf(const std::string& state) {
  if (state.rfind("23", 0) == 0) return SqlError::Kind::kConstraint;
  if (state == "40001" || state == "40P01" || state == "55P03") return SqlError::Kind::kBusy;
  return SqlError::Kind::kOther;
}

[[noreturn]] void ThrowResult(PGconn* conn, PGresult* res, const std::string& context) {
  std::string state;
  std::string msg;
  if (res) {
    const char* s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (s) state = s;
    const char* m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    msg = m ? m : PQresultErrorMessage(res);
    const char* detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    if (detail) msg += std::string("\nDETAIL:  ") + detail;
    PQclear(res);
  }
  if (msg.empty()) msg = PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  bool lost = PQstatus(conn) != CONNECTION_OK || state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0;
  if (state.empty() && lost) state = "08006";
  throw PgError(lost ? SqlError::Kind::kBusy : KindOf(state), state, lost, msg, context);
}

std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

}  // namespace

class PgStatement : public Statement {
 public:
  PgStatement(PostgresConnection* conn, std::string sql, int nparams, std::string name)
      : conn_(conn), sql_(std::move(sql)), name_(std::move(name)), values_(static_cast<size_t>(nparams)),
        kinds_(static_cast<size_t>(nparams), 0) {}
  ~PgStatement() override {
    Clear();
    if (prepared_) conn_->NoteReleased(std::move(name_));
  }

  void Bind(int index, const SqlValue& value) override {
    if (index < 1 || index > static_cast<int>(values_.size())) {
      throw SqlError(SqlError::Kind::kOther, "bind index " + std::to_string(index) + " out of range", sql_);
    }
    auto& slot = values_[static_cast<size_t>(index - 1)];
    kinds_[static_cast<size_t>(index - 1)] = static_cast<int>(value.index());
    switch (value.index()) {
      case 0: slot.reset(); break;
      case 1: slot = std::to_string(std::get<int64_t>(value)); break;
      case 2: slot = FormatDouble(std::get<double>(value)); break;
      case 3: slot = std::get<std::string>(value); break;
    }
  }

  bool Step() override {
    if (!res_) Run();
    ++row_;
    return row_ < rows_;
  }

  int64_t Execute() override {
    if (!res_) Run();
    const char* n = PQcmdTuples(res_);
    return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
  }

  bool IsNull(int col) const override { return PQgetisnull(res_, row_, col) != 0; }

  int64_t Int(int col) const override {
    const char* v = PQgetvalue(res_, row_, col);
    if (!v || !*v) return 0;
    if (v[0] == 't' && v[1] == 0) return 1;  // boolean
    if (v[0] == 'f' && v[1] == 0) return 0;
    char* end = nullptr;
    long long r = std::strtoll(v, &end, 10);
    if (end && *end == '.') return static_cast<int64_t>(std::strtod(v, nullptr));
    return r;
  }

  double Double(int col) const override {
    const char* v = PQgetvalue(res_, row_, col);
    if (!v || !*v) return 0;
    // strtod reads "NaN", "Infinity" and "-Infinity" too.
    return std::strtod(v, nullptr);
  }

  std::string Text(int col) const override { return std::string(TextView(col)); }

  std::string_view TextView(int col) const override {
    if (PQgetisnull(res_, row_, col)) return {};
    return std::string_view(PQgetvalue(res_, row_, col), static_cast<size_t>(PQgetlength(res_, row_, col)));
  }

  void Reset() override {
    Clear();
    for (auto& v : values_) v.reset();
    std::fill(kinds_.begin(), kinds_.end(), 0);
  }

 private:
  void Clear() {
    if (res_) PQclear(res_);
    res_ = nullptr;
    row_ = -1;
    rows_ = 0;
  }

  // Prepares on first use. A failed PREPARE inside a transaction would abort it, so a first
  // preparation there runs under a savepoint; if the server cannot infer a parameter's type,
  // the statement is prepared again with types taken from the values bound now.
  void EnsurePrepared() {
    if (prepared_) return;
    PGconn* c = conn_->conn_;
    const bool in_tx = conn_->in_transaction();
    if (in_tx) conn_->ExecScript("SAVEPOINT mlflow_cpp_prepare");
    PGresult* res = PQprepare(c, name_.c_str(), sql_.c_str(), static_cast<int>(values_.size()), nullptr);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      const char* s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
      if (s && std::string(s) == "42P18") {  // indeterminate_datatype
        PQclear(res);
        if (in_tx) conn_->ExecScript("ROLLBACK TO SAVEPOINT mlflow_cpp_prepare");
        std::vector<Oid> types(values_.size(), kTextOid);
        for (size_t i = 0; i < values_.size(); ++i) {
          if (kinds_[i] == 1) types[i] = kInt8Oid;
          if (kinds_[i] == 2) types[i] = kFloat8Oid;
        }
        res = PQprepare(c, name_.c_str(), sql_.c_str(), static_cast<int>(types.size()), types.data());
      }
    }
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      if (in_tx && PQstatus(c) == CONNECTION_OK) {
        PQclear(PQexec(c, "ROLLBACK TO SAVEPOINT mlflow_cpp_prepare; RELEASE SAVEPOINT mlflow_cpp_prepare"));
      }
      ThrowResult(c, res, "prepare: " + sql_.substr(0, 200));
    }
    PQclear(res);
    if (in_tx) conn_->ExecScript("RELEASE SAVEPOINT mlflow_cpp_prepare");
    prepared_ = true;
  }

  void Run() {
    EnsurePrepared();
    std::vector<const char*> ptrs(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) ptrs[i] = values_[i] ? values_[i]->c_str() : nullptr;
    PGconn* c = conn_->conn_;
    PGresult* res = PQexecPrepared(c, name_.c_str(), static_cast<int>(ptrs.size()), ptrs.data(), nullptr, nullptr, 0);
    ExecStatusType status = PQresultStatus(res);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) ThrowResult(c, res, "");
    res_ = res;
    row_ = -1;
    rows_ = PQntuples(res);
  }

  PostgresConnection* conn_;
  std::string sql_;
  std::string name_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> kinds_;  // SqlValue index of each bound value (for typed re-preparation)
  bool prepared_ = false;
  PGresult* res_ = nullptr;
  int row_ = -1;
  int rows_ = 0;
};

std::string RewritePlaceholders(const std::string& sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char ch = sql[i];
    if (ch == '\'' || ch == '"') {
      // Quoted literal or identifier; a doubled quote stays inside.
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == ch) {
          if (j + 1 < sql.size() && sql[j + 1] == ch) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      out.append(sql, i, j - i + 1);
      i = j;
    } else if (ch == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t j = sql.find('\n', i);
      if (j == std::string::npos) j = sql.size() - 1;
      out.append(sql, i, j - i + 1);
      i = j;
    } else if (ch == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out += ch;
    }
  }
  if (count) *count = n;
  return out;
}

std::string PostgresConninfoFromUri(const std::string& uri) {
  // postgresql+psycopg2://, postgres+pg8000:// ... -> postgresql://
  auto colon = uri.find("://");
  if (colon == std::string::npos) return uri;
  std::string scheme = uri.substr(0, colon);
  auto plus = scheme.find('+');
  if (plus != std::string::npos) scheme = scheme.substr(0, plus);
  if (scheme == "postgres") scheme = "postgresql";
  return scheme + uri.substr(colon);
}

PostgresConnection::PostgresConnection(const std::string& conninfo) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = conn_ ? PQerrorMessage(conn_) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    throw PgError(SqlError::Kind::kBusy, "08001", true, "cannot connect to PostgreSQL: " + msg);
  }
  // NOTICEs ("relation ... already exists, skipping") are not errors: keep them off stderr.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  // MLflow issues no session settings on PostgreSQL; UTF8 text and UTC keep values portable.
  ExecScript("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET extra_float_digits = 3");
}

PostgresConnection::~PostgresConnection() {
  cache_.Clear();
  if (conn_) PQfinish(conn_);  // the server forgets this session's prepared statements
}

bool PostgresConnection::healthy() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

bool PostgresConnection::in_transaction() const {
  auto s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

void PostgresConnection::DeallocateReleasedStatements() {
  if (released_.empty() || !healthy() || in_transaction()) return;
  std::string sql;
  for (const std::string& name : released_) sql += "DEALLOCATE " + name + ";";
  released_.clear();
  PQclear(PQexec(conn_, sql.c_str()));
}

StatementLease PostgresConnection::Prepare(const std::string& sql) {
  if (auto cached = cache_.TakeIdle(sql)) return StatementLease(std::move(cached));
  int n = 0;
  std::string text = RewritePlaceholders(sql, &n);
  std::string name = "mlflow_cpp_" + std::to_string(++next_statement_id_);
  auto st = std::make_shared<PgStatement>(this, std::move(text), n, std::move(name));
  if (!cache_.Contains(sql)) cache_.Insert(sql, st);  // else: the cached one is leased; this one is private
  return StatementLease(std::move(st));
}

void PostgresConnection::ExecScript(const std::string& sql) {
  PGresult* res = PQexec(conn_, sql.c_str());
  ExecStatusType status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    ThrowResult(conn_, res, sql.size() > 200 ? "" : sql);
  }
  PQclear(res);
}

bool PostgresConnection::HasTable(const std::string& table) {
  auto st = Prepare(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?");
  st->Bind(1, table);
  return st->Step();
}

bool PostgresConnection::HasColumn(const std::string& table, const std::string& column) {
  auto st = Prepare(
      "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? "
      "AND column_name = ?");
  st->Bind(1, table);
  st->Bind(2, column);
  return st->Step();
}

std::vector<std::string> PostgresConnection::TableNames() {
  std::vector<std::string> names;
  auto st = Prepare("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename");
  while (st->Step()) names.push_back(st->Text(0));
  return names;
}

}  // namespace mlflow::store::sql
