// Tracking REST handlers: decode the request (request_fields.h), call the TrackingService (which
// applies MLflow's rules), render the answer (json_render.h).
#include "server/handlers/tracking_handlers.h"

#include <algorithm>
#include <cmath>

#include "core/validation.h"
#include "server/handlers/fast_writes.h"
#include "server/handlers/json_render.h"
#include "server/handlers/request_fields.h"
#include "server/handlers/routes.h"

namespace mlflow::server {
namespace {

using nlohmann::json;
namespace v = mlflow::validation;

const json kEmpty = json::object();

Result<std::string> RunId(const RequestFields& f) { return f.RequiredString("run_id", "run_uuid"); }

// Parses one metric of LogMetric (path "") or LogBatch (path "metrics[i].").
Result<Metric> ParseMetric(const json& obj, const std::string& prefix) {
  Metric m;
  auto key = obj.find("key");
  if (key == obj.end() || key->is_null() || (key->is_string() && key->get<std::string>().empty())) {
    return v::Missing(prefix + "key");
  }
  if (!key->is_string()) return TypeError(prefix + "key", *key);
  m.key = key->get<std::string>();
  auto value = obj.find("value");
  if (value == obj.end() || value->is_null()) return v::Missing(prefix + "value");
  auto ts = obj.find("timestamp");
  if (ts == obj.end() || ts->is_null()) return v::Missing(prefix + "timestamp");
  auto d = JsonToDouble(*value);
  if (!d) {
    return v::Invalid(value->dump(), prefix + "value",
                      "(timestamp=" + ts->dump() + "). Please specify value as a valid double (64-bit floating point)");
  }
  m.value = *d;
  auto t = JsonToInt64(*ts);
  if (!t || ts->is_boolean() || *t < 0) {
    return v::Invalid(ts->dump(), prefix + "timestamp",
                      "metric '" + m.key + "' (value=" + value->dump() +
                          "). Timestamp must be a nonnegative long (64-bit integer) ");
  }
  m.timestamp = *t;
  auto step = obj.find("step");
  // A fractional step acts as unset (step 0), as in MLflow 3.x.
  bool fractional_step = step != obj.end() && step->is_number_float() &&
                         std::floor(step->get<double>()) != step->get<double>();
  if (step != obj.end() && !step->is_null() && !fractional_step) {
    auto s = JsonToInt64(*step);
    if (!s || step->is_boolean()) {
      return v::Invalid(step->dump(), prefix + "step",
                        "metric '" + m.key + "' (value=" + value->dump() +
                            "). Step must be a valid long (64-bit integer).");
    }
    m.step = *s;
  }
  for (auto [field, dst] : {std::pair{"model_id", &m.model_id}, std::pair{"dataset_name", &m.dataset_name},
                            std::pair{"dataset_digest", &m.dataset_digest}}) {
    auto it = obj.find(field);
    if (it != obj.end() && it->is_string()) *dst = it->get<std::string>();
  }
  return m;
}

Result<ViewType> ParseViewType(const RequestFields& f, const std::string& field) {
  if (f.from_query()) {
    MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> s, f.String(field));
    if (!s) return ViewType::kActiveOnly;
    if (*s == "ACTIVE_ONLY" || *s == "1") return ViewType::kActiveOnly;
    if (*s == "DELETED_ONLY" || *s == "2") return ViewType::kDeletedOnly;
    if (*s == "ALL" || *s == "3") return ViewType::kAll;
    return TypeError(field, json(*s));
  }
  const json* j = f.Json(field);
  if (!j) return ViewType::kActiveOnly;
  if (!j->is_string()) return TypeError(field, *j);
  std::string s = j->get<std::string>();
  if (s == "DELETED_ONLY") return ViewType::kDeletedOnly;
  if (s == "ALL") return ViewType::kAll;
  // ACTIVE_ONLY, and unknown names (dropped by MLflow's decoder) mean the default.
  return ViewType::kActiveOnly;
}

// ---------------------------------------------------------------------------------------------
// Experiments

Result<json> CreateExperiment(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> location, f.String("artifact_location"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> tags, f.KeyValueList("tags"));
  service::CreateExperimentRequest r{std::move(name), location.value_or(""), std::move(tags)};
  MLFLOW_ASSIGN_OR_RETURN(std::string id, ctx.tracking->CreateExperiment(r));
  return json{{"experiment_id", id}};
}

Result<json> GetExperiment(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string id, f.RequiredString("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(Experiment e, ctx.tracking->GetExperiment(id));
  return json{{"experiment", ToJson(e)}};
}

Result<json> GetExperimentByName(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("experiment_name"));
  MLFLOW_ASSIGN_OR_RETURN(Experiment e, ctx.tracking->GetExperimentByName(name));
  return json{{"experiment", ToJson(e)}};
}

Result<json> DeleteExperiment(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string id, f.RequiredString("experiment_id"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->DeleteExperiment(id));
  return kEmpty;
}

Result<json> RestoreExperiment(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string id, f.RequiredString("experiment_id"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->RestoreExperiment(id));
  return kEmpty;
}

Result<json> UpdateExperiment(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string id, f.RequiredString("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::string new_name, f.RequiredString("new_name"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->RenameExperiment(id, new_name));
  return kEmpty;
}

Result<json> SetExperimentTag(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string id, f.RequiredString("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> value, f.String("value"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->SetExperimentTag(id, {key, value.value_or("")}));
  return kEmpty;
}

Result<json> DeleteExperimentTag(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string id, f.RequiredString("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->DeleteExperimentTag(id, key));
  return kEmpty;
}

Result<json> SearchExperiments(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  service::SearchExperimentsRequest s;
  MLFLOW_ASSIGN_OR_RETURN(s.max_results, f.Int64("max_results"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> filter, f.String("filter"));
  s.filter = filter.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> token, f.String("page_token"));
  s.page_token = token.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(s.order_by, f.StringList("order_by"));
  MLFLOW_ASSIGN_OR_RETURN(s.view_type, ParseViewType(f, "view_type"));
  MLFLOW_ASSIGN_OR_RETURN(store::ExperimentSearchPage page, ctx.tracking->SearchExperiments(s));
  json out = json::object();
  if (!page.experiments.empty()) {
    json arr = json::array();
    for (const auto& e : page.experiments) arr.push_back(ToJson(e));
    out["experiments"] = std::move(arr);
  }
  if (!page.next_page_token.empty()) out["next_page_token"] = page.next_page_token;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Runs

Result<json> CreateRun(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_ASSIGN_OR_RETURN(service::CreateRunRequest r, DecodeCreateRun(req));
  MLFLOW_ASSIGN_OR_RETURN(Run run, ctx.tracking->CreateRun(r));
  return CreateRunAnswer(run);
}

Result<json> UpdateRun(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, RunId(f));
  std::optional<std::string> status;
  if (const json* s = f.Json("status")) {
    static const std::vector<std::string> kStatuses = {"RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"};
    if (s->is_number_integer() && s->get<int64_t>() >= 1 && s->get<int64_t>() <= 5) {
      status = kStatuses[static_cast<size_t>(s->get<int64_t>() - 1)];
    } else if (!s->is_string()) {
      return TypeError("status", *s);
    }
    // An unknown status name is dropped by MLflow's decoder: the status stays as it is.
    if (s->is_string() && std::find(kStatuses.begin(), kStatuses.end(), s->get<std::string>()) != kStatuses.end()) {
      status = s->get<std::string>();
    }
  } else if (f.from_query()) {
    MLFLOW_ASSIGN_OR_RETURN(status, f.String("status"));
  }
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> end_time, f.Int64("end_time"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> name, f.String("run_name"));
  MLFLOW_ASSIGN_OR_RETURN(RunInfo info, ctx.tracking->UpdateRun({run_id, status, end_time, name.value_or("")}));
  return json{{"run_info", ToJson(info)}};
}

Result<json> DeleteRun(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->DeleteRun(run_id));
  return kEmpty;
}

Result<json> RestoreRun(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->RestoreRun(run_id));
  return kEmpty;
}

Result<json> GetRun(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, RunId(f));
  MLFLOW_ASSIGN_OR_RETURN(Run run, ctx.tracking->GetRun(run_id));
  return json{{"run", ToJson(run)}};
}

Result<std::string> SearchRuns(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  service::SearchRunsRequest s;
  MLFLOW_ASSIGN_OR_RETURN(s.experiment_ids, f.StringList("experiment_ids"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> filter, f.String("filter"));
  s.filter = filter.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(s.view_type, ParseViewType(f, "run_view_type"));
  MLFLOW_ASSIGN_OR_RETURN(s.max_results, f.Int64("max_results"));
  MLFLOW_ASSIGN_OR_RETURN(s.order_by, f.StringList("order_by"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> token, f.String("page_token"));
  s.page_token = token.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(store::RunSearchPage page, ctx.tracking->SearchRuns(s));
  return RunListJson(page.runs, page.next_page_token);
}

Result<json> LogMetric(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, RunId(f));
  json obj = json::object();
  for (const char* field : {"key", "value", "timestamp", "step", "model_id", "dataset_name", "dataset_digest"}) {
    if (const json* j = f.Json(field)) obj[field] = *j;
  }
  if (f.from_query()) {
    return Status::InvalidParameter("LogMetric requires a JSON body");
  }
  // Handler-level required checks first (with the API docs suffix), like MLflow.
  if (!f.Has("key")) return MissingParameter("key");
  if (!f.Has("value")) return MissingParameter("value");
  if (!f.Has("timestamp")) return MissingParameter("timestamp");
  MLFLOW_ASSIGN_OR_RETURN(Metric m, ParseMetric(obj, ""));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->LogMetric(run_id, m));
  return kEmpty;
}

Result<json> LogParam(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, RunId(f));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> value, f.String("value"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->LogParam(run_id, {std::move(key), value.value_or("")}));
  return kEmpty;
}

Result<json> SetTag(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, RunId(f));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> value, f.String("value"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->SetTag(run_id, {std::move(key), value.value_or("")}));
  return kEmpty;
}

Result<json> DeleteTag(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->DeleteTag(run_id, key));
  return kEmpty;
}

Result<json> LogBatch(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  service::LogBatchRequest r;
  MLFLOW_ASSIGN_OR_RETURN(r.run_id, f.RequiredString("run_id"));
  if (const json* arr = f.Json("metrics")) {
    if (!arr->is_array()) return TypeError("metrics", *arr);
    r.metrics.reserve(arr->size());
    for (size_t i = 0; i < arr->size(); ++i) {
      if (!(*arr)[i].is_object()) return TypeError("metrics", *arr);
      MLFLOW_ASSIGN_OR_RETURN(Metric m, ParseMetric((*arr)[i], "metrics[" + std::to_string(i) + "]."));
      r.metrics.push_back(std::move(m));
    }
  }
  MLFLOW_ASSIGN_OR_RETURN(r.params, f.KeyValueList("params", /*require_key=*/true));
  MLFLOW_ASSIGN_OR_RETURN(r.tags, f.KeyValueList("tags", /*require_key=*/true));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->LogBatch(std::move(r)));
  return kEmpty;
}

Result<json> LogModel(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::string model_json, f.RequiredString("model_json"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->LogModel(run_id, model_json));
  return kEmpty;
}

// A JSON string field of an object; nullopt when absent or not a string (MLflow's "cannot be None").
std::optional<std::string> OptionalString(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Result<json> LogInputs(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  service::LogInputsRequest r;
  MLFLOW_ASSIGN_OR_RETURN(r.run_id, f.RequiredString("run_id"));
  if (const json* arr = f.Json("datasets")) {
    if (!arr->is_array()) return TypeError("datasets", *arr);
    for (const auto& item : *arr) {
      if (!item.is_object()) return TypeError("datasets", *arr);
      service::DatasetInputFields in;
      auto d = item.find("dataset");
      if (d != item.end() && d->is_object()) {
        in.dataset = service::DatasetFields{OptionalString(*d, "name"),   OptionalString(*d, "digest"),
                                            OptionalString(*d, "source_type"), OptionalString(*d, "source"),
                                            OptionalString(*d, "schema"), OptionalString(*d, "profile")};
      }
      auto tags = item.find("tags");
      if (tags != item.end() && tags->is_array()) {
        for (const auto& t : *tags) in.tags.push_back({OptionalString(t, "key"), OptionalString(t, "value")});
      }
      r.datasets.push_back(std::move(in));
    }
  }
  if (const json* arr = f.Json("models")) {
    if (!arr->is_array()) return TypeError("models", *arr);
    for (const auto& item : *arr) {
      auto id = item.find("model_id");
      if (id == item.end() || !id->is_string()) return MissingParameter("models.model_id");
      r.models.push_back({id->get<std::string>()});
    }
  }
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->LogInputs(r));
  return kEmpty;
}

Result<json> LogOutputs(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id"));
  std::vector<ModelOutput> models;
  const json* arr = f.Json("models");
  if (!arr) return MissingParameter("models");
  if (!arr->is_array()) return TypeError("models", *arr);
  for (const auto& item : *arr) {
    auto id = item.find("model_id");
    if (id == item.end() || !id->is_string()) return MissingParameter("models.model_id");
    ModelOutput mo{id->get<std::string>(), 0};
    auto step = item.find("step");
    if (step != item.end() && !step->is_null()) {
      auto s = JsonToInt64(*step);
      if (!s) return TypeError("step", *step);
      mo.step = *s;
    }
    models.push_back(std::move(mo));
  }
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->LogOutputs(run_id, models));
  return kEmpty;
}

// ---------------------------------------------------------------------------------------------
// Metric history

Result<std::string> GetMetricHistory(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  service::MetricHistoryRequest r;
  MLFLOW_ASSIGN_OR_RETURN(r.run_id, RunId(f));
  MLFLOW_ASSIGN_OR_RETURN(r.metric_key, f.RequiredString("metric_key"));
  MLFLOW_ASSIGN_OR_RETURN(r.max_results, f.Int64("max_results"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> token, f.String("page_token"));
  r.page_token = token.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(store::MetricHistoryPage page, ctx.tracking->GetMetricHistory(r));
  return MetricListJson(page.metrics, page.next_page_token);
}

// Written straight to text like get-history (json_render.h): a chart's answer holds up to 100 runs
// x 1,000 points, and a JSON object per point cost more than sampling them (metric_sampling.h).
Result<std::string> GetMetricHistoryBulkInterval(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  service::MetricHistoryIntervalRequest r;
  MLFLOW_ASSIGN_OR_RETURN(r.run_ids, f.StringList("run_ids"));
  MLFLOW_ASSIGN_OR_RETURN(r.metric_key, f.RequiredString("metric_key"));
  if (r.run_ids.empty()) return MissingParameter("run_ids");
  MLFLOW_ASSIGN_OR_RETURN(r.start_step, f.Int64("start_step"));
  MLFLOW_ASSIGN_OR_RETURN(r.end_step, f.Int64("end_step"));
  MLFLOW_ASSIGN_OR_RETURN(r.max_results, f.Int64("max_results"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<Metric> metrics, ctx.tracking->GetMetricHistoryBulkInterval(r));
  return MetricListJson(metrics, "", /*with_run_id=*/true);
}

Result<json> GetMetricHistoryBulk(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  service::MetricHistoryBulkRequest r;
  MLFLOW_ASSIGN_OR_RETURN(r.run_ids, f.StringList("run_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> key, f.String("metric_key"));
  r.metric_key = key.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(r.max_results, f.Int64("max_results"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<Metric> metrics, ctx.tracking->GetMetricHistoryBulk(r));
  json arr = json::array();
  for (const auto& m : metrics) arr.push_back(ToJson(m, true));
  return json{{"metrics", std::move(arr)}};
}

Result<json> SearchDatasets(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> ids, f.StringList("experiment_ids"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<store::DatasetSummary> summaries, ctx.tracking->SearchDatasets(ids));
  json out = json::object();
  if (!summaries.empty()) {
    json arr = json::array();
    for (const auto& s : summaries) {
      json j = {{"experiment_id", s.experiment_id}, {"name", s.name}, {"digest", s.digest}};
      if (s.context) j["context"] = *s.context;
      arr.push_back(std::move(j));
    }
    out["dataset_summaries"] = std::move(arr);
  }
  return out;
}

}  // namespace

Result<service::CreateRunRequest> DecodeCreateRun(const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> exp, f.String("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> user, f.String("user_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> name, f.String("run_name"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> start, f.Int64("start_time"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> tags, f.KeyValueList("tags"));
  return service::CreateRunRequest{exp, user.value_or(""), start, std::move(tags), name.value_or("")};
}

nlohmann::json CreateRunAnswer(const Run& run) {
  json out = ToJson(run);
  out.erase("outputs");  // MLflow's CreateRun answer has no outputs field
  return json{{"run", std::move(out)}};
}

void RegisterTrackingHandlers(Router& router, ApiContext& ctx) {
  auto bind = [&ctx](Result<json> (*fn)(ApiContext&, const HttpRequest&)) {
    return [&ctx, fn](const HttpRequest& req) { return fn(ctx, req); };
  };
  AddJsonApi(router, "POST", "/mlflow/experiments/create", bind(CreateExperiment));
  AddJsonApi(router, "GET", "/mlflow/experiments/get", bind(GetExperiment));
  AddJsonApi(router, "GET", "/mlflow/experiments/get-by-name", bind(GetExperimentByName));
  AddJsonApi(router, "POST", "/mlflow/experiments/delete", bind(DeleteExperiment));
  AddJsonApi(router, "POST", "/mlflow/experiments/restore", bind(RestoreExperiment));
  AddJsonApi(router, "POST", "/mlflow/experiments/update", bind(UpdateExperiment));
  AddJsonApi(router, "POST", "/mlflow/experiments/set-experiment-tag", bind(SetExperimentTag));
  AddJsonApi(router, "POST", "/mlflow/experiments/delete-experiment-tag", bind(DeleteExperimentTag));
  AddJsonApi(router, "POST", "/mlflow/experiments/search", bind(SearchExperiments));
  AddJsonApi(router, "GET", "/mlflow/experiments/search", bind(SearchExperiments));

  AddJsonApi(router, "POST", "/mlflow/runs/create", bind(CreateRun));
  AddJsonApi(router, "POST", "/mlflow/runs/update", bind(UpdateRun));
  AddJsonApi(router, "POST", "/mlflow/runs/delete", bind(DeleteRun));
  AddJsonApi(router, "POST", "/mlflow/runs/restore", bind(RestoreRun));
  AddJsonApi(router, "GET", "/mlflow/runs/get", bind(GetRun));
  AddRawJsonApi(router, "POST", "/mlflow/runs/search",
                [&ctx](const HttpRequest& req) { return SearchRuns(ctx, req); });
  AddJsonApi(router, "POST", "/mlflow/runs/log-metric", bind(LogMetric));
  AddJsonApi(router, "POST", "/mlflow/runs/log-parameter", bind(LogParam));
  AddJsonApi(router, "POST", "/mlflow/runs/log-batch", bind(LogBatch));
  AddJsonApi(router, "POST", "/mlflow/runs/set-tag", bind(SetTag));
  AddJsonApi(router, "POST", "/mlflow/runs/delete-tag", bind(DeleteTag));
  AddJsonApi(router, "POST", "/mlflow/runs/log-model", bind(LogModel));
  AddJsonApi(router, "POST", "/mlflow/runs/log-inputs", bind(LogInputs));
  AddJsonApi(router, "POST", "/mlflow/runs/outputs", bind(LogOutputs));

  AddRawJsonApi(router, "GET", "/mlflow/metrics/get-history",
                [&ctx](const HttpRequest& req) { return GetMetricHistory(ctx, req); });
  AddRawJsonApi(router, "GET", "/mlflow/metrics/get-history-bulk-interval",
                [&ctx](const HttpRequest& req) { return GetMetricHistoryBulkInterval(ctx, req); });
  AddJsonApi(router, "GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk", bind(GetMetricHistoryBulk));
  AddJsonApi(router, "POST", "/ajax-api/2.0/mlflow/experiments/search-datasets", bind(SearchDatasets));
  AddFastWrites(router, ctx);  // after the routes it attaches to
}

}  // namespace mlflow::server
