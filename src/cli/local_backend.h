#pragma once
// LocalBackend: the stores and services behind a backend store URI (sqlite:///..., postgresql://...,
// mysql://...) for the operator commands (gc, experiments, runs), opened the way the server opens them: the
// schema is created in an empty database, an older MLflow revision is refused with the command
// that upgrades it.
//
//   MLFLOW_ASSIGN_OR_RETURN(auto backend, OpenLocalBackend("sqlite:///mlflow.db", "./mlruns"));
//   backend->tracking->GetExperiment("0");
#include <memory>
#include <string>

#include "core/status.h"
#include "service/tracking_service.h"
#include "store/sql/database.h"
#include "store/sql/sql_logged_model_store.h"
#include "store/sql/sql_tracking_store.h"

namespace mlflow::cli {

struct LocalBackend {
  std::shared_ptr<store::sql::Database> db;
  std::unique_ptr<store::sql::SqlTrackingStore> tracking_store;
  std::unique_ptr<store::sql::SqlLoggedModelStore> logged_model_store;
  std::unique_ptr<service::TrackingService> tracking;
  ~LocalBackend();
};

// default_artifact_root: where experiments created through this backend put artifacts.
Result<std::unique_ptr<LocalBackend>> OpenLocalBackend(const std::string& uri, const std::string& default_artifact_root);

// True for http:// and https:// URIs (a tracking server rather than a database).
bool IsHttpUri(const std::string& uri);

}  // namespace mlflow::cli
