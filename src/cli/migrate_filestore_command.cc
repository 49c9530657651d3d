#include "cli/migrate_filestore_command.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "store/filestore/file_store_reader.h"
#include "store/filestore/sql_import.h"
#include "store/sql/open_database.h"
#include "store/sql/store_uri.h"

namespace mlflow::cli {
namespace {

namespace fs = std::filesystem;
using store::filestore::ExperimentDir;
using store::filestore::FileStoreLayout;
using store::filestore::FsExperiment;
using store::filestore::FsRegisteredModel;
using store::filestore::SqlImporter;

struct MigrateOptions {
  std::string source;
  std::string target;
  bool progress = true;  // MLflow's default: --progress
};
MigrateOptions& Options() {
  static MigrateOptions options;
  return options;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "Error: %s\n", message.c_str());
  return 1;
}

// A SQLite target file this command creates is removed again when the migration fails, so a
// failure leaves nothing behind; a file that existed is left to the rolled-back transaction.
struct CreatedSqliteFile {
  std::string path;
  void Remove() const {
    if (path.empty()) return;
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
  }
};

// Checks the target URI before anything is opened; fills *created when a SQLite file is new.
Status CheckTarget(const std::string& uri, CreatedSqliteFile* created) {
  if (store::sql::IsSqliteUri(uri)) {
    MLFLOW_ASSIGN_OR_RETURN(std::string path, store::sql::SqlitePathFromUri(uri));
    if (path == ":memory:" || path.empty()) return Status::InvalidParameter("'" + uri + "' names no database file");
    fs::path parent = fs::absolute(path).parent_path();
    std::error_code ec;
    if (!fs::is_directory(parent, ec)) {
      return Status::InvalidParameter("the target's folder does not exist: " + parent.string());
    }
    if (!fs::exists(path, ec)) created->path = path;
    return Status();
  }
  if (store::sql::IsPostgresUri(uri) || store::sql::IsMysqlUri(uri)) return Status();
  return Status::InvalidParameter("unsupported target '" + store::sql::RedactUri(uri) +
                                  "': expected sqlite:///<path>, postgresql://user:pass@host:port/db or "
                                  "mysql://user:pass@host:port/db");
}

// "[i/n] what" on stderr with --progress.
void Progress(size_t i, size_t n, const std::string& what) {
  if (!Options().progress) return;
  std::fprintf(stderr, "[%zu/%zu] %s\n", i, n, what.c_str());
  std::fflush(stderr);
}

int Run() {
  const MigrateOptions& o = Options();
  const auto started = std::chrono::steady_clock::now();
  Result<FileStoreLayout> layout = store::filestore::ListFileStore(o.source);
  if (!layout.ok()) return Fail(layout.status().message());
  CreatedSqliteFile created;
  Status checked = CheckTarget(o.target, &created);
  if (!checked.ok()) return Fail(checked.message());
  const std::string shown_target = store::sql::RedactUri(o.target);
  if (o.progress) {
    std::fprintf(stderr, "Source: %s\nTarget: %s\n", layout->root.c_str(), shown_target.c_str());
    std::fflush(stderr);
  }

  Result<store::sql::OpenedDatabase> opened = store::sql::OpenDatabase(o.target, /*pool_size=*/1);
  if (!opened.ok()) {
    created.Remove();
    return Fail(opened.status().message());
  }
  std::shared_ptr<store::sql::Database> db = opened->db;

  store::filestore::ImportCounts counts;
  Status st = db->Write([&](store::sql::Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(store::filestore::CheckEmptyTarget(c));
    SqlImporter importer(c);
    const size_t n = layout->experiments.size();
    for (size_t i = 0; i < n; ++i) {
      const ExperimentDir& dir = layout->experiments[i];
      Result<FsExperiment> e = store::filestore::ReadExperiment(dir);
      if (!e.ok()) return e.status();
      try {
        MLFLOW_RETURN_IF_ERROR(importer.ImportExperiment(*e));
      } catch (const store::sql::SqlError& err) {
        return Status::InvalidParameter("experiment " + dir.experiment_id + " (" + dir.path +
                                        "): " + err.message());
      }
      Progress(i + 1, n,
               "experiment " + dir.experiment_id + ": " +
                   (e->name.empty() ? std::string("no meta.yaml, skipped")
                                    : std::to_string(e->runs.size()) + " runs, " + std::to_string(e->traces.size()) +
                                          " traces, " + std::to_string(e->logged_models.size()) + " logged models"));
    }
    const size_t m = layout->registered_model_dirs.size();
    for (size_t i = 0; i < m; ++i) {
      const std::string& dir = layout->registered_model_dirs[i];
      Result<FsRegisteredModel> model = store::filestore::ReadRegisteredModel(dir);
      if (!model.ok()) return model.status();
      try {
        MLFLOW_RETURN_IF_ERROR(importer.ImportRegisteredModel(*model));
      } catch (const store::sql::SqlError& err) {
        return Status::InvalidParameter("registered model at " + dir + ": " + err.message());
      }
      Progress(i + 1, m,
               "registered model " + model->name + ": " + std::to_string(model->versions.size()) + " versions");
    }
    try {
      MLFLOW_RETURN_IF_ERROR(importer.Finish());
    } catch (const store::sql::SqlError& err) {
      return Status::InvalidParameter("logged models: " + err.message());
    }
    counts = importer.counts();
    return Status();
  });
  db->Close();
  if (!st.ok()) {
    created.Remove();
    return Fail(st.message() + " (nothing was written)");
  }

  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  std::printf("Migrated %s into %s in %lld ms (one transaction):\n", layout->root.c_str(), shown_target.c_str(),
              static_cast<long long>(ms));
  for (const auto& [name, count] : counts.Items()) {
    if (count > 0) std::printf("  %-26s %10lld\n", name.c_str(), static_cast<long long>(count));
  }
  std::printf("Artifacts were not moved: runs, experiments and models keep their artifact locations.\n"
              "Serve it with: mlflow-cpp server --backend-store-uri %s\n",
              shown_target.c_str());
  return 0;
}

}  // namespace

CLI::App* AddMigrateFilestoreCommand(CLI::App& app) {
  MigrateOptions& o = Options();
  auto* cmd = app.add_subcommand(
      "migrate-filestore",
      "Copy a legacy MLflow file store (mlruns/: experiments, runs, datasets, logged models, traces, registry) "
      "into an empty database, ids kept, in one transaction; artifacts stay where they are.");
  cmd->add_option("--source", o.source, "Folder holding the file store (the mlruns folder or its parent)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--target", o.target,
                  "Empty database to fill: sqlite:///<path>, postgresql://user:pass@host:port/db or "
                  "mysql://user:pass@host:port/db")
      ->required();
  // Two flags rather than CLI11's "--progress,!--no-progress", whose help reads "{false}".
  cmd->add_flag("--progress", o.progress, "One line per experiment and model on stderr (the default)");
  cmd->add_flag_callback("--no-progress", [&o] { o.progress = false; }, "No progress lines");
  return cmd;
}

int RunMigrateFilestoreCommand() { return Run(); }

}  // namespace mlflow::cli
