#include "service_fixture.h"

#include "core/ids.h"
#include "store/sql/schema.h"

namespace mlflow::service {

void ServiceTest::SetUp() {
  dir_ = std::filesystem::temp_directory_path() / ("service-test-" + NewUuidHex());
  std::filesystem::create_directories(dir_);
  db_ = std::make_shared<store::sql::SqliteDatabase>(store::sql::SqliteOptions{(dir_ / "mlflow.db").string()});
  ASSERT_TRUE(store::sql::CreateSchema(db_->writer_connection()).ok());
  tracking_store_ = std::make_unique<store::sql::SqlTrackingStore>(db_, "mlflow-artifacts:/");
  ASSERT_TRUE(tracking_store_->Initialize().ok());
  registry_store_ = std::make_unique<store::sql::SqlRegistryStore>(db_);
  logged_model_store_ = std::make_unique<store::sql::SqlLoggedModelStore>(db_);
  trace_store_ = std::make_unique<store::sql::SqlTraceStore>(db_);
  ASSERT_TRUE(trace_store_->Initialize().ok());
  tracking_ = std::make_unique<TrackingService>(*tracking_store_);
  registry_ = std::make_unique<RegistryService>(*registry_store_, *tracking_store_, *logged_model_store_);
  logged_models_ = std::make_unique<LoggedModelService>(*logged_model_store_);
  artifacts_ = std::make_unique<ArtifactService>(ArtifactSettings{true, (dir_ / "mlartifacts").string()}, *tracking_,
                                                 *registry_, *logged_models_);
  tracing_ = std::make_unique<TracingService>(*trace_store_);
}

void ServiceTest::TearDown() {
  tracing_.reset();
  artifacts_.reset();
  logged_models_.reset();
  registry_.reset();
  tracking_.reset();
  trace_store_.reset();
  logged_model_store_.reset();
  registry_store_.reset();
  tracking_store_.reset();
  db_->Close();
  std::filesystem::remove_all(dir_);
}

std::string ServiceTest::NewRun() {
  CreateRunRequest r;
  r.experiment_id = "0";
  r.start_time = 1;
  auto run = tracking_->CreateRun(r);
  EXPECT_TRUE(run.ok()) << run.status().message();
  return run.ok() ? run->info.run_id : "";
}

std::string ServiceTest::Tag(const std::string& run_id, const std::string& key) {
  auto run = tracking_->GetRun(run_id);
  EXPECT_TRUE(run.ok()) << run.status().message();
  if (!run.ok()) return "";
  for (const auto& t : run->tags) {
    if (t.key == key) return t.value;
  }
  return "";
}

}  // namespace mlflow::service
