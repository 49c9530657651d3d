#include "client/local_backend.h"

#include "mlflow/error.h"
#include "service/logged_model_service.h"
#include "service/registry_service.h"
#include "service/tracking_service.h"
#include "store/sql/open_database.h"
#include "store/sql/sql_logged_model_store.h"
#include "store/sql/sql_registry_store.h"
#include "store/sql/sql_tracking_store.h"

namespace mlflow::client_internal {
namespace {

[[noreturn]] void Throw(const Status& st) {
  throw MlflowError(std::string(ErrorCodeName(st.code())), st.message());
}
void Check(const Status& st) {
  if (!st.ok()) Throw(st);
}
template <typename T>
T Take(Result<T>&& r) {
  if (!r.ok()) Throw(r.status());
  return std::move(*r);
}

std::vector<KeyValue> ToKeyValues(const Tags& tags) {
  std::vector<KeyValue> out;
  out.reserve(tags.size());
  for (const auto& [k, v] : tags) out.push_back({k, v});
  return out;
}
std::map<std::string, std::string> ToMap(const std::vector<KeyValue>& kvs) {
  std::map<std::string, std::string> out;
  for (const auto& kv : kvs) out[kv.key] = kv.value;
  return out;
}
::mlflow::ViewType ToView(entities::ViewType v) { return static_cast<::mlflow::ViewType>(static_cast<int>(v)); }

entities::Experiment Convert(const ::mlflow::Experiment& e) {
  return {e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time,
          ToMap(e.tags)};
}
entities::RunInfo Convert(const ::mlflow::RunInfo& i) {
  return {i.run_id,     i.run_name, i.experiment_id, i.user_id,        i.status,
          i.start_time, i.end_time, i.artifact_uri,  i.lifecycle_stage};
}
entities::Metric Convert(const ::mlflow::Metric& m) { return {m.key, m.value, m.timestamp, m.step}; }
entities::Run Convert(const ::mlflow::Run& r) {
  entities::Run out;
  out.info = Convert(r.info);
  for (const auto& m : r.metrics) out.data.metrics[m.key] = m.value;
  out.data.params = ToMap(r.params);
  out.data.tags = ToMap(r.tags);
  return out;
}
entities::ModelVersion Convert(const store::ModelVersion& v) {
  entities::ModelVersion out;
  out.name = v.name;
  out.version = std::to_string(v.version);
  out.creation_timestamp = v.creation_timestamp;
  out.last_updated_timestamp = v.last_updated_timestamp;
  out.description = v.description.value_or("");
  out.user_id = v.user_id.value_or("");
  out.current_stage = v.current_stage.value_or("");
  out.source = v.source.value_or("");
  out.run_id = v.run_id.value_or("");
  out.run_link = v.run_link.value_or("");
  out.status = v.status.value_or("");
  out.status_message = v.status_message.value_or("");
  out.tags = ToMap(v.tags);
  out.aliases = v.aliases;
  return out;
}
entities::RegisteredModel Convert(const store::RegisteredModel& m) {
  entities::RegisteredModel out;
  out.name = m.name;
  out.creation_timestamp = m.creation_timestamp;
  out.last_updated_timestamp = m.last_updated_timestamp;
  out.description = m.description.value_or("");
  for (const auto& v : m.latest_versions) out.latest_versions.push_back(Convert(v));
  out.tags = ToMap(m.tags);
  for (const auto& a : m.aliases) out.aliases[a.alias] = std::to_string(a.version);
  return out;
}
entities::LoggedModel Convert(const store::LoggedModel& m) {
  entities::LoggedModel out;
  out.model_id = m.model_id;
  out.experiment_id = m.experiment_id;
  out.name = m.name;
  out.artifact_location = m.artifact_uri;
  out.creation_timestamp = m.creation_timestamp_ms;
  out.last_updated_timestamp = m.last_updated_timestamp_ms;
  out.status = store::LoggedModelStatusName(m.status);
  out.model_type = m.model_type.value_or("");
  out.source_run_id = m.source_run_id.value_or("");
  out.status_message = m.status_message.value_or("");
  out.tags = ToMap(m.tags);
  out.params = ToMap(m.params);
  for (const auto& x : m.metrics) out.metrics.push_back(Convert(x));
  return out;
}
template <typename Out, typename In>
std::vector<Out> ConvertAll(const std::vector<In>& in) {
  std::vector<Out> out;
  out.reserve(in.size());
  for (const auto& x : in) out.push_back(Convert(x));
  return out;
}

class LocalBackend final : public Backend {
 public:
  explicit LocalBackend(const std::string& uri) {
    store::sql::OpenedDatabase opened = Take(store::sql::OpenDatabase(uri, /*pool_size=*/4));
    db_ = std::move(opened.db);
    // MLflow's local default: ./mlruns below the working directory, made absolute by the store.
    tracking_store_ = std::make_unique<store::sql::SqlTrackingStore>(db_, "./mlruns");
    Check(tracking_store_->Initialize());
    registry_store_ = std::make_unique<store::sql::SqlRegistryStore>(db_);
    logged_model_store_ = std::make_unique<store::sql::SqlLoggedModelStore>(db_);
    tracking_ = std::make_unique<service::TrackingService>(*tracking_store_);
    registry_ = std::make_unique<service::RegistryService>(*registry_store_, *tracking_store_, *logged_model_store_);
    logged_models_ = std::make_unique<service::LoggedModelService>(*logged_model_store_);
  }
  ~LocalBackend() override { db_->Close(); }

  std::string artifact_tracking_uri() const override { return ""; }

  // --- experiments ---
  std::string CreateExperiment(const std::string& name, const std::string& artifact_location,
                               const Tags& tags) override {
    return Take(tracking_->CreateExperiment({name, artifact_location, ToKeyValues(tags)}));
  }
  entities::Experiment GetExperiment(const std::string& id) override {
    return Convert(Take(tracking_->GetExperiment(id)));
  }
  std::optional<entities::Experiment> GetExperimentByName(const std::string& name) override {
    auto r = tracking_->GetExperimentByName(name);
    if (!r.ok() && r.status().code() == ErrorCode::kResourceDoesNotExist) return std::nullopt;
    return Convert(Take(std::move(r)));
  }
  entities::PagedList<entities::Experiment> SearchExperiments(const std::string& filter, int64_t max_results,
                                                              const std::vector<std::string>& order_by,
                                                              entities::ViewType view,
                                                              const std::string& page_token) override {
    service::SearchExperimentsRequest r{filter, ToView(view), max_results, order_by, page_token};
    auto page = Take(tracking_->SearchExperiments(r));
    return {ConvertAll<entities::Experiment>(page.experiments), page.next_page_token};
  }
  void DeleteExperiment(const std::string& id) override { Check(tracking_->DeleteExperiment(id)); }
  void RestoreExperiment(const std::string& id) override { Check(tracking_->RestoreExperiment(id)); }
  void RenameExperiment(const std::string& id, const std::string& new_name) override {
    Check(tracking_->RenameExperiment(id, new_name));
  }
  void SetExperimentTag(const std::string& id, const std::string& key, const std::string& value) override {
    Check(tracking_->SetExperimentTag(id, {key, value}));
  }
  void DeleteExperimentTag(const std::string& id, const std::string& key) override {
    Check(tracking_->DeleteExperimentTag(id, key));
  }

  // --- runs ---
  entities::Run CreateRun(const std::string& experiment_id, const std::string& user_id, int64_t start_time,
                          const Tags& tags, const std::string& run_name) override {
    service::CreateRunRequest r;
    r.experiment_id = experiment_id;
    r.user_id = user_id;
    r.start_time = start_time;
    r.tags = ToKeyValues(tags);
    r.run_name = run_name;
    return Convert(Take(tracking_->CreateRun(r)));
  }
  entities::Run GetRun(const std::string& run_id) override { return Convert(Take(tracking_->GetRun(run_id))); }
  entities::RunInfo UpdateRun(const std::string& run_id, const std::optional<std::string>& status,
                              std::optional<int64_t> end_time, const std::string& name) override {
    return Convert(Take(tracking_->UpdateRun({run_id, status, end_time, name})));
  }
  void DeleteRun(const std::string& run_id) override { Check(tracking_->DeleteRun(run_id)); }
  void RestoreRun(const std::string& run_id) override { Check(tracking_->RestoreRun(run_id)); }
  entities::PagedList<entities::Run> SearchRuns(const std::vector<std::string>& experiment_ids,
                                                const SearchRunsOptions& o) override {
    service::SearchRunsRequest r{experiment_ids, o.filter, ToView(o.view_type), o.max_results, o.order_by,
                                 o.page_token};
    auto page = Take(tracking_->SearchRuns(r));
    return {ConvertAll<entities::Run>(page.runs), page.next_page_token};
  }

  // --- run data ---
  void LogParam(const std::string& run_id, const std::string& key, const std::string& value) override {
    Check(tracking_->LogParam(run_id, {key, value}));
  }
  void LogMetric(const std::string& run_id, const entities::Metric& m) override {
    ::mlflow::Metric metric;
    metric.key = m.key;
    metric.value = m.value;
    metric.timestamp = m.timestamp;
    metric.step = m.step;
    Check(tracking_->LogMetric(run_id, metric));
  }
  void SetTag(const std::string& run_id, const std::string& key, const std::string& value) override {
    Check(tracking_->SetTag(run_id, {key, value}));
  }
  void DeleteTag(const std::string& run_id, const std::string& key) override {
    Check(tracking_->DeleteTag(run_id, key));
  }
  void LogBatch(const std::string& run_id, const entities::Metric* metrics, size_t n,
                const std::vector<entities::Param>& params, const std::vector<entities::RunTag>& tags) override {
    service::LogBatchRequest r;
    r.run_id = run_id;
    r.metrics.resize(n);
    for (size_t i = 0; i < n; ++i) {
      r.metrics[i].key = metrics[i].key;
      r.metrics[i].value = metrics[i].value;
      r.metrics[i].timestamp = metrics[i].timestamp;
      r.metrics[i].step = metrics[i].step;
    }
    for (const auto& p : params) r.params.push_back({p.key, p.value});
    for (const auto& t : tags) r.tags.push_back({t.key, t.value});
    Check(tracking_->LogBatch(std::move(r)));
  }
  entities::PagedList<entities::Metric> GetMetricHistory(const std::string& run_id, const std::string& key,
                                                         const std::string& page_token) override {
    service::MetricHistoryRequest r;
    r.run_id = run_id;
    r.metric_key = key;
    r.page_token = page_token;
    auto page = Take(tracking_->GetMetricHistory(r));
    return {ConvertAll<entities::Metric>(page.metrics), page.next_page_token};
  }

  // --- registry ---
  entities::RegisteredModel CreateRegisteredModel(const std::string& name, const Tags& tags,
                                                  const std::string& description) override {
    std::optional<std::string> d;
    if (!description.empty()) d = description;
    return Convert(Take(registry_->CreateRegisteredModel(name, ToKeyValues(tags), d)));
  }
  entities::RegisteredModel GetRegisteredModel(const std::string& name) override {
    return Convert(Take(registry_->GetRegisteredModel(name)));
  }
  entities::RegisteredModel RenameRegisteredModel(const std::string& name, const std::string& new_name) override {
    return Convert(Take(registry_->RenameRegisteredModel(name, new_name)));
  }
  entities::RegisteredModel UpdateRegisteredModel(const std::string& name, const std::string& description) override {
    return Convert(Take(registry_->UpdateRegisteredModel(name, description)));
  }
  void DeleteRegisteredModel(const std::string& name) override { Check(registry_->DeleteRegisteredModel(name)); }
  entities::PagedList<entities::RegisteredModel> SearchRegisteredModels(const std::string& filter,
                                                                        int64_t max_results,
                                                                        const std::vector<std::string>& order_by,
                                                                        const std::string& page_token) override {
    auto page = Take(registry_->SearchRegisteredModels({filter, order_by, max_results, page_token}));
    return {ConvertAll<entities::RegisteredModel>(page.models), page.next_page_token};
  }
  void SetRegisteredModelTag(const std::string& name, const std::string& key, const std::string& value) override {
    Check(registry_->SetRegisteredModelTag(name, {key, value}));
  }
  void DeleteRegisteredModelTag(const std::string& name, const std::string& key) override {
    Check(registry_->DeleteRegisteredModelTag(name, key));
  }
  entities::ModelVersion CreateModelVersion(const CreateModelVersionArgs& a) override {
    service::CreateModelVersionRequest r;
    r.name = a.name;
    r.source = a.source;
    if (!a.run_id.empty()) r.run_id = a.run_id;
    if (!a.description.empty()) r.description = a.description;
    if (!a.model_id.empty()) r.model_id = a.model_id;
    r.tags = ToKeyValues(a.tags);
    return Convert(Take(registry_->CreateModelVersion(r)));
  }
  entities::ModelVersion GetModelVersion(const std::string& name, const std::string& version) override {
    return Convert(Take(registry_->GetModelVersion(name, version)));
  }
  entities::ModelVersion UpdateModelVersion(const std::string& name, const std::string& version,
                                            const std::string& description) override {
    return Convert(Take(registry_->UpdateModelVersion(name, version, description)));
  }
  entities::ModelVersion TransitionModelVersionStage(const std::string& name, const std::string& version,
                                                     const std::string& stage, bool archive) override {
    return Convert(Take(registry_->TransitionModelVersionStage(name, version, stage, archive)));
  }
  void DeleteModelVersion(const std::string& name, const std::string& version) override {
    Check(registry_->DeleteModelVersion(name, version));
  }
  entities::PagedList<entities::ModelVersion> SearchModelVersions(const std::string& filter, int64_t max_results,
                                                                  const std::vector<std::string>& order_by,
                                                                  const std::string& page_token) override {
    auto page = Take(registry_->SearchModelVersions({filter, order_by, max_results, page_token}));
    return {ConvertAll<entities::ModelVersion>(page.versions), page.next_page_token};
  }
  std::string GetModelVersionDownloadUri(const std::string& name, const std::string& version) override {
    return Take(registry_->GetModelVersionDownloadUri(name, version));
  }
  void SetModelVersionTag(const std::string& name, const std::string& version, const std::string& key,
                          const std::string& value) override {
    Check(registry_->SetModelVersionTag(name, version, {key, value}));
  }
  void DeleteModelVersionTag(const std::string& name, const std::string& version, const std::string& key) override {
    Check(registry_->DeleteModelVersionTag(name, version, key));
  }
  void SetRegisteredModelAlias(const std::string& name, const std::string& alias,
                               const std::string& version) override {
    Check(registry_->SetRegisteredModelAlias(name, alias, version));
  }
  void DeleteRegisteredModelAlias(const std::string& name, const std::string& alias) override {
    Check(registry_->DeleteRegisteredModelAlias(name, alias));
  }
  entities::ModelVersion GetModelVersionByAlias(const std::string& name, const std::string& alias) override {
    return Convert(Take(registry_->GetModelVersionByAlias(name, alias)));
  }

  // --- logged models ---
  entities::LoggedModel CreateLoggedModel(const CreateLoggedModelArgs& a) override {
    store::CreateLoggedModelRequest r;
    r.experiment_id = a.experiment_id;
    if (!a.name.empty()) r.name = a.name;
    // Unset proto strings are "" and stored as such (as over REST).
    r.model_type = a.model_type;
    r.source_run_id = a.source_run_id;
    r.params = ToKeyValues(a.params);
    r.tags = ToKeyValues(a.tags);
    return Convert(Take(logged_models_->CreateLoggedModel(std::move(r))));
  }
  entities::LoggedModel GetLoggedModel(const std::string& model_id) override {
    return Convert(Take(logged_models_->GetLoggedModel(model_id)));
  }
  entities::LoggedModel FinalizeLoggedModel(const std::string& model_id, const std::string& status) override {
    store::LoggedModelStatus s;
    if (status == "LOGGED_MODEL_READY") {
      s = store::LoggedModelStatus::kReady;
    } else if (status == "LOGGED_MODEL_UPLOAD_FAILED") {
      s = store::LoggedModelStatus::kUploadFailed;
    } else if (status == "LOGGED_MODEL_PENDING") {
      s = store::LoggedModelStatus::kPending;
    } else {
      throw MlflowError("INVALID_PARAMETER_VALUE", "Invalid logged model status: '" + status + "'");
    }
    return Convert(Take(logged_models_->FinalizeLoggedModel(model_id, s)));
  }
  void DeleteLoggedModel(const std::string& model_id) override { Check(logged_models_->DeleteLoggedModel(model_id)); }
  void SetLoggedModelTags(const std::string& model_id, const Tags& tags) override {
    Check(logged_models_->SetLoggedModelTags(model_id, ToKeyValues(tags)));
  }
  void DeleteLoggedModelTag(const std::string& model_id, const std::string& key) override {
    Check(logged_models_->DeleteLoggedModelTag(model_id, key));
  }
  entities::PagedList<entities::LoggedModel> SearchLoggedModels(const std::vector<std::string>& experiment_ids,
                                                                const std::string& filter, int64_t max_results,
                                                                const std::string& page_token) override {
    store::LoggedModelSearchRequest r;
    r.experiment_ids = experiment_ids;
    r.filter = filter;
    r.max_results = max_results;
    r.page_token = page_token;
    auto page = Take(logged_models_->SearchLoggedModels(r));
    return {ConvertAll<entities::LoggedModel>(page.models), page.next_page_token};
  }

 private:
  std::shared_ptr<store::sql::Database> db_;
  std::unique_ptr<store::sql::SqlTrackingStore> tracking_store_;
  std::unique_ptr<store::sql::SqlRegistryStore> registry_store_;
  std::unique_ptr<store::sql::SqlLoggedModelStore> logged_model_store_;
  std::unique_ptr<service::TrackingService> tracking_;
  std::unique_ptr<service::RegistryService> registry_;
  std::unique_ptr<service::LoggedModelService> logged_models_;
};

}  // namespace

std::shared_ptr<Backend> MakeLocalBackend(const std::string& store_uri) {
  return std::make_shared<LocalBackend>(store_uri);
}

}  // namespace mlflow::client_internal
