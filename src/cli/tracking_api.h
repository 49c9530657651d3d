#pragma once
// TrackingApi: what `mlflow-cpp experiments` and `mlflow-cpp runs` need from a tracking store,
// either a database (sqlite:///..., postgresql://..., mysql://...: through service::TrackingService, so
// MLflow's rules apply as on the server) or a tracking server (http(s)://: its REST API, as the
// Python client calls it). MLflow's CLI picks the store from MLFLOW_TRACKING_URI; so does
// OpenTrackingApi.
//
//   MLFLOW_ASSIGN_OR_RETURN(auto api, OpenTrackingApi(TrackingUriFromEnv()));
//   MLFLOW_ASSIGN_OR_RETURN(std::vector<Run> runs, api->ListRuns("1", ViewType::kAll));
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/status.h"

namespace mlflow::cli {

class TrackingApi {
 public:
  virtual ~TrackingApi() = default;
  // artifact_location "" = the store's default.
  virtual Result<std::string> CreateExperiment(const std::string& name, const std::string& artifact_location) = 0;
  // Every page; max_results caps the total (nullopt = all).
  virtual Result<std::vector<Experiment>> SearchExperiments(ViewType view, std::optional<int64_t> max_results) = 0;
  virtual Status RenameExperiment(const std::string& experiment_id, const std::string& new_name) = 0;
  virtual Status DeleteExperiment(const std::string& experiment_id) = 0;
  virtual Status RestoreExperiment(const std::string& experiment_id) = 0;
  // Every run of the experiment in the view, all pages.
  virtual Result<std::vector<Run>> ListRuns(const std::string& experiment_id, ViewType view) = 0;
  virtual Result<Run> GetRun(const std::string& run_id) = 0;
  virtual Status DeleteRun(const std::string& run_id) = 0;
  virtual Status RestoreRun(const std::string& run_id) = 0;
};

// MLFLOW_TRACKING_URI, else MLflow's default sqlite:///mlflow.db.
std::string TrackingUriFromEnv();

// http(s):// = a tracking server; anything else a backend store URI.
Result<std::unique_ptr<TrackingApi>> OpenTrackingApi(const std::string& uri);

// MLflow's view names: active_only, deleted_only, all (any case).
Result<ViewType> ParseViewType(const std::string& view);

// The two-space-separated, left-aligned table MLflow's CLI prints (header, dashes, rows).
std::string FormatTable(const std::vector<std::vector<std::string>>& rows, const std::vector<std::string>& headers);

}  // namespace mlflow::cli
