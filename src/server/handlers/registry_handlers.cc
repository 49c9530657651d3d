// Model registry REST handlers (docs/reference/rest-api.md 3.4): decode the request (required
// fields, types, the max_results caps of the search schemas), call the RegistryService (which
// applies MLflow's rules), render.
#include "server/handlers/registry_handlers.h"

#include "search/sql_compiler.h"
#include "server/handlers/json_render.h"
#include "server/handlers/request_fields.h"
#include "server/handlers/routes.h"

namespace mlflow::server {

using nlohmann::json;

json ToJson(const store::ModelVersion& mv) {
  json j = {{"name", mv.name}, {"version", std::to_string(mv.version)},
            {"creation_timestamp", mv.creation_timestamp}};
  if (mv.last_updated_timestamp) j["last_updated_timestamp"] = *mv.last_updated_timestamp;
  if (mv.user_id) j["user_id"] = *mv.user_id;
  if (mv.current_stage) j["current_stage"] = *mv.current_stage;
  if (mv.description) j["description"] = *mv.description;
  if (mv.source) j["source"] = *mv.source;
  if (mv.run_id) j["run_id"] = *mv.run_id;
  if (mv.status) j["status"] = *mv.status;
  if (mv.status_message && !mv.status_message->empty()) j["status_message"] = *mv.status_message;
  if (!mv.tags.empty()) j["tags"] = KeyValuesToJson(mv.tags);
  if (mv.run_link) j["run_link"] = *mv.run_link;
  if (!mv.aliases.empty()) j["aliases"] = mv.aliases;
  return j;
}

json ToJson(const store::RegisteredModel& rm) {
  json j = {{"name", rm.name}};
  if (rm.creation_timestamp) j["creation_timestamp"] = *rm.creation_timestamp;
  if (rm.last_updated_timestamp && *rm.last_updated_timestamp != 0) {
    j["last_updated_timestamp"] = *rm.last_updated_timestamp;
  }
  if (rm.description && !rm.description->empty()) j["description"] = *rm.description;
  if (!rm.latest_versions.empty()) {
    json arr = json::array();
    for (const auto& mv : rm.latest_versions) arr.push_back(ToJson(mv));
    j["latest_versions"] = std::move(arr);
  }
  if (!rm.tags.empty()) j["tags"] = KeyValuesToJson(rm.tags);
  if (!rm.aliases.empty()) {
    json arr = json::array();
    for (const auto& a : rm.aliases) arr.push_back({{"alias", a.alias}, {"version", std::to_string(a.version)}});
    j["aliases"] = std::move(arr);
  }
  return j;
}

namespace {

const json kEmpty = json::object();

Result<json> CreateRegisteredModel(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> tags, f.KeyValueList("tags"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> description, f.String("description"));
  MLFLOW_ASSIGN_OR_RETURN(store::RegisteredModel rm,
                          ctx.registry->CreateRegisteredModel(name, tags, description.value_or("")));
  return json{{"registered_model", ToJson(rm)}};
}

Result<json> GetRegisteredModel(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(store::RegisteredModel rm, ctx.registry->GetRegisteredModel(name));
  return json{{"registered_model", ToJson(rm)}};
}

Result<json> RenameRegisteredModel(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> new_name, f.String("new_name"));
  MLFLOW_ASSIGN_OR_RETURN(store::RegisteredModel rm,
                          ctx.registry->RenameRegisteredModel(name, new_name.value_or("")));
  return json{{"registered_model", ToJson(rm)}};
}

Result<json> UpdateRegisteredModel(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> description, f.String("description"));
  MLFLOW_ASSIGN_OR_RETURN(store::RegisteredModel rm,
                          ctx.registry->UpdateRegisteredModel(name, description.value_or("")));
  return json{{"registered_model", ToJson(rm)}};
}

Result<json> DeleteRegisteredModel(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_RETURN_IF_ERROR(ctx.registry->DeleteRegisteredModel(name));
  return kEmpty;
}

// max_results with MLflow's handler cap (a larger value is reported like a type error).
Result<std::optional<int64_t>> MaxResults(const RequestFields& f, int64_t cap) {
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> n, f.Int64("max_results"));
  if (n && *n > cap) return TypeError("max_results", json(*n));
  return n;
}

Result<json> SearchRegisteredModels(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  store::RegistrySearchRequest r;
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> filter, f.String("filter"));
  MLFLOW_ASSIGN_OR_RETURN(r.order_by, f.StringList("order_by"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> token, f.String("page_token"));
  MLFLOW_ASSIGN_OR_RETURN(r.max_results, MaxResults(f, search::kRegisteredModelsMaxResultsLimit));
  r.filter = filter.value_or("");
  r.page_token = token.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(store::RegisteredModelPage page, ctx.registry->SearchRegisteredModels(r));
  json out = json::object();
  if (!page.models.empty()) {
    json arr = json::array();
    for (const auto& rm : page.models) arr.push_back(ToJson(rm));
    out["registered_models"] = std::move(arr);
  }
  if (!page.next_page_token.empty()) out["next_page_token"] = page.next_page_token;
  return out;
}

json VersionsJson(const std::vector<store::ModelVersion>& versions, const char* field) {
  json out = json::object();
  if (!versions.empty()) {
    json arr = json::array();
    for (const auto& mv : versions) arr.push_back(ToJson(mv));
    out[field] = std::move(arr);
  }
  return out;
}

Result<json> GetLatestVersions(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> stages, f.StringList("stages"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<store::ModelVersion> versions, ctx.registry->GetLatestVersions(name, stages));
  return VersionsJson(versions, "model_versions");
}

Result<json> SetRegisteredModelTag(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> value, f.String("value"));
  MLFLOW_RETURN_IF_ERROR(ctx.registry->SetRegisteredModelTag(name, {key, value.value_or("")}));
  return kEmpty;
}

Result<json> DeleteRegisteredModelTag(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_RETURN_IF_ERROR(ctx.registry->DeleteRegisteredModelTag(name, key));
  return kEmpty;
}

Result<json> CreateModelVersion(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  service::CreateModelVersionRequest r;
  MLFLOW_ASSIGN_OR_RETURN(r.name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(r.source, f.RequiredString("source"));
  MLFLOW_ASSIGN_OR_RETURN(r.run_id, f.String("run_id"));
  MLFLOW_ASSIGN_OR_RETURN(r.tags, f.KeyValueList("tags"));
  MLFLOW_ASSIGN_OR_RETURN(r.run_link, f.String("run_link"));
  MLFLOW_ASSIGN_OR_RETURN(r.description, f.String("description"));
  MLFLOW_ASSIGN_OR_RETURN(r.model_id, f.String("model_id"));
  MLFLOW_ASSIGN_OR_RETURN(store::ModelVersion mv, ctx.registry->CreateModelVersion(r));
  return json{{"model_version", ToJson(mv)}};
}

Result<json> GetModelVersion(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string version, f.RequiredString("version"));
  MLFLOW_ASSIGN_OR_RETURN(store::ModelVersion mv, ctx.registry->GetModelVersion(name, version));
  return json{{"model_version", ToJson(mv)}};
}

Result<json> UpdateModelVersion(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string version, f.RequiredString("version"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> description, f.String("description"));
  MLFLOW_ASSIGN_OR_RETURN(store::ModelVersion mv,
                          ctx.registry->UpdateModelVersion(name, version, description.value_or("")));
  return json{{"model_version", ToJson(mv)}};
}

Result<json> TransitionModelVersionStage(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string version, f.RequiredString("version"));
  MLFLOW_ASSIGN_OR_RETURN(std::string stage, f.RequiredString("stage"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<bool> archive, f.Bool("archive_existing_versions"));
  MLFLOW_ASSIGN_OR_RETURN(store::ModelVersion mv, ctx.registry->TransitionModelVersionStage(
                                                      name, version, stage, archive.value_or(false)));
  return json{{"model_version", ToJson(mv)}};
}

Result<json> DeleteModelVersion(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string version, f.RequiredString("version"));
  MLFLOW_RETURN_IF_ERROR(ctx.registry->DeleteModelVersion(name, version));
  return kEmpty;
}

Result<json> GetModelVersionDownloadUri(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> name, f.String("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> version, f.String("version"));
  MLFLOW_ASSIGN_OR_RETURN(std::string uri,
                          ctx.registry->GetModelVersionDownloadUri(name.value_or(""), version.value_or("")));
  return json{{"artifact_uri", uri}};
}

Result<json> SearchModelVersions(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  store::RegistrySearchRequest r;
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> filter, f.String("filter"));
  MLFLOW_ASSIGN_OR_RETURN(r.order_by, f.StringList("order_by"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> token, f.String("page_token"));
  MLFLOW_ASSIGN_OR_RETURN(r.max_results, MaxResults(f, search::kModelVersionsMaxResultsLimit));
  r.filter = filter.value_or("");
  r.page_token = token.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(store::ModelVersionPage page, ctx.registry->SearchModelVersions(r));
  json out = VersionsJson(page.versions, "model_versions");
  if (!page.next_page_token.empty()) out["next_page_token"] = page.next_page_token;
  return out;
}

Result<json> SetModelVersionTag(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string version, f.RequiredString("version"));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> value, f.String("value"));
  MLFLOW_RETURN_IF_ERROR(ctx.registry->SetModelVersionTag(name, version, {key, value.value_or("")}));
  return kEmpty;
}

Result<json> DeleteModelVersionTag(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string version, f.RequiredString("version"));
  MLFLOW_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  MLFLOW_RETURN_IF_ERROR(ctx.registry->DeleteModelVersionTag(name, version, key));
  return kEmpty;
}

Result<json> SetRegisteredModelAlias(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string alias, f.RequiredString("alias"));
  MLFLOW_ASSIGN_OR_RETURN(std::string version, f.RequiredString("version"));
  MLFLOW_RETURN_IF_ERROR(ctx.registry->SetRegisteredModelAlias(name, alias, version));
  return kEmpty;
}

Result<json> DeleteRegisteredModelAlias(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string alias, f.RequiredString("alias"));
  MLFLOW_RETURN_IF_ERROR(ctx.registry->DeleteRegisteredModelAlias(name, alias));
  return kEmpty;
}

Result<json> GetModelVersionByAlias(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string alias, f.RequiredString("alias"));
  MLFLOW_ASSIGN_OR_RETURN(store::ModelVersion mv, ctx.registry->GetModelVersionByAlias(name, alias));
  return json{{"model_version", ToJson(mv)}};
}

}  // namespace

void RegisterRegistryHandlers(Router& router, ApiContext& ctx) {
  auto bind = [&ctx](Result<json> (*fn)(ApiContext&, const HttpRequest&)) {
    return [&ctx, fn](const HttpRequest& req) { return fn(ctx, req); };
  };
  AddJsonApi(router, "POST", "/mlflow/registered-models/create", bind(CreateRegisteredModel));
  AddJsonApi(router, "POST", "/mlflow/registered-models/rename", bind(RenameRegisteredModel));
  AddJsonApi(router, "PATCH", "/mlflow/registered-models/update", bind(UpdateRegisteredModel));
  AddJsonApi(router, "DELETE", "/mlflow/registered-models/delete", bind(DeleteRegisteredModel));
  AddJsonApi(router, "GET", "/mlflow/registered-models/get", bind(GetRegisteredModel));
  AddJsonApi(router, "GET", "/mlflow/registered-models/search", bind(SearchRegisteredModels));
  AddJsonApi(router, "POST", "/mlflow/registered-models/get-latest-versions", bind(GetLatestVersions));
  AddJsonApi(router, "GET", "/mlflow/registered-models/get-latest-versions", bind(GetLatestVersions));
  AddJsonApi(router, "POST", "/mlflow/registered-models/set-tag", bind(SetRegisteredModelTag));
  AddJsonApi(router, "DELETE", "/mlflow/registered-models/delete-tag", bind(DeleteRegisteredModelTag));
  AddJsonApi(router, "POST", "/mlflow/registered-models/alias", bind(SetRegisteredModelAlias));
  AddJsonApi(router, "DELETE", "/mlflow/registered-models/alias", bind(DeleteRegisteredModelAlias));
  AddJsonApi(router, "GET", "/mlflow/registered-models/alias", bind(GetModelVersionByAlias));

  AddJsonApi(router, "POST", "/mlflow/model-versions/create", bind(CreateModelVersion));
  AddJsonApi(router, "PATCH", "/mlflow/model-versions/update", bind(UpdateModelVersion));
  AddJsonApi(router, "POST", "/mlflow/model-versions/transition-stage", bind(TransitionModelVersionStage));
  AddJsonApi(router, "DELETE", "/mlflow/model-versions/delete", bind(DeleteModelVersion));
  AddJsonApi(router, "GET", "/mlflow/model-versions/get", bind(GetModelVersion));
  AddJsonApi(router, "GET", "/mlflow/model-versions/search", bind(SearchModelVersions));
  AddJsonApi(router, "GET", "/mlflow/model-versions/get-download-uri", bind(GetModelVersionDownloadUri));
  AddJsonApi(router, "POST", "/mlflow/model-versions/set-tag", bind(SetModelVersionTag));
  AddJsonApi(router, "DELETE", "/mlflow/model-versions/delete-tag", bind(DeleteModelVersionTag));
}

}  // namespace mlflow::server
