#include "service/tracking_service.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/limits.h"
#include "core/validation.h"
#include "search/sql_compiler.h"

namespace mlflow::service {
namespace {

namespace v = mlflow::validation;
using nlohmann::json;

// A value over `max` characters: cut when MLflow's truncation switch is on (the default), else
// refused with "'<what>' exceeds the maximum length of N characters".
Status FitValue(std::string& value, size_t max, const std::string& what) {
  if (v::CharLength(value) <= max) return Status();
  if (!v::TruncateLongValues()) return v::TooLong(what, max);
  value = v::TruncateChars(value, max);
  return Status();
}

Status BatchLimit(size_t n, size_t max, const char* what) {
  if (n <= max) return Status();
  return Status::InvalidParameter("A batch logging request can contain at most " + std::to_string(max) + " " + what +
                                  ". Got " + std::to_string(n) + " " + what +
                                  ". Please split up " + what + " across multiple requests and try again.");
}

Status ValidateArtifactLocation(const std::string& loc) {
  if (loc.empty()) return Status();
  if (loc.size() > limits::kMaxArtifactLocationLength) {
    return Status::InvalidParameter("Invalid artifact path length. The length of the artifact path cannot be greater "
                                    "than " +
                                    std::to_string(limits::kMaxArtifactLocationLength) +
                                    " characters. To configure this limit, please set the "
                                    "MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH environment variable.");
  }
  if (loc.find('#') != std::string::npos || loc.find(';') != std::string::npos) {
    return Status::InvalidParameter("'artifact_location' URL can't include fragments or params.");
  }
  auto q = loc.find('?');
  if (q != std::string::npos && loc.find("..", q) != std::string::npos) {
    return Status::InvalidParameter("Invalid query string");
  }
  return Status();
}

// One dataset input of LogInputs, checked in MLflow's order: presence, then lengths, then tags.
Result<DatasetInput> ToDatasetInput(const DatasetInputFields& in) {
  if (!in.dataset) return Status::InvalidParameter("Dataset cannot be None");
  const DatasetFields& d = *in.dataset;
  for (auto [field, label] : {std::pair{&d.name, "name"}, std::pair{&d.digest, "digest"},
                              std::pair{&d.source_type, "source_type"}, std::pair{&d.source, "source"}}) {
    if (!*field) return Status::InvalidParameter(std::string("Dataset ") + label + " cannot be None");
  }
  DatasetInput out;
  out.dataset = Dataset{*d.name, *d.digest, *d.source_type, *d.source, d.schema, d.profile};
  const Dataset& ds = out.dataset;
  for (auto [value, label, max] :
       {std::tuple{&ds.name, "name", limits::kMaxDatasetNameLength},
        std::tuple{&ds.digest, "digest", limits::kMaxDatasetDigestLength},
        std::tuple{&ds.source, "source", limits::kMaxDatasetSourceLength}}) {
    if (v::CharLength(*value) > max) return v::TooLong(label, max);
  }
  if (ds.schema && v::CharLength(*ds.schema) > limits::kMaxDatasetSchemaLength) {
    return v::TooLong("schema", limits::kMaxDatasetSchemaLength);
  }
  if (ds.profile && v::CharLength(*ds.profile) > limits::kMaxDatasetProfileLength) {
    return v::TooLong("profile", limits::kMaxDatasetProfileLength);
  }
  out.tags.reserve(in.tags.size());
  for (const InputTagFields& t : in.tags) {
    if (!t.key) return Status::InvalidParameter("InputTag key cannot be None");
    if (!t.value) return Status::InvalidParameter("InputTag value cannot be None");
    if (v::CharLength(*t.key) > limits::kMaxInputTagKeyLength) return v::TooLong("key", limits::kMaxInputTagKeyLength);
    if (v::CharLength(*t.value) > limits::kMaxInputTagValueLength) {
      return v::TooLong("value", limits::kMaxInputTagValueLength);
    }
    out.tags.push_back({*t.key, *t.value});
  }
  return out;
}

// The next mlflow.log-model.history value: the current list (anything else starts a new one)
// with `model` appended. Stored whole, as MLflow stores it (no truncation: a cut list would not
// parse, and every earlier entry would be lost on the next append).
Result<std::string> AppendToHistory(const std::optional<std::string>& current, const json& model) {
  json history = json::array();
  if (current) {
    json h = json::parse(*current, nullptr, false);
    if (h.is_array()) history = std::move(h);
  }
  history.push_back(model);
  std::string value = history.dump(-1, ' ', false, json::error_handler_t::replace);
  if (!v::TruncateLongValues() && v::CharLength(value) > limits::kMaxTagValueLength) {
    return v::TooLong("value", limits::kMaxTagValueLength);
  }
  return value;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Experiments

Result<std::string> TrackingService::CreateExperiment(const CreateExperimentRequest& request) {
  if (v::CharLength(request.name) > limits::kMaxExperimentNameLength) {
    return v::TooLong("name", limits::kMaxExperimentNameLength);
  }
  MLFLOW_RETURN_IF_ERROR(ValidateArtifactLocation(request.artifact_location));
  return store_.CreateExperiment(request.name, request.artifact_location, request.tags);
}

Result<Experiment> TrackingService::GetExperiment(const std::string& experiment_id) {
  return store_.GetExperiment(experiment_id);
}

Result<Experiment> TrackingService::GetExperimentByName(const std::string& name) {
  return store_.GetExperimentByName(name);
}

Status TrackingService::DeleteExperiment(const std::string& experiment_id) {
  return store_.DeleteExperiment(experiment_id);
}

Status TrackingService::RestoreExperiment(const std::string& experiment_id) {
  return store_.RestoreExperiment(experiment_id);
}

Status TrackingService::RenameExperiment(const std::string& experiment_id, const std::string& new_name) {
  return store_.RenameExperiment(experiment_id, new_name);
}

Status TrackingService::SetExperimentTag(const std::string& experiment_id, const KeyValue& tag) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateKey(tag.key, "key", "key"));
  // Experiment tag values are never truncated.
  if (v::CharLength(tag.value) > limits::kMaxExperimentTagValueLength) {
    return v::TooLong("value", limits::kMaxExperimentTagValueLength);
  }
  return store_.SetExperimentTag(experiment_id, tag);
}

Status TrackingService::DeleteExperimentTag(const std::string& experiment_id, const std::string& key) {
  return store_.DeleteExperimentTag(experiment_id, key);
}

Result<store::ExperimentSearchPage> TrackingService::SearchExperiments(const SearchExperimentsRequest& request) {
  store::ExperimentSearchRequest s;
  s.filter = request.filter;
  s.view_type = request.view_type;
  // MLflow reads an absent max_results as 0 and refuses it; the client and the UI always send it.
  s.max_results = request.max_results.value_or(0);
  s.order_by = request.order_by;
  s.page_token = request.page_token;
  return store_.SearchExperiments(s);
}

// ---------------------------------------------------------------------------------------------
// Runs

Result<Run> TrackingService::CreateRun(const CreateRunRequest& request) {
  // MLflow's store looks up the Default experiment for a run without one (its errors if that one is
  // gone or deleted), then fails to insert the run (a foreign key error, 400 BAD_REQUEST with the
  // SQL text); it writes nothing, and neither do we.
  if (!request.experiment_id || request.experiment_id->empty()) {
    MLFLOW_ASSIGN_OR_RETURN(Experiment fallback, store_.GetExperiment("0"));
    if (fallback.lifecycle_stage != kLifecycleActive) {
      return Status::InvalidParameter("The experiment 0 must be in the 'active' state. Current state is " +
                                      fallback.lifecycle_stage + ".");
    }
    return Status::BadRequest("Missing value for required parameter 'experiment_id': a run belongs to an experiment.");
  }
  return store_.CreateRun(*request.experiment_id, request.user_id, request.start_time, request.tags,
                          request.run_name);
}

Result<RunInfo> TrackingService::UpdateRun(const UpdateRunRequest& request) {
  return store_.UpdateRun(request.run_id, request.status, request.end_time, request.run_name);
}

Status TrackingService::DeleteRun(const std::string& run_id) { return store_.DeleteRun(run_id); }

Status TrackingService::RestoreRun(const std::string& run_id) { return store_.RestoreRun(run_id); }

Result<Run> TrackingService::GetRun(const std::string& run_id) { return store_.GetRun(run_id); }

Result<store::RunSearchPage> TrackingService::SearchRuns(const SearchRunsRequest& request) {
  store::RunSearchRequest s;
  s.experiment_ids = request.experiment_ids;
  s.filter = request.filter;
  s.view_type = request.view_type;
  s.max_results = request.max_results.value_or(search::kRunsMaxResultsDefault);
  s.order_by = request.order_by;
  s.page_token = request.page_token;
  return store_.SearchRuns(s);
}

// ---------------------------------------------------------------------------------------------
// Run data

Status TrackingService::LogMetric(const std::string& run_id, const Metric& metric) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateKey(metric.key, "name", "Metric name"));
  return store_.LogMetric(run_id, metric);
}

Status TrackingService::LogParam(const std::string& run_id, KeyValue param) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateKey(param.key, "key", "Param key"));
  MLFLOW_RETURN_IF_ERROR(FitValue(param.value, limits::kMaxParamValueLength, "Param value"));
  return store_.LogParam(run_id, param);
}

Status TrackingService::SetTag(const std::string& run_id, KeyValue tag) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateKey(tag.key, "key", "key"));
  MLFLOW_RETURN_IF_ERROR(FitValue(tag.value, limits::kMaxTagValueLength, "value"));
  return store_.SetTag(run_id, tag);
}

Status TrackingService::DeleteTag(const std::string& run_id, const std::string& key) {
  return store_.DeleteTag(run_id, key);
}

namespace {

// MLflow's checks of a log-batch request, in its order; long values are cut in place.
Status CheckLogBatch(LogBatchRequest& r) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateRunIdFormat(r.run_id));
  MLFLOW_RETURN_IF_ERROR(BatchLimit(r.metrics.size(), limits::kMaxMetricsPerBatch, "metrics"));
  MLFLOW_RETURN_IF_ERROR(BatchLimit(r.params.size(), limits::kMaxParamsPerBatch, "params"));
  MLFLOW_RETURN_IF_ERROR(BatchLimit(r.tags.size(), limits::kMaxTagsPerBatch, "tags"));
  MLFLOW_RETURN_IF_ERROR(BatchLimit(r.metrics.size() + r.params.size() + r.tags.size(), limits::kMaxEntitiesPerBatch,
                                    "metrics, params, and tags"));
  for (size_t i = 0; i < r.metrics.size(); ++i) {
    MLFLOW_RETURN_IF_ERROR(v::ValidateKey(r.metrics[i].key, "metrics[" + std::to_string(i) + "].name", "Metric name"));
  }
  std::set<std::string> seen;
  std::vector<std::string> dups;
  for (size_t i = 0; i < r.params.size(); ++i) {
    KeyValue& p = r.params[i];
    MLFLOW_RETURN_IF_ERROR(v::ValidateKey(p.key, "params[" + std::to_string(i) + "].key", "Param key"));
    MLFLOW_RETURN_IF_ERROR(FitValue(p.value, limits::kMaxParamValueLength, "Param value"));
    if (!seen.insert(p.key).second) dups.push_back(p.key);
  }
  if (!dups.empty()) {
    std::string list;
    for (const auto& d : dups) list += (list.empty() ? "" : ", ") + PyStrRepr(d);
    return Status::InvalidParameter("Duplicate parameter keys have been submitted: [" + list +
                                    "]. Please ensure the request contains only one param value per param key.");
  }
  for (size_t i = 0; i < r.tags.size(); ++i) {
    const std::string path = "tags[" + std::to_string(i) + "]";
    MLFLOW_RETURN_IF_ERROR(v::ValidateKey(r.tags[i].key, path + ".key", path + ".key"));
    MLFLOW_RETURN_IF_ERROR(FitValue(r.tags[i].value, limits::kMaxTagValueLength, path + ".value"));
  }
  return Status();
}

}  // namespace

Status TrackingService::LogBatch(LogBatchRequest r) {
  MLFLOW_RETURN_IF_ERROR(CheckLogBatch(r));
  return store_.LogBatch(r.run_id, r.metrics, r.params, r.tags);
}

void TrackingService::LogBatchAsync(LogBatchRequest r, std::function<void(Status)> done) {
  if (Status st = CheckLogBatch(r); !st.ok()) return done(st);
  store_.LogBatchAsync(std::move(r.run_id), std::move(r.metrics), std::move(r.params), std::move(r.tags),
                       std::move(done));
}

void TrackingService::LogMetricAsync(const std::string& run_id, const Metric& metric,
                                     std::function<void(Status)> done) {
  if (Status st = v::ValidateKey(metric.key, "name", "Metric name"); !st.ok()) return done(st);
  store_.LogMetricAsync(run_id, metric, std::move(done));
}

void TrackingService::CreateRunAsync(const CreateRunRequest& request, std::function<void(Result<Run>)> done) {
  if (!request.experiment_id || request.experiment_id->empty()) {
    return done(Status::Internal("CreateRunAsync needs an experiment id"));
  }
  store_.CreateRunAsync(*request.experiment_id, request.user_id, request.start_time, request.tags, request.run_name,
                        std::move(done));
}

Status TrackingService::LogModel(const std::string& run_id, const std::string& model_json) {
  json model = json::parse(model_json, nullptr, false);
  if (model.is_discarded() || !model.is_object()) {
    return Status::InvalidParameter("Malformed model info. \n " + model_json + " \n is not a valid JSON.");
  }
  std::string missing;
  for (const char* k : {"artifact_path", "flavors", "run_id", "utc_time_created"}) {
    if (!model.contains(k)) missing += (missing.empty() ? "" : ", ") + PyStrRepr(k);
  }
  if (!missing.empty()) return Status::InvalidParameter("Model json is missing mandatory fields: {" + missing + "}");
  // One store operation reads the history and writes it back with the run locked, so concurrent
  // LogModel calls (threads, server processes) each add their entry.
  return store_.UpdateRunTag(run_id, kLogModelHistoryTag, [&model](const std::optional<std::string>& current) {
    return AppendToHistory(current, model);
  });
}

Status TrackingService::LogInputs(const LogInputsRequest& request) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateRunIdFormat(request.run_id));
  std::vector<DatasetInput> datasets;
  datasets.reserve(request.datasets.size());
  for (const DatasetInputFields& in : request.datasets) {
    MLFLOW_ASSIGN_OR_RETURN(DatasetInput d, ToDatasetInput(in));
    datasets.push_back(std::move(d));
  }
  return store_.LogInputs(request.run_id, datasets, request.models);
}

Status TrackingService::LogOutputs(const std::string& run_id, const std::vector<ModelOutput>& models) {
  return store_.LogOutputs(run_id, models);
}

// ---------------------------------------------------------------------------------------------
// Metric history and datasets

Result<store::MetricHistoryPage> TrackingService::GetMetricHistory(const MetricHistoryRequest& request) {
  // MLflow 3.17 refuses an explicit page size below 1 (0 used to mean "all", and a page of 0
  // points with a token back to the same offset made clients loop).
  if (request.max_results && *request.max_results <= 0) {
    return Status::InvalidParameter("Invalid value " + std::to_string(*request.max_results) +
                                    " for parameter 'max_results' supplied. It must be a positive integer.");
  }
  return store_.GetMetricHistory(request.run_id, request.metric_key, request.max_results.value_or(0),
                                 request.page_token);
}

Result<std::vector<Metric>> TrackingService::GetMetricHistoryBulk(const MetricHistoryBulkRequest& request) {
  if (request.run_ids.empty()) {
    return Status::InvalidParameter("GetMetricHistoryBulk request must specify at least one run_id.");
  }
  if (request.run_ids.size() > limits::kMaxRunIdsPerBulkHistory) {
    return Status::InvalidParameter("GetMetricHistoryBulk request cannot specify more than " +
                                    std::to_string(limits::kMaxRunIdsPerBulkHistory) + " run_ids. Received " +
                                    std::to_string(request.run_ids.size()) + " run_ids.");
  }
  if (request.metric_key.empty()) {
    return Status::InvalidParameter("GetMetricHistoryBulk request must specify a metric_key.");
  }
  store::RunMetricsRequest r{request.run_ids, request.metric_key,
                             std::min(request.max_results.value_or(limits::kBulkHistoryMaxResults),
                                      limits::kBulkHistoryMaxResults)};
  return store_.GetMetricHistoryBulk(r);
}

Result<std::vector<Metric>> TrackingService::GetMetricHistoryBulkInterval(const MetricHistoryIntervalRequest& request) {
  if (request.run_ids.size() > limits::kMaxRunIdsPerBulkHistory) {
    return Status::InvalidParameter("GetMetricHistoryBulkInterval request must specify at most " +
                                    std::to_string(limits::kMaxRunIdsPerBulkHistory) + " run_ids. Received " +
                                    std::to_string(request.run_ids.size()) + " run_ids.");
  }
  const int64_t max = request.max_results.value_or(limits::kBulkIntervalMaxResults);
  if (max < 1 || max > limits::kBulkIntervalMaxResults) {
    return Status::InvalidParameter("max_results must be between 1 and " +
                                    std::to_string(limits::kBulkIntervalMaxResults) + ".");
  }
  const auto& start = request.start_step;
  const auto& end = request.end_step;
  if (start.has_value() != end.has_value()) {
    return Status::InvalidParameter("If either start step or end step are specified, both must be specified.");
  }
  if (start && *end < *start) {
    return Status::InvalidParameter("end_step must be greater than start_step. Found start_step=" +
                                    std::to_string(*start) + " and end_step=" + std::to_string(*end) + ".");
  }
  return store_.GetMetricHistoryAtSteps(request.run_ids, request.metric_key, start, end, max);
}

Result<std::vector<store::DatasetSummary>> TrackingService::SearchDatasets(
    const std::vector<std::string>& experiment_ids) {
  if (experiment_ids.empty()) {
    return Status::InvalidParameter("SearchDatasets request must specify at least one experiment_id.");
  }
  if (experiment_ids.size() > limits::kMaxExperimentIdsPerDatasetSearch) {
    return Status::InvalidParameter("SearchDatasets request cannot specify more than " +
                                    std::to_string(limits::kMaxExperimentIdsPerDatasetSearch) +
                                    " experiment_ids. Received " + std::to_string(experiment_ids.size()) +
                                    " experiment_ids.");
  }
  return store_.SearchDatasets(experiment_ids);
}

}  // namespace mlflow::service
