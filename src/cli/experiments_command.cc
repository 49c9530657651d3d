#include "cli/experiments_command.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/runs_csv.h"
#include "cli/tracking_api.h"

namespace mlflow::cli {
namespace {

struct ExperimentsOptions {
  CLI::App* create = nullptr;
  CLI::App* search = nullptr;
  CLI::App* rename = nullptr;
  CLI::App* remove = nullptr;
  CLI::App* restore = nullptr;
  CLI::App* csv = nullptr;
  std::string name;
  std::string artifact_location;
  std::string view = "active_only";
  std::optional<int64_t> max_results;
  std::string experiment_id;
  std::string new_name;
  std::string filename;
};
ExperimentsOptions& Options() {
  static ExperimentsOptions options;
  return options;
}

int Fail(const Status& st) {
  std::fprintf(stderr, "Error: %s\n", st.message().c_str());
  return 1;
}

// MLflow prints a local artifact location as an absolute path and a URI as it is.
std::string ShownLocation(const std::string& location) {
  size_t colon = location.find(':');
  bool has_scheme = colon != std::string::npos && colon > 0 &&
                    std::all_of(location.begin(), location.begin() + static_cast<long>(colon), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
                    });
  if (has_scheme) return location;
  // os.path.abspath("") is the working folder (an experiment without a location, as a migrated
  // file store can have); std::filesystem::absolute("") throws.
  if (location.empty()) return std::filesystem::current_path().string();
  return std::filesystem::absolute(location).lexically_normal().string();
}

int Run() {
  const ExperimentsOptions& o = Options();
  auto api = OpenTrackingApi(TrackingUriFromEnv());
  if (!api.ok()) return Fail(api.status());
  TrackingApi& tracking = **api;
  if (o.create->parsed()) {
    auto id = tracking.CreateExperiment(o.name, o.artifact_location);
    if (!id.ok()) return Fail(id.status());
    std::printf("Created experiment '%s' with id %s\n", o.name.c_str(), id->c_str());
    return 0;
  }
  if (o.search->parsed()) {
    if (o.max_results && *o.max_results < 0) {
      std::fprintf(stderr, "Error: Invalid value for '--max-results': max-results must be a non-negative integer\n");
      return 2;
    }
    auto view = ParseViewType(o.view);
    if (!view.ok()) return Fail(view.status());
    auto found = tracking.SearchExperiments(*view, o.max_results);
    if (!found.ok()) return Fail(found.status());
    std::vector<std::vector<std::string>> rows;
    for (const Experiment& e : *found) rows.push_back({e.experiment_id, e.name, ShownLocation(e.artifact_location)});
    std::sort(rows.begin(), rows.end());
    std::printf("%s\n", FormatTable(rows, {"Experiment Id", "Name", "Artifact Location"}).c_str());
    return 0;
  }
  if (o.rename->parsed()) {
    Status st = tracking.RenameExperiment(o.experiment_id, o.new_name);
    if (!st.ok()) return Fail(st);
    std::printf("Experiment with id %s has been renamed to '%s'.\n", o.experiment_id.c_str(), o.new_name.c_str());
    return 0;
  }
  if (o.remove->parsed()) {
    Status st = tracking.DeleteExperiment(o.experiment_id);
    if (!st.ok()) return Fail(st);
    std::printf("Experiment with ID %s has been deleted.\n", o.experiment_id.c_str());
    return 0;
  }
  if (o.restore->parsed()) {
    Status st = tracking.RestoreExperiment(o.experiment_id);
    if (!st.ok()) return Fail(st);
    std::printf("Experiment with id %s has been restored.\n", o.experiment_id.c_str());
    return 0;
  }
  if (o.csv->parsed()) {
    // MLflow's search_runs defaults: active runs, the store's order (start_time DESC, run_id).
    auto runs = tracking.ListRuns(o.experiment_id, ViewType::kActiveOnly);
    if (!runs.ok()) return Fail(runs.status());
    const std::string text = RunsCsv(*runs);
    if (o.filename.empty()) {
      std::printf("%s\n", text.c_str());  // click.echo adds a line break after to_csv's last one
      return 0;
    }
    std::FILE* f = std::fopen(o.filename.c_str(), "wb");
    if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size()) {
      if (f) std::fclose(f);
      return Fail(Status::InvalidParameter("cannot write '" + o.filename + "'"));
    }
    if (std::fclose(f) != 0) return Fail(Status::InvalidParameter("cannot write '" + o.filename + "'"));
    std::printf("Experiment with ID %s has been exported as a CSV to file: %s.\n", o.experiment_id.c_str(),
                o.filename.c_str());
    return 0;
  }
  return Fail(Status::InvalidParameter("unknown experiments command"));
}

}  // namespace

CLI::App* AddExperimentsCommand(CLI::App& app) {
  ExperimentsOptions& o = Options();
  auto* experiments = app.add_subcommand(
      "experiments", "Manage experiments in the store MLFLOW_TRACKING_URI names (database or tracking server)");
  experiments->require_subcommand(1);
  o.create = experiments->add_subcommand("create", "Create an experiment");
  o.create->add_option("-n,--experiment-name", o.name, "Experiment name")->required();
  o.create->add_option("-l,--artifact-location", o.artifact_location,
                       "Base location of the runs' artifacts (default: the store's)");
  o.search = experiments->add_subcommand("search", "Search experiments");
  o.search->add_option("-v,--view", o.view, "active_only (default), deleted_only or all");
  o.search->add_option("--max-results", o.max_results, "Most experiments to list (default: all)");
  o.rename = experiments->add_subcommand("rename", "Rename an active experiment");
  o.rename->add_option("-x,--experiment-id", o.experiment_id, "Experiment id")->required();
  o.rename->add_option("--new-name", o.new_name, "New name")->required();
  o.remove = experiments->add_subcommand("delete", "Mark an active experiment (and its runs) deleted");
  o.remove->add_option("-x,--experiment-id", o.experiment_id, "Experiment id")->required();
  o.restore = experiments->add_subcommand("restore", "Restore a deleted experiment");
  o.restore->add_option("-x,--experiment-id", o.experiment_id, "Experiment id")->required();
  o.csv = experiments->add_subcommand("csv", "Print (or write to --filename) the experiment's active runs as CSV");
  o.csv->add_option("-x,--experiment-id", o.experiment_id, "Experiment id")->required();
  o.csv->add_option("-o,--filename", o.filename, "Write the CSV to this file instead of printing it");
  return experiments;
}

int RunExperimentsCommand() { return Run(); }

}  // namespace mlflow::cli
