#include "client/rest_backend.h"

#include "artifacts/curl_http.h"
#include "client/json_codec.h"
#include "mlflow/error.h"

namespace mlflow::client_internal {
namespace {

using nlohmann::json;

constexpr const char* kApi = "/api/2.0/mlflow";

json KeyValueList(const Tags& tags) {
  json arr = json::array();
  for (const auto& [k, v] : tags) arr.push_back({{"key", k}, {"value", v}});
  return arr;
}

// Query strings for GET: key=value pairs, percent-encoded.
class Query {
 public:
  Query& Add(const char* key, const std::string& value) {
    text_ += text_.empty() ? '?' : '&';
    text_ += key;
    text_ += '=';
    text_ += artifacts::UrlEncode(value, true);
    return *this;
  }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

class RestBackend final : public Backend {
 public:
  explicit RestBackend(const std::string& uri) : uri_(uri), http_(uri) {}

  std::string artifact_tracking_uri() const override { return uri_; }

  // --- experiments ---
  std::string CreateExperiment(const std::string& name, const std::string& artifact_location,
                               const Tags& tags) override {
    json body = {{"name", name}};
    if (!artifact_location.empty()) body["artifact_location"] = artifact_location;
    if (!tags.empty()) body["tags"] = KeyValueList(tags);
    return Post("/experiments/create", body).value("experiment_id", "");
  }
  entities::Experiment GetExperiment(const std::string& id) override {
    return ExperimentFromJson(Get("/experiments/get", Query().Add("experiment_id", id)).at("experiment"));
  }
  std::optional<entities::Experiment> GetExperimentByName(const std::string& name) override {
    try {
      return ExperimentFromJson(
          Get("/experiments/get-by-name", Query().Add("experiment_name", name)).at("experiment"));
    } catch (const MlflowError& e) {
      if (e.error_code() == "RESOURCE_DOES_NOT_EXIST") return std::nullopt;
      throw;
    }
  }
  entities::PagedList<entities::Experiment> SearchExperiments(const std::string& filter, int64_t max_results,
                                                              const std::vector<std::string>& order_by,
                                                              entities::ViewType view,
                                                              const std::string& page_token) override {
    json body = {{"max_results", max_results}, {"view_type", ViewName(view)}};
    if (!filter.empty()) body["filter"] = filter;
    if (!order_by.empty()) body["order_by"] = order_by;
    if (!page_token.empty()) body["page_token"] = page_token;
    json r = Post("/experiments/search", body);
    entities::PagedList<entities::Experiment> page;
    for (const auto& e : r.value("experiments", json::array())) page.items.push_back(ExperimentFromJson(e));
    page.next_page_token = r.value("next_page_token", "");
    return page;
  }
  void DeleteExperiment(const std::string& id) override { Post("/experiments/delete", {{"experiment_id", id}}); }
  void RestoreExperiment(const std::string& id) override { Post("/experiments/restore", {{"experiment_id", id}}); }
  void RenameExperiment(const std::string& id, const std::string& new_name) override {
    Post("/experiments/update", {{"experiment_id", id}, {"new_name", new_name}});
  }
  void SetExperimentTag(const std::string& id, const std::string& key, const std::string& value) override {
    Post("/experiments/set-experiment-tag", {{"experiment_id", id}, {"key", key}, {"value", value}});
  }
  void DeleteExperimentTag(const std::string& id, const std::string& key) override {
    Post("/experiments/delete-experiment-tag", {{"experiment_id", id}, {"key", key}});
  }

  // --- runs ---
  entities::Run CreateRun(const std::string& experiment_id, const std::string& user_id, int64_t start_time,
                          const Tags& tags, const std::string& run_name) override {
    json body = {{"experiment_id", experiment_id}, {"user_id", user_id}, {"start_time", start_time}};
    if (!tags.empty()) body["tags"] = KeyValueList(tags);
    if (!run_name.empty()) body["run_name"] = run_name;
    return RunFromJson(Post("/runs/create", body).at("run"));
  }
  entities::Run GetRun(const std::string& run_id) override {
    return RunFromJson(Get("/runs/get", Query().Add("run_id", run_id)).at("run"));
  }
  entities::RunInfo UpdateRun(const std::string& run_id, const std::optional<std::string>& status,
                              std::optional<int64_t> end_time, const std::string& name) override {
    json body = {{"run_id", run_id}};
    if (status) body["status"] = *status;
    if (end_time) body["end_time"] = *end_time;
    if (!name.empty()) body["run_name"] = name;
    return RunInfoFromJson(Post("/runs/update", body).at("run_info"));
  }
  void DeleteRun(const std::string& run_id) override { Post("/runs/delete", {{"run_id", run_id}}); }
  void RestoreRun(const std::string& run_id) override { Post("/runs/restore", {{"run_id", run_id}}); }
  entities::PagedList<entities::Run> SearchRuns(const std::vector<std::string>& experiment_ids,
                                                const SearchRunsOptions& o) override {
    json body = {{"experiment_ids", experiment_ids},
                 {"max_results", o.max_results},
                 {"run_view_type", ViewName(o.view_type)}};
    if (!o.filter.empty()) body["filter"] = o.filter;
    if (!o.order_by.empty()) body["order_by"] = o.order_by;
    if (!o.page_token.empty()) body["page_token"] = o.page_token;
    json r = Post("/runs/search", body);
    entities::PagedList<entities::Run> page;
    for (const auto& x : r.value("runs", json::array())) page.items.push_back(RunFromJson(x));
    page.next_page_token = r.value("next_page_token", "");
    return page;
  }

  // --- run data ---
  void LogParam(const std::string& run_id, const std::string& key, const std::string& value) override {
    Post("/runs/log-parameter", {{"run_id", run_id}, {"run_uuid", run_id}, {"key", key}, {"value", value}});
  }
  void LogMetric(const std::string& run_id, const entities::Metric& m) override {
    std::string body = "{\"run_id\":";
    AppendJsonString(body, run_id);
    body += ",\"run_uuid\":";
    AppendJsonString(body, run_id);
    body += ',';
    AppendMetricFields(body, m);
    body += '}';
    http_.Call("POST", std::string(kApi) + "/runs/log-metric", body);
  }
  void SetTag(const std::string& run_id, const std::string& key, const std::string& value) override {
    Post("/runs/set-tag", {{"run_id", run_id}, {"run_uuid", run_id}, {"key", key}, {"value", value}});
  }
  void DeleteTag(const std::string& run_id, const std::string& key) override {
    Post("/runs/delete-tag", {{"run_id", run_id}, {"key", key}});
  }
  // Written by hand: the async logger sends thousands of these per second.
  void LogBatch(const std::string& run_id, const entities::Metric* metrics, size_t n,
                const std::vector<entities::Param>& params, const std::vector<entities::RunTag>& tags) override {
    std::string body;
    body.reserve(64 + n * 80);
    body += "{\"run_id\":";
    AppendJsonString(body, run_id);
    body += ",\"metrics\":[";
    for (size_t i = 0; i < n; ++i) {
      if (i) body += ',';
      body += '{';
      AppendMetricFields(body, metrics[i]);
      body += '}';
    }
    body += "],\"params\":[";
    AppendKeyValues(body, params);
    body += "],\"tags\":[";
    AppendKeyValues(body, tags);
    body += "]}";
    http_.Call("POST", std::string(kApi) + "/runs/log-batch", body);
  }
  entities::PagedList<entities::Metric> GetMetricHistory(const std::string& run_id, const std::string& key,
                                                         const std::string& page_token) override {
    Query q;
    q.Add("run_id", run_id).Add("metric_key", key);
    if (!page_token.empty()) q.Add("page_token", page_token);
    json r = Get("/metrics/get-history", q);
    entities::PagedList<entities::Metric> page;
    for (const auto& m : r.value("metrics", json::array())) page.items.push_back(MetricFromJson(m));
    page.next_page_token = r.value("next_page_token", "");
    return page;
  }

  // --- registry ---
  entities::RegisteredModel CreateRegisteredModel(const std::string& name, const Tags& tags,
                                                  const std::string& description) override {
    json body = {{"name", name}};
    if (!tags.empty()) body["tags"] = KeyValueList(tags);
    if (!description.empty()) body["description"] = description;
    return RegisteredModelFromJson(Post("/registered-models/create", body).at("registered_model"));
  }
  entities::RegisteredModel GetRegisteredModel(const std::string& name) override {
    return RegisteredModelFromJson(Get("/registered-models/get", Query().Add("name", name)).at("registered_model"));
  }
  entities::RegisteredModel RenameRegisteredModel(const std::string& name, const std::string& new_name) override {
    return RegisteredModelFromJson(
        Post("/registered-models/rename", {{"name", name}, {"new_name", new_name}}).at("registered_model"));
  }
  entities::RegisteredModel UpdateRegisteredModel(const std::string& name, const std::string& description) override {
    return RegisteredModelFromJson(
        Call("PATCH", "/registered-models/update", {{"name", name}, {"description", description}})
            .at("registered_model"));
  }
  void DeleteRegisteredModel(const std::string& name) override {
    Call("DELETE", "/registered-models/delete", {{"name", name}});
  }
  entities::PagedList<entities::RegisteredModel> SearchRegisteredModels(const std::string& filter,
                                                                        int64_t max_results,
                                                                        const std::vector<std::string>& order_by,
                                                                        const std::string& page_token) override {
    Query q;
    q.Add("max_results", std::to_string(max_results));
    if (!filter.empty()) q.Add("filter", filter);
    for (const auto& o : order_by) q.Add("order_by", o);
    if (!page_token.empty()) q.Add("page_token", page_token);
    json r = Get("/registered-models/search", q);
    entities::PagedList<entities::RegisteredModel> page;
    for (const auto& m : r.value("registered_models", json::array())) {
      page.items.push_back(RegisteredModelFromJson(m));
    }
    page.next_page_token = r.value("next_page_token", "");
    return page;
  }
  void SetRegisteredModelTag(const std::string& name, const std::string& key, const std::string& value) override {
    Post("/registered-models/set-tag", {{"name", name}, {"key", key}, {"value", value}});
  }
  void DeleteRegisteredModelTag(const std::string& name, const std::string& key) override {
    Call("DELETE", "/registered-models/delete-tag", {{"name", name}, {"key", key}});
  }
  entities::ModelVersion CreateModelVersion(const CreateModelVersionArgs& a) override {
    json body = {{"name", a.name}, {"source", a.source}};
    if (!a.run_id.empty()) body["run_id"] = a.run_id;
    if (!a.description.empty()) body["description"] = a.description;
    if (!a.model_id.empty()) body["model_id"] = a.model_id;
    if (!a.tags.empty()) body["tags"] = KeyValueList(a.tags);
    return ModelVersionFromJson(Post("/model-versions/create", body).at("model_version"));
  }
  entities::ModelVersion GetModelVersion(const std::string& name, const std::string& version) override {
    return ModelVersionFromJson(
        Get("/model-versions/get", Query().Add("name", name).Add("version", version)).at("model_version"));
  }
  entities::ModelVersion UpdateModelVersion(const std::string& name, const std::string& version,
                                            const std::string& description) override {
    return ModelVersionFromJson(
        Call("PATCH", "/model-versions/update", {{"name", name}, {"version", version}, {"description", description}})
            .at("model_version"));
  }
  entities::ModelVersion TransitionModelVersionStage(const std::string& name, const std::string& version,
                                                     const std::string& stage, bool archive) override {
    return ModelVersionFromJson(Post("/model-versions/transition-stage", {{"name", name},
                                                                          {"version", version},
                                                                          {"stage", stage},
                                                                          {"archive_existing_versions", archive}})
                                    .at("model_version"));
  }
  void DeleteModelVersion(const std::string& name, const std::string& version) override {
    Call("DELETE", "/model-versions/delete", {{"name", name}, {"version", version}});
  }
  entities::PagedList<entities::ModelVersion> SearchModelVersions(const std::string& filter, int64_t max_results,
                                                                  const std::vector<std::string>& order_by,
                                                                  const std::string& page_token) override {
    Query q;
    q.Add("max_results", std::to_string(max_results));
    if (!filter.empty()) q.Add("filter", filter);
    for (const auto& o : order_by) q.Add("order_by", o);
    if (!page_token.empty()) q.Add("page_token", page_token);
    json r = Get("/model-versions/search", q);
    entities::PagedList<entities::ModelVersion> page;
    for (const auto& v : r.value("model_versions", json::array())) page.items.push_back(ModelVersionFromJson(v));
    page.next_page_token = r.value("next_page_token", "");
    return page;
  }
  std::string GetModelVersionDownloadUri(const std::string& name, const std::string& version) override {
    return Get("/model-versions/get-download-uri", Query().Add("name", name).Add("version", version))
        .value("artifact_uri", "");
  }
  void SetModelVersionTag(const std::string& name, const std::string& version, const std::string& key,
                          const std::string& value) override {
    Post("/model-versions/set-tag", {{"name", name}, {"version", version}, {"key", key}, {"value", value}});
  }
  void DeleteModelVersionTag(const std::string& name, const std::string& version, const std::string& key) override {
    Call("DELETE", "/model-versions/delete-tag", {{"name", name}, {"version", version}, {"key", key}});
  }
  void SetRegisteredModelAlias(const std::string& name, const std::string& alias,
                               const std::string& version) override {
    Post("/registered-models/alias", {{"name", name}, {"alias", alias}, {"version", version}});
  }
  void DeleteRegisteredModelAlias(const std::string& name, const std::string& alias) override {
    Call("DELETE", "/registered-models/alias", {{"name", name}, {"alias", alias}});
  }
  entities::ModelVersion GetModelVersionByAlias(const std::string& name, const std::string& alias) override {
    return ModelVersionFromJson(
        Get("/registered-models/alias", Query().Add("name", name).Add("alias", alias)).at("model_version"));
  }

  // --- logged models ---
  entities::LoggedModel CreateLoggedModel(const CreateLoggedModelArgs& a) override {
    json body = {{"experiment_id", a.experiment_id}};
    if (!a.name.empty()) body["name"] = a.name;
    if (!a.source_run_id.empty()) body["source_run_id"] = a.source_run_id;
    if (!a.model_type.empty()) body["model_type"] = a.model_type;
    if (!a.tags.empty()) body["tags"] = KeyValueList(a.tags);
    if (!a.params.empty()) body["params"] = KeyValueList(a.params);
    return LoggedModelFromJson(Post("/logged-models", body).at("model"));
  }
  entities::LoggedModel GetLoggedModel(const std::string& model_id) override {
    return LoggedModelFromJson(Get("/logged-models/" + Encoded(model_id), Query()).at("model"));
  }
  entities::LoggedModel FinalizeLoggedModel(const std::string& model_id, const std::string& status) override {
    return LoggedModelFromJson(
        Call("PATCH", "/logged-models/" + Encoded(model_id), {{"model_id", model_id}, {"status", status}})
            .at("model"));
  }
  void DeleteLoggedModel(const std::string& model_id) override {
    Call("DELETE", "/logged-models/" + Encoded(model_id), json::object());
  }
  void SetLoggedModelTags(const std::string& model_id, const Tags& tags) override {
    Call("PATCH", "/logged-models/" + Encoded(model_id) + "/tags", {{"tags", KeyValueList(tags)}});
  }
  void DeleteLoggedModelTag(const std::string& model_id, const std::string& key) override {
    Call("DELETE", "/logged-models/" + Encoded(model_id) + "/tags/" + Encoded(key), json::object());
  }
  entities::PagedList<entities::LoggedModel> SearchLoggedModels(const std::vector<std::string>& experiment_ids,
                                                                const std::string& filter, int64_t max_results,
                                                                const std::string& page_token) override {
    json body = {{"experiment_ids", experiment_ids}, {"max_results", max_results}};
    if (!filter.empty()) body["filter"] = filter;
    if (!page_token.empty()) body["page_token"] = page_token;
    json r = Post("/logged-models/search", body);
    entities::PagedList<entities::LoggedModel> page;
    for (const auto& m : r.value("models", json::array())) page.items.push_back(LoggedModelFromJson(m));
    page.next_page_token = r.value("next_page_token", "");
    return page;
  }

 private:
  static std::string ViewName(entities::ViewType v) {
    switch (v) {
      case entities::ViewType::kDeletedOnly:
        return "DELETED_ONLY";
      case entities::ViewType::kAll:
        return "ALL";
      case entities::ViewType::kActiveOnly:
        break;
    }
    return "ACTIVE_ONLY";
  }
  static std::string Encoded(const std::string& s) { return artifacts::UrlEncode(s, true); }

  static void AppendMetricFields(std::string& out, const entities::Metric& m) {
    out += "\"key\":";
    AppendJsonString(out, m.key);
    out += ",\"value\":";
    AppendDouble(out, m.value);
    out += ",\"timestamp\":";
    out += std::to_string(m.timestamp);
    out += ",\"step\":";
    out += std::to_string(m.step);
  }
  template <typename KV>
  static void AppendKeyValues(std::string& out, const std::vector<KV>& kvs) {
    for (size_t i = 0; i < kvs.size(); ++i) {
      if (i) out += ',';
      out += "{\"key\":";
      AppendJsonString(out, kvs[i].key);
      out += ",\"value\":";
      AppendJsonString(out, kvs[i].value);
      out += '}';
    }
  }

  static json Parse(const std::string& body) {
    if (body.empty()) return json::object();
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded()) throw MlflowError("INTERNAL_ERROR", "the server answered with invalid JSON: " + body);
    return j;
  }
  json Post(const std::string& endpoint, const json& body) { return Call("POST", endpoint, body); }
  json Call(const char* method, const std::string& endpoint, const json& body) {
    return Parse(http_.Call(method, kApi + endpoint, body.dump()));
  }
  json Get(const std::string& endpoint, const Query& q) { return Parse(http_.Call("GET", kApi + endpoint + q.str(), "")); }

  std::string uri_;
  HttpSession http_;
};

}  // namespace

std::shared_ptr<Backend> MakeRestBackend(const std::string& tracking_uri) {
  return std::make_shared<RestBackend>(tracking_uri);
}

}  // namespace mlflow::client_internal
