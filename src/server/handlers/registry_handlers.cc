// Model registry REST handlers (docs/reference/rest-api.md 3.4): decode, run MLflow's handler-level checks
// (required fields, source validation, models:/ resolution), call the store, render.
#include "server/handlers/registry_handlers.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include "search/sql_compiler.h"
#include "server/handlers/json_render.h"
#include "server/handlers/request_fields.h"
#include "server/http/router.h"

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

// ---------------------------------------------------------------------------------------------
// Model version sources

bool HasUriScheme(const std::string& s, std::string* scheme) {
  auto colon = s.find(':');
  if (colon == std::string::npos || colon < 2) return false;  // "C:\x" is a drive, not a scheme
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 0; i < colon; ++i) {
    char ch = s[i];
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '-' || ch == '.')) return false;
  }
  if (scheme) {
    *scheme = s.substr(0, colon);
    for (auto& ch : *scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return true;
}

bool IsLocalUri(const std::string& s) {
  std::string scheme;
  if (!HasUriScheme(s, &scheme)) return true;
  return scheme == "file";
}

// file:///a/b or a plain path -> an absolute, normalised local path.
std::filesystem::path LocalPath(const std::string& uri) {
  std::string p = uri;
  if (p.rfind("file://", 0) == 0) {
    p = p.substr(7);
    auto slash = p.find('/');
    p = slash == std::string::npos ? "/" : p.substr(slash);  // drop an authority ("localhost")
  } else if (p.rfind("file:", 0) == 0) {
    p = p.substr(5);
  }
  std::string decoded;
  if (PercentDecode(p, &decoded)) p = decoded;
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  std::filesystem::path path(p);
  if (path.is_relative()) path = cwd / path;  // pathlib's resolve(); "" is the working directory
  return path.lexically_normal();
}

bool Contains(const std::filesystem::path& dir, const std::filesystem::path& p) {
  std::string d = dir.string(), s = p.string();
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return s == d || s.rfind(d + "/", 0) == 0;
}

// Python's urllib.parse.unquote_plus until stable.
std::string UnquoteRepeatedly(std::string s) {
  for (int i = 0; i < 50; ++i) {
    std::string out;
    if (!PercentDecode(s, &out, /*form=*/true) || out == s) return out.empty() ? s : out;
    s = std::move(out);
  }
  return s;
}

// The path part of a URI as urllib.parse.urlparse gives it.
std::string UriPath(const std::string& s) {
  std::string rest = s;
  std::string scheme;
  if (HasUriScheme(s, &scheme)) rest = s.substr(s.find(':') + 1);
  if (rest.rfind("//", 0) == 0) {
    auto slash = rest.find('/', 2);
    rest = slash == std::string::npos ? "" : rest.substr(slash);
  }
  auto cut = rest.find_first_of("?#");
  if (cut != std::string::npos) rest = rest.substr(0, cut);
  return rest;
}

Status ValidateNonLocalSource(const std::string& original) {
  Status err = Status::InvalidParameter(
      "Invalid model version source: '" + original +
      "'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an "
      "absolute path must be provided without relative path references present. Please provide an absolute path.");
  std::string source = UnquoteRepeatedly(original);
  std::string path = UriPath(source);
  while (!path.empty() && path.back() == '/') path.pop_back();
  std::string collapsed;
  for (char ch : path) {
    if (ch == '/' && !collapsed.empty() && collapsed.back() == '/') continue;
    collapsed += ch;
  }
  if (collapsed.find('\0') != std::string::npos) return err;
  size_t start = 0;
  while (start <= source.size()) {
    size_t end = source.find('/', start);
    if (end == std::string::npos) end = source.size();
    if (source.compare(start, end - start, "..") == 0 && end - start == 2) return err;
    start = end + 1;
  }
  // pathlib's resolve(): relative paths (the empty one too) become absolute, "." segments disappear.
  if (collapsed.empty() || collapsed.front() != '/') return err;
  std::string r = std::filesystem::path(collapsed).lexically_normal().string();
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  if (r != collapsed) return err;
  return Status();
}

Status SourceNotFromResource(const std::string& source, const char* id_name) {
  return Status::InvalidParameter("Invalid model version source: '" + source + "'. The " + id_name +
                                  " request parameter must identify the resource that contains the source.");
}

// runs:/<run>/... and models:/m-<id> sources must name the run / logged model the request names
// (MLflow 3.17's lineage rule; clients that pass run_id / model_id for such sources satisfy it).
Status ValidateSourceLineage(const std::string& source, const std::string& run_id, const std::string& model_id) {
  std::string scheme;
  if (!HasUriScheme(source, &scheme) || (scheme != "runs" && scheme != "models")) return Status();
  std::string rest = source.substr(source.find(':') + 1);
  bool has_netloc = rest.rfind("//", 0) == 0 && rest.size() > 2 && rest[2] != '/';
  std::string path = UriPath(source);
  while (!path.empty() && path.front() == '/') path.erase(path.begin());
  const char* id_name = model_id.empty() ? "run_id" : "model_id";
  if (scheme == "runs") {
    if (!model_id.empty() || has_netloc) return SourceNotFromResource(source, id_name);
    std::string source_run = path.substr(0, path.find('/'));
    if (run_id.empty() || source_run != run_id) return SourceNotFromResource(source, "run_id");
    return Status();
  }
  if (has_netloc) return SourceNotFromResource(source, "model_id");
  bool names_model = path.rfind("m-", 0) == 0 && path.find('/') == std::string::npos;
  if (names_model && path != model_id) return SourceNotFromResource(source, "model_id");
  return Status();
}

// scheme, authority (both lower-cased) and the path's non-empty segments, each percent-decoded
// until stable: how MLflow compares artifact URIs.
struct UriParts {
  std::string scheme, authority;
  std::vector<std::string> segments;
};

UriParts SplitUri(const std::string& uri) {
  UriParts p;
  std::string rest = uri;
  if (HasUriScheme(uri, &p.scheme)) rest = uri.substr(uri.find(':') + 1);
  for (auto& c : p.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (rest.rfind("//", 0) == 0) {
    size_t slash = rest.find('/', 2);
    p.authority = rest.substr(2, slash == std::string::npos ? std::string::npos : slash - 2);
    rest = slash == std::string::npos ? "" : rest.substr(slash);
    for (auto& c : p.authority) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  rest = rest.substr(0, rest.find_first_of("?#"));
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find('/', start);
    if (end == std::string::npos) end = rest.size();
    std::string seg = rest.substr(start, end - start);
    for (std::string decoded; PercentDecode(seg, &decoded) && decoded != seg;) seg = decoded;
    if (!seg.empty()) p.segments.push_back(seg);
    start = end + 1;
  }
  return p;
}

bool IsUriWithinRoot(const std::string& source, const std::string& root) {
  UriParts s = SplitUri(source), r = SplitUri(root);
  return s.scheme == r.scheme && s.authority == r.authority && !r.segments.empty() &&
         s.segments.size() >= r.segments.size() &&
         std::equal(r.segments.begin(), r.segments.end(), s.segments.begin());
}

// mlflow-artifacts: URIs, or http(s) URLs through the server's artifact proxy route.
bool IsProxiedArtifactSource(const std::string& source) {
  UriParts p = SplitUri(source);
  if (p.scheme == "mlflow-artifacts") return true;
  if (p.scheme != "http" && p.scheme != "https") return false;
  static const std::vector<std::string> kRoute = {"api", "2.0", "mlflow-artifacts", "artifacts"};
  return std::search(p.segments.begin(), p.segments.end(), kRoute.begin(), kRoute.end()) != p.segments.end();
}

Status ValidateSource(ApiContext& ctx, const std::string& source, const std::string& run_id,
                      const std::string& model_id) {
  if (!IsLocalUri(source)) {
    MLFLOW_RETURN_IF_ERROR(ValidateNonLocalSource(source));
    MLFLOW_RETURN_IF_ERROR(ValidateSourceLineage(source, run_id, model_id));
    // MLflow 3.17: a source served by the artifact proxy must lie inside the artifact root of the
    // run (or logged model) the request names, so one cannot register another run's files.
    if (!IsProxiedArtifactSource(source)) return Status();
    if (!model_id.empty()) {
      MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel m, ctx.logged_models->GetLoggedModel(model_id));
      if (IsUriWithinRoot(source, m.artifact_uri)) return Status();
      return SourceNotFromResource(source, "model_id");
    }
    if (!run_id.empty()) {
      MLFLOW_ASSIGN_OR_RETURN(Run run, ctx.tracking->GetRun(run_id));
      if (IsUriWithinRoot(source, run.info.artifact_uri)) return Status();
    }
    return SourceNotFromResource(source, "run_id");
  }
  std::string shown = source;
  if (!model_id.empty()) {
    MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel m, ctx.logged_models->GetLoggedModel(model_id));
    auto p = LocalPath(source);
    shown = p.string();
    if (IsLocalUri(m.artifact_uri) && Contains(LocalPath(m.artifact_uri), p)) return Status();
    return Status::InvalidParameter(
        "Invalid model version source: '" + shown +
        "'. To use a local path as a model version source, the model_id request parameter has to be specified and "
        "the local path has to be contained within the artifact directory of the run specified by the model_id.");
  }
  if (!run_id.empty()) {
    MLFLOW_ASSIGN_OR_RETURN(Run run, ctx.tracking->GetRun(run_id));
    auto p = LocalPath(source);
    shown = p.string();
    if (IsLocalUri(run.info.artifact_uri) && Contains(LocalPath(run.info.artifact_uri), p)) return Status();
  }
  return Status::InvalidParameter(
      "Invalid model version source: '" + shown +
      "'. To use a local path as a model version source, the run_id request parameter has to be specified and the "
      "local path has to be contained within the artifact directory of the run specified by the run_id.");
}

// models:/m-<id> -> the logged model's artifact location (and its source run);
// models:/<name>/<version> -> that version's download URI. Other sources are stored as they are.
Status ResolveStorageLocation(ApiContext& ctx, const std::string& source, std::string* storage,
                              std::optional<std::string>* run_id) {
  std::string scheme;
  if (!HasUriScheme(source, &scheme) || scheme != "models") return Status();
  auto fail = [&](const std::string& why) {
    return Status::InvalidParameter("Unable to fetch model from model URI source artifact location '" + source +
                                    "'.Error: " + why);
  };
  // Lookup errors (unknown model or version) pass through as they are, as newer MLflow does.
  std::string path = UriPath(source);
  while (!path.empty() && path.front() == '/') path.erase(path.begin());
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.rfind("m-", 0) == 0 && path.find('/') == std::string::npos) {
    auto m = ctx.logged_models->GetLoggedModel(path);
    if (!m.ok()) return m.status();
    *storage = m->artifact_uri;
    if ((!*run_id || (*run_id)->empty()) && m->source_run_id) *run_id = m->source_run_id;
    return Status();
  }
  auto slash = path.rfind('/');
  std::string name, version;
  if (slash != std::string::npos) {
    name = path.substr(0, slash);
    version = path.substr(slash + 1);
    bool numeric = !version.empty() && std::all_of(version.begin(), version.end(), ::isdigit);
    if (!numeric) {
      // models:/<name>/latest or models:/<name>/<stage>: the version those name today.
      std::vector<std::string> stages;
      bool latest = version.size() == 6 && std::equal(version.begin(), version.end(), "latest",
                                                      [](char a, char b) { return std::tolower(a) == b; });
      if (!latest) stages.push_back(version);
      auto versions = ctx.registry->GetLatestVersions(name, stages);
      if (!versions.ok()) return versions.status();
      if (versions->empty()) return fail("No versions of model " + name + " match '" + version + "'");
      int64_t best = 0;
      for (const auto& mv : *versions) best = std::max(best, mv.version);
      version = std::to_string(best);
    }
  } else if (auto at = path.rfind('@'); at != std::string::npos) {
    auto mv = ctx.registry->GetModelVersionByAlias(path.substr(0, at), path.substr(at + 1));
    if (!mv.ok()) return mv.status();
    name = mv->name;
    version = std::to_string(mv->version);
  } else {
    return fail("Not a proper models:/ URI: " + source);
  }
  auto uri = ctx.registry->GetModelVersionDownloadUri(name, version);
  if (!uri.ok()) return uri.status();
  *storage = *uri;
  return Status();
}

Result<json> CreateModelVersion(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  MLFLOW_ASSIGN_OR_RETURN(std::string source, f.RequiredString("source"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> run_id, f.String("run_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> tags, f.KeyValueList("tags"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> run_link, f.String("run_link"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> description, f.String("description"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> model_id_opt, f.String("model_id"));
  std::string model_id = model_id_opt.value_or("");

  if (const char* regex = std::getenv("MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX"); regex && *regex) {
    bool ok = false;
    try {
      ok = std::regex_search(source, std::regex(regex));
    } catch (const std::regex_error&) {
      ok = false;
    }
    if (!ok) return Status::InvalidParameter("Invalid model version source: '" + source + "'.");
  }
  bool is_prompt = false;
  for (const auto& t : tags) is_prompt = is_prompt || t.key == store::kPromptTag;
  if (!is_prompt) MLFLOW_RETURN_IF_ERROR(ValidateSource(ctx, source, run_id.value_or(""), model_id));

  store::CreateModelVersionRequest r;
  r.name = name;
  r.source = source;
  // Unset proto strings read as "": MLflow stores and returns "" for them.
  r.run_id = run_id.value_or("");
  r.run_link = run_link.value_or("");
  r.description = description.value_or("");
  r.tags = tags;
  MLFLOW_RETURN_IF_ERROR(ResolveStorageLocation(ctx, source, &r.storage_location, &r.run_id));
  if (r.run_id->empty() && !model_id.empty()) {
    MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel m, ctx.logged_models->GetLoggedModel(model_id));
    r.run_id = m.source_run_id;  // NULL when the model has no source run
  }
  MLFLOW_ASSIGN_OR_RETURN(store::ModelVersion mv, ctx.registry->CreateModelVersion(r));
  if (!is_prompt && !model_id.empty()) {
    MLFLOW_RETURN_IF_ERROR(ctx.logged_models->AddModelVersionTag(model_id, name, mv.version));
  }
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
