#include "models/model_uri.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "artifacts/artifact_repository.h"
#include "artifacts/curl_http.h"
#include "artifacts/http_repository.h"

namespace mlflow::models {
namespace {

namespace fs = std::filesystem;
namespace art = mlflow::artifacts;
using json = nlohmann::json;

std::string ImproperModelsUri(const std::string& uri) {
  return "Not a proper models:/ URI: " + uri +
         ". Models URIs must be of the form 'models:/name/suffix' or 'models:/name@alias' where suffix is a version, "
         "stage, or the string 'latest' and where alias is a registered model alias. Only one of suffix or alias can "
         "be defined at a time.";
}

class Rest {
 public:
  explicit Rest(std::string tracking) : tracking_(std::move(tracking)) {
    while (!tracking_.empty() && tracking_.back() == '/') tracking_.pop_back();
  }

  Status Check() const {
    if (tracking_.rfind("http://", 0) != 0 && tracking_.rfind("https://", 0) != 0) {
      return Status::InvalidParameter(
          "resolving this model URI needs the tracking server: set MLFLOW_TRACKING_URI to its http(s):// address (got '" +
          tracking_ + "')");
    }
    return Status();
  }

  Result<json> Get(const std::string& endpoint, const std::vector<std::pair<std::string, std::string>>& query) const {
    std::string url = tracking_ + "/api/2.0/mlflow/" + endpoint;
    char sep = '?';
    for (const auto& [k, v] : query) {
      url += sep + art::UrlEncode(k) + "=" + art::UrlEncode(v);
      sep = '&';
    }
    art::HttpCall call;
    call.url = url;
    call.headers = art::TrackingRequestHeaders();
    return Exchange(call, endpoint);
  }

  Result<json> Post(const std::string& endpoint, const json& body) const {
    art::HttpCall call;
    call.method = "POST";
    call.url = tracking_ + "/api/2.0/mlflow/" + endpoint;
    call.headers = art::TrackingRequestHeaders();
    call.headers.push_back("Content-Type: application/json");
    std::string text = body.dump();
    call.body = &text;
    return Exchange(call, endpoint);
  }

  const std::string& tracking() const { return tracking_; }

 private:
  Result<json> Exchange(const art::HttpCall& call, const std::string& what) const {
    MLFLOW_ASSIGN_OR_RETURN(art::HttpResult r, art::PerformHttp(call));
    if (r.status != 200) return art::StatusFromHttp(r.status, r.body, what);
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_object()) return Status::Internal("unexpected answer from " + what + ": " + r.body.substr(0, 200));
    return j;
  }

  std::string tracking_;
};

// Downloads everything below `uri` into a fresh folder of dst_dir.
Result<ResolvedModel> Download(const std::string& uri, const std::string& tracking, const std::string& dst_dir) {
  art::RepositoryOptions opts;
  opts.tracking_uri = tracking;
  MLFLOW_ASSIGN_OR_RETURN(auto repo, art::OpenArtifactRepository(uri, opts));
  fs::path dst = fs::path(dst_dir) / "model";
  std::error_code ec;
  fs::create_directories(dst, ec);
  MLFLOW_ASSIGN_OR_RETURN(std::string local, repo->DownloadArtifacts("", dst.string()));
  ResolvedModel m;
  m.local_dir = local;
  m.artifact_uri = uri;
  m.downloaded = true;
  if (!fs::is_regular_file(fs::path(local) / "MLmodel", ec)) {
    return Status::NotFound("Could not find an \"MLmodel\" configuration file at \"" + uri + "\"");
  }
  return m;
}

Result<std::string> VersionDownloadUri(const Rest& rest, const std::string& name, const std::string& version) {
  MLFLOW_ASSIGN_OR_RETURN(json j, rest.Get("model-versions/get-download-uri", {{"name", name}, {"version", version}}));
  return j.value("artifact_uri", "");
}

Result<std::string> ResolveModelsUri(const Rest& rest, const std::string& uri) {
  std::string path = uri.substr(std::string("models:").size());
  if (path.rfind("//", 0) == 0) {
    // models://<profile>/... names a registry; only the default one is supported.
    return Status::InvalidParameter(ImproperModelsUri(uri));
  }
  if (path.empty() || path[0] != '/' || path.size() <= 1) return Status::InvalidParameter(ImproperModelsUri(uri));
  std::string rest_path = path.substr(1);
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = rest_path.find('/', start);
    parts.push_back(rest_path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  auto blank = [](const std::string& s) { return s.find_first_not_of(" \t") == std::string::npos; };
  if (parts.size() > 2 || blank(parts[0])) return Status::InvalidParameter(ImproperModelsUri(uri));
  if (parts.size() == 2) {
    const std::string& name = parts[0];
    const std::string& suffix = parts[1];
    if (blank(suffix)) return Status::InvalidParameter(ImproperModelsUri(uri));
    if (std::all_of(suffix.begin(), suffix.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return VersionDownloadUri(rest, name, suffix);
    }
    // "latest" (any stage) or a stage: the highest version among the latest per stage.
    std::string lower = suffix;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    json body = {{"name", name}};
    if (lower != "latest") body["stages"] = json::array({suffix});
    MLFLOW_ASSIGN_OR_RETURN(json j, rest.Post("registered-models/get-latest-versions", body));
    long best = -1;
    if (j.contains("model_versions")) {
      for (const auto& mv : j["model_versions"]) best = std::max(best, std::stol(mv.value("version", "0")));
    }
    if (best < 0) {
      return Status::NotFound("No versions of model with name '" + name + "'" +
                              (lower == "latest" ? "" : " and stage '" + suffix + "'") + " found");
    }
    return VersionDownloadUri(rest, name, std::to_string(best));
  }
  if (rest_path.find('@') != std::string::npos) {
    size_t at = parts[0].rfind('@');
    std::string name = parts[0].substr(0, at), alias = parts[0].substr(at + 1);
    if (blank(alias)) return Status::InvalidParameter(ImproperModelsUri(uri));
    MLFLOW_ASSIGN_OR_RETURN(json j, rest.Get("registered-models/alias", {{"name", name}, {"alias", alias}}));
    std::string version = j["model_version"].value("version", "");
    return VersionDownloadUri(rest, name, version);
  }
  // models:/<model_id>: a logged model.
  MLFLOW_ASSIGN_OR_RETURN(json j, rest.Get("logged-models/" + art::UrlEncode(parts[0]), {}));
  return j["model"]["info"].value("artifact_uri", "");
}

// runs:/<run_id>/<path>: MLflow 3 first looks for a logged model named after the path's first
// segment, made by that run (in the run's experiment); else the run's own artifacts.
Result<std::string> ResolveRunsUri(const Rest& rest, const std::string& uri) {
  std::string p = uri.substr(std::string("runs:").size());
  while (!p.empty() && p[0] == '/') p.erase(0, 1);
  size_t slash = p.find('/');
  std::string run_id = p.substr(0, slash);
  std::string rel = slash == std::string::npos ? "" : p.substr(slash + 1);
  while (!rel.empty() && rel.back() == '/') rel.pop_back();
  if (run_id.empty()) return Status::InvalidParameter("Not a proper runs:/ URI: " + uri);
  MLFLOW_ASSIGN_OR_RETURN(json run, rest.Get("runs/get", {{"run_id", run_id}}));
  const json& info = run["run"]["info"];
  std::string artifact_uri = info.value("artifact_uri", "");
  std::string experiment_id = info.value("experiment_id", "");
  if (!rel.empty()) {
    std::string name = rel.substr(0, rel.find('/'));
    std::string inner = rel.find('/') == std::string::npos ? "" : rel.substr(rel.find('/') + 1);
    std::string token;
    for (int page = 0; page < 1000; ++page) {
      json body = {{"experiment_ids", json::array({experiment_id})}, {"filter", "name = '" + name + "'"}};
      if (!token.empty()) body["page_token"] = token;
      MLFLOW_ASSIGN_OR_RETURN(json found, rest.Post("logged-models/search", body));
      if (found.contains("models")) {
        for (const auto& m : found["models"]) {
          const json& mi = m["info"];
          if (mi.value("source_run_id", "") == run_id) {
            std::string loc = mi.value("artifact_uri", "");
            return inner.empty() ? loc : art::JoinPath(loc, inner);
          }
        }
      }
      token = found.value("next_page_token", "");
      if (token.empty()) break;
    }
  }
  return rel.empty() ? artifact_uri : art::JoinPath(artifact_uri, rel);
}

}  // namespace

Result<ResolvedModel> ResolveModelUri(const std::string& uri, const std::string& tracking_uri,
                                      const std::string& dst_dir) {
  std::error_code ec;
  std::string local;
  if (uri.rfind("file://", 0) == 0) {
    local = uri.substr(7);
  } else if (uri.find(":/") == std::string::npos || uri.rfind("/", 0) == 0) {
    local = uri;
  }
  if (!local.empty()) {
    if (!fs::is_regular_file(fs::path(local) / "MLmodel", ec)) {
      return Status::NotFound("Could not find an \"MLmodel\" configuration file at \"" + local + "\"");
    }
    ResolvedModel m;
    m.local_dir = fs::absolute(local, ec).string();
    return m;
  }
  Rest rest(tracking_uri);
  std::string artifact_uri;
  if (uri.rfind("models:", 0) == 0) {
    MLFLOW_RETURN_IF_ERROR(rest.Check());
    MLFLOW_ASSIGN_OR_RETURN(artifact_uri, ResolveModelsUri(rest, uri));
  } else if (uri.rfind("runs:", 0) == 0) {
    MLFLOW_RETURN_IF_ERROR(rest.Check());
    MLFLOW_ASSIGN_OR_RETURN(artifact_uri, ResolveRunsUri(rest, uri));
  } else {
    artifact_uri = uri;
  }
  if (artifact_uri.empty()) return Status::NotFound("no artifact location for " + uri);
  if (artifact_uri.rfind("models:", 0) == 0 && artifact_uri != uri) {
    // A registry source given as models:/<model_id>.
    return ResolveModelUri(artifact_uri, tracking_uri, dst_dir);
  }
  auto m = Download(artifact_uri, rest.tracking(), dst_dir);
  if (!m.ok()) return m.status();
  m->artifact_uri = artifact_uri;
  return m;
}

}  // namespace mlflow::models
