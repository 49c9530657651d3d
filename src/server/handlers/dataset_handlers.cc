// Evaluation dataset and scorer registry handlers (docs/reference/datasets.md): decode, call the
// DatasetService / ScorerService, render as MLflow 3.17.2's protos print.
#include "server/handlers/dataset_handlers.h"

#include "core/py_json.h"
#include "server/handlers/request_fields.h"
#include "server/handlers/routes.h"

namespace mlflow::server {
namespace {

using nlohmann::json;

const std::string& PathParam(const HttpRequest& req, const char* name) {
  static const std::string kNone;
  auto it = req.path_params.find(name);
  return it == req.path_params.end() ? kNone : it->second;
}

// The Dataset proto: tags as the JSON text of a dict, experiment ids only when loaded.
json ToJson(const store::EvaluationDataset& d) {
  nlohmann::ordered_json tags = nlohmann::ordered_json::object();
  for (const auto& t : d.tags) tags[t.key] = t.value ? nlohmann::ordered_json(*t.value) : nlohmann::ordered_json();
  json out = {{"dataset_id", d.dataset_id}, {"name", d.name}, {"tags", PyJsonDumps(tags)}};
  if (d.schema) out["schema"] = *d.schema;
  if (d.profile) out["profile"] = *d.profile;
  out["digest"] = d.digest.value_or("");
  out["created_time"] = d.created_time;
  out["last_update_time"] = d.last_update_time;
  if (d.created_by) out["created_by"] = *d.created_by;
  if (d.last_updated_by) out["last_updated_by"] = *d.last_updated_by;
  if (d.experiment_ids && !d.experiment_ids->empty()) out["experiment_ids"] = *d.experiment_ids;
  return out;
}

json ToJson(const store::ScorerVersion& v) {
  return {{"experiment_id", std::stoll(v.experiment_id)},
          {"scorer_name", v.scorer_name},
          {"scorer_version", v.scorer_version},
          {"serialized_scorer", v.serialized_scorer},
          {"creation_time", v.creation_time},
          {"scorer_id", v.scorer_id}};
}

json ScorerList(const std::vector<store::ScorerVersion>& list) {
  json out = json::object();
  if (!list.empty()) {
    json arr = json::array();
    for (const auto& v : list) arr.push_back(ToJson(v));
    out["scorers"] = std::move(arr);
  }
  return out;
}

// ---- datasets ----

Result<json> CreateDataset(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> experiment_ids, f.StringList("experiment_ids"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> tags, f.String("tags"));
  MLFLOW_ASSIGN_OR_RETURN(store::EvaluationDataset d,
                          ctx.datasets->CreateDataset(name, experiment_ids, tags.value_or("")));
  return json{{"dataset", ToJson(d)}};
}

Result<json> GetDataset(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_ASSIGN_OR_RETURN(store::EvaluationDataset d, ctx.datasets->GetDataset(PathParam(req, "dataset_id")));
  return json{{"dataset", ToJson(d)}};
}

Result<json> DeleteDataset(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_RETURN_IF_ERROR(ctx.datasets->DeleteDataset(PathParam(req, "dataset_id")));
  return json::object();
}

Result<json> SearchDatasets(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  service::DatasetSearch s;
  MLFLOW_ASSIGN_OR_RETURN(s.experiment_ids, f.StringList("experiment_ids"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> filter, f.String("filter_string"));
  s.filter = filter.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(s.max_results, f.Int64("max_results"));
  MLFLOW_ASSIGN_OR_RETURN(s.order_by, f.StringList("order_by"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> token, f.String("page_token"));
  s.page_token = token.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(service::DatasetSearchPage page, ctx.datasets->SearchDatasets(s));
  json out = json::object();
  if (!page.datasets.empty()) {
    json arr = json::array();
    for (const auto& d : page.datasets) arr.push_back(ToJson(d));
    out["datasets"] = std::move(arr);
  }
  if (!page.next_page_token.empty()) out["next_page_token"] = page.next_page_token;
  return out;
}

Result<json> SetDatasetTags(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string tags, f.RequiredString("tags"));
  MLFLOW_RETURN_IF_ERROR(ctx.datasets->SetTags(PathParam(req, "dataset_id"), tags));
  return json::object();
}

Result<json> DeleteDatasetTag(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_RETURN_IF_ERROR(ctx.datasets->DeleteTag(PathParam(req, "dataset_id"), PathParam(req, "key")));
  return json::object();
}

Result<json> UpsertRecords(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string records, f.RequiredString("records"));
  MLFLOW_ASSIGN_OR_RETURN(store::DatasetUpsertResult r,
                          ctx.datasets->UpsertRecords(PathParam(req, "dataset_id"), records));
  return json{{"inserted_count", r.inserted}, {"updated_count", r.updated}};
}

Result<json> GetRecords(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> max_results, f.Int64("max_results"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> token, f.String("page_token"));
  MLFLOW_ASSIGN_OR_RETURN(service::RecordsPage page, ctx.datasets->GetRecords(PathParam(req, "dataset_id"),
                                                                               max_results.value_or(0),
                                                                               token.value_or("")));
  json out = {{"records", page.records_json}};
  if (!page.next_page_token.empty()) out["next_page_token"] = page.next_page_token;
  return out;
}

Result<json> DeleteRecords(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> ids, f.StringList("dataset_record_ids"));
  MLFLOW_ASSIGN_OR_RETURN(int64_t n, ctx.datasets->DeleteRecords(PathParam(req, "dataset_id"), ids));
  return json{{"deleted_count", n}};
}

Result<json> GetExperimentIds(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> ids, ctx.datasets->GetExperimentIds(PathParam(req, "dataset_id")));
  json out = json::object();
  if (!ids.empty()) out["experiment_ids"] = ids;
  return out;
}

Result<json> AddToExperiments(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> ids, f.StringList("experiment_ids"));
  MLFLOW_ASSIGN_OR_RETURN(store::EvaluationDataset d, ctx.datasets->AddToExperiments(PathParam(req, "dataset_id"), ids));
  return json{{"dataset", ToJson(d)}};
}

Result<json> RemoveFromExperiments(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> ids, f.StringList("experiment_ids"));
  MLFLOW_ASSIGN_OR_RETURN(store::EvaluationDataset d,
                          ctx.datasets->RemoveFromExperiments(PathParam(req, "dataset_id"), ids));
  return json{{"dataset", ToJson(d)}};
}

// ---- scorers ----

Result<json> RegisterScorer(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string experiment_id, f.RequiredString("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string serialized, f.RequiredString("serialized_scorer"));
  MLFLOW_ASSIGN_OR_RETURN(store::ScorerVersion v, ctx.scorers->RegisterScorer(experiment_id, name, serialized));
  return json{{"version", v.scorer_version},   {"scorer_id", v.scorer_id},
              {"experiment_id", v.experiment_id}, {"name", v.scorer_name},
              {"serialized_scorer", v.serialized_scorer}, {"creation_time", v.creation_time}};
}

Result<json> ListScorers(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> experiment_id, f.String("experiment_id"));
  std::optional<std::vector<std::string>> ids;
  if (f.Has("experiment_ids")) {
    MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> list, f.StringList("experiment_ids"));
    ids = std::move(list);
  }
  MLFLOW_ASSIGN_OR_RETURN(std::vector<store::ScorerVersion> list,
                          ctx.scorers->ListScorers(experiment_id.value_or(""), ids));
  return ScorerList(list);
}

Result<json> ListScorerVersions(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string experiment_id, f.RequiredString("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<store::ScorerVersion> list, ctx.scorers->ListScorerVersions(experiment_id, name));
  return ScorerList(list);
}

Result<json> GetScorer(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string experiment_id, f.RequiredString("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> version, f.Int64("version"));
  MLFLOW_ASSIGN_OR_RETURN(store::ScorerVersion v, ctx.scorers->GetScorer(experiment_id, name, version));
  return json{{"scorer", ToJson(v)}};
}

Result<json> DeleteScorer(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string experiment_id, f.RequiredString("experiment_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> version, f.Int64("version"));
  MLFLOW_RETURN_IF_ERROR(ctx.scorers->DeleteScorer(experiment_id, name, version));
  return json::object();
}

// MLflow answers {"configs": [...]} written by json.dumps, not a proto.
Result<json> GetOnlineScoringConfigs(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  if (!f.Has("scorer_ids")) return MissingParameter("scorer_ids");
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> ids, f.StringList("scorer_ids"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<store::OnlineScoringConfig> configs, ctx.scorers->GetOnlineScoringConfigs(ids));
  json arr = json::array();
  for (const auto& c : configs) {
    json o = {{"online_scoring_config_id", c.online_scoring_config_id},
              {"scorer_id", c.scorer_id},
              {"sample_rate", c.sample_rate},
              {"experiment_id", c.experiment_id}};
    if (c.filter_string) o["filter_string"] = *c.filter_string;
    arr.push_back(std::move(o));
  }
  return json{{"configs", std::move(arr)}};
}

}  // namespace

void RegisterDatasetHandlers(Router& router, ApiContext& ctx) {
  auto bind = [&ctx](Result<json> (*fn)(ApiContext&, const HttpRequest&)) {
    return [&ctx, fn](const HttpRequest& req) { return fn(ctx, req); };
  };
  JsonRouteOptions v3;
  v3.major = 3;
  AddJsonApi(router, "POST", "/mlflow/datasets/create", bind(CreateDataset), v3);
  AddJsonApi(router, "POST", "/mlflow/datasets/search", bind(SearchDatasets), v3);
  AddJsonApi(router, "GET", "/mlflow/datasets/search", bind(SearchDatasets), v3);
  AddJsonApi(router, "GET", "/mlflow/datasets/{dataset_id}", bind(GetDataset), v3);
  AddJsonApi(router, "DELETE", "/mlflow/datasets/{dataset_id}", bind(DeleteDataset), v3);
  AddJsonApi(router, "PATCH", "/mlflow/datasets/{dataset_id}/tags", bind(SetDatasetTags), v3);
  AddJsonApi(router, "DELETE", "/mlflow/datasets/{dataset_id}/tags/{key}", bind(DeleteDatasetTag), v3);
  AddJsonApi(router, "POST", "/mlflow/datasets/{dataset_id}/records", bind(UpsertRecords), v3);
  AddJsonApi(router, "GET", "/mlflow/datasets/{dataset_id}/records", bind(GetRecords), v3);
  AddJsonApi(router, "DELETE", "/mlflow/datasets/{dataset_id}/records", bind(DeleteRecords), v3);
  AddJsonApi(router, "GET", "/mlflow/datasets/{dataset_id}/experiment-ids", bind(GetExperimentIds), v3);
  AddJsonApi(router, "POST", "/mlflow/datasets/{dataset_id}/add-experiments", bind(AddToExperiments), v3);
  AddJsonApi(router, "POST", "/mlflow/datasets/{dataset_id}/remove-experiments", bind(RemoveFromExperiments), v3);
  AddJsonApi(router, "POST", "/mlflow/scorers/register", bind(RegisterScorer), v3);
  AddJsonApi(router, "GET", "/mlflow/scorers/list", bind(ListScorers), v3);
  AddJsonApi(router, "GET", "/mlflow/scorers/versions", bind(ListScorerVersions), v3);
  AddJsonApi(router, "GET", "/mlflow/scorers/get", bind(GetScorer), v3);
  AddJsonApi(router, "DELETE", "/mlflow/scorers/delete", bind(DeleteScorer), v3);
  AddJsonApi(router, "GET", "/mlflow/scorers/online-configs", bind(GetOnlineScoringConfigs), v3);
}

}  // namespace mlflow::server
