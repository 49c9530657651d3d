#include "service/registry_service.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include "core/uri.h"
#include "core/validation.h"

namespace mlflow::service {
namespace {

namespace v = mlflow::validation;

// ---------------------------------------------------------------------------------------------
// Model version sources (docs/reference/rest-api.md 3.4, CreateModelVersion)

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

}  // namespace

Status RegistryService::ValidateSource(const std::string& source, const std::string& run_id,
                                       const std::string& model_id) {
  if (!IsLocalUri(source)) {
    MLFLOW_RETURN_IF_ERROR(ValidateNonLocalSource(source));
    MLFLOW_RETURN_IF_ERROR(ValidateSourceLineage(source, run_id, model_id));
    // MLflow 3.17: a source served by the artifact proxy must lie inside the artifact root of the
    // run (or logged model) the request names, so one cannot register another run's files.
    if (!IsProxiedArtifactSource(source)) return Status();
    if (!model_id.empty()) {
      MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel m, logged_models_.GetLoggedModel(model_id));
      if (IsUriWithinRoot(source, m.artifact_uri)) return Status();
      return SourceNotFromResource(source, "model_id");
    }
    if (!run_id.empty()) {
      MLFLOW_ASSIGN_OR_RETURN(Run run, tracking_.GetRun(run_id));
      if (IsUriWithinRoot(source, run.info.artifact_uri)) return Status();
    }
    return SourceNotFromResource(source, "run_id");
  }
  std::string shown = source;
  if (!model_id.empty()) {
    MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel m, logged_models_.GetLoggedModel(model_id));
    auto p = LocalPath(source);
    shown = p.string();
    if (IsLocalUri(m.artifact_uri) && Contains(LocalPath(m.artifact_uri), p)) return Status();
    return Status::InvalidParameter(
        "Invalid model version source: '" + shown +
        "'. To use a local path as a model version source, the model_id request parameter has to be specified and "
        "the local path has to be contained within the artifact directory of the run specified by the model_id.");
  }
  if (!run_id.empty()) {
    MLFLOW_ASSIGN_OR_RETURN(Run run, tracking_.GetRun(run_id));
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
Status RegistryService::ResolveStorageLocation(const std::string& source, std::string* storage,
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
    auto m = logged_models_.GetLoggedModel(path);
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
      auto versions = registry_.GetLatestVersions(name, stages);
      if (!versions.ok()) return versions.status();
      if (versions->empty()) return fail("No versions of model " + name + " match '" + version + "'");
      int64_t best = 0;
      for (const auto& mv : *versions) best = std::max(best, mv.version);
      version = std::to_string(best);
    }
  } else if (auto at = path.rfind('@'); at != std::string::npos) {
    auto mv = registry_.GetModelVersionByAlias(path.substr(0, at), path.substr(at + 1));
    if (!mv.ok()) return mv.status();
    name = mv->name;
    version = std::to_string(mv->version);
  } else {
    return fail("Not a proper models:/ URI: " + source);
  }
  auto uri = registry_.GetModelVersionDownloadUri(name, version);
  if (!uri.ok()) return uri.status();
  *storage = *uri;
  return Status();
}


// ---------------------------------------------------------------------------------------------
// Registered models

Result<store::RegisteredModel> RegistryService::CreateRegisteredModel(const std::string& name,
                                                                      const std::vector<KeyValue>& tags,
                                                                      const std::optional<std::string>& description) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.CreateRegisteredModel(name, tags, description);
}

Result<store::RegisteredModel> RegistryService::GetRegisteredModel(const std::string& name) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.GetRegisteredModel(name);
}

Result<store::RegisteredModel> RegistryService::RenameRegisteredModel(const std::string& name,
                                                                      const std::string& new_name) {
  // MLflow checks the new name first ("new_name" when blank), then the current one.
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(new_name, "new_name"));
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.RenameRegisteredModel(name, new_name);
}

Result<store::RegisteredModel> RegistryService::UpdateRegisteredModel(const std::string& name,
                                                                      const std::optional<std::string>& description) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.UpdateRegisteredModel(name, description);
}

Status RegistryService::DeleteRegisteredModel(const std::string& name) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.DeleteRegisteredModel(name);
}

Result<store::RegisteredModelPage> RegistryService::SearchRegisteredModels(const store::RegistrySearchRequest& request) {
  return registry_.SearchRegisteredModels(request);
}

Result<std::vector<store::ModelVersion>> RegistryService::GetLatestVersions(const std::string& name,
                                                                            const std::vector<std::string>& stages) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.GetLatestVersions(name, stages);
}

Status RegistryService::SetRegisteredModelTag(const std::string& name, const KeyValue& tag) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.SetRegisteredModelTag(name, tag);
}

Status RegistryService::DeleteRegisteredModelTag(const std::string& name, const std::string& key) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.DeleteRegisteredModelTag(name, key);
}

// ---------------------------------------------------------------------------------------------
// Model versions

Result<store::ModelVersion> RegistryService::CreateModelVersion(const CreateModelVersionRequest& request) {
  const std::string& source = request.source;
  const std::string model_id = request.model_id.value_or("");
  if (const char* regex = std::getenv("MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX"); regex && *regex) {
    bool ok = false;
    try {
      ok = std::regex_search(source, std::regex(regex));
    } catch (const std::regex_error&) {
      ok = false;
    }
    if (!ok) return Status::InvalidParameter("Invalid model version source: '" + source + "'.");
  }
  // Prompts (registered with the prompt tag) have no files: their source is not checked.
  const bool is_prompt = std::any_of(request.tags.begin(), request.tags.end(),
                                     [](const KeyValue& t) { return t.key == store::kPromptTag; });
  if (!is_prompt) MLFLOW_RETURN_IF_ERROR(ValidateSource(source, request.run_id.value_or(""), model_id));

  store::CreateModelVersionRequest r;
  r.name = request.name;
  r.source = source;
  // Unset proto strings read as "": MLflow stores and returns "" for them.
  r.run_id = request.run_id.value_or("");
  r.run_link = request.run_link.value_or("");
  r.description = request.description.value_or("");
  r.tags = request.tags;
  MLFLOW_RETURN_IF_ERROR(ResolveStorageLocation(source, &r.storage_location, &r.run_id));
  if (r.run_id->empty() && !model_id.empty()) {
    MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel m, logged_models_.GetLoggedModel(model_id));
    r.run_id = m.source_run_id;  // NULL when the model has no source run
  }
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(r.name));
  MLFLOW_ASSIGN_OR_RETURN(store::ModelVersion mv, registry_.CreateModelVersion(r));
  if (!is_prompt && !model_id.empty()) {
    MLFLOW_RETURN_IF_ERROR(logged_models_.AddModelVersionTag(model_id, r.name, mv.version));
  }
  return mv;
}

Result<store::ModelVersion> RegistryService::GetModelVersion(const std::string& name, const std::string& version) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.GetModelVersion(name, version);
}

Result<store::ModelVersion> RegistryService::UpdateModelVersion(const std::string& name, const std::string& version,
                                                                const std::optional<std::string>& description) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.UpdateModelVersion(name, version, description);
}

Result<store::ModelVersion> RegistryService::TransitionModelVersionStage(const std::string& name,
                                                                         const std::string& version,
                                                                         const std::string& stage,
                                                                         bool archive_existing_versions) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.TransitionModelVersionStage(name, version, stage, archive_existing_versions);
}

Status RegistryService::DeleteModelVersion(const std::string& name, const std::string& version) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.DeleteModelVersion(name, version);
}

Result<std::string> RegistryService::GetModelVersionDownloadUri(const std::string& name, const std::string& version) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.GetModelVersionDownloadUri(name, version);
}

Result<store::ModelVersionPage> RegistryService::SearchModelVersions(const store::RegistrySearchRequest& request) {
  return registry_.SearchModelVersions(request);
}

Status RegistryService::SetModelVersionTag(const std::string& name, const std::string& version, const KeyValue& tag) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.SetModelVersionTag(name, version, tag);
}

Status RegistryService::DeleteModelVersionTag(const std::string& name, const std::string& version,
                                             const std::string& key) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.DeleteModelVersionTag(name, version, key);
}

// ---------------------------------------------------------------------------------------------
// Aliases

Status RegistryService::SetRegisteredModelAlias(const std::string& name, const std::string& alias,
                                               const std::string& version) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.SetRegisteredModelAlias(name, alias, version);
}

Status RegistryService::DeleteRegisteredModelAlias(const std::string& name, const std::string& alias) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.DeleteRegisteredModelAlias(name, alias);
}

Result<store::ModelVersion> RegistryService::GetModelVersionByAlias(const std::string& name,
                                                                    const std::string& alias) {
  MLFLOW_RETURN_IF_ERROR(v::ValidateModelName(name));
  return registry_.GetModelVersionByAlias(name, alias);
}

}  // namespace mlflow::service
