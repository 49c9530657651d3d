#include "cli/local_backend.h"

#include "store/sql/open_database.h"

namespace mlflow::cli {

LocalBackend::~LocalBackend() {
  if (db) db->Close();
}

Result<std::unique_ptr<LocalBackend>> OpenLocalBackend(const std::string& uri,
                                                       const std::string& default_artifact_root) {
  auto backend = std::make_unique<LocalBackend>();
  // Two connections: one command, one writer, one reader.
  MLFLOW_ASSIGN_OR_RETURN(store::sql::OpenedDatabase opened, store::sql::OpenDatabase(uri, /*pool_size=*/2));
  backend->db = std::move(opened.db);
  backend->tracking_store = std::make_unique<store::sql::SqlTrackingStore>(backend->db, default_artifact_root);
  MLFLOW_RETURN_IF_ERROR(backend->tracking_store->Initialize());
  backend->logged_model_store = std::make_unique<store::sql::SqlLoggedModelStore>(backend->db);
  backend->tracking = std::make_unique<service::TrackingService>(*backend->tracking_store);
  return backend;
}

bool IsHttpUri(const std::string& uri) { return uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0; }

}  // namespace mlflow::cli
