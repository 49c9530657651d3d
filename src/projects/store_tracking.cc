// ProjectTracking straight over a database (sqlite:///, postgresql://) through the tracking
// service, the way MLflow's client writes to a SQL store without a server.
#include <chrono>
#include <filesystem>

#include "projects/tracking.h"
#include "service/tracking_service.h"
#include "store/sql/postgres_connection.h"
#include "store/sql/mysql_database.h"
#include "store/sql/postgres_database.h"
#include "store/sql/schema.h"
#include "store/sql/sql_tracking_store.h"
#include "store/sql/sqlite_database.h"
#include "store/sql/store_uri.h"

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

Status EnsureSchema(store::sql::Connection& conn, const std::string& shown) {
  MLFLOW_ASSIGN_OR_RETURN(store::sql::SchemaInfo info, store::sql::InspectSchema(conn, shown));
  if (info.status == store::sql::SchemaStatus::kEmpty) return store::sql::CreateSchema(conn);
  return Status();
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
  const std::string shown = store::sql::RedactUri(store_uri);
  std::shared_ptr<store::sql::Database> db;
  // MLflow's client puts a SQL store's new experiments under ./mlruns (absolute).
  std::string artifact_root = std::filesystem::absolute("mlruns").string();
  try {
    if (store::sql::IsPostgresUri(store_uri)) {
      store::sql::PostgresOptions opts;
      opts.conninfo = store::sql::PostgresConninfoFromUri(store_uri);
      opts.pool_size = 2;
      auto pg = std::make_shared<store::sql::PostgresDatabase>(opts);
      MLFLOW_RETURN_IF_ERROR(pg->Setup([&](store::sql::Connection& conn) { return EnsureSchema(conn, shown); }));
      db = pg;
    } else if (store::sql::IsMysqlUri(store_uri)) {
      store::sql::MysqlOptions opts;
      MLFLOW_ASSIGN_OR_RETURN(opts.target, store::sql::ParseMysqlUri(store_uri));
      opts.pool_size = 2;
      auto my = std::make_shared<store::sql::MysqlDatabase>(opts);
      MLFLOW_RETURN_IF_ERROR(my->Setup([&](store::sql::Connection& conn) { return EnsureSchema(conn, shown); }));
      db = my;
    } else {
      MLFLOW_ASSIGN_OR_RETURN(std::string path, store::sql::SqlitePathFromUri(store_uri));
      auto parent = std::filesystem::path(path).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent);
      store::sql::SqliteOptions opts;
      opts.path = path;
      auto lite = std::make_shared<store::sql::SqliteDatabase>(opts);
      MLFLOW_RETURN_IF_ERROR(EnsureSchema(lite->writer_connection(), shown));
      db = lite;
    }
  } catch (const store::sql::SqlError& e) {
    return Status::InvalidParameter("cannot open tracking store " + shown + ": " + e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    return Status::InvalidParameter("cannot open tracking store " + shown + ": " + e.what());
  }
  auto tracking = std::make_unique<StoreTracking>(db, artifact_root);
  MLFLOW_RETURN_IF_ERROR(tracking->Initialize());
  return std::unique_ptr<ProjectTracking>(std::move(tracking));
}

}  // namespace mlflow::projects
