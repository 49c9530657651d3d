#include "service/artifact_service.h"

#include <cctype>
#include <chrono>
#include <utility>

#include "artifacts/local_repository.h"
#include "artifacts/path_safety.h"
#include "core/limits.h"

namespace mlflow::service {
namespace {

namespace art = mlflow::artifacts;

// Where the proxy's route starts in an http(s) artifact root served by a tracking server.
constexpr std::string_view kProxyAnchor = "/api/2.0/mlflow-artifacts/artifacts/";

std::string StripPrefix(const std::string& path, const std::string& prefix) {
  if (prefix.empty()) return path;
  if (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 && path[prefix.size()] == '/') {
    return path.substr(prefix.size() + 1);
  }
  return path;
}

// artifacts/presigned-download-url: the expiration MLflow assumes when none is given, and the
// longest cloud stores sign (seven days).
constexpr int64_t kPresignedDownloadDefaultSeconds = 300;
constexpr int64_t kPresignedDownloadMaxSeconds = 604800;

// A URI's scheme as Python's urlparse reads it: lower case, "" for a plain path.
std::string UriScheme(std::string_view uri) {
  size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(uri[0]))) return "";
  std::string scheme;
  for (char c : uri.substr(0, colon)) {
    auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '+' && c != '-' && c != '.') return "";
    scheme.push_back(static_cast<char>(std::tolower(u)));
  }
  return scheme;
}

}  // namespace

ArtifactService::ArtifactService(ArtifactSettings settings, TrackingService& tracking, RegistryService& registry,
                                 LoggedModelService& logged_models)
    : settings_(std::move(settings)), tracking_(tracking), registry_(registry), logged_models_(logged_models) {}

Result<std::unique_ptr<art::ArtifactRepository>> ArtifactService::OpenDestination() {
  return art::OpenArtifactRepository(settings_.destination);
}

// ---------------------------------------------------------------------------------------------
// The proxy

Result<ArtifactFile> ArtifactService::ProxyFile(const std::string& path) {
  ArtifactFile out;
  MLFLOW_ASSIGN_OR_RETURN(out.path, art::NormalizeRelativePath(path));
  MLFLOW_ASSIGN_OR_RETURN(out.repo, OpenDestination());
  return out;
}

Result<ArtifactFile> ArtifactService::ProxyUploadTarget(const std::string& path) {
  ArtifactFile out;
  MLFLOW_ASSIGN_OR_RETURN(out.path, art::NormalizeRelativePath(path));
  if (out.path.empty() || path.back() == '/') {
    return Status::InvalidParameter("Artifact path must include a filename (cannot end with '/').");
  }
  MLFLOW_ASSIGN_OR_RETURN(out.repo, OpenDestination());
  return out;
}

Result<std::vector<art::FileInfo>> ArtifactService::ListProxy(const std::string& path) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, art::NormalizeRelativePath(path));
  MLFLOW_ASSIGN_OR_RETURN(auto repo, OpenDestination());
  return repo->List(norm);
}

Status ArtifactService::DeleteProxy(const std::string& path) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, art::NormalizeRelativePath(path));
  if (norm.empty()) return art::InvalidPath();
  MLFLOW_ASSIGN_OR_RETURN(auto repo, OpenDestination());
  return repo->Delete(norm);
}

Result<std::string> ArtifactService::MultipartTarget(const std::string& dir_in, const std::string& local_file) {
  MLFLOW_ASSIGN_OR_RETURN(std::string dir, art::NormalizeRelativePath(dir_in));
  // The object is <dir>/<basename of the client's local file>.
  size_t slash = local_file.find_last_of("/\\");
  std::string base = slash == std::string::npos ? local_file : local_file.substr(slash + 1);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, art::NormalizeRelativePath(base));
  if (name.empty()) return art::InvalidPath();
  return art::JoinPath(dir, name);
}

Result<art::MultipartUploadInfo> ArtifactService::CreateMultipartUpload(const std::string& dir,
                                                                        const std::string& local_file,
                                                                        int64_t num_parts) {
  MLFLOW_ASSIGN_OR_RETURN(std::string target, MultipartTarget(dir, local_file));
  MLFLOW_ASSIGN_OR_RETURN(auto repo, OpenDestination());
  if (!repo->SupportsMultipart()) return art::MultipartNotSupported();
  return repo->CreateMultipartUpload(target, num_parts);
}

Status ArtifactService::CompleteMultipartUpload(const std::string& dir, const std::string& local_file,
                                                const std::string& upload_id,
                                                const std::vector<art::MultipartPart>& parts) {
  MLFLOW_ASSIGN_OR_RETURN(std::string target, MultipartTarget(dir, local_file));
  MLFLOW_ASSIGN_OR_RETURN(auto repo, OpenDestination());
  if (!repo->SupportsMultipart()) return art::MultipartNotSupported();
  return repo->CompleteMultipartUpload(target, upload_id, parts);
}

Status ArtifactService::AbortMultipartUpload(const std::string& dir, const std::string& local_file,
                                             const std::string& upload_id) {
  MLFLOW_ASSIGN_OR_RETURN(std::string target, MultipartTarget(dir, local_file));
  MLFLOW_ASSIGN_OR_RETURN(auto repo, OpenDestination());
  if (!repo->SupportsMultipart()) return art::MultipartNotSupported();
  return repo->AbortMultipartUpload(target, upload_id);
}

// ---------------------------------------------------------------------------------------------
// Run, logged model and model version artifacts

// docs/reference/rest-api.md 3.5: proxied roots live below the artifacts destination; others are
// opened directly. The result's path is the root's place inside the repository ("" when direct).
Result<ArtifactFile> ArtifactService::ResolveRoot(const std::string& root_uri) {
  std::optional<std::string> proxied;
  if (root_uri.rfind("mlflow-artifacts:", 0) == 0) {
    std::string rest = root_uri.substr(std::string("mlflow-artifacts:").size());
    if (rest.rfind("//", 0) == 0) {
      size_t slash = rest.find('/', 2);
      rest = slash == std::string::npos ? "" : rest.substr(slash);
    }
    while (!rest.empty() && rest.front() == '/') rest.erase(rest.begin());  // the URI path is absolute
    proxied = rest;
  } else if (root_uri.rfind("http://", 0) == 0 || root_uri.rfind("https://", 0) == 0) {
    size_t at = root_uri.find(kProxyAnchor);
    if (at != std::string::npos) proxied = root_uri.substr(at + kProxyAnchor.size());
  }
  ArtifactFile out;
  if (proxied) {
    if (!settings_.serve_artifacts) {
      return Status::InvalidParameter("The artifact root '" + root_uri +
                                      "' is proxied, but this server runs with --no-serve-artifacts");
    }
    MLFLOW_ASSIGN_OR_RETURN(out.path, art::NormalizeRelativePath(*proxied));
    MLFLOW_ASSIGN_OR_RETURN(out.repo, OpenDestination());
  } else {
    MLFLOW_ASSIGN_OR_RETURN(out.repo, art::OpenArtifactRepository(root_uri));
  }
  return out;
}

Result<ArtifactFile> ArtifactService::FileBelowRoot(const std::string& root_uri, const std::string& path) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, art::NormalizeRelativePath(path));
  MLFLOW_ASSIGN_OR_RETURN(ArtifactFile root, ResolveRoot(root_uri));
  root.path = art::JoinPath(root.path, norm);
  return root;
}

Result<ArtifactListing> ArtifactService::ListBelowRoot(const std::string& root_uri,
                                                       const std::string& normalized_path) {
  MLFLOW_ASSIGN_OR_RETURN(ArtifactFile root, ResolveRoot(root_uri));
  ArtifactListing out;
  out.root_uri = root_uri;
  MLFLOW_ASSIGN_OR_RETURN(out.files, root.repo->List(art::JoinPath(root.path, normalized_path)));
  for (auto& f : out.files) f.path = StripPrefix(f.path, root.path);
  return out;
}

Result<ArtifactListing> ArtifactService::ListRunArtifacts(const std::string& run_id, const std::string& path) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, art::NormalizeRelativePath(path));
  MLFLOW_ASSIGN_OR_RETURN(Run run, tracking_.GetRun(run_id));
  return ListBelowRoot(run.info.artifact_uri, norm);
}

Result<ArtifactListing> ArtifactService::ListLoggedModelArtifacts(const std::string& model_id,
                                                                  const std::string& path) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, art::NormalizeRelativePath(path));
  MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel model, logged_models_.GetLoggedModel(model_id));
  return ListBelowRoot(model.artifact_uri, norm);
}

Result<ArtifactFile> ArtifactService::RunArtifact(const std::string& run_id, const std::string& path) {
  MLFLOW_RETURN_IF_ERROR(art::ValidatePathIsSafe(path));
  MLFLOW_ASSIGN_OR_RETURN(Run run, tracking_.GetRun(run_id));
  return FileBelowRoot(run.info.artifact_uri, path);
}

Result<ArtifactFile> ArtifactService::LoggedModelArtifact(const std::string& model_id, const std::string& path) {
  MLFLOW_RETURN_IF_ERROR(art::ValidatePathIsSafe(path));
  MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel model, logged_models_.GetLoggedModel(model_id));
  return FileBelowRoot(model.artifact_uri, path);
}

Result<ArtifactFile> ArtifactService::TraceArtifact(const std::string& trace_artifact_root, const std::string& path) {
  MLFLOW_RETURN_IF_ERROR(art::ValidatePathIsSafe(path));
  return FileBelowRoot(trace_artifact_root, path);
}

Result<ArtifactFile> ArtifactService::ModelVersionArtifact(const std::string& name, const std::string& version,
                                                           const std::string& path) {
  MLFLOW_RETURN_IF_ERROR(art::ValidatePathIsSafe(path));
  MLFLOW_ASSIGN_OR_RETURN(std::string uri, registry_.GetModelVersionDownloadUri(name, version));
  return FileBelowRoot(uri, path);
}

Status ArtifactService::PresignedRunDownload(const std::string& run_id, const std::string& path,
                                             std::optional<int64_t> expiration) {
  MLFLOW_RETURN_IF_ERROR(art::ValidatePathIsSafe(path));
  const int64_t seconds = expiration.value_or(kPresignedDownloadDefaultSeconds);
  if (seconds < 1 || seconds > kPresignedDownloadMaxSeconds) {
    return Status::InvalidParameter("expiration must be between 1 and " +
                                    std::to_string(kPresignedDownloadMaxSeconds) + " seconds (got " +
                                    std::to_string(seconds) + ").");
  }
  MLFLOW_ASSIGN_OR_RETURN(Run run, tracking_.GetRun(run_id));
  std::string scheme = UriScheme(run.info.artifact_uri);
  if (scheme == "http" || scheme == "https" || scheme == "mlflow-artifacts") {
    return Status::InvalidParameter(
        "Presigned download is not supported for runs with proxied artifact storage (artifact URI scheme: " + scheme +
        "). This endpoint requires a run with a direct cloud storage artifact URI.");
  }
  return Status(ErrorCode::kNotImplemented, "Presigned download is not supported for the current artifact repository");
}

Result<ArtifactFile> ArtifactService::UiUploadTarget(const std::string& run_id, const std::string& path,
                                                     std::optional<uint64_t> content_length) {
  if (content_length && *content_length > limits::kMaxUiUploadBytes) {
    return Status::InvalidParameter("Artifact size is too large. Max size is 10MB.");
  }
  if (!content_length || *content_length == 0) return Status::InvalidParameter("Request must specify data.");
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, art::NormalizeRelativePath(path));
  if (norm.empty()) return art::InvalidPath();
  MLFLOW_ASSIGN_OR_RETURN(Run run, tracking_.GetRun(run_id));
  MLFLOW_ASSIGN_OR_RETURN(ArtifactFile root, ResolveRoot(run.info.artifact_uri));
  root.path = art::JoinPath(root.path, norm);
  return root;
}

size_t SweepStaleUploads(const ArtifactSettings& settings) {
  if (!settings.serve_artifacts) return 0;
  auto dest = art::OpenArtifactRepository(settings.destination);
  if (!dest.ok()) return 0;
  auto* local = dynamic_cast<art::LocalArtifactRepository*>(dest->get());
  if (!local) return 0;  // object stores keep no partial objects
  return art::SweepStaleUploads(local->root(), std::chrono::hours(1));
}

}  // namespace mlflow::service
