// Logged model REST handlers (docs/reference/rest-api.md 3.3): decode, call the LoggedModelService,
// render.
#include "server/handlers/logged_model_handlers.h"

#include "server/handlers/json_render.h"
#include "server/handlers/request_fields.h"
#include "server/handlers/routes.h"

namespace mlflow::server {

using nlohmann::json;

json ToJson(const store::LoggedModel& m) {
  json info = {{"experiment_id", m.experiment_id},
               {"model_id", m.model_id},
               {"name", m.name},
               {"artifact_uri", m.artifact_uri},
               {"creation_timestamp_ms", m.creation_timestamp_ms},
               {"last_updated_timestamp_ms", m.last_updated_timestamp_ms},
               {"status", store::LoggedModelStatusName(m.status)}};
  if (m.model_type) info["model_type"] = *m.model_type;
  if (m.source_run_id) info["source_run_id"] = *m.source_run_id;
  if (!m.tags.empty()) info["tags"] = KeyValuesToJson(m.tags);
  json data = json::object();
  if (!m.params.empty()) data["params"] = KeyValuesToJson(m.params);
  if (!m.metrics.empty()) {
    json arr = json::array();
    for (const auto& x : m.metrics) arr.push_back(ToJson(x, /*with_run_id=*/true));
    data["metrics"] = std::move(arr);
  }
  return json{{"info", std::move(info)}, {"data", std::move(data)}};
}

namespace {

const json kEmpty = json::object();

const std::string& PathId(const HttpRequest& req) {
  static const std::string kNone;
  auto it = req.path_params.find("model_id");
  return it == req.path_params.end() ? kNone : it->second;
}

Result<json> CreateLoggedModel(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  store::CreateLoggedModelRequest r;
  MLFLOW_ASSIGN_OR_RETURN(r.experiment_id, f.RequiredString("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(r.name, f.String("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> model_type, f.String("model_type"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> source_run_id, f.String("source_run_id"));
  // Unset proto strings are "" and stored as such.
  r.model_type = model_type.value_or("");
  r.source_run_id = source_run_id.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(r.params, f.KeyValueList("params"));
  MLFLOW_ASSIGN_OR_RETURN(r.tags, f.KeyValueList("tags"));
  MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel m, ctx.logged_models->CreateLoggedModel(r));
  return json{{"model", ToJson(m)}};
}

Result<json> GetLoggedModel(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel m, ctx.logged_models->GetLoggedModel(PathId(req)));
  return json{{"model", ToJson(m)}};
}

Result<store::LoggedModelStatus> ParseStatus(const RequestFields& f) {
  const json* s = f.Json("status");
  if (!s) return MissingParameter("status");
  if (s->is_string()) {
    const std::string v = s->get<std::string>();
    for (auto st : {store::LoggedModelStatus::kUnspecified, store::LoggedModelStatus::kPending,
                    store::LoggedModelStatus::kReady, store::LoggedModelStatus::kUploadFailed}) {
      if (v == store::LoggedModelStatusName(st)) return st;
    }
  }
  auto n = JsonToInt64(*s);
  if (n && !s->is_boolean() && *n >= 0 && *n <= 3) return static_cast<store::LoggedModelStatus>(*n);
  return TypeError("status", *s);
}

Result<json> FinalizeLoggedModel(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  // The reference takes the id from the body; the client sends the same id in the path.
  MLFLOW_ASSIGN_OR_RETURN(std::string model_id, f.RequiredString("model_id"));
  MLFLOW_ASSIGN_OR_RETURN(store::LoggedModelStatus status, ParseStatus(f));
  MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel m, ctx.logged_models->FinalizeLoggedModel(model_id, status));
  return json{{"model", ToJson(m)}};
}

Result<json> DeleteLoggedModel(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_RETURN_IF_ERROR(ctx.logged_models->DeleteLoggedModel(PathId(req)));
  return kEmpty;
}

Result<json> SetLoggedModelTags(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> tags, f.KeyValueList("tags"));
  MLFLOW_RETURN_IF_ERROR(ctx.logged_models->SetLoggedModelTags(PathId(req), tags));
  return kEmpty;
}

Result<json> DeleteLoggedModelTag(ApiContext& ctx, const HttpRequest& req) {
  auto it = req.path_params.find("tag_key");
  MLFLOW_RETURN_IF_ERROR(
      ctx.logged_models->DeleteLoggedModelTag(PathId(req), it == req.path_params.end() ? "" : it->second));
  return kEmpty;
}

Result<json> LogLoggedModelParams(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string body_id, f.RequiredString("model_id"));
  (void)body_id;  // required like the reference; the params go to the PATH id
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> params, f.KeyValueList("params"));
  MLFLOW_RETURN_IF_ERROR(ctx.logged_models->LogLoggedModelParams(PathId(req), params));
  return kEmpty;
}

std::optional<std::string> OptString(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string() || it->get<std::string>().empty()) return std::nullopt;
  return it->get<std::string>();
}

Result<json> SearchLoggedModels(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  store::LoggedModelSearchRequest r;
  MLFLOW_ASSIGN_OR_RETURN(r.experiment_ids, f.StringList("experiment_ids"));
  if (r.experiment_ids.empty()) return MissingParameter("experiment_ids");
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> filter, f.String("filter"));
  r.filter = filter.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> max_results, f.Int64("max_results"));
  r.max_results = max_results.value_or(0);
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> token, f.String("page_token"));
  r.page_token = token.value_or("");
  if (const json* ds = f.Json("datasets")) {
    if (!ds->is_array()) return TypeError("datasets", *ds);
    for (const auto& d : *ds) {
      if (!d.is_object()) return TypeError("datasets", *ds);
      auto name = OptString(d, "dataset_name");
      if (!name) return Status::InvalidParameter("`dataset_name` in the `datasets` clause must be specified.");
      r.datasets.push_back({*name, OptString(d, "dataset_digest")});
    }
  }
  if (const json* obs = f.Json("order_by")) {
    if (!obs->is_array()) return TypeError("order_by", *obs);
    for (const auto& o : *obs) {
      if (!o.is_object()) return TypeError("order_by", *obs);
      store::LoggedModelOrder ob;
      auto field = OptString(o, "field_name");
      if (!field) return MissingParameter("order_by.field_name");
      ob.field_name = *field;
      auto asc = o.find("ascending");
      if (asc != o.end() && asc->is_boolean()) ob.ascending = asc->get<bool>();
      ob.dataset_name = OptString(o, "dataset_name");
      ob.dataset_digest = OptString(o, "dataset_digest");
      r.order_by.push_back(std::move(ob));
    }
  }
  MLFLOW_ASSIGN_OR_RETURN(store::LoggedModelPage page, ctx.logged_models->SearchLoggedModels(r));
  json out = json::object();
  if (!page.models.empty()) {
    json arr = json::array();
    for (const auto& m : page.models) arr.push_back(ToJson(m));
    out["models"] = std::move(arr);
  }
  if (!page.next_page_token.empty()) out["next_page_token"] = page.next_page_token;
  return out;
}

}  // namespace

void RegisterLoggedModelHandlers(Router& router, ApiContext& ctx) {
  auto bind = [&ctx](Result<json> (*fn)(ApiContext&, const HttpRequest&)) {
    return [&ctx, fn](const HttpRequest& req) { return fn(ctx, req); };
  };
  AddJsonApi(router, "POST", "/mlflow/logged-models", bind(CreateLoggedModel));
  AddJsonApi(router, "POST", "/mlflow/logged-models/search", bind(SearchLoggedModels));
  AddJsonApi(router, "GET", "/mlflow/logged-models/{model_id}", bind(GetLoggedModel));
  AddJsonApi(router, "PATCH", "/mlflow/logged-models/{model_id}", bind(FinalizeLoggedModel));
  AddJsonApi(router, "DELETE", "/mlflow/logged-models/{model_id}", bind(DeleteLoggedModel));
  AddJsonApi(router, "PATCH", "/mlflow/logged-models/{model_id}/tags", bind(SetLoggedModelTags));
  AddJsonApi(router, "DELETE", "/mlflow/logged-models/{model_id}/tags/{tag_key}", bind(DeleteLoggedModelTag));
  AddJsonApi(router, "POST", "/mlflow/logged-models/{model_id}/params", bind(LogLoggedModelParams));
}

}  // namespace mlflow::server
