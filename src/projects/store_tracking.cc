// ProjectTracking straight over a database (sqlite:///, postgresql://) through the tracking
// service, the way MLflow's client writes to a SQL store without a server.
#include <chrono>
#include <filesystem>

#include "projects/tracking.h"
#include "service/tracking_service.h"
#include "store/sql/open_database.h"
#include "store/sql/sql_tracking_store.h"

namespace mlflow::projects {
namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<KeyValue> ToKeyValues(const ParamList& list) {
  std::vector<KeyValue> out;
  for (const auto& [k, v] : list) out.push_back(KeyValue{k, v});
  return out;
}

class StoreTracking : public ProjectTracking {
 public:
  StoreTracking(std::shared_ptr<store::sql::Database> db, std::string artifact_root)
      : db_(std::move(db)), store_(db_, std::move(artifact_root)), service_(store_) {}
  ~StoreTracking() override { db_->Close(); }

  Status Initialize() { return store_.Initialize(); }

  Result<std::string> ExperimentIdByName(const std::string& name, bool create) override {
    Result<Experiment> got = service_.GetExperimentByName(name);
    if (got.ok()) return got->experiment_id;
    if (!create || got.status().code() != ErrorCode::kResourceDoesNotExist) return got.status();
    service::CreateExperimentRequest request;
    request.name = name;
    return service_.CreateExperiment(request);
  }

  Result<RunRef> CreateRun(const std::string& experiment_id, const ParamList& tags) override {
    service::CreateRunRequest request;
    request.experiment_id = experiment_id;
    request.user_id = "unknown";
    for (const auto& [k, v] : tags) {
      if (k == "mlflow.user") request.user_id = v;
    }
    request.start_time = NowMillis();
    request.tags = ToKeyValues(tags);
    MLFLOW_ASSIGN_OR_RETURN(Run run, service_.CreateRun(request));
    return RunRef{run.info.run_id, run.info.experiment_id, run.info.status};
  }

  Result<RunRef> GetRun(const std::string& run_id) override {
    MLFLOW_ASSIGN_OR_RETURN(Run run, service_.GetRun(run_id));
    return RunRef{run.info.run_id, run.info.experiment_id, run.info.status};
  }

  Status LogBatch(const std::string& run_id, const ParamList& params, const ParamList& tags) override {
    service::LogBatchRequest request;
    request.run_id = run_id;
    request.params = ToKeyValues(params);
    request.tags = ToKeyValues(tags);
    return service_.LogBatch(std::move(request));
  }

  Status SetTag(const std::string& run_id, const std::string& key, const std::string& value) override {
    return service_.SetTag(run_id, KeyValue{key, value});
  }

  Status SetTerminated(const std::string& run_id, const std::string& status) override {
    service::UpdateRunRequest request;
    request.run_id = run_id;
    request.status = status;
    request.end_time = NowMillis();
    return service_.UpdateRun(request).status();
  }

 private:
  std::shared_ptr<store::sql::Database> db_;
  store::sql::SqlTrackingStore store_;
  service::TrackingService service_;
};

}  // namespace

Result<std::unique_ptr<ProjectTracking>> OpenStoreTracking(const std::string& store_uri) {
  // MLflow's client puts a SQL store's new experiments under ./mlruns (absolute).
  std::string artifact_root = std::filesystem::absolute("mlruns").string();
  MLFLOW_ASSIGN_OR_RETURN(store::sql::OpenedDatabase opened, store::sql::OpenDatabase(store_uri, /*pool_size=*/2));
  std::shared_ptr<store::sql::Database> db = std::move(opened.db);
  auto tracking = std::make_unique<StoreTracking>(db, artifact_root);
  MLFLOW_RETURN_IF_ERROR(tracking->Initialize());
  return std::unique_ptr<ProjectTracking>(std::move(tracking));
}

}  // namespace mlflow::projects
