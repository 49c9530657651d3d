#include "cli/local_backend.h"

#include <filesystem>

#include "store/sql/postgres_connection.h"
#include "store/sql/postgres_database.h"
#include "store/sql/schema.h"
#include "store/sql/sqlite_database.h"
#include "store/sql/store_uri.h"

namespace mlflow::cli {
namespace {

Status CheckSchema(store::sql::Connection& conn, const std::string& shown) {
  MLFLOW_ASSIGN_OR_RETURN(store::sql::SchemaInfo info, store::sql::InspectSchema(conn, shown));
  if (info.status == store::sql::SchemaStatus::kEmpty) return store::sql::CreateSchema(conn);
  return Status();
}

Result<std::shared_ptr<store::sql::Database>> OpenDatabase(const std::string& uri) {
  const std::string shown = store::sql::RedactUri(uri);
  try {
    if (store::sql::IsPostgresUri(uri)) {
      store::sql::PostgresOptions opts;
      opts.conninfo = store::sql::PostgresConninfoFromUri(uri);
      opts.pool_size = 2;  // one command, one writer, one reader
      auto db = std::make_shared<store::sql::PostgresDatabase>(opts);
      MLFLOW_RETURN_IF_ERROR(db->Setup([&](store::sql::Connection& c) { return CheckSchema(c, shown); }));
      return std::shared_ptr<store::sql::Database>(db);
    }
    if (!store::sql::IsSqliteUri(uri)) {
      return Status::InvalidParameter("unsupported backend store URI '" + shown +
                                      "': expected sqlite:///<path> or postgresql://user:pass@host:port/db");
    }
    MLFLOW_ASSIGN_OR_RETURN(std::string path, store::sql::SqlitePathFromUri(uri));
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    store::sql::SqliteOptions opts;
    opts.path = path;
    opts.read_connections = 1;
    auto db = std::make_shared<store::sql::SqliteDatabase>(opts);
    MLFLOW_RETURN_IF_ERROR(CheckSchema(db->writer_connection(), uri));
    return std::shared_ptr<store::sql::Database>(db);
  } catch (const store::sql::SqlError& e) {
    return Status::InvalidParameter("cannot open backend store " + shown + ": " + e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    return Status::InvalidParameter("cannot open backend store " + shown + ": " + e.what());
  }
}

}  // namespace

LocalBackend::~LocalBackend() {
  if (db) db->Close();
}

Result<std::unique_ptr<LocalBackend>> OpenLocalBackend(const std::string& uri,
                                                       const std::string& default_artifact_root) {
  auto backend = std::make_unique<LocalBackend>();
  MLFLOW_ASSIGN_OR_RETURN(backend->db, OpenDatabase(uri));
  backend->tracking_store = std::make_unique<store::sql::SqlTrackingStore>(backend->db, default_artifact_root);
  MLFLOW_RETURN_IF_ERROR(backend->tracking_store->Initialize());
  backend->logged_model_store = std::make_unique<store::sql::SqlLoggedModelStore>(backend->db);
  backend->tracking = std::make_unique<service::TrackingService>(*backend->tracking_store);
  return backend;
}

bool IsHttpUri(const std::string& uri) { return uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0; }

}  // namespace mlflow::cli
