#include "artifacts/http_repository.h"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "artifacts/curl_http.h"
#include "artifacts/mime_types.h"
#include "artifacts/path_safety.h"

namespace mlflow::artifacts {
namespace {

constexpr std::string_view kAnchor = "/api/2.0/mlflow-artifacts/artifacts";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

ErrorCode CodeFromName(const std::string& name) {
  static const std::pair<const char*, ErrorCode> kCodes[] = {
      {"INVALID_PARAMETER_VALUE", ErrorCode::kInvalidParameterValue},
      {"BAD_REQUEST", ErrorCode::kBadRequest},
      {"RESOURCE_DOES_NOT_EXIST", ErrorCode::kResourceDoesNotExist},
      {"RESOURCE_ALREADY_EXISTS", ErrorCode::kResourceAlreadyExists},
      {"NOT_IMPLEMENTED", ErrorCode::kNotImplemented},
      {"PERMISSION_DENIED", ErrorCode::kPermissionDenied},
      {"UNAUTHENTICATED", ErrorCode::kUnauthenticated},
      {"TEMPORARILY_UNAVAILABLE", ErrorCode::kTemporarilyUnavailable},
  };
  for (const auto& [n, c] : kCodes) {
    if (name == n) return c;
  }
  return ErrorCode::kInternalError;
}

}  // namespace

Status StatusFromHttp(long http_status, const std::string& body, const std::string& what) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error_code") && j["error_code"].is_string()) {
    std::string msg = j.value("message", "");
    return Status(CodeFromName(j["error_code"].get<std::string>()), msg);
  }
  ErrorCode code = ErrorCode::kInternalError;
  if (http_status == 400) code = ErrorCode::kBadRequest;
  if (http_status == 401) code = ErrorCode::kUnauthenticated;
  if (http_status == 403) code = ErrorCode::kPermissionDenied;
  if (http_status == 404) code = ErrorCode::kEndpointNotFound;
  if (http_status == 501) code = ErrorCode::kNotImplemented;
  if (http_status == 503) code = ErrorCode::kTemporarilyUnavailable;
  std::string snippet = body.substr(0, 300);
  return Status(code, what + ": HTTP " + std::to_string(http_status) + (snippet.empty() ? "" : ": " + snippet));
}

Result<std::string> ResolveMlflowArtifactsUri(const std::string& uri, const std::string& tracking_uri_in) {
  const std::string scheme = "mlflow-artifacts:";
  if (uri.rfind(scheme, 0) != 0) return Status::InvalidParameter("Not an mlflow-artifacts URI: '" + uri + "'");
  std::string tracking_uri = tracking_uri_in.empty() ? Env("MLFLOW_TRACKING_URI") : tracking_uri_in;
  while (!tracking_uri.empty() && tracking_uri.back() == '/') tracking_uri.pop_back();
  if (tracking_uri.rfind("http://", 0) != 0 && tracking_uri.rfind("https://", 0) != 0) {
    return Status::InvalidParameter("When an mlflow-artifacts URI was supplied, the tracking URI must be a valid "
                                    "http or https URI, but it was currently set to '" + tracking_uri + "'.");
  }
  std::string rest = uri.substr(scheme.size());
  std::string tracking_scheme = tracking_uri.substr(0, tracking_uri.find("://"));
  std::string tracking_host_path = tracking_uri.substr(tracking_scheme.size() + 3);
  std::string base = tracking_uri;
  if (rest.rfind("//", 0) == 0) {
    // mlflow-artifacts://host:port/path: that host, the tracking server's scheme and path prefix.
    rest = rest.substr(2);
    size_t slash = rest.find('/');
    std::string host = rest.substr(0, slash);
    rest = slash == std::string::npos ? "" : rest.substr(slash);
    size_t tslash = tracking_host_path.find('/');
    std::string tpath = tslash == std::string::npos ? "" : tracking_host_path.substr(tslash);
    if (!host.empty()) base = tracking_scheme + "://" + host + tpath;
  }
  while (!rest.empty() && rest.front() == '/') rest.erase(rest.begin());
  return base + std::string(kAnchor) + (rest.empty() ? "" : "/" + rest);
}

Result<std::unique_ptr<HttpArtifactRepository>> HttpArtifactRepository::Create(const std::string& base_url) {
  size_t at = base_url.find(kAnchor);
  if (at == std::string::npos) {
    return Status::InvalidParameter("Not an mlflow-artifacts proxy URL: '" + base_url + "'");
  }
  std::string endpoint = base_url.substr(0, at + kAnchor.size());
  std::string root = base_url.substr(at + kAnchor.size());
  while (!root.empty() && root.front() == '/') root.erase(root.begin());
  while (!root.empty() && root.back() == '/') root.pop_back();
  return std::unique_ptr<HttpArtifactRepository>(new HttpArtifactRepository(endpoint, root));
}

HttpArtifactRepository::HttpArtifactRepository(std::string endpoint, std::string root_path)
    : endpoint_(std::move(endpoint)), root_path_(std::move(root_path)) {}

std::string HttpArtifactRepository::root_uri() const {
  return endpoint_ + (root_path_.empty() ? "" : "/" + root_path_);
}

std::string HttpArtifactRepository::FileUrl(const std::string& norm) const {
  return endpoint_ + "/" + UrlEncode(JoinPath(root_path_, norm), false);
}

std::vector<std::string> TrackingRequestHeaders() {
  std::vector<std::string> h = {"User-Agent: mlflow-cpp"};
  std::string user = Env("MLFLOW_TRACKING_USERNAME"), pass = Env("MLFLOW_TRACKING_PASSWORD");
  std::string token = Env("MLFLOW_TRACKING_TOKEN");
  if (!user.empty() && !pass.empty()) {
    static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string in = user + ":" + pass, out;
    for (size_t i = 0; i < in.size(); i += 3) {
      uint32_t v = static_cast<unsigned char>(in[i]) << 16;
      if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
      if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
      out += kB64[(v >> 18) & 63];
      out += kB64[(v >> 12) & 63];
      out += i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
      out += i + 2 < in.size() ? kB64[v & 63] : '=';
    }
    h.push_back("Authorization: Basic " + out);
  } else if (!token.empty()) {
    h.push_back("Authorization: Bearer " + token);
  }
  return h;
}

Result<std::vector<FileInfo>> HttpArtifactRepository::List(const std::string& dir) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(dir));
  HttpCall call;
  call.url = endpoint_ + "?path=" + UrlEncode(JoinPath(root_path_, norm), true);
  call.headers = TrackingRequestHeaders();
  MLFLOW_ASSIGN_OR_RETURN(HttpResult r, PerformHttp(call));
  if (r.status != 200) return StatusFromHttp(r.status, r.body, "listing " + call.url);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  std::vector<FileInfo> out;
  if (!j.is_object()) return Status::Internal("unexpected listing from " + call.url);
  if (j.contains("files") && j["files"].is_array()) {
    for (const auto& f : j["files"]) {
      FileInfo info;
      std::string name = f.value("path", "");
      size_t slash = name.find_last_of('/');
      if (slash != std::string::npos) name = name.substr(slash + 1);
      if (name.empty()) continue;
      info.path = JoinPath(norm, name);
      info.is_dir = f.value("is_dir", false);
      if (f.contains("file_size") && f["file_size"].is_number_integer()) info.file_size = f["file_size"].get<int64_t>();
      out.push_back(std::move(info));
    }
  }
  return out;
}

Status HttpArtifactRepository::Write(const std::string& path, ByteSource& src) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  if (norm.empty()) return InvalidPath();
  HttpCall call;
  call.method = "PUT";
  call.url = FileUrl(norm);
  call.headers = TrackingRequestHeaders();
  call.headers.push_back("Content-Type: " + GuessMimeType(norm));
  call.upload = &src;
  MLFLOW_ASSIGN_OR_RETURN(HttpResult r, PerformHttp(call));
  if (r.status != 200) return StatusFromHttp(r.status, r.body, "uploading " + norm);
  return Status();
}

Status HttpArtifactRepository::Read(const std::string& path, ByteSink& sink) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  HttpCall call;
  call.url = FileUrl(norm);
  call.headers = TrackingRequestHeaders();
  call.download = &sink;
  MLFLOW_ASSIGN_OR_RETURN(HttpResult r, PerformHttp(call));
  if (r.status != 200) return StatusFromHttp(r.status, r.body, "downloading " + norm);
  return Status();
}

Status HttpArtifactRepository::Delete(const std::string& path) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  if (norm.empty()) return InvalidPath();
  HttpCall call;
  call.method = "DELETE";
  call.url = FileUrl(norm);
  call.headers = TrackingRequestHeaders();
  MLFLOW_ASSIGN_OR_RETURN(HttpResult r, PerformHttp(call));
  if (r.status != 200) return StatusFromHttp(r.status, r.body, "deleting " + norm);
  return Status();
}

Result<bool> HttpArtifactRepository::IsDirectory(const std::string& path) {
  MLFLOW_ASSIGN_OR_RETURN(std::vector<FileInfo> files, List(path));
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  return !files.empty() || norm.empty();
}

}  // namespace mlflow::artifacts
