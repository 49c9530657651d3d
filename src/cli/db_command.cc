#include "cli/db_command.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "store/sql/migrations.h"
#include "store/sql/mysql_connection.h"
#include "store/sql/schema.h"
#include "store/sql/sqlite_connection.h"
#include "store/sql/store_uri.h"
#if __has_include("store/sql/postgres_connection.h")
#include "store/sql/postgres_connection.h"
#define MLFLOW_DB_COMMAND_HAS_POSTGRES 1
#endif

namespace mlflow::cli {
namespace {

struct DbOptions {
  std::string uri;
};
DbOptions& Options() {
  static DbOptions options;
  return options;
}
CLI::App* g_upgrade = nullptr;

int Fail(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

std::unique_ptr<store::sql::Connection> Open(const std::string& uri, std::string* error) {
  try {
    if (store::sql::IsSqliteUri(uri)) {
      Result<std::string> parsed = store::sql::SqlitePathFromUri(uri);
      if (!parsed.ok() || *parsed == ":memory:") {
        *error = "'" + uri + "' names no database file";
        return nullptr;
      }
      const std::string& path = *parsed;
      // Upgrading must not invent a database: a typo would otherwise leave an empty file.
      if (!std::filesystem::exists(path)) {
        *error = "no database file at '" + path + "'";
        return nullptr;
      }
      return std::make_unique<store::sql::SqliteConnection>(path);
    }
    if (store::sql::IsMysqlUri(uri)) {
      Result<store::sql::MysqlTarget> target = store::sql::ParseMysqlUri(uri);
      if (!target.ok()) {
        *error = target.status().message();
        return nullptr;
      }
      return std::make_unique<store::sql::MysqlConnection>(*target);
    }
#ifdef MLFLOW_DB_COMMAND_HAS_POSTGRES
    if (store::sql::IsPostgresUri(uri)) return std::make_unique<store::sql::PostgresConnection>(store::sql::PostgresConninfoFromUri(uri));
#endif
  } catch (const store::sql::SqlError& e) {
    *error = "cannot open " + store::sql::RedactUri(uri) + ": " + e.what();
    return nullptr;
  }
  *error = "unsupported database URI '" + store::sql::RedactUri(uri) + "': expected sqlite:///<path>" +
#ifdef MLFLOW_DB_COMMAND_HAS_POSTGRES
           ", postgresql://user:pass@host:port/db or mysql://user:pass@host:port/db";
#else
           " or mysql://user:pass@host:port/db";
#endif
  return nullptr;
}

int RunUpgrade() {
  const std::string uri = Options().uri;
  const std::string shown = store::sql::RedactUri(uri);
  std::string error;
  auto conn = Open(uri, &error);
  if (!conn) return Fail(error);

  const auto& steps = store::sql::MigrationSteps();
  const auto started = std::chrono::steady_clock::now();
  auto step_started = started;
  std::string running;  // revision of the step in progress, for its timing line
  auto report_done = [&](const char* extra = "") {
    if (running.empty()) return;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                    step_started)
                  .count();
    std::printf("  done %s%s (%lld ms)\n", running.c_str(), extra, static_cast<long long>(ms));
    std::fflush(stdout);
  };
  auto progress = [&](std::string_view revision) {
    report_done();
    std::string_view summary;
    int index = 0;
    for (size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].revision == revision) {
        summary = steps[i].summary;
        index = static_cast<int>(i) + 1;
      }
    }
    std::printf("Running migration %d/%zu %.*s: %.*s\n", index, steps.size(),
                static_cast<int>(revision.size()), revision.data(), static_cast<int>(summary.size()),
                summary.data());
    std::fflush(stdout);
    running = std::string(revision);
    step_started = std::chrono::steady_clock::now();
  };

  std::printf("Upgrading %s to alembic revision %s (%s)\n", shown.c_str(), store::sql::kSchemaRevision,
              store::sql::IsMysqlUri(uri)
                  ? "MySQL commits DDL implicitly: each migration is committed and recorded in alembic_version "
                    "on its own, so an interrupted upgrade resumes from the last one done"
                  : "one transaction; nothing changes on error");
  std::fflush(stdout);
  store::sql::UpgradeOutcome outcome;
  Status st = store::sql::UpgradeSchema(*conn, progress, &outcome);
  if (!st.ok()) return Fail(shown + ": " + st.message());
  report_done(store::sql::IsMysqlUri(uri) ? "" : ", foreign key check, commit");
  auto total = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                   .count();
  std::printf("%s (%lld ms)\n", outcome.message.c_str(), static_cast<long long>(total));
  return 0;
}

}  // namespace

CLI::App* AddDbCommand(CLI::App& app) {
  auto* db = app.add_subcommand("db", "Database tools");
  db->require_subcommand(1);
  g_upgrade = db->add_subcommand(
      "upgrade",
      std::string("Upgrade an MLflow database (SQLite, PostgreSQL or MySQL) to the schema this mlflow-cpp serves "
                  "(alembic revision ") +
          store::sql::kSchemaRevision + "). Take a backup first.");
  g_upgrade->add_option("url", Options().uri, "Database URI: sqlite:///mlflow.db, postgresql://... or mysql://...")->required();
  return db;
}

int RunDbCommand() {
  if (g_upgrade && g_upgrade->parsed()) return RunUpgrade();
  return Fail("unknown db command");
}

}  // namespace mlflow::cli
