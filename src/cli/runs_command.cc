#include "cli/runs_command.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/tracking_api.h"

namespace mlflow::cli {
namespace {

using ordered_json = nlohmann::ordered_json;

struct RunsOptions {
  CLI::App* list = nullptr;
  CLI::App* describe = nullptr;
  CLI::App* remove = nullptr;
  CLI::App* restore = nullptr;
  std::string experiment_id;
  std::string view = "active_only";
  std::string run_id;
};
RunsOptions& Options() {
  static RunsOptions options;
  return options;
}

int Fail(const Status& st) {
  std::fprintf(stderr, "Error: %s\n", st.message().c_str());
  return 1;
}

// A start time as MLflow's CLI shows it: local time to the second, then the zone's name.
std::string ShownDate(std::optional<int64_t> millis) {
  if (!millis) return "";
  std::time_t seconds = static_cast<std::time_t>(*millis / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char buf[96];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &local);
  return buf;
}

ordered_json OptionalInt(const std::optional<int64_t>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); }
ordered_json OptionalText(const std::optional<std::string>& v) { return v ? ordered_json(*v) : ordered_json(nullptr); }

// The run as MLflow's Run.to_dictionary() has it: info's fields in alphabetical order, data as
// key -> value maps, then inputs and outputs.
ordered_json RunDictionary(const Run& run) {
  const RunInfo& i = run.info;
  ordered_json info = {{"artifact_uri", i.artifact_uri},
                       {"end_time", OptionalInt(i.end_time)},
                       {"experiment_id", i.experiment_id},
                       {"lifecycle_stage", i.lifecycle_stage},
                       {"run_id", i.run_id},
                       {"run_name", i.run_name},
                       {"start_time", OptionalInt(i.start_time)},
                       {"status", i.status},
                       {"user_id", i.user_id}};
  ordered_json metrics = ordered_json::object(), params = ordered_json::object(), tags = ordered_json::object();
  for (const Metric& m : run.metrics) metrics[m.key] = m.value;
  for (const KeyValue& p : run.params) params[p.key] = p.value;
  for (const KeyValue& t : run.tags) tags[t.key] = t.value;
  ordered_json model_inputs = ordered_json::array(), dataset_inputs = ordered_json::array();
  for (const ModelInput& m : run.model_inputs) model_inputs.push_back({{"model_id", m.model_id}});
  for (const DatasetInput& d : run.dataset_inputs) {
    ordered_json dataset = {{"name", d.dataset.name},       {"digest", d.dataset.digest},
                            {"source_type", d.dataset.source_type}, {"source", d.dataset.source},
                            {"schema", OptionalText(d.dataset.schema)}, {"profile", OptionalText(d.dataset.profile)}};
    ordered_json dtags = ordered_json::object();
    for (const KeyValue& t : d.tags) dtags[t.key] = t.value;
    dataset_inputs.push_back({{"dataset", dataset}, {"tags", dtags}});
  }
  ordered_json model_outputs = ordered_json::array();
  for (const ModelOutput& m : run.model_outputs) model_outputs.push_back({{"model_id", m.model_id}, {"step", m.step}});
  return {{"info", info},
          {"data", {{"metrics", metrics}, {"params", params}, {"tags", tags}}},
          {"inputs", {{"model_inputs", model_inputs}, {"dataset_inputs", dataset_inputs}}},
          {"outputs", {{"model_outputs", model_outputs}}}};
}

int Run() {
  const RunsOptions& o = Options();
  auto api = OpenTrackingApi(TrackingUriFromEnv());
  if (!api.ok()) return Fail(api.status());
  TrackingApi& tracking = **api;
  if (o.list->parsed()) {
    auto view = ParseViewType(o.view);
    if (!view.ok()) return Fail(view.status());
    auto runs = tracking.ListRuns(o.experiment_id, *view);
    if (!runs.ok()) return Fail(runs.status());
    std::vector<std::vector<std::string>> rows;
    for (const mlflow::Run& r : *runs) rows.push_back({ShownDate(r.info.start_time), r.info.run_name, r.info.run_id});
    std::sort(rows.rbegin(), rows.rend());
    std::printf("%s\n", FormatTable(rows, {"Date", "Name", "ID"}).c_str());
    return 0;
  }
  if (o.describe->parsed()) {
    auto run = tracking.GetRun(o.run_id);
    if (!run.ok()) return Fail(run.status());
    // Python's json.dumps(indent=4): 4-space indent, non-ASCII escaped.
    std::printf("%s\n", RunDictionary(*run).dump(4, ' ', true).c_str());
    return 0;
  }
  if (o.remove->parsed()) {
    Status st = tracking.DeleteRun(o.run_id);
    if (!st.ok()) return Fail(st);
    std::printf("Run with ID %s has been deleted.\n", o.run_id.c_str());
    return 0;
  }
  if (o.restore->parsed()) {
    Status st = tracking.RestoreRun(o.run_id);
    if (!st.ok()) return Fail(st);
    std::printf("Run with id %s has been restored.\n", o.run_id.c_str());
    return 0;
  }
  return Fail(Status::InvalidParameter("unknown runs command"));
}

}  // namespace

CLI::App* AddRunsCommand(CLI::App& app) {
  RunsOptions& o = Options();
  auto* runs = app.add_subcommand("runs", "Manage runs in the store MLFLOW_TRACKING_URI names (database or tracking server)");
  runs->require_subcommand(1);
  o.list = runs->add_subcommand("list", "List the runs of an experiment");
  o.list->add_option("--experiment-id", o.experiment_id, "Experiment id")->envname("MLFLOW_EXPERIMENT_ID")->required();
  o.list->add_option("-v,--view", o.view, "active_only (default), deleted_only or all");
  o.describe = runs->add_subcommand("describe", "Print a run as JSON");
  o.describe->add_option("--run-id", o.run_id, "Run id")->required();
  o.remove = runs->add_subcommand("delete", "Mark a run deleted");
  o.remove->add_option("--run-id", o.run_id, "Run id")->required();
  o.restore = runs->add_subcommand("restore", "Restore a deleted run");
  o.restore->add_option("--run-id", o.run_id, "Run id")->required();
  return runs;
}

int RunRunsCommand() { return Run(); }

}  // namespace mlflow::cli
