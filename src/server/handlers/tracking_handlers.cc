// Tracking REST handlers: parse, validate against MLflow's limits, call the store, render.
#include <algorithm>
#include <cmath>
#include <set>

#include "core/validation.h"
#include "server/handlers/api_context.h"
#include "server/handlers/json_render.h"
#include "server/handlers/request_fields.h"

namespace mlflow::server {
namespace {

using nlohmann::json;
namespace v = mlflow::validation;

const json kEmpty = json::object();

bool IsJsonContentType(const std::string& ct) {
  std::string base = ct.substr(0, ct.find(';'));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  std::transform(base.begin(), base.end(), base.begin(), ::tolower);
  return base == "application/json";
}

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
  if (v::CharLength(name) > v::kMaxExperimentNameLength) return v::TooLong("name", v::kMaxExperimentNameLength);
  std::string loc = location.value_or("");
  if (!loc.empty()) {
    if (loc.size() > v::kMaxArtifactLocationLength) {
      return Status::InvalidParameter(
          "Invalid artifact path length. The length of the artifact path cannot be greater than 2048 characters. To "
          "configure this limit, please set the MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH environment variable.");
    }
    if (loc.find('#') != std::string::npos || loc.find(';') != std::string::npos) {
      return Status::InvalidParameter("'artifact_location' URL can't include fragments or params.");
    }
    auto q = loc.find('?');
    if (q != std::string::npos && loc.find("..", q) != std::string::npos) {
      return Status::InvalidParameter("Invalid query string");
    }
  }
  MLFLOW_ASSIGN_OR_RETURN(std::string id, ctx.tracking->CreateExperiment(name, loc, tags));
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
  MLFLOW_RETURN_IF_ERROR(v::ValidateKey(key, "key", "key"));
  std::string val = value.value_or("");
  if (v::CharLength(val) > v::kMaxExperimentTagValueLength) return v::TooLong("value", v::kMaxExperimentTagValueLength);
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->SetExperimentTag(id, {key, val}));
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
  store::ExperimentSearchRequest s;
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> max_results, f.Int64("max_results"));
  // Like MLflow, an absent max_results is 0 and rejected; the client and UI always send it.
  s.max_results = max_results.value_or(0);
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
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> exp, f.String("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> user, f.String("user_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> name, f.String("run_name"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> start, f.Int64("start_time"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> tags, f.KeyValueList("tags"));
  MLFLOW_ASSIGN_OR_RETURN(Run run, ctx.tracking->CreateRun(exp.value_or(""), user.value_or(""), start, tags,
                                                           name.value_or("")));
  json out = ToJson(run);
  out.erase("outputs");  // MLflow's CreateRun answer has no outputs field
  return json{{"run", std::move(out)}};
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
  MLFLOW_ASSIGN_OR_RETURN(RunInfo info, ctx.tracking->UpdateRun(run_id, status, end_time, name.value_or("")));
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
  store::RunSearchRequest s;
  MLFLOW_ASSIGN_OR_RETURN(s.experiment_ids, f.StringList("experiment_ids"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> filter, f.String("filter"));
  s.filter = filter.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(s.view_type, ParseViewType(f, "run_view_type"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> max_results, f.Int64("max_results"));
  s.max_results = max_results.value_or(1000);
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
  MLFLOW_RETURN_IF_ERROR(v::ValidateKey(m.key, "name", "Metric name"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->LogMetric(run_id, m));
  return kEmpty;
}

Result<json> LogParam(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, RunId(f));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> value, f.String("value"));
  MLFLOW_RETURN_IF_ERROR(v::ValidateKey(key, "key", "Param key"));
  std::string val = value.value_or("");
  if (!v::TruncateLongValues() && v::CharLength(val) > v::kMaxParamValueLength) {
    return v::TooLong("Param value", v::kMaxParamValueLength);
  }
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->LogParam(run_id, {key, val}));
  return kEmpty;
}

Result<json> SetTag(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, RunId(f));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> value, f.String("value"));
  MLFLOW_RETURN_IF_ERROR(v::ValidateKey(key, "key", "key"));
  std::string val = value.value_or("");
  if (!v::TruncateLongValues() && v::CharLength(val) > v::kMaxTagValueLength) {
    return v::TooLong("value", v::kMaxTagValueLength);
  }
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->SetTag(run_id, {key, val}));
  return kEmpty;
}

Result<json> DeleteTag(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->DeleteTag(run_id, key));
  return kEmpty;
}

Status BatchLimit(size_t n, size_t max, const char* what) {
  if (n <= max) return Status();
  return Status::InvalidParameter("A batch logging request can contain at most " + std::to_string(max) + " " + what +
                                  ". Got " + std::to_string(n) + " " + what +
                                  ". Please split up " + what + " across multiple requests and try again.");
}

Result<json> LogBatch(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id"));
  std::vector<Metric> metrics;
  if (const json* arr = f.Json("metrics")) {
    if (!arr->is_array()) return TypeError("metrics", *arr);
    metrics.reserve(arr->size());
    for (size_t i = 0; i < arr->size(); ++i) {
      if (!(*arr)[i].is_object()) return TypeError("metrics", *arr);
      MLFLOW_ASSIGN_OR_RETURN(Metric m, ParseMetric((*arr)[i], "metrics[" + std::to_string(i) + "]."));
      metrics.push_back(std::move(m));
    }
  }
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> params, f.KeyValueList("params", /*require_key=*/true));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> tags, f.KeyValueList("tags", /*require_key=*/true));
  MLFLOW_RETURN_IF_ERROR(v::ValidateRunIdFormat(run_id));
  MLFLOW_RETURN_IF_ERROR(BatchLimit(metrics.size(), v::kMaxMetricsPerBatch, "metrics"));
  MLFLOW_RETURN_IF_ERROR(BatchLimit(params.size(), v::kMaxParamsPerBatch, "params"));
  MLFLOW_RETURN_IF_ERROR(BatchLimit(tags.size(), v::kMaxTagsPerBatch, "tags"));
  MLFLOW_RETURN_IF_ERROR(BatchLimit(metrics.size() + params.size() + tags.size(), v::kMaxEntitiesPerBatch,
                                    "metrics, params, and tags"));
  for (size_t i = 0; i < metrics.size(); ++i) {
    MLFLOW_RETURN_IF_ERROR(
        v::ValidateKey(metrics[i].key, "metrics[" + std::to_string(i) + "].name", "Metric name"));
  }
  std::set<std::string> seen;
  std::vector<std::string> dups;
  for (size_t i = 0; i < params.size(); ++i) {
    MLFLOW_RETURN_IF_ERROR(v::ValidateKey(params[i].key, "params[" + std::to_string(i) + "].key", "Param key"));
    if (!v::TruncateLongValues() && v::CharLength(params[i].value) > v::kMaxParamValueLength) {
      return v::TooLong("Param value", v::kMaxParamValueLength);
    }
    if (!seen.insert(params[i].key).second) dups.push_back(params[i].key);
  }
  if (!dups.empty()) {
    std::string list;
    for (const auto& d : dups) list += (list.empty() ? "" : ", ") + v::PyRepr(d);
    return Status::InvalidParameter("Duplicate parameter keys have been submitted: [" + list +
                                    "]. Please ensure the request contains only one param value per param key.");
  }
  for (size_t i = 0; i < tags.size(); ++i) {
    std::string path = "tags[" + std::to_string(i) + "]";
    MLFLOW_RETURN_IF_ERROR(v::ValidateKey(tags[i].key, path + ".key", path + ".key"));
    if (!v::TruncateLongValues() && v::CharLength(tags[i].value) > v::kMaxTagValueLength) {
      return v::TooLong(path + ".value", v::kMaxTagValueLength);
    }
  }
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->LogBatch(run_id, metrics, params, tags));
  return kEmpty;
}

Result<json> LogModel(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::string model_json, f.RequiredString("model_json"));
  json model = json::parse(model_json, nullptr, false);
  if (model.is_discarded() || !model.is_object()) {
    return Status::InvalidParameter("Malformed model info. \n " + model_json + " \n is not a valid JSON.");
  }
  std::vector<std::string> missing;
  for (const char* k : {"artifact_path", "flavors", "run_id", "utc_time_created"}) {
    if (!model.contains(k)) missing.push_back(k);
  }
  if (!missing.empty()) {
    std::string set;
    for (const auto& m : missing) set += (set.empty() ? "" : ", ") + v::PyRepr(m);
    return Status::InvalidParameter("Model json is missing mandatory fields: {" + set + "}");
  }
  MLFLOW_ASSIGN_OR_RETURN(Run run, ctx.tracking->GetRun(run_id));
  json history = json::array();
  for (const auto& t : run.tags) {
    if (t.key == "mlflow.log-model.history") {
      json h = json::parse(t.value, nullptr, false);
      if (h.is_array()) history = std::move(h);
    }
  }
  history.push_back(model);
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->SetTag(run_id, {"mlflow.log-model.history", history.dump()}));
  return kEmpty;
}

Result<json> LogInputs(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id"));
  MLFLOW_RETURN_IF_ERROR(v::ValidateRunIdFormat(run_id));
  std::vector<DatasetInput> datasets;
  if (const json* arr = f.Json("datasets")) {
    if (!arr->is_array()) return TypeError("datasets", *arr);
    for (const auto& item : *arr) {
      if (!item.is_object()) return TypeError("datasets", *arr);
      DatasetInput di;
      auto d = item.find("dataset");
      if (d == item.end() || !d->is_object()) return Status::InvalidParameter("Dataset cannot be None");
      auto str = [&](const char* k) -> std::optional<std::string> {
        auto it = d->find(k);
        if (it == d->end() || !it->is_string()) return std::nullopt;
        return it->get<std::string>();
      };
      for (auto [k, label] : {std::pair{"name", "name"}, std::pair{"digest", "digest"},
                              std::pair{"source_type", "source_type"}, std::pair{"source", "source"}}) {
        if (!str(k)) return Status::InvalidParameter(std::string("Dataset ") + label + " cannot be None");
      }
      di.dataset.name = *str("name");
      di.dataset.digest = *str("digest");
      di.dataset.source_type = *str("source_type");
      di.dataset.source = *str("source");
      di.dataset.schema = str("schema");
      di.dataset.profile = str("profile");
      if (v::CharLength(di.dataset.name) > 500) return v::TooLong("name", 500);
      if (v::CharLength(di.dataset.digest) > 36) return v::TooLong("digest", 36);
      if (v::CharLength(di.dataset.source) > 65535) return v::TooLong("source", 65535);
      if (di.dataset.schema && v::CharLength(*di.dataset.schema) > 1048575) return v::TooLong("schema", 1048575);
      if (di.dataset.profile && v::CharLength(*di.dataset.profile) > 16777215) return v::TooLong("profile", 16777215);
      auto tags = item.find("tags");
      if (tags != item.end() && tags->is_array()) {
        for (const auto& t : *tags) {
          auto k = t.find("key");
          auto val = t.find("value");
          if (k == t.end() || !k->is_string()) return Status::InvalidParameter("InputTag key cannot be None");
          if (val == t.end() || !val->is_string()) return Status::InvalidParameter("InputTag value cannot be None");
          if (v::CharLength(k->get<std::string>()) > 255) return v::TooLong("key", 255);
          if (v::CharLength(val->get<std::string>()) > 500) return v::TooLong("value", 500);
          di.tags.push_back({k->get<std::string>(), val->get<std::string>()});
        }
      }
      datasets.push_back(std::move(di));
    }
  }
  std::vector<ModelInput> models;
  if (const json* arr = f.Json("models")) {
    if (!arr->is_array()) return TypeError("models", *arr);
    for (const auto& item : *arr) {
      auto id = item.find("model_id");
      if (id == item.end() || !id->is_string()) return MissingParameter("models.model_id");
      models.push_back({id->get<std::string>()});
    }
  }
  MLFLOW_RETURN_IF_ERROR(ctx.tracking->LogInputs(run_id, datasets, models));
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
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, RunId(f));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("metric_key"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> max_results, f.Int64("max_results"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> token, f.String("page_token"));
  MLFLOW_ASSIGN_OR_RETURN(store::MetricHistoryPage page,
                          ctx.tracking->GetMetricHistory(run_id, key, max_results.value_or(0), token.value_or("")));
  return MetricListJson(page.metrics, page.next_page_token);
}

Result<json> GetMetricHistoryBulkInterval(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> run_ids, f.StringList("run_ids"));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("metric_key"));
  if (run_ids.empty()) return MissingParameter("run_ids");
  if (run_ids.size() > 100) {
    return Status::InvalidParameter("GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received " +
                                    std::to_string(run_ids.size()) + " run_ids.");
  }
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> start_step, f.Int64("start_step"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> end_step, f.Int64("end_step"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> max_results, f.Int64("max_results"));
  int64_t max = max_results.value_or(2500);
  if (max < 1 || max > 2500) return Status::InvalidParameter("max_results must be between 1 and 2500.");
  if (start_step.has_value() != end_step.has_value()) {
    return Status::InvalidParameter("If either start step or end step are specified, both must be specified.");
  }
  if (start_step && *end_step < *start_step) {
    return Status::InvalidParameter("end_step must be greater than start_step. Found start_step=" +
                                    std::to_string(*start_step) + " and end_step=" + std::to_string(*end_step) + ".");
  }
  MLFLOW_ASSIGN_OR_RETURN(std::vector<Metric> metrics,
                          ctx.tracking->GetMetricHistoryAtSteps(run_ids, key, start_step, end_step, max));
  json out = json::object();
  if (!metrics.empty()) {
    json arr = json::array();
    for (const auto& m : metrics) arr.push_back(ToJson(m, true));
    out["metrics"] = std::move(arr);
  }
  return out;
}

Result<json> GetMetricHistoryBulk(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> run_ids, f.StringList("run_id"));
  if (run_ids.empty()) return Status::InvalidParameter("GetMetricHistoryBulk request must specify at least one run_id.");
  if (run_ids.size() > 100) {
    return Status::InvalidParameter("GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received " +
                                    std::to_string(run_ids.size()) + " run_ids.");
  }
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> key, f.String("metric_key"));
  if (!key || key->empty()) return Status::InvalidParameter("GetMetricHistoryBulk request must specify a metric_key.");
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> max_results, f.Int64("max_results"));
  store::RunMetricsRequest r{run_ids, *key, std::min<int64_t>(max_results.value_or(25000), 25000)};
  MLFLOW_ASSIGN_OR_RETURN(std::vector<Metric> metrics, ctx.tracking->GetMetricHistoryBulk(r));
  json arr = json::array();
  for (const auto& m : metrics) arr.push_back(ToJson(m, true));
  return json{{"metrics", std::move(arr)}};
}

Result<json> SearchDatasets(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> ids, f.StringList("experiment_ids"));
  if (ids.empty()) return Status::InvalidParameter("SearchDatasets request must specify at least one experiment_id.");
  if (ids.size() > 20) {
    return Status::InvalidParameter("SearchDatasets request cannot specify more than 20 experiment_ids. Received " +
                                    std::to_string(ids.size()) + " experiment_ids.");
  }
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

namespace {

// MLflow's Content-Type rule for JSON bodies of POST and PUT.
Status CheckContentType(const HttpRequest& req) {
  if (req.method != "POST" && req.method != "PUT") return Status();
  auto ct = req.headers.find("content-type");
  if (ct == req.headers.end()) return Status::InvalidParameter("Bad Request. Content-Type header is missing.");
  if (!IsJsonContentType(ct->second)) {
    return Status::InvalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
  }
  return Status();
}

void Mount(Router& router, const std::string& method, const std::string& path, Handler h, int major) {
  if (path.rfind("/ajax-api/", 0) == 0) {
    router.Add(method, path, std::move(h));
  } else {
    router.AddApi(method, path, std::move(h), major);
  }
}

// A JSON route whose handler renders its own body text (hot paths).
void AddRawJsonApi(Router& router, const std::string& method, const std::string& path,
                   std::function<Result<std::string>(const HttpRequest&)> fn, int major = 2) {
  Mount(router, method, path,
        [fn = std::move(fn)](const HttpRequest& req) -> HttpResponse {
          if (Status st = CheckContentType(req); !st.ok()) return ErrorResponse(st);
          Result<std::string> r = fn(req);
          if (!r.ok()) return ErrorResponse(r.status());
          HttpResponse res;
          res.body = std::move(r).value();
          return res;
        },
        major);
}

}  // namespace

void AddJsonApi(Router& router, const std::string& method, const std::string& path,
                std::function<Result<json>(const HttpRequest&)> fn, int major) {
  Mount(router, method, path,
        [fn = std::move(fn)](const HttpRequest& req) -> HttpResponse {
          if (Status st = CheckContentType(req); !st.ok()) return ErrorResponse(st);
          Result<json> r = fn(req);
          if (!r.ok()) return ErrorResponse(r.status());
          return JsonResponse(*r);
        },
        major);
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
  AddJsonApi(router, "GET", "/mlflow/metrics/get-history-bulk-interval", bind(GetMetricHistoryBulkInterval));
  AddJsonApi(router, "GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk", bind(GetMetricHistoryBulk));
  AddJsonApi(router, "POST", "/ajax-api/2.0/mlflow/experiments/search-datasets", bind(SearchDatasets));
}

}  // namespace mlflow::server
