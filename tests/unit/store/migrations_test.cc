// UpgradeSchema on databases written by older MLflow releases. The fixtures in
// tests/fixtures/db/<revision>.sql are SQLite dumps of databases that the real MLflow 3.6.0 built
// with its own migrations up to <revision> and make_fixture.py then filled with known rows (see
// tests/fixtures/db/README.md). Each is upgraded here and checked against a fresh CreateSchema
// database structurally (columns, types, NOT NULL, defaults, PK positions, indexes, foreign keys
// and their actions, named/unnamed table constraints and CHECK clauses), and row by row: every row
// of every table survives with its values, plus the effects of MLflow's data migrations.
#include "store/sql/migrations.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "store/sql/schema.h"
#include "store/sql/sqlite_connection.h"

namespace mlflow::store::sql {
namespace {

namespace fs = std::filesystem;

const std::string kRunA = std::string(31, 'a') + "1";
const std::string kRunB = std::string(31, 'b') + "2";
const std::string kRunC = std::string(31, 'c') + "3";

// An absolute path from CMake (__FILE__ may be relative when ccache rewrites paths).
fs::path FixtureDir() { return fs::path(MLFLOW_TEST_FIXTURES_DIR) / "db"; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "mlflow-migrations-XXXXXX").string();
    path_ = mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path operator/(const std::string& name) const { return fs::path(path_) / name; }

 private:
  std::string path_;
};

std::vector<std::vector<std::string>> Query(Connection& c, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  // Column count is not exposed by Statement; callers select a known number of columns via
  // a single concatenated text column.
  auto st = c.Prepare(sql);
  while (st->Step()) rows.push_back({st->IsNull(0) ? std::string("<null>") : st->Text(0)});
  return rows;
}

std::vector<std::string> Column(Connection& c, const std::string& sql) {
  std::vector<std::string> out;
  for (auto& r : Query(c, sql)) out.push_back(r[0]);
  return out;
}

std::string Scalar(Connection& c, const std::string& sql) {
  auto rows = Column(c, sql);
  return rows.empty() ? std::string("<no row>") : rows[0];
}

std::vector<std::string> Tables(Connection& c) {
  return Column(c, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                   "ORDER BY name");
}

std::vector<std::string> Columns(Connection& c, const std::string& table) {
  return Column(c, "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid");
}

// Removes quotes, folds case and whitespace outside single-quoted literals.
std::string Fold(const std::string& s) {
  std::string out;
  bool in_literal = false;
  for (char ch : s) {
    if (ch == '\'') in_literal = !in_literal;
    if (!in_literal) {
      if (ch == '"' || ch == '`' || std::isspace(static_cast<unsigned char>(ch))) continue;
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    out += ch;
  }
  return out;
}

// Table constraints (PRIMARY KEY / UNIQUE / CHECK / FOREIGN KEY clauses, named or not) from the
// CREATE TABLE text, folded and sorted: their order in the text is not part of the schema.
std::vector<std::string> TableConstraints(const std::string& sql) {
  std::string body = sql.substr(sql.find('(') + 1);
  body = body.substr(0, body.rfind(')'));
  std::vector<std::string> parts;
  std::string cur;
  int depth = 0;
  bool literal = false;
  for (char ch : body) {
    if (ch == '\'') literal = !literal;
    if (!literal) {
      if (ch == '(') ++depth;
      if (ch == ')') --depth;
      if (ch == ',' && depth == 0) {
        parts.push_back(cur);
        cur.clear();
        continue;
      }
    }
    cur += ch;
  }
  parts.push_back(cur);
  std::vector<std::string> out;
  for (const auto& p : parts) {
    std::string f = Fold(p);
    for (const char* kw : {"constraint", "primarykey", "unique", "check", "foreignkey"}) {
      if (f.rfind(kw, 0) == 0) {
        out.push_back(f);
        break;
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Everything SQLite reports about a table's structure, as text.
std::string DescribeTable(Connection& c, const std::string& table) {
  std::ostringstream os;
  {
    auto st = c.Prepare("SELECT cid, name, upper(type), \"notnull\", dflt_value, pk, hidden FROM "
                        "pragma_table_xinfo(?) ORDER BY cid");
    st->Bind(1, table);
    while (st->Step()) {
      os << "col " << st->Text(0) << " " << st->Text(1) << " " << st->Text(2) << " nn=" << st->Text(3)
         << " default=" << (st->IsNull(4) ? "<none>" : st->Text(4)) << " pk=" << st->Text(5)
         << " hidden=" << st->Text(6) << "\n";
    }
  }
  std::vector<std::string> lines;
  {
    auto st = c.Prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)");
    st->Bind(1, table);
    std::vector<std::string> names;
    while (st->Step()) {
      names.push_back(st->Text(0));
      lines.push_back("index " + st->Text(0) + " unique=" + st->Text(1) + " origin=" + st->Text(2) +
                      " partial=" + st->Text(3));
    }
    for (const auto& n : names) {
      std::string cols;
      auto ix = c.Prepare("SELECT name FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno");
      ix->Bind(1, n);
      while (ix->Step()) cols += (ix->IsNull(0) ? std::string("<expr>") : ix->Text(0)) + ",";
      lines.push_back("index-columns " + n + " " + cols);
    }
  }
  {
    auto st = c.Prepare("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete, \"match\" FROM "
                        "pragma_foreign_key_list(?) ORDER BY id, seq");
    st->Bind(1, table);
    std::map<std::string, std::string> fks;
    while (st->Step()) {
      auto& fk = fks[st->Text(0)];
      if (fk.empty()) {
        fk = "fk -> " + st->Text(1) + " update=" + st->Text(4) + " delete=" + st->Text(5) +
             " match=" + st->Text(6) + " cols=";
      }
      fk += st->Text(2) + ">" + (st->IsNull(3) ? std::string("<pk>") : st->Text(3)) + ",";
    }
    for (auto& [id, fk] : fks) lines.push_back(fk);
  }
  for (const auto& con : TableConstraints(
           Scalar(c, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'"))) {
    lines.push_back("constraint " + con);
  }
  std::sort(lines.begin(), lines.end());
  for (const auto& l : lines) os << l << "\n";
  return os.str();
}

// Rows of `table` restricted to `columns`, rendered and sorted.
std::vector<std::string> Rows(Connection& c, const std::string& table, const std::vector<std::string>& columns) {
  std::string expr;
  for (const auto& col : columns) {
    if (!expr.empty()) expr += " || '|' || ";
    expr += "coalesce(quote(\"" + col + "\"), 'NULL')";
  }
  auto rows = Column(c, "SELECT " + expr + " FROM \"" + table + "\"");
  std::sort(rows.begin(), rows.end());
  return rows;
}

struct Snapshot {
  std::map<std::string, std::vector<std::string>> columns;
  std::map<std::string, std::vector<std::string>> rows;
};

Snapshot Take(Connection& c) {
  Snapshot s;
  for (const auto& t : Tables(c)) {
    s.columns[t] = Columns(c, t);
    s.rows[t] = Rows(c, t, s.columns[t]);
  }
  return s;
}

std::unique_ptr<SqliteConnection> LoadFixture(const TempDir& dir, const std::string& revision) {
  const fs::path sql = FixtureDir() / (revision + ".sql");
  EXPECT_TRUE(fs::exists(sql)) << sql;
  auto conn = std::make_unique<SqliteConnection>((dir / (revision + ".db")).string());
  conn->ExecScript(ReadFile(sql));
  conn->ExecScript("PRAGMA foreign_keys = ON");
  return conn;
}

int StepIndex(const std::string& revision) {
  const auto& steps = MigrationSteps();
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].revision == revision) return static_cast<int>(i);
  }
  return -1;  // "base": before the first step
}

TEST(MigrationsTest, StepsFollowMlflowChainUpToOurRevision) {
  const auto& steps = MigrationSteps();
  const auto& older = OlderRevisions();
  ASSERT_EQ(steps.size(), older.size() + 1);
  for (size_t i = 0; i < older.size(); ++i) EXPECT_EQ(steps[i].revision, older[i]) << i;
  EXPECT_EQ(steps.back().revision, kSchemaRevision);
  for (const auto& s : steps) {
    EXPECT_FALSE(s.summary.empty());
    EXPECT_NE(s.apply, nullptr);
  }
}

class FixtureUpgradeTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureUpgradeTest, UpgradesToCreateSchemaStructureKeepingEveryRow) {
  const std::string revision = GetParam();
  TempDir dir;
  auto conn = LoadFixture(dir, revision);
  if (revision != "base") {
    ASSERT_EQ(Scalar(*conn, "SELECT version_num FROM alembic_version"), revision);
    auto refused = InspectSchema(*conn, "sqlite:///x.db");
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.status().message().find("mlflow-cpp db upgrade sqlite:///x.db"), std::string::npos);
  }
  const Snapshot before = Take(*conn);

  std::vector<std::string> seen;
  UpgradeOutcome out;
  Status st = UpgradeSchema(*conn, [&](std::string_view r) { seen.emplace_back(r); }, &out);
  ASSERT_TRUE(st.ok()) << st.message();

  // Progress: exactly the steps after the fixture's revision, in order.
  const auto& steps = MigrationSteps();
  const int first = StepIndex(revision) + 1;
  ASSERT_EQ(seen.size(), steps.size() - first);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], steps[first + i].revision);
  EXPECT_EQ(out.steps_applied, static_cast<int>(seen.size()));
  EXPECT_EQ(out.from_revision, revision == "base" ? "" : revision);
  EXPECT_NE(out.message.find(kSchemaRevision), std::string::npos);

  // The store accepts it now.
  auto info = InspectSchema(*conn, "sqlite:///x.db");
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->status, SchemaStatus::kCurrent);
  EXPECT_EQ(Column(*conn, "SELECT version_num FROM alembic_version"), std::vector<std::string>{kSchemaRevision});
  EXPECT_EQ(Scalar(*conn, "PRAGMA foreign_keys"), "1");
  EXPECT_TRUE(Column(*conn, "PRAGMA foreign_key_check").empty());
  EXPECT_EQ(Scalar(*conn, "PRAGMA integrity_check"), "ok");

  // Structure equals a fresh CreateSchema database, table by table.
  SqliteConnection fresh((dir / "fresh.db").string());
  ASSERT_TRUE(CreateSchema(fresh).ok());
  const auto ours = Tables(*conn);
  ASSERT_EQ(ours, Tables(fresh));
  for (const auto& t : ours) EXPECT_EQ(DescribeTable(*conn, t), DescribeTable(fresh, t)) << "table " << t;
  // Explicit indexes too (names and tables).
  const std::string idx_sql =
      "SELECT name || ' on ' || tbl_name FROM sqlite_master WHERE type = 'index' ORDER BY name";
  EXPECT_EQ(Column(*conn, idx_sql), Column(fresh, idx_sql));

  // Every row of every table that existed survives with its values (in the columns it had),
  // except the rows MLflow's data migrations add.
  const bool user_tag_backfill = StepIndex(revision) < StepIndex("90e64c465722");
  const bool latest_fill = StepIndex(revision) < StepIndex("89d4b8295536");
  for (const auto& [table, cols] : before.columns) {
    if (table == "alembic_version") continue;
    auto after_rows = Rows(*conn, table, cols);
    auto want = before.rows.at(table);
    if (table == "tags" && user_tag_backfill) {
      want.push_back("'mlflow.user'|'alice'|'" + kRunA + "'");
      std::sort(want.begin(), want.end());
    }
    EXPECT_EQ(after_rows, want) << "rows of " << table;
  }

  // The data migrations' effects, and values MLflow's upgrade must leave as they are.
  const std::vector<std::string> user_tags =
      user_tag_backfill ? std::vector<std::string>{kRunA + "=alice", kRunB + "=bob-from-tag"}
                        : std::vector<std::string>{kRunB + "=bob-from-tag"};
  EXPECT_EQ(Column(*conn, "SELECT run_uuid || '=' || value FROM tags WHERE key = 'mlflow.user' ORDER BY run_uuid"),
            user_tags);
  const std::string latest =
      "SELECT key || ' ' || quote(value) || ' ' || step || ' ' || quote(timestamp) || ' ' || is_nan "
      "FROM latest_metrics WHERE run_uuid = '" + kRunA + "' ORDER BY key";
  if (revision == "base") {
    // No step column before 451aebb31d03: every metric is at step 0, one value per timestamp.
    EXPECT_EQ(Column(*conn, latest), (std::vector<std::string>{"acc 0.9 0 1600000001000 0",
                                                                 "loss 1.5 0 1600000001000 0"}));
  } else if (StepIndex(revision) < StepIndex("181f10493468")) {
    EXPECT_EQ(Column(*conn, latest), (std::vector<std::string>{"acc 0.95 0 1600000001000 0",
                                                                 "loss 0.5 2 1600000003000 0"}));
  } else {
    // With is_nan: the NaN metric is stored as 0 with is_nan = 1 and stays so.
    EXPECT_EQ(Column(*conn, latest),
              (std::vector<std::string>{"acc 0.95 0 1600000001000 0", "loss 0.5 2 1600000003000 0",
                                        "nanm 0.0 0 1600000004000 1"}));
    EXPECT_EQ(Scalar(*conn, "SELECT quote(value) || ' ' || is_nan FROM metrics WHERE key = 'nanm'"), "0.0 1");
  }
  // One row per (run, key); filled by the migration when the fixture predates the table.
  const char* latest_count = revision == "base" ? "3" : StepIndex(revision) < StepIndex("181f10493468") ? "4" : "5";
  EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM latest_metrics"), latest_count) << (latest_fill ? "filled" : "kept");
  EXPECT_EQ(Scalar(*conn, "SELECT value = 1.7976931348623157e308 FROM latest_metrics WHERE key = 'big'"),
            revision == "base" ? "<no row>" : "1");
  EXPECT_EQ(Scalar(*conn, "SELECT status FROM runs WHERE run_uuid = '" + kRunB + "'"), "FAILED");
  EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM experiments"), "3");
  // New columns get NULL / their defaults.
  EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM inputs WHERE step <> 0"), "0");
  if (StepIndex(revision) >= StepIndex("2b4d017a5e9b")) {
    EXPECT_EQ(Column(*conn, "SELECT name || '/' || version || '/' || run_id || '/' || current_stage FROM "
                            "model_versions ORDER BY version"),
              (std::vector<std::string>{"model-a/1/" + kRunA + "/Production", "model-a/2/" + kRunA + "/None"}));
  }

  // The upgraded database is usable with foreign keys on: a registry rename cascades.
  if (StepIndex(revision) >= StepIndex("3500859a5d39")) {
    conn->ExecScript("UPDATE registered_models SET name = 'model-z' WHERE name = 'model-a'");
    EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM model_versions WHERE name = 'model-z'"), "2");
    EXPECT_EQ(Scalar(*conn, "SELECT count(*) FROM registered_model_aliases WHERE name = 'model-z'"), "1");
  }

  // A second run is a no-op.
  UpgradeOutcome again;
  seen.clear();
  ASSERT_TRUE(UpgradeSchema(*conn, [&](std::string_view r) { seen.emplace_back(r); }, &again).ok());
  EXPECT_TRUE(seen.empty());
  EXPECT_EQ(again.steps_applied, 0);
  EXPECT_NE(again.message.find("already at revision"), std::string::npos);
}

std::vector<std::string> FixtureRevisions() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(FixtureDir())) {
    if (e.path().extension() == ".sql") out.push_back(e.path().stem().string());
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return StepIndex(a) < StepIndex(b);
  });
  return out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureUpgradeTest, ::testing::ValuesIn(FixtureRevisions()),
                         [](const auto& info) { return "rev_" + info.param; });

TEST(MigrationsTest, FixturesCoverOldestOneXTwoXAndThreeX) {
  auto revs = FixtureRevisions();
  for (const char* want : {"base", "451aebb31d03", "cfd24bdc0731", "bd07f7e963c5", "7f2a7d5fae7d",
                           "acf3f17fdcc7", "0584bdc529eb", "400f98739977", "1a0cddfcaa16", "71994744cf8e"}) {
    EXPECT_NE(std::find(revs.begin(), revs.end(), want), revs.end()) << want;
  }
  for (const auto& r : revs) EXPECT_TRUE(r == "base" || StepIndex(r) >= 0) << "unknown fixture " << r;
}

TEST(MigrationsTest, EmptyDatabaseGetsTheWholeSchemaLikeMlflowStartup) {
  TempDir dir;
  SqliteConnection conn((dir / "empty.db").string());
  UpgradeOutcome out;
  int calls = 0;
  ASSERT_TRUE(UpgradeSchema(conn, [&](std::string_view) { ++calls; }, &out).ok());
  EXPECT_EQ(calls, static_cast<int>(MigrationSteps().size()));
  SqliteConnection fresh((dir / "fresh.db").string());
  ASSERT_TRUE(CreateSchema(fresh).ok());
  ASSERT_EQ(Tables(conn), Tables(fresh));
  for (const auto& t : Tables(conn)) EXPECT_EQ(DescribeTable(conn, t), DescribeTable(fresh, t)) << t;
}

TEST(MigrationsTest, CurrentDatabaseIsANoOp) {
  TempDir dir;
  SqliteConnection conn((dir / "cur.db").string());
  ASSERT_TRUE(CreateSchema(conn).ok());
  conn.ExecScript("INSERT INTO experiments (experiment_id, name) VALUES (0, 'Default')");
  UpgradeOutcome out;
  ASSERT_TRUE(UpgradeSchema(conn, {}, &out).ok());
  EXPECT_EQ(out.steps_applied, 0);
  EXPECT_EQ(out.from_revision, kSchemaRevision);
  EXPECT_NE(out.message.find("nothing to do"), std::string::npos);
  EXPECT_EQ(Scalar(conn, "SELECT count(*) FROM experiments"), "1");
  // No transaction left open: a new one can start.
  conn.ExecScript("BEGIN; COMMIT;");
}

TEST(MigrationsTest, NewerAndUnknownRevisionsAreRefusedUntouched) {
  TempDir dir;
  SqliteConnection conn((dir / "newer.db").string());
  ASSERT_TRUE(CreateSchema(conn).ok());
  for (const auto& [rev, word] : std::vector<std::pair<std::string, std::string>>{
           {std::string(NewerRevisions().front()), "newer than this mlflow-cpp"},
           {"dc11669786a5", "newer than this mlflow-cpp"},
           {"0123456789ab", "not a revision this mlflow-cpp knows"}}) {
    conn.ExecScript("UPDATE alembic_version SET version_num = '" + rev + "'");
    UpgradeOutcome out;
    Status st = UpgradeSchema(conn, [](std::string_view) { ADD_FAILURE() << "no step may run"; }, &out);
    ASSERT_FALSE(st.ok()) << rev;
    EXPECT_NE(st.message().find(word), std::string::npos) << st.message();
    EXPECT_EQ(Scalar(conn, "SELECT version_num FROM alembic_version"), rev);
    EXPECT_EQ(Scalar(conn, "PRAGMA foreign_keys"), "1");
  }
}

TEST(MigrationsTest, AFailingStepLeavesTheDatabaseAsItWas) {
  TempDir dir;
  auto conn = LoadFixture(dir, "451aebb31d03");
  // A stray table with the name a later migration creates makes that step fail.
  conn->ExecScript("CREATE TABLE latest_metrics (x INTEGER)");
  const Snapshot before = Take(*conn);
  const std::string schema_sql = "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name";
  const auto schema_before = Column(*conn, schema_sql);
  std::vector<std::string> seen;
  Status st = UpgradeSchema(*conn, [&](std::string_view r) { seen.emplace_back(r); });
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("89d4b8295536"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("left unchanged"), std::string::npos) << st.message();
  EXPECT_EQ(seen.back(), "89d4b8295536");
  // Earlier steps (the mlflow.user backfill, the metrics rebuild) were rolled back too.
  EXPECT_EQ(Column(*conn, schema_sql), schema_before);
  const Snapshot after = Take(*conn);
  EXPECT_EQ(after.rows, before.rows);
  EXPECT_EQ(Scalar(*conn, "SELECT version_num FROM alembic_version"), "451aebb31d03");
  EXPECT_EQ(Scalar(*conn, "PRAGMA foreign_keys"), "1");
}

TEST(MigrationsTest, DanglingForeignKeysFailTheUpgrade) {
  TempDir dir;
  auto conn = LoadFixture(dir, "400f98739977");
  conn->ExecScript("PRAGMA foreign_keys = OFF");
  conn->ExecScript("INSERT INTO params (key, value, run_uuid) VALUES ('orphan', 'v', 'nosuchrun')");
  conn->ExecScript("PRAGMA foreign_keys = ON");
  Status st = UpgradeSchema(*conn);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("foreign key check failed"), std::string::npos) << st.message();
  EXPECT_EQ(Scalar(*conn, "SELECT version_num FROM alembic_version"), "400f98739977");
  EXPECT_FALSE(conn->HasTable("jobs"));
}

TEST(MigrationsTest, ConcurrentUpgradesSerialiseAndTheSecondIsANoOp) {
  TempDir dir;
  { LoadFixture(dir, "451aebb31d03"); }
  const std::string path = (dir / "451aebb31d03.db").string();
  UpgradeOutcome out[2];
  Status st[2];
  std::thread threads[2];
  for (int i = 0; i < 2; ++i) {
    threads[i] = std::thread([&, i] {
      SqliteConnection conn(path);
      st[i] = UpgradeSchema(conn, {}, &out[i]);
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(st[0].ok()) << st[0].message();
  ASSERT_TRUE(st[1].ok()) << st[1].message();
  EXPECT_EQ(out[0].steps_applied + out[1].steps_applied, static_cast<int>(MigrationSteps().size()) - 1);
  EXPECT_TRUE(out[0].steps_applied == 0 || out[1].steps_applied == 0);
  SqliteConnection conn(path);
  EXPECT_EQ(Column(conn, "SELECT version_num FROM alembic_version"), std::vector<std::string>{kSchemaRevision});
}

}  // namespace
}  // namespace mlflow::store::sql
