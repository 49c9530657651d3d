// mlflow::Client: checks and splitting on the caller's side (as MlflowClient does), then the backend.
#include "mlflow/client.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <nlohmann/json.hpp>

#include "artifacts/artifact_repository.h"
#include "client/async_logger.h"
#include "client/backend.h"
#include "client/local_backend.h"
#include "client/rest_backend.h"
#include "client/system_tags.h"

namespace mlflow {
namespace {

using client_internal::Backend;

std::mutex g_uri_mu;
std::optional<std::string> g_tracking_uri;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Answers the backend could not decode become MlflowError like every other failure.
template <typename F>
auto Guard(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const MlflowError&) {
    throw;
  } catch (const nlohmann::json::exception& e) {
    throw MlflowError("INTERNAL_ERROR", std::string("unexpected answer from the tracking server: ") + e.what());
  }
}

[[noreturn]] void ThrowStatus(const Status& st) {
  throw MlflowError(std::string(ErrorCodeName(st.code())), st.message());
}

std::unique_ptr<artifacts::ArtifactRepository> OpenRepository(const std::string& root, const Backend& backend) {
  artifacts::RepositoryOptions options;
  options.tracking_uri = backend.artifact_tracking_uri();
  auto repo = artifacts::OpenArtifactRepository(root, options);
  if (!repo.ok()) ThrowStatus(repo.status());
  return std::move(*repo);
}

void Check(const Status& st) {
  if (!st.ok()) ThrowStatus(st);
}

// A string as an upload body.
class StringSource : public artifacts::ByteSource {
 public:
  explicit StringSource(const std::string& s) : s_(s) {}
  int64_t Read(char* buf, size_t size) override {
    size_t n = std::min(size, s_.size() - pos_);
    std::memcpy(buf, s_.data() + pos_, n);
    pos_ += n;
    return static_cast<int64_t>(n);
  }
  std::optional<uint64_t> Size() const override { return s_.size(); }

 private:
  const std::string& s_;
  size_t pos_ = 0;
};

std::string FinalStatusName(const std::string& status) {
  if (status == "READY" || status == "LOGGED_MODEL_READY") return "LOGGED_MODEL_READY";
  if (status == "FAILED" || status == "LOGGED_MODEL_UPLOAD_FAILED") return "LOGGED_MODEL_UPLOAD_FAILED";
  return status;
}

}  // namespace

namespace entities {
const char* RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning:
      return "RUNNING";
    case RunStatus::kScheduled:
      return "SCHEDULED";
    case RunStatus::kFinished:
      return "FINISHED";
    case RunStatus::kFailed:
      return "FAILED";
    case RunStatus::kKilled:
      return "KILLED";
  }
  return "RUNNING";
}
}  // namespace entities

std::string get_tracking_uri() {
  {
    std::lock_guard<std::mutex> lock(g_uri_mu);
    if (g_tracking_uri) return *g_tracking_uri;
  }
  const char* env = std::getenv("MLFLOW_TRACKING_URI");
  if (env && *env) return env;
  return "sqlite:///mlflow.db";
}

void set_tracking_uri(const std::string& uri) {
  std::lock_guard<std::mutex> lock(g_uri_mu);
  g_tracking_uri = uri;
}

namespace client_internal {
std::shared_ptr<Backend> OpenBackend(const std::string& uri) {
  auto starts = [&](const char* prefix) { return uri.rfind(prefix, 0) == 0; };
  if (starts("http://") || starts("https://")) return MakeRestBackend(uri);
  if (starts("sqlite://") || starts("postgresql://") || starts("postgresql+") || starts("mysql://") ||
      starts("mysql+")) {
    return MakeLocalBackend(uri);
  }
  throw MlflowError("INVALID_PARAMETER_VALUE",
                    "Unsupported tracking URI '" + uri +
                        "': the C++ client speaks to http(s):// tracking servers and to sqlite:///, "
                        "postgresql:// and mysql:// databases");
}
}  // namespace client_internal

Client::Client(const std::string& tracking_uri)
    : tracking_uri_(tracking_uri.empty() ? get_tracking_uri() : tracking_uri),
      backend_(Guard([&] { return client_internal::OpenBackend(tracking_uri_); })),
      async_(std::make_unique<client_internal::AsyncLogger>(backend_)) {}

Client::~Client() = default;  // the AsyncLogger's destructor delivers what is queued
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

const std::string& Client::tracking_uri() const { return tracking_uri_; }

client_internal::AsyncLogger& Client::async_logger() { return *async_; }

// --- experiments ---
std::string Client::create_experiment(const std::string& name, const std::string& artifact_location,
                                      const Tags& tags) {
  return Guard([&] { return backend_->CreateExperiment(name, artifact_location, tags); });
}
entities::Experiment Client::get_experiment(const std::string& id) {
  return Guard([&] { return backend_->GetExperiment(id); });
}
std::optional<entities::Experiment> Client::get_experiment_by_name(const std::string& name) {
  return Guard([&] { return backend_->GetExperimentByName(name); });
}
entities::PagedList<entities::Experiment> Client::search_experiments(const std::string& filter, int64_t max_results,
                                                                     const std::vector<std::string>& order_by,
                                                                     entities::ViewType view_type,
                                                                     const std::string& page_token) {
  return Guard([&] { return backend_->SearchExperiments(filter, max_results, order_by, view_type, page_token); });
}
void Client::delete_experiment(const std::string& id) {
  Guard([&] { backend_->DeleteExperiment(id); });
}
void Client::restore_experiment(const std::string& id) {
  Guard([&] { backend_->RestoreExperiment(id); });
}
void Client::rename_experiment(const std::string& id, const std::string& new_name) {
  Guard([&] { backend_->RenameExperiment(id, new_name); });
}
void Client::set_experiment_tag(const std::string& id, const std::string& key, const std::string& value) {
  Guard([&] { backend_->SetExperimentTag(id, key, value); });
}
void Client::delete_experiment_tag(const std::string& id, const std::string& key) {
  Guard([&] { backend_->DeleteExperimentTag(id, key); });
}

// --- runs ---
entities::Run Client::create_run(const std::string& experiment_id, const Tags& tags, const std::string& run_name,
                                 int64_t start_time) {
  // MlflowClient.create_run: user_id is the mlflow.user tag, else "unknown".
  auto user = tags.find("mlflow.user");
  std::string user_id = user != tags.end() ? user->second : "unknown";
  return Guard([&] {
    return backend_->CreateRun(experiment_id, user_id, start_time ? start_time : NowMs(), tags, run_name);
  });
}
entities::Run Client::get_run(const std::string& run_id) {
  return Guard([&] { return backend_->GetRun(run_id); });
}
entities::RunInfo Client::update_run(const std::string& run_id, std::optional<entities::RunStatus> status,
                                     const std::string& name) {
  std::optional<std::string> s;
  if (status) s = entities::RunStatusName(*status);
  return Guard([&] { return backend_->UpdateRun(run_id, s, std::nullopt, name); });
}
void Client::set_terminated(const std::string& run_id, entities::RunStatus status, int64_t end_time) {
  flush();
  Guard([&] { backend_->UpdateRun(run_id, entities::RunStatusName(status), end_time ? end_time : NowMs(), ""); });
}
void Client::delete_run(const std::string& run_id) {
  Guard([&] { backend_->DeleteRun(run_id); });
}
void Client::restore_run(const std::string& run_id) {
  Guard([&] { backend_->RestoreRun(run_id); });
}
entities::PagedList<entities::Run> Client::search_runs(const std::vector<std::string>& experiment_ids,
                                                       const SearchRunsOptions& options) {
  return Guard([&] { return backend_->SearchRuns(experiment_ids, options); });
}

// --- params, metrics, tags ---
void Client::log_param(const std::string& run_id, const std::string& key, const std::string& value) {
  Guard([&] { backend_->LogParam(run_id, key, value); });
}
void Client::log_metric(const std::string& run_id, const std::string& key, double value, int64_t step,
                        int64_t timestamp) {
  entities::Metric m{key, value, timestamp ? timestamp : NowMs(), step};
  Guard([&] { backend_->LogMetric(run_id, m); });
}
void Client::log_metric_async(const std::string& run_id, const std::string& key, double value, int64_t step,
                              int64_t timestamp) {
  async_->Enqueue(run_id, key, value, timestamp ? timestamp : NowMs(), step);
}
void Client::flush() { async_->Flush(); }
void Client::set_tag(const std::string& run_id, const std::string& key, const std::string& value) {
  Guard([&] { backend_->SetTag(run_id, key, value); });
}
void Client::delete_tag(const std::string& run_id, const std::string& key) {
  Guard([&] { backend_->DeleteTag(run_id, key); });
}
void Client::log_batch(const std::string& run_id, const std::vector<entities::Metric>& metrics,
                       const std::vector<entities::Param>& params, const std::vector<entities::RunTag>& tags) {
  // MLflow's per-request limits (docs/reference/limits.md): params and tags in requests of 100,
  // metrics in requests of 1000, as the Python client splits them.
  constexpr size_t kParams = 100, kTags = 100, kMetrics = 1000;
  Guard([&] {
    size_t p = 0, t = 0;
    while (p < params.size() || t < tags.size()) {
      size_t np = std::min(kParams, params.size() - p), nt = std::min(kTags, tags.size() - t);
      std::vector<entities::Param> ps(params.begin() + p, params.begin() + p + np);
      std::vector<entities::RunTag> ts(tags.begin() + t, tags.begin() + t + nt);
      backend_->LogBatch(run_id, nullptr, 0, ps, ts);
      p += np;
      t += nt;
    }
    for (size_t m = 0; m < metrics.size(); m += kMetrics) {
      backend_->LogBatch(run_id, metrics.data() + m, std::min(kMetrics, metrics.size() - m), {}, {});
    }
  });
}
std::vector<entities::Metric> Client::get_metric_history(const std::string& run_id, const std::string& key) {
  return Guard([&] {
    std::vector<entities::Metric> out;
    std::string token;
    do {
      auto page = backend_->GetMetricHistory(run_id, key, token);
      out.insert(out.end(), std::make_move_iterator(page.items.begin()), std::make_move_iterator(page.items.end()));
      token = page.next_page_token;
    } while (!token.empty());
    return out;
  });
}

// --- artifacts ---
void Client::log_artifact(const std::string& run_id, const std::string& local_path, const std::string& artifact_path) {
  auto repo = OpenRepository(get_run(run_id).info.artifact_uri, *backend_);
  Check(repo->LogArtifact(local_path, artifact_path));
}
void Client::log_artifacts(const std::string& run_id, const std::string& local_dir, const std::string& artifact_path) {
  auto repo = OpenRepository(get_run(run_id).info.artifact_uri, *backend_);
  Check(repo->LogArtifacts(local_dir, artifact_path));
}
void Client::log_text(const std::string& run_id, const std::string& text, const std::string& artifact_file) {
  auto repo = OpenRepository(get_run(run_id).info.artifact_uri, *backend_);
  StringSource src(text);
  Check(repo->Write(artifact_file, src));
}
std::vector<entities::FileInfo> Client::list_artifacts(const std::string& run_id, const std::string& path) {
  auto repo = OpenRepository(get_run(run_id).info.artifact_uri, *backend_);
  auto files = repo->List(path);
  if (!files.ok()) ThrowStatus(files.status());
  std::vector<entities::FileInfo> out;
  for (const auto& f : *files) out.push_back({f.path, f.is_dir, f.file_size});
  return out;
}
std::string Client::download_artifacts(const std::string& run_id, const std::string& path,
                                       const std::string& dst_dir) {
  auto repo = OpenRepository(get_run(run_id).info.artifact_uri, *backend_);
  auto local = repo->DownloadArtifacts(path, dst_dir);
  if (!local.ok()) ThrowStatus(local.status());
  return *local;
}

// --- registry ---
entities::RegisteredModel Client::create_registered_model(const std::string& name, const Tags& tags,
                                                          const std::string& description) {
  return Guard([&] { return backend_->CreateRegisteredModel(name, tags, description); });
}
entities::RegisteredModel Client::get_registered_model(const std::string& name) {
  return Guard([&] { return backend_->GetRegisteredModel(name); });
}
entities::RegisteredModel Client::rename_registered_model(const std::string& name, const std::string& new_name) {
  return Guard([&] { return backend_->RenameRegisteredModel(name, new_name); });
}
entities::RegisteredModel Client::update_registered_model(const std::string& name, const std::string& description) {
  return Guard([&] { return backend_->UpdateRegisteredModel(name, description); });
}
void Client::delete_registered_model(const std::string& name) {
  Guard([&] { backend_->DeleteRegisteredModel(name); });
}
entities::PagedList<entities::RegisteredModel> Client::search_registered_models(
    const std::string& filter, int64_t max_results, const std::vector<std::string>& order_by,
    const std::string& page_token) {
  return Guard([&] { return backend_->SearchRegisteredModels(filter, max_results, order_by, page_token); });
}
void Client::set_registered_model_tag(const std::string& name, const std::string& key, const std::string& value) {
  Guard([&] { backend_->SetRegisteredModelTag(name, key, value); });
}
void Client::delete_registered_model_tag(const std::string& name, const std::string& key) {
  Guard([&] { backend_->DeleteRegisteredModelTag(name, key); });
}
entities::ModelVersion Client::create_model_version(const std::string& name, const std::string& source,
                                                    const std::string& run_id, const Tags& tags,
                                                    const std::string& description, const std::string& model_id) {
  client_internal::CreateModelVersionArgs a{name, source, run_id, description, model_id, tags};
  return Guard([&] { return backend_->CreateModelVersion(a); });
}
entities::ModelVersion Client::get_model_version(const std::string& name, const std::string& version) {
  return Guard([&] { return backend_->GetModelVersion(name, version); });
}
entities::ModelVersion Client::update_model_version(const std::string& name, const std::string& version,
                                                    const std::string& description) {
  return Guard([&] { return backend_->UpdateModelVersion(name, version, description); });
}
entities::ModelVersion Client::transition_model_version_stage(const std::string& name, const std::string& version,
                                                              const std::string& stage,
                                                              bool archive_existing_versions) {
  return Guard(
      [&] { return backend_->TransitionModelVersionStage(name, version, stage, archive_existing_versions); });
}
void Client::delete_model_version(const std::string& name, const std::string& version) {
  Guard([&] { backend_->DeleteModelVersion(name, version); });
}
entities::PagedList<entities::ModelVersion> Client::search_model_versions(const std::string& filter,
                                                                          int64_t max_results,
                                                                          const std::vector<std::string>& order_by,
                                                                          const std::string& page_token) {
  return Guard([&] { return backend_->SearchModelVersions(filter, max_results, order_by, page_token); });
}
std::string Client::get_model_version_download_uri(const std::string& name, const std::string& version) {
  return Guard([&] { return backend_->GetModelVersionDownloadUri(name, version); });
}
void Client::set_model_version_tag(const std::string& name, const std::string& version, const std::string& key,
                                   const std::string& value) {
  Guard([&] { backend_->SetModelVersionTag(name, version, key, value); });
}
void Client::delete_model_version_tag(const std::string& name, const std::string& version, const std::string& key) {
  Guard([&] { backend_->DeleteModelVersionTag(name, version, key); });
}
void Client::set_registered_model_alias(const std::string& name, const std::string& alias,
                                        const std::string& version) {
  Guard([&] { backend_->SetRegisteredModelAlias(name, alias, version); });
}
void Client::delete_registered_model_alias(const std::string& name, const std::string& alias) {
  Guard([&] { backend_->DeleteRegisteredModelAlias(name, alias); });
}
entities::ModelVersion Client::get_model_version_by_alias(const std::string& name, const std::string& alias) {
  return Guard([&] { return backend_->GetModelVersionByAlias(name, alias); });
}

// --- logged models ---
entities::LoggedModel Client::create_logged_model(const std::string& experiment_id, const std::string& name,
                                                  const std::string& source_run_id, const Tags& tags,
                                                  const Tags& params, const std::string& model_type) {
  client_internal::CreateLoggedModelArgs a{experiment_id, name, source_run_id, model_type, tags, params};
  return Guard([&] { return backend_->CreateLoggedModel(a); });
}
entities::LoggedModel Client::get_logged_model(const std::string& model_id) {
  return Guard([&] { return backend_->GetLoggedModel(model_id); });
}
entities::LoggedModel Client::finalize_logged_model(const std::string& model_id, const std::string& status) {
  return Guard([&] { return backend_->FinalizeLoggedModel(model_id, FinalStatusName(status)); });
}
void Client::delete_logged_model(const std::string& model_id) {
  Guard([&] { backend_->DeleteLoggedModel(model_id); });
}
void Client::set_logged_model_tags(const std::string& model_id, const Tags& tags) {
  Guard([&] { backend_->SetLoggedModelTags(model_id, tags); });
}
void Client::delete_logged_model_tag(const std::string& model_id, const std::string& key) {
  Guard([&] { backend_->DeleteLoggedModelTag(model_id, key); });
}
entities::PagedList<entities::LoggedModel> Client::search_logged_models(const std::vector<std::string>& experiment_ids,
                                                                        const std::string& filter,
                                                                        int64_t max_results,
                                                                        const std::string& page_token) {
  return Guard([&] { return backend_->SearchLoggedModels(experiment_ids, filter, max_results, page_token); });
}
void Client::log_model_artifact(const std::string& model_id, const std::string& local_path,
                                const std::string& artifact_path) {
  auto repo = OpenRepository(get_logged_model(model_id).artifact_location, *backend_);
  Check(repo->LogArtifact(local_path, artifact_path));
}

}  // namespace mlflow
