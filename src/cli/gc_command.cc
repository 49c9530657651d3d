#include "cli/gc_command.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "artifacts/artifact_repository.h"
#include "cli/local_backend.h"
#include "core/entities.h"
#include "core/ids.h"

namespace mlflow::cli {
namespace {

struct GcOptions {
  std::optional<std::string> older_than;
  std::string backend_store_uri;
  std::string artifacts_destination;
  std::string run_ids;
  std::string experiment_ids;
  std::string logged_model_ids;
  std::string tracking_uri;
};
GcOptions& Options() {
  static GcOptions options;
  return options;
}

// Thrown-free failure path: the message MLflow's exception carries, on stderr, exit code 1.
int Fail(const std::string& message) {
  std::fprintf(stderr, "Error: %s\n", message.c_str());
  return 1;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::vector<std::string> SplitIds(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Python's repr of a list of strings, as MLflow's messages print id lists: ['1', '2'].
std::string PyList(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? ", '" : "'") + ids[i] + "'";
  return out + "]";
}

// Where an mlflow-artifacts: URI's files are when this process can reach the proxy's destination
// itself: <destination>/<path>. Empty when there is no destination or the URI is another scheme.
std::string ResolveProxied(const std::string& uri, const std::string& destination) {
  const std::string scheme = "mlflow-artifacts:";
  if (destination.empty() || uri.rfind(scheme, 0) != 0) return "";
  std::string rest = uri.substr(scheme.size());
  if (rest.rfind("//", 0) == 0) {  // mlflow-artifacts://host:port/path
    size_t slash = rest.find('/', 2);
    rest = slash == std::string::npos ? "" : rest.substr(slash);
  }
  while (!rest.empty() && rest.front() == '/') rest.erase(rest.begin());
  std::string root = destination;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return rest.empty() ? root : root + "/" + rest;
}

// Deletes everything under an artifact root URI: the repository of its parent deletes its last
// segment (repositories never delete their own root). A URI no repository can open is reported
// and skipped, as MLflow does for URLs it cannot resolve; a failed deletion stops gc.
Status DeleteArtifactRoot(const std::string& artifact_uri, const GcOptions& o) {
  std::string uri = ResolveProxied(artifact_uri, o.artifacts_destination);
  if (uri.empty()) uri = artifact_uri;
  while (uri.size() > 1 && uri.back() == '/') uri.pop_back();
  size_t slash = uri.find_last_of('/');
  Result<std::unique_ptr<artifacts::ArtifactRepository>> repo =
      Status::InvalidParameter("artifact URI '" + uri + "' has no parent folder");
  if (slash != std::string::npos && slash + 1 < uri.size()) {
    artifacts::RepositoryOptions ropts;
    ropts.tracking_uri = o.tracking_uri;
    repo = artifacts::OpenArtifactRepository(uri.substr(0, slash == 0 ? 1 : slash), ropts);
  }
  if (!repo.ok()) {
    std::printf(
        "Could not open the artifact store at '%s' (%s): its artifacts are not deleted and gc goes on. "
        "Check that the location exists and delete what is left there by hand.\n",
        artifact_uri.c_str(), repo.status().message().c_str());
    std::fflush(stdout);
    return Status();
  }
  Status st = (*repo)->Delete(uri.substr(slash + 1));
  if (!st.ok()) return Status(st.code(), "cannot delete the artifacts at '" + artifact_uri + "': " + st.message());
  return Status();
}

int RunGc() {
  GcOptions o = Options();
  // Like MLflow: the store is the flag's, else the tracking URI from the environment, else
  // ./mlflow.db; the flag --tracking-uri only serves to resolve mlflow-artifacts: URIs.
  std::string backend_uri = o.backend_store_uri;
  if (backend_uri.empty()) backend_uri = Env("MLFLOW_TRACKING_URI");
  if (backend_uri.empty()) backend_uri = "sqlite:///mlflow.db";
  if (IsHttpUri(backend_uri)) return Fail("This cli can only be used with a backend that allows hard-deleting runs");

  int64_t time_delta = 0;
  if (o.older_than) {
    std::optional<int64_t> parsed = ParseOlderThan(*o.older_than);
    if (!parsed) {
      return Fail("Could not parse any time information from '" + *o.older_than +
                  "'. Examples of valid strings: '8h', '2d8h5m20s', '2m4s'");
    }
    time_delta = *parsed;
  }
  const bool age_filter = o.older_than && !o.older_than->empty();
  if (o.tracking_uri.empty()) o.tracking_uri = Env("MLFLOW_TRACKING_URI");
  if (o.tracking_uri.empty()) {
    return Fail(
        "Tracking URL is not set. Please set MLFLOW_TRACKING_URI environment variable or provide --tracking-uri "
        "cli option.");
  }

  auto opened = OpenLocalBackend(backend_uri, o.artifacts_destination.empty() ? "./mlruns" : o.artifacts_destination);
  if (!opened.ok()) return Fail(opened.status().message());
  LocalBackend& backend = **opened;
  store::TrackingStore& tracking = *backend.tracking_store;
  store::LoggedModelStore& models = *backend.logged_model_store;

  auto deleted_runs_older = tracking.GetDeletedRunIds(time_delta);
  if (!deleted_runs_older.ok()) return Fail(deleted_runs_older.status().message());
  const std::set<std::string> old_runs(deleted_runs_older->begin(), deleted_runs_older->end());
  std::vector<std::string> run_ids = o.run_ids.empty() ? *deleted_runs_older : SplitIds(o.run_ids);

  auto deleted_models = models.GetDeletedLoggedModelIds(0);
  if (!deleted_models.ok()) return Fail(deleted_models.status().message());
  auto deleted_models_older = models.GetDeletedLoggedModelIds(time_delta);
  if (!deleted_models_older.ok()) return Fail(deleted_models_older.status().message());
  const std::set<std::string> all_deleted_models(deleted_models->begin(), deleted_models->end());
  const std::set<std::string> old_models(deleted_models_older->begin(), deleted_models_older->end());
  std::vector<std::string> model_ids =
      o.logged_model_ids.empty() ? *deleted_models_older : SplitIds(o.logged_model_ids);

  const int64_t threshold = NowMillis() - time_delta;
  std::vector<std::string> experiment_ids;
  if (!o.experiment_ids.empty()) {
    std::vector<Experiment> experiments;
    for (const std::string& id : SplitIds(o.experiment_ids)) {
      auto e = tracking.GetExperiment(id);
      if (!e.ok()) return Fail(e.status().message());
      experiments.push_back(std::move(*e));
    }
    std::vector<std::string> active, too_new;
    for (const Experiment& e : experiments) {
      if (e.lifecycle_stage != kLifecycleDeleted) active.push_back(e.experiment_id);
      if (!e.last_update_time || *e.last_update_time >= threshold) too_new.push_back(e.experiment_id);
    }
    if (!active.empty()) {
      return Fail("Experiments " + PyList(active) +
                  " are not in the deleted lifecycle stage. Only experiments in the deleted lifecycle stage can be "
                  "hard-deleted.");
    }
    if (age_filter && !too_new.empty()) {
      return Fail("Experiments " + PyList(too_new) + " are not older than the required age. Only experiments older than " +
                  *o.older_than + " can be deleted.");
    }
    experiment_ids = SplitIds(o.experiment_ids);
  } else {
    store::ExperimentSearchRequest search;
    search.view_type = ViewType::kDeletedOnly;
    if (age_filter) search.filter = "last_update_time < " + std::to_string(threshold);
    for (int page = 0; page < 1000000; ++page) {
      auto found = tracking.SearchExperiments(search);
      if (!found.ok()) return Fail(found.status().message());
      for (const Experiment& e : found->experiments) experiment_ids.push_back(e.experiment_id);
      if (found->next_page_token.empty()) break;
      search.page_token = found->next_page_token;
    }
  }
  if (!experiment_ids.empty()) {
    store::RunSearchRequest search;
    search.experiment_ids = experiment_ids;
    search.view_type = ViewType::kDeletedOnly;
    for (int page = 0; page < 1000000; ++page) {
      auto found = tracking.SearchRuns(search);
      if (!found.ok()) return Fail(found.status().message());
      for (const Run& r : found->runs) run_ids.push_back(r.info.run_id);
      if (found->next_page_token.empty()) break;
      search.page_token = found->next_page_token;
    }
  }

  // Each id once, in the order found (MLflow walks a set: the same ids, in no fixed order).
  std::set<std::string> seen;
  for (const std::string& run_id : run_ids) {
    if (!seen.insert(run_id).second) continue;
    auto run = tracking.GetRun(run_id);
    if (!run.ok()) return Fail(run.status().message());
    if (run->info.lifecycle_stage != kLifecycleDeleted) {
      return Fail("Run " + run_id +
                  " is not in `deleted` lifecycle stage. Only runs in `deleted` lifecycle stage can be deleted.");
    }
    if (age_filter && !old_runs.count(run_id)) {
      return Fail("Run " + run_id + " is not older than the required age. Only runs older than " + *o.older_than +
                  " can be deleted.");
    }
    Status st = DeleteArtifactRoot(run->info.artifact_uri, o);
    if (st.ok()) st = tracking.HardDeleteRun(run_id);
    if (!st.ok()) return Fail(st.message());
    std::printf("Run with ID %s has been permanently deleted.\n", run_id.c_str());
    std::fflush(stdout);
  }

  seen.clear();
  for (const std::string& model_id : model_ids) {
    if (!seen.insert(model_id).second) continue;
    auto model = models.GetLoggedModelAnyStage(model_id);
    if (!model.ok()) return Fail(model.status().message());
    if (!all_deleted_models.count(model_id)) {
      return Fail("Logged model " + model_id +
                  " is not in `deleted` lifecycle stage. Only logged models in `deleted` lifecycle stage can be "
                  "deleted.");
    }
    if (age_filter && !old_models.count(model_id)) {
      return Fail("Logged model " + model_id + " is not older than the required age. Only logged models older than " +
                  *o.older_than + " can be deleted.");
    }
    Status st = DeleteArtifactRoot(model->artifact_uri, o);
    if (st.ok()) st = models.HardDeleteLoggedModel(model_id);
    if (!st.ok()) return Fail(st.message());
    std::printf("Logged model with ID %s has been permanently deleted.\n", model_id.c_str());
    std::fflush(stdout);
  }

  for (const std::string& experiment_id : experiment_ids) {
    Status st = tracking.HardDeleteExperiment(experiment_id);
    if (!st.ok()) return Fail(st.message());
    std::printf("Experiment with ID %s has been permanently deleted.\n", experiment_id.c_str());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

std::optional<int64_t> ParseOlderThan(const std::string& text) {
  static const std::regex kPattern(R"(^(([.\d]+?)d)?(([.\d]+?)h)?(([.\d]+?)m)?(([.\d]+?)s)?$)");
  std::smatch m;
  if (!std::regex_match(text, m, kPattern)) return std::nullopt;
  static const double kMillis[] = {86400000.0, 3600000.0, 60000.0, 1000.0};
  double total = 0;
  for (int i = 0; i < 4; ++i) {
    if (!m[2 + 2 * i].matched) continue;
    const std::string part = m[2 + 2 * i].str();
    // Python's float(): one decimal point at most, and at least one digit.
    if (part.find('.') != part.rfind('.') || part == ".") return std::nullopt;
    total += std::stod(part) * kMillis[i];
  }
  return static_cast<int64_t>(total);
}

CLI::App* AddGcCommand(CLI::App& app) {
  GcOptions& o = Options();
  auto* gc = app.add_subcommand("gc", "Permanently delete runs, experiments and logged models in the `deleted` "
                                      "lifecycle stage, with their artifacts.");
  gc->add_option("--older-than", o.older_than,
                 "Only what was deleted longer ago than this, in #d#h#m#s form (decimals allowed): 30d, 1d2h3m4s");
  gc->add_option("--backend-store-uri", o.backend_store_uri,
                 "Database to delete from (sqlite:///..., postgresql://... or mysql://...). Default: MLFLOW_TRACKING_URI, "
                 "else "
                 "sqlite:///mlflow.db");
  gc->add_option("--artifacts-destination", o.artifacts_destination,
                 "The tracking server's --artifacts-destination: mlflow-artifacts: URIs are deleted there directly")
      ->envname("MLFLOW_ARTIFACTS_DESTINATION");
  gc->add_option("--run-ids", o.run_ids, "Comma-separated runs to delete (default: every deleted run)");
  gc->add_option("--experiment-ids", o.experiment_ids,
                 "Comma-separated experiments to delete with their runs (default: every deleted experiment)");
  gc->add_option("--logged-model-ids", o.logged_model_ids,
                 "Comma-separated logged models to delete (default: every deleted logged model)");
  gc->add_option("--tracking-uri", o.tracking_uri,
                 "Tracking URI (default MLFLOW_TRACKING_URI); an http(s) server resolves mlflow-artifacts: URIs");
  return gc;
}

int RunGcCommand() { return RunGc(); }

}  // namespace mlflow::cli
