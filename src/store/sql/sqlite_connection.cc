#include "store/sql/sqlite_connection.h"

#include <sqlite3.h>

#include <regex>

namespace mlflow::store::sql {
namespace {

[[noreturn]] void Throw(sqlite3* db, int rc, const std::string& context) {
  int primary = rc & 0xff;
  SqlError::Kind kind = SqlError::Kind::kOther;
  if (primary == SQLITE_CONSTRAINT) kind = SqlError::Kind::kConstraint;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) kind = SqlError::Kind::kBusy;
  std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw SqlError(kind, msg, context);
}

class SqliteStatement : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* st) : db_(db), st_(st) {}
  ~SqliteStatement() override { sqlite3_finalize(st_); }

  void BindText(int index, std::string_view v) override {
    // An empty view may have no data pointer; SQLite would bind that as NULL, not ''.
    const char* data = v.data() ? v.data() : "";
    int rc = sqlite3_bind_text(st_, index, data, static_cast<int>(v.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) Throw(db_, rc, "bind");
  }
  void BindInt64(int index, int64_t v) override {
    int rc = sqlite3_bind_int64(st_, index, v);
    if (rc != SQLITE_OK) Throw(db_, rc, "bind");
  }
  void BindDouble(int index, double v) override {
    int rc = sqlite3_bind_double(st_, index, v);
    if (rc != SQLITE_OK) Throw(db_, rc, "bind");
  }
  void Bind(int index, const SqlValue& value) override {
    int rc = SQLITE_OK;
    switch (value.index()) {
      case 0: rc = sqlite3_bind_null(st_, index); break;
      case 1: rc = sqlite3_bind_int64(st_, index, std::get<int64_t>(value)); break;
      case 2: rc = sqlite3_bind_double(st_, index, std::get<double>(value)); break;
      case 3: {
        const auto& s = std::get<std::string>(value);
        rc = sqlite3_bind_text(st_, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        break;
      }
    }
    if (rc != SQLITE_OK) Throw(db_, rc, "bind");
  }
  bool Step() override {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Throw(db_, rc, "");
  }
  int64_t Execute() override {
    while (Step()) {
    }
    return sqlite3_changes(db_);
  }
  bool IsNull(int col) const override { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
  int64_t Int(int col) const override { return sqlite3_column_int64(st_, col); }
  double Double(int col) const override { return sqlite3_column_double(st_, col); }
  std::string Text(int col) const override { return std::string(TextView(col)); }
  std::string_view TextView(int col) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    if (!p) return {};
    return std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st_, col)));
  }
  void Reset() override {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_;
};

// regexp(pattern, string): Python re.search semantics closely enough for RLIKE; NULL or a bad
// pattern is false, like MLflow's registered function.
void RegexpFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc != 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  const char* pattern = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const char* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  auto* cached = static_cast<std::regex*>(sqlite3_get_auxdata(ctx, 0));
  if (!cached) {
    try {
      cached = new std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      sqlite3_result_int(ctx, 0);
      return;
    }
    sqlite3_set_auxdata(ctx, 0, cached, [](void* p) { delete static_cast<std::regex*>(p); });
    cached = static_cast<std::regex*>(sqlite3_get_auxdata(ctx, 0));
    if (!cached) {
      sqlite3_result_int(ctx, 0);
      return;
    }
  }
  sqlite3_result_int(ctx, std::regex_search(text, *cached) ? 1 : 0);
}

}  // namespace

namespace {
// Before SQLite initializes: no global memory statistics, so allocations take no global mutex.
// Savepoint journals (the group-commit writer opens a SAVEPOINT per request, sqlite_database.cc)
// stay in memory up to 8 MB: at SQLite's default of 64 KB, a log-batch request's journal spilled
// into a new temp file in /var/tmp in nearly every transaction (open, unlink, a pwrite per page,
// close; README, tracking benchmark). Only the rollback of one request reads it; the durability of
// a commit is the WAL's and does not change.
constexpr int kSavepointJournalInMemory = 8 << 20;
const bool kSqliteConfigured = [] {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kSavepointJournalInMemory);
  return true;
}();
}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, bool read_only) {
  (void)kSqliteConfigured;
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqlError(SqlError::Kind::kOther, "cannot open SQLite database '" + path + "': " + msg);
  }
  sqlite3_busy_timeout(db_, 20000);
  sqlite3_create_function(db_, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, RegexpFunction, nullptr,
                          nullptr);
  // MLflow's per-session settings, plus WAL with FULL sync: an acknowledged write survives a
  // power cut, and readers never wait for the writer.
  // Memory-mapped reads: pages come straight from the OS cache instead of being copied into each
  // connection's own page cache (file-backed, so it does not count against the process's memory).
  std::string pragmas = "PRAGMA foreign_keys = ON; PRAGMA case_sensitive_like = true; PRAGMA mmap_size = 1073741824;";
  if (!read_only) pragmas += "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";
  ExecScript(pragmas);
}

SqliteConnection::~SqliteConnection() {
  literals_.clear();
  cache_.Clear();  // finalize idle statements before closing
  // close_v2: should a statement still be leased, the handle closes when it is finalized.
  if (db_) sqlite3_close_v2(db_);
}

StatementLease SqliteConnection::Prepare(const std::string& sql) {
  if (auto cached = cache_.TakeIdle(sql)) return StatementLease(std::move(cached));
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                              nullptr);
  if (rc != SQLITE_OK) Throw(db_, rc, "prepare: " + sql.substr(0, 200));
  auto st = std::make_shared<SqliteStatement>(db_, raw);
  if (!cache_.Contains(sql)) cache_.Insert(sql, st);  // else: the cached one is leased; this one is private
  return StatementLease(std::move(st));
}

StatementLease SqliteConnection::PrepareLiteral(const char* sql) {
  auto it = literals_.find(sql);
  if (it != literals_.end() && it->second.sql == sql) {
    // Idle: held by this map alone. Leased (nested use of one text): a private statement.
    if (it->second.statement.use_count() == 1) return StatementLease(it->second.statement);
    return Prepare(std::string(sql));
  }
  if (literals_.size() >= kLiteralCacheCapacity) return Prepare(std::string(sql));  // not a literal after all
  sqlite3_stmt* raw = nullptr;
  std::string text(sql);
  int rc = sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                              nullptr);
  if (rc != SQLITE_OK) Throw(db_, rc, "prepare: " + text.substr(0, 200));
  auto st = std::make_shared<SqliteStatement>(db_, raw);
  literals_[sql] = LiteralEntry{std::move(text), st};  // replaces an entry whose buffer now holds other text
  return StatementLease(std::move(st));
}

void SqliteConnection::ExecScript(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    int primary = rc & 0xff;
    throw SqlError(primary == SQLITE_CONSTRAINT ? SqlError::Kind::kConstraint
                   : primary == SQLITE_BUSY     ? SqlError::Kind::kBusy
                                                : SqlError::Kind::kOther,
                   msg);
  }
}

bool SqliteConnection::HasTable(const std::string& table) {
  auto st = Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  st->Bind(1, table);
  return st->Step();
}

bool SqliteConnection::HasColumn(const std::string& table, const std::string& column) {
  auto st = Prepare("SELECT 1 FROM pragma_table_info(?) WHERE name = ?");
  st->Bind(1, table);
  st->Bind(2, column);
  return st->Step();
}

std::vector<std::string> SqliteConnection::TableNames() {
  std::vector<std::string> names;
  auto st = Prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  while (st->Step()) names.push_back(st->Text(0));
  return names;
}

}  // namespace mlflow::store::sql
