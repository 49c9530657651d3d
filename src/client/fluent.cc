// The fluent API: a per-thread stack of active runs over a process-wide Client per tracking URI.
#include "mlflow/fluent.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <vector>

#include "client/system_tags.h"

namespace mlflow {
namespace client_internal {

struct FluentRun {
  std::string run_id;
  std::shared_ptr<Client> client;
  bool ended = false;
};

}  // namespace client_internal

namespace {

using client_internal::FluentRun;

std::mutex g_mu;
std::shared_ptr<Client> g_client;       // for g_client->tracking_uri()
std::optional<std::string> g_experiment_id;  // set_experiment

thread_local std::vector<std::shared_ptr<FluentRun>> t_runs;

std::shared_ptr<Client> CurrentClient() {
  std::string uri = get_tracking_uri();
  std::lock_guard<std::mutex> lock(g_mu);
  if (!g_client || g_client->tracking_uri() != uri) g_client = std::make_shared<Client>(uri);
  return g_client;
}

FluentRun& ActiveOrThrow() {
  if (t_runs.empty()) {
    throw MlflowError("INVALID_STATE", "No active run: start one with mlflow::start_run()");
  }
  return *t_runs.back();
}

std::string ExperimentForNewRun(Client& client) {
  {
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_experiment_id) return *g_experiment_id;
  }
  if (const char* name = std::getenv("MLFLOW_EXPERIMENT_NAME"); name && *name) {
    auto e = client.get_experiment_by_name(name);
    if (!e) throw MlflowError("RESOURCE_DOES_NOT_EXIST", std::string("Experiment '") + name + "' does not exist.");
    return e->experiment_id;
  }
  if (const char* id = std::getenv("MLFLOW_EXPERIMENT_ID"); id && *id) return id;
  return "0";
}

void EndRun(FluentRun& run, entities::RunStatus status) {
  if (run.ended) return;
  run.ended = true;
  t_runs.erase(std::remove_if(t_runs.begin(), t_runs.end(), [&](const auto& r) { return r.get() == &run; }),
               t_runs.end());
  run.client->set_terminated(run.run_id, status);  // waits for the queued metrics first
}

}  // namespace

ActiveRun::ActiveRun(std::shared_ptr<FluentRun> run) : run_(std::move(run)), uncaught_at_start_(std::uncaught_exceptions()) {}
ActiveRun::ActiveRun(ActiveRun&& other) noexcept
    : run_(std::move(other.run_)), uncaught_at_start_(other.uncaught_at_start_) {}

ActiveRun::~ActiveRun() {
  if (!run_ || run_->ended) return;
  const bool failing = std::uncaught_exceptions() > uncaught_at_start_;
  try {
    EndRun(*run_, failing ? entities::RunStatus::kFailed : entities::RunStatus::kFinished);
  } catch (const std::exception& e) {
    // A destructor must not throw (and may run during unwinding): say it on stderr.
    std::fprintf(stderr, "mlflow: ending run %s failed: %s\n", run_->run_id.c_str(), e.what());
  }
}

const std::string& ActiveRun::run_id() const { return run_->run_id; }
entities::Run ActiveRun::run() const { return run_->client->get_run(run_->run_id); }
void ActiveRun::end(entities::RunStatus status) { EndRun(*run_, status); }

ActiveRun start_run(const std::string& run_name, bool nested, const Tags& tags, const std::string& run_id) {
  if (!t_runs.empty() && !nested) {
    throw MlflowError("INVALID_PARAMETER_VALUE",
                      "Run with UUID " + t_runs.back()->run_id +
                          " is already active. To start a new run, first end the current run with "
                          "mlflow::end_run(). To start a nested run, call start_run with nested=true");
  }
  std::shared_ptr<Client> client = CurrentClient();
  auto run = std::make_shared<FluentRun>();
  run->client = client;
  if (!run_id.empty()) {
    entities::Run existing = client->get_run(run_id);
    client->update_run(run_id, entities::RunStatus::kRunning);
    run->run_id = existing.info.run_id;
  } else {
    Tags all = client_internal::DefaultRunTags();
    for (const auto& [k, v] : tags) all[k] = v;
    if (!t_runs.empty()) all["mlflow.parentRunId"] = t_runs.back()->run_id;
    run->run_id = client->create_run(ExperimentForNewRun(*client), all, run_name).info.run_id;
  }
  t_runs.push_back(run);
  return ActiveRun(run);
}

void end_run(entities::RunStatus status) {
  if (!t_runs.empty()) EndRun(*t_runs.back(), status);
}

std::optional<std::string> active_run_id() {
  if (t_runs.empty()) return std::nullopt;
  return t_runs.back()->run_id;
}

std::string set_experiment(const std::string& name) {
  std::shared_ptr<Client> client = CurrentClient();
  std::string id;
  if (auto e = client->get_experiment_by_name(name)) {
    if (e->lifecycle_stage == "deleted") {
      throw MlflowError("INVALID_PARAMETER_VALUE",
                        "Cannot set a deleted experiment '" + name + "' as the active experiment. You can restore the "
                        "experiment, or permanently delete the experiment to create a new one.");
    }
    id = e->experiment_id;
  } else {
    try {
      id = client->create_experiment(name);
    } catch (const MlflowError& err) {  // another process created it first
      if (err.error_code() != "RESOURCE_ALREADY_EXISTS") throw;
      id = client->get_experiment_by_name(name).value().experiment_id;
    }
  }
  std::lock_guard<std::mutex> lock(g_mu);
  g_experiment_id = id;
  return id;
}

void log_param(const std::string& key, const std::string& value) {
  FluentRun& r = ActiveOrThrow();
  r.client->log_param(r.run_id, key, value);
}
void log_params(const std::map<std::string, std::string>& params) {
  FluentRun& r = ActiveOrThrow();
  std::vector<entities::Param> ps;
  for (const auto& [k, v] : params) ps.push_back({k, v});
  r.client->log_batch(r.run_id, {}, ps, {});
}
void log_metric(const std::string& key, double value, int64_t step, int64_t timestamp) {
  FluentRun& r = ActiveOrThrow();
  r.client->log_metric_async(r.run_id, key, value, step, timestamp);
}
void log_metrics(const std::map<std::string, double>& metrics, int64_t step) {
  FluentRun& r = ActiveOrThrow();
  for (const auto& [k, v] : metrics) r.client->log_metric_async(r.run_id, k, v, step);
}
void set_tag(const std::string& key, const std::string& value) {
  FluentRun& r = ActiveOrThrow();
  r.client->set_tag(r.run_id, key, value);
}
void set_tags(const std::map<std::string, std::string>& tags) {
  FluentRun& r = ActiveOrThrow();
  std::vector<entities::RunTag> ts;
  for (const auto& [k, v] : tags) ts.push_back({k, v});
  r.client->log_batch(r.run_id, {}, {}, ts);
}
void log_artifact(const std::string& local_path, const std::string& artifact_path) {
  FluentRun& r = ActiveOrThrow();
  r.client->log_artifact(r.run_id, local_path, artifact_path);
}
void log_artifacts(const std::string& local_dir, const std::string& artifact_path) {
  FluentRun& r = ActiveOrThrow();
  r.client->log_artifacts(r.run_id, local_dir, artifact_path);
}
void log_text(const std::string& text, const std::string& artifact_file) {
  FluentRun& r = ActiveOrThrow();
  r.client->log_text(r.run_id, text, artifact_file);
}
void flush() {
  if (!t_runs.empty()) {
    t_runs.back()->client->flush();
  } else {
    CurrentClient()->flush();
  }
}

entities::ModelVersion register_model(const std::string& model_uri, const std::string& name, const Tags& tags) {
  std::shared_ptr<Client> client = CurrentClient();
  try {
    client->create_registered_model(name);
  } catch (const MlflowError& e) {
    if (e.error_code() != "RESOURCE_ALREADY_EXISTS") throw;
  }
  std::string source = model_uri, run_id, model_id;
  if (model_uri.rfind("runs:/", 0) == 0) {
    // runs:/<run_id>/<path>: the run's files when they hold an MLmodel, else the run's logged
    // model of that name (as mlflow.register_model decides).
    std::string rest = model_uri.substr(6);
    size_t slash = rest.find('/');
    run_id = rest.substr(0, slash);
    std::string path = slash == std::string::npos ? "" : rest.substr(slash + 1);
    while (!path.empty() && path.back() == '/') path.pop_back();
    bool has_mlmodel = false;
    for (const auto& f : client->list_artifacts(run_id, path)) {
      if (f.path == (path.empty() ? "MLmodel" : path + "/MLmodel")) has_mlmodel = true;
    }
    entities::Run run = client->get_run(run_id);
    if (has_mlmodel) {
      source = run.info.artifact_uri + (path.empty() ? "" : "/" + path);
    } else {
      auto models = client->search_logged_models({run.info.experiment_id}, "source_run_id='" + run_id + "'", 100);
      for (const auto& m : models.items) {
        if (m.name == path) model_id = m.model_id;
      }
      if (model_id.empty()) {
        throw MlflowError("RESOURCE_DOES_NOT_EXIST",
                          "Unable to find a logged_model with artifact_path " + path + " under run " + run_id);
      }
      source = "models:/" + model_id;
    }
  } else if (model_uri.rfind("models:/m-", 0) == 0 && model_uri.find('/', 8) == std::string::npos) {
    model_id = model_uri.substr(8);
  }
  return client->create_model_version(name, source, run_id, tags, "", model_id);
}

Client& fluent_client() { return *CurrentClient(); }

}  // namespace mlflow
