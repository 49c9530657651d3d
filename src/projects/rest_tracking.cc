// ProjectTracking over a tracking server's REST API (docs/reference/rest-api.md), on libcurl
// through artifacts/curl_http.h.
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "artifacts/curl_http.h"
#include "projects/tracking.h"

namespace mlflow::projects {
namespace {

using nlohmann::json;

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json KeyValues(const ParamList& list) {
  json out = json::array();
  for (const auto& [k, v] : list) out.push_back({{"key", k}, {"value", v}});
  return out;
}

class RestTracking : public ProjectTracking {
 public:
  explicit RestTracking(std::string base) : base_(std::move(base)) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  }

  Result<std::string> ExperimentIdByName(const std::string& name, bool create) override {
    Result<json> got = Call("GET", "experiments/get-by-name?experiment_name=" + artifacts::UrlEncode(name), nullptr);
    if (got.ok()) return (*got)["experiment"].value("experiment_id", "");
    if (!create || got.status().code() != ErrorCode::kResourceDoesNotExist) return got.status();
    json body = {{"name", name}};
    MLFLOW_ASSIGN_OR_RETURN(json created, Call("POST", "experiments/create", &body));
    return created.value("experiment_id", "");
  }

  Result<RunRef> CreateRun(const std::string& experiment_id, const ParamList& tags) override {
    std::string user = "unknown";
    for (const auto& [k, v] : tags) {
      if (k == "mlflow.user") user = v;
    }
    json body = {{"experiment_id", experiment_id}, {"user_id", user}, {"start_time", NowMillis()},
                 {"tags", KeyValues(tags)}};
    MLFLOW_ASSIGN_OR_RETURN(json created, Call("POST", "runs/create", &body));
    return ToRef(created["run"]["info"]);
  }

  Result<RunRef> GetRun(const std::string& run_id) override {
    MLFLOW_ASSIGN_OR_RETURN(json got, Call("GET", "runs/get?run_id=" + artifacts::UrlEncode(run_id), nullptr));
    return ToRef(got["run"]["info"]);
  }

  Status LogBatch(const std::string& run_id, const ParamList& params, const ParamList& tags) override {
    json body = {{"run_id", run_id}, {"params", KeyValues(params)}, {"tags", KeyValues(tags)}};
    return Call("POST", "runs/log-batch", &body).status();
  }

  Status SetTag(const std::string& run_id, const std::string& key, const std::string& value) override {
    json body = {{"run_id", run_id}, {"key", key}, {"value", value}};
    return Call("POST", "runs/set-tag", &body).status();
  }

  Status SetTerminated(const std::string& run_id, const std::string& status) override {
    json body = {{"run_id", run_id}, {"status", status}, {"end_time", NowMillis()}};
    return Call("POST", "runs/update", &body).status();
  }

 private:
  static RunRef ToRef(const json& info) {
    return RunRef{info.value("run_id", ""), info.value("experiment_id", ""), info.value("status", "")};
  }

  Result<json> Call(const std::string& method, const std::string& path, const json* body) {
    artifacts::HttpCall call;
    call.method = method;
    call.url = base_ + "/api/2.0/mlflow/" + path;
    std::string text;
    if (body != nullptr) {
      text = body->dump();
      call.body = &text;
      call.headers.push_back("Content-Type: application/json");
    }
    if (const char* token = std::getenv("MLFLOW_TRACKING_TOKEN"); token && *token) {
      call.headers.push_back(std::string("Authorization: Bearer ") + token);
    }
    call.verify_tls = !InsecureTls();
    MLFLOW_ASSIGN_OR_RETURN(artifacts::HttpResult result, artifacts::PerformHttp(call));
    json parsed = json::parse(result.body, nullptr, /*allow_exceptions=*/false);
    if (result.status / 100 == 2) return parsed.is_discarded() ? json::object() : parsed;
    std::string message = "HTTP " + std::to_string(result.status) + " from " + call.url;
    if (parsed.is_object() && parsed.contains("message")) {
      message = parsed.value("error_code", "") + ": " + parsed.value("message", "");
      if (parsed.value("error_code", "") == "RESOURCE_DOES_NOT_EXIST") return Status::NotFound(message);
    }
    return Status::InvalidParameter(message);
  }

  static bool InsecureTls() {
    const char* v = std::getenv("MLFLOW_TRACKING_INSECURE_TLS");
    if (v == nullptr) return false;
    std::string s(v);
    return s == "1" || s == "true" || s == "True" || s == "TRUE";
  }

  std::string base_;
};

}  // namespace

Result<std::unique_ptr<ProjectTracking>> OpenRestTracking(const std::string& base_url) {
  return std::unique_ptr<ProjectTracking>(new RestTracking(base_url));
}

std::string ResolveTrackingUri() {
  const char* env = std::getenv("MLFLOW_TRACKING_URI");
  std::string uri = env && *env ? env : "sqlite:///mlflow.db";
  // The command runs in the project folder: a relative database path is made absolute so that it
  // and we write to the same file.
  const std::string prefix = "sqlite:///";
  if (uri.rfind(prefix, 0) == 0 && uri.size() > prefix.size() && uri[prefix.size()] != '/' &&
      uri.find(":memory:") == std::string::npos) {
    uri = prefix + std::filesystem::absolute(uri.substr(prefix.size())).lexically_normal().string();
  }
  return uri;
}

Result<std::unique_ptr<ProjectTracking>> OpenTracking(const std::string& tracking_uri) {
  if (tracking_uri.rfind("http://", 0) == 0 || tracking_uri.rfind("https://", 0) == 0) {
    return OpenRestTracking(tracking_uri);
  }
  if (tracking_uri.rfind("sqlite:", 0) == 0 || tracking_uri.rfind("postgresql:", 0) == 0) {
    return OpenStoreTracking(tracking_uri);
  }
  return Status::InvalidParameter("Unsupported tracking URI '" + tracking_uri +
                                  "' for mlflow-cpp run: use http(s)://, sqlite:/// or postgresql://");
}

}  // namespace mlflow::projects
