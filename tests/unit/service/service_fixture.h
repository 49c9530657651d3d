#pragma once
// The services over real SQL stores on a fresh SQLite file in a temp folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "service/artifact_service.h"
#include "service/logged_model_service.h"
#include "service/registry_service.h"
#include "service/tracing_service.h"
#include "service/tracking_service.h"
#include "store/sql/sql_logged_model_store.h"
#include "store/sql/sql_registry_store.h"
#include "store/sql/sql_trace_store.h"
#include "store/sql/sql_tracking_store.h"
#include "store/sql/sqlite_database.h"

namespace mlflow::service {

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A run in experiment 0.
  std::string NewRun();
  // The run's tag value; "" when unset.
  std::string Tag(const std::string& run_id, const std::string& key);

  std::filesystem::path dir_;
  std::shared_ptr<store::sql::SqliteDatabase> db_;
  std::unique_ptr<store::sql::SqlTrackingStore> tracking_store_;
  std::unique_ptr<store::sql::SqlRegistryStore> registry_store_;
  std::unique_ptr<store::sql::SqlLoggedModelStore> logged_model_store_;
  std::unique_ptr<store::sql::SqlTraceStore> trace_store_;
  std::unique_ptr<TrackingService> tracking_;
  std::unique_ptr<RegistryService> registry_;
  std::unique_ptr<LoggedModelService> logged_models_;
  std::unique_ptr<ArtifactService> artifacts_;
  std::unique_ptr<TracingService> tracing_;
};

}  // namespace mlflow::service
