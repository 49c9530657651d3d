// Artifact handlers: validate the path, pick the repository (the proxy destination or the run's own
// artifact root), stream.
#include "server/handlers/artifact_handlers.h"

#include <chrono>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "artifacts/artifact_repository.h"
#include "artifacts/local_repository.h"
#include "artifacts/mime_types.h"
#include "artifacts/path_safety.h"
#include "server/handlers/json_render.h"
#include "server/handlers/request_fields.h"

namespace mlflow::server {
namespace {

using nlohmann::json;
namespace art = mlflow::artifacts;

constexpr std::string_view kProxyAnchor = "/api/2.0/mlflow-artifacts/artifacts/";
constexpr uint64_t kUiUploadLimit = 10ull * 1024 * 1024;

HttpResponse TextResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

HttpResponse ServeArtifactsDisabled(const std::string& rule) {
  return TextResponse(503, "Endpoint: " + rule +
                               " disabled due to the mlflow server running with `--no-serve-artifacts`. To enable "
                               "artifacts server functionality, run `mlflow server` with `--serve-artifacts`");
}

// The rule text MLflow prints: the route pattern with <path:...> for the captured rest.
std::string RuleFor(const HttpRequest& req, const char* suffix_pattern) {
  std::string p = req.path;
  auto it = req.path_params.find("path");
  if (it != req.path_params.end() && !it->second.empty() && p.size() >= it->second.size()) {
    p = p.substr(0, p.size() - it->second.size()) + suffix_pattern;
  }
  return p;
}

Result<std::unique_ptr<art::ArtifactRepository>> Destination(const ApiContext& ctx) {
  return art::OpenArtifactRepository(ctx.artifacts_destination);
}

std::string PathParam(const HttpRequest& req) {
  auto it = req.path_params.find("path");
  return it == req.path_params.end() ? std::string() : it->second;
}

// Streams a request body into a repository.
class RequestSource : public art::ByteSource {
 public:
  explicit RequestSource(StreamContext& ctx) : ctx_(ctx) {}
  int64_t Read(char* buf, size_t size) override { return ctx_.ReadBody(buf, size); }
  std::optional<uint64_t> Size() const override { return ctx_.request_content_length(); }

 private:
  StreamContext& ctx_;
};

// Streams a repository file out as the response, with MLflow's download headers.
class ResponseSink : public art::ByteSink {
 public:
  ResponseSink(StreamContext& ctx, const std::string& file_path)
      : ctx_(ctx), file_path_(file_path), head_only_(ctx.request().method == "HEAD") {}
  bool Begin(std::optional<uint64_t> size) override {
    begun_ = true;
    size_t slash = file_path_.find_last_of('/');
    std::string name = slash == std::string::npos ? file_path_ : file_path_.substr(slash + 1);
    bool ok = ctx_.BeginResponse(200, art::GuessMimeType(file_path_), size,
                                 {{"Content-Disposition", "attachment; filename=" + name}});
    return ok && !head_only_;  // HEAD: headers only, stop the transfer here
  }
  bool head_only() const { return head_only_; }
  bool Write(const char* data, size_t size) override { return ctx_.WriteBody(data, size); }
  bool begun() const { return begun_; }

 private:
  StreamContext& ctx_;
  std::string file_path_;
  bool head_only_;
  bool begun_ = false;
};

// Sends `repo`'s file `path` (already validated) as a download.
void SendFile(StreamContext& ctx, art::ArtifactRepository& repo, const std::string& path) {
  ResponseSink sink(ctx, path);
  Status st = repo.Read(path, sink);
  if (sink.begun()) {
    if (st.ok() || sink.head_only()) {
      ctx.EndResponse();
    } else {
      spdlog::warn("download of {} stopped: {}", path, st.message());
    }
    return;
  }
  ctx.Respond(ErrorResponse(st));
}

// A run or model artifact root, resolved to a repository plus a path prefix inside it.
struct ResolvedRoot {
  std::unique_ptr<art::ArtifactRepository> repo;
  std::string prefix;  // path of the root inside repo ("" for a direct root)
};

// docs/reference/rest-api.md 3.5: proxied roots live below the artifacts destination; others are opened directly.
Result<ResolvedRoot> ResolveRoot(const ApiContext& ctx, const std::string& root_uri) {
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
  ResolvedRoot out;
  if (proxied) {
    if (!ctx.serve_artifacts) {
      return Status::InvalidParameter("The artifact root '" + root_uri +
                                      "' is proxied, but this server runs with --no-serve-artifacts");
    }
    MLFLOW_ASSIGN_OR_RETURN(out.prefix, art::NormalizeRelativePath(*proxied));
    MLFLOW_ASSIGN_OR_RETURN(out.repo, Destination(ctx));
  } else {
    MLFLOW_ASSIGN_OR_RETURN(out.repo, art::OpenArtifactRepository(root_uri));
  }
  return out;
}

std::string StripPrefix(const std::string& path, const std::string& prefix) {
  if (prefix.empty()) return path;
  if (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 && path[prefix.size()] == '/') {
    return path.substr(prefix.size() + 1);
  }
  return path;
}

json FileInfoJson(const std::string& path, const art::FileInfo& f) {
  json j = {{"path", path}, {"is_dir", f.is_dir}};
  if (!f.is_dir && f.file_size && *f.file_size != 0) j["file_size"] = *f.file_size;  // proto: 0 is unset
  return j;
}

// ---- the proxy (endpoints 60-66) ----

void DownloadArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  if (!ctx.serve_artifacts) {
    s.Respond(ServeArtifactsDisabled(RuleFor(req, "<path:artifact_path>")));
    return;
  }
  auto norm = art::NormalizeRelativePath(PathParam(req));
  if (!norm.ok()) {
    s.Respond(ErrorResponse(norm.status()));
    return;
  }
  auto repo = Destination(ctx);
  if (!repo.ok()) {
    s.Respond(ErrorResponse(repo.status()));
    return;
  }
  SendFile(s, **repo, *norm);
}

void UploadArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  if (!ctx.serve_artifacts) {
    s.Respond(ServeArtifactsDisabled(RuleFor(req, "<path:artifact_path>")));
    return;
  }
  std::string raw_path = PathParam(req);
  auto norm = art::NormalizeRelativePath(raw_path);
  if (!norm.ok()) {
    s.Respond(ErrorResponse(norm.status()));
    return;
  }
  if (norm->empty() || raw_path.back() == '/') {
    s.Respond(ErrorResponse(Status::InvalidParameter("Artifact path must include a filename (cannot end with '/').")));
    return;
  }
  auto repo = Destination(ctx);
  if (!repo.ok()) {
    s.Respond(ErrorResponse(repo.status()));
    return;
  }
  RequestSource src(s);
  Status st = (*repo)->Write(*norm, src);
  if (!st.ok()) {
    spdlog::info("upload of {} failed: {}", *norm, st.message());
    s.Respond(ErrorResponse(st));
    return;
  }
  // MLflow 3.17 answers a successful upload with 200 and an empty body (the client reads it as {}).
  HttpResponse ok;
  ok.content_type.clear();
  s.Respond(ok);
}

Result<json> ListProxy(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> path, f.String("path"));
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, art::NormalizeRelativePath(path.value_or("")));
  MLFLOW_ASSIGN_OR_RETURN(auto repo, Destination(ctx));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<art::FileInfo> files, repo->List(norm));
  json out = json::object();
  if (!files.empty()) {
    json arr = json::array();
    for (const auto& fi : files) {
      size_t slash = fi.path.find_last_of('/');
      arr.push_back(FileInfoJson(slash == std::string::npos ? fi.path : fi.path.substr(slash + 1), fi));
    }
    out["files"] = std::move(arr);
  }
  return out;
}

Result<json> DeleteProxy(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, art::NormalizeRelativePath(PathParam(req)));
  if (norm.empty()) return art::InvalidPath();
  MLFLOW_ASSIGN_OR_RETURN(auto repo, Destination(ctx));
  MLFLOW_RETURN_IF_ERROR(repo->Delete(norm));
  return json::object();
}

// The object of a multipart upload: <artifact dir>/<basename of the client's local file>.
Result<std::string> MultipartTarget(const HttpRequest& req, const RequestFields& f) {
  MLFLOW_ASSIGN_OR_RETURN(std::string dir, art::NormalizeRelativePath(PathParam(req)));
  MLFLOW_ASSIGN_OR_RETURN(std::string local, f.RequiredString("path"));
  size_t slash = local.find_last_of("/\\");
  std::string base = slash == std::string::npos ? local : local.substr(slash + 1);
  MLFLOW_ASSIGN_OR_RETURN(std::string name, art::NormalizeRelativePath(base));
  if (name.empty()) return art::InvalidPath();
  return art::JoinPath(dir, name);
}

Result<json> CreateMultipart(ApiContext& ctx, const HttpRequest& req) {
  MLFLOW_ASSIGN_OR_RETURN(std::string dir, art::NormalizeRelativePath(PathParam(req)));
  (void)dir;
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string target, MultipartTarget(req, f));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> num_parts, f.Int64("num_parts"));
  MLFLOW_ASSIGN_OR_RETURN(auto repo, Destination(ctx));
  if (!repo->SupportsMultipart()) return art::MultipartNotSupported();
  MLFLOW_ASSIGN_OR_RETURN(art::MultipartUploadInfo info, repo->CreateMultipartUpload(target, num_parts.value_or(1)));
  json creds = json::array();
  for (const auto& c : info.credentials) {
    json h = json::object();
    for (const auto& [k, v] : c.headers) h[k] = v;
    json item = {{"url", c.url}, {"part_number", c.part_number}};
    if (!h.empty()) item["headers"] = h;
    creds.push_back(std::move(item));
  }
  json out = {{"upload_id", info.upload_id}};
  if (!creds.empty()) out["credentials"] = std::move(creds);
  return out;
}

Result<json> CompleteMultipart(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string target, MultipartTarget(req, f));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> upload_id, f.String("upload_id"));
  const json* parts = f.Json("parts");
  if (!parts) return MissingParameter("parts");
  if (!parts->is_array()) return TypeError("parts", *parts);
  std::vector<art::MultipartPart> list;
  for (const auto& p : *parts) {
    if (!p.is_object()) return TypeError("parts", *parts);
    art::MultipartPart part;
    if (auto n = p.find("part_number"); n != p.end()) {
      auto v = JsonToInt64(*n);
      if (!v) return TypeError("part_number", *n);
      part.part_number = *v;
    }
    part.etag = p.value("etag", "");
    part.url = p.value("url", "");
    list.push_back(std::move(part));
  }
  MLFLOW_ASSIGN_OR_RETURN(auto repo, Destination(ctx));
  if (!repo->SupportsMultipart()) return art::MultipartNotSupported();
  MLFLOW_RETURN_IF_ERROR(repo->CompleteMultipartUpload(target, upload_id.value_or(""), list));
  return json::object();
}

Result<json> AbortMultipart(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string target, MultipartTarget(req, f));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> upload_id, f.String("upload_id"));
  MLFLOW_ASSIGN_OR_RETURN(auto repo, Destination(ctx));
  if (!repo->SupportsMultipart()) return art::MultipartNotSupported();
  MLFLOW_RETURN_IF_ERROR(repo->AbortMultipartUpload(target, upload_id.value_or("")));
  return json::object();
}

// ---- run artifacts (endpoint 27) and UI routes (67, 69) ----

Result<json> ListRunArtifacts(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id", "run_uuid"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> path, f.String("path"));
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, art::NormalizeRelativePath(path.value_or("")));
  MLFLOW_ASSIGN_OR_RETURN(Run run, ctx.tracking->GetRun(run_id));
  MLFLOW_ASSIGN_OR_RETURN(ResolvedRoot root, ResolveRoot(ctx, run.info.artifact_uri));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<art::FileInfo> files, root.repo->List(art::JoinPath(root.prefix, norm)));
  json out = {{"root_uri", run.info.artifact_uri}};
  if (!files.empty()) {
    json arr = json::array();
    for (const auto& fi : files) arr.push_back(FileInfoJson(StripPrefix(fi.path, root.prefix), fi));
    out["files"] = std::move(arr);
  }
  return out;
}

// First query-string parameter `name` (form-decoded), whatever the method; nullopt when absent.
std::optional<std::string> QueryParam(const HttpRequest& req, const std::string& name) {
  std::string_view q = req.query;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view item = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    size_t eq = item.find('=');
    std::string key, value;
    if (!PercentDecode(item.substr(0, eq), &key, true)) continue;
    if (key != name) continue;
    if (eq != std::string_view::npos && !PercentDecode(item.substr(eq + 1), &value, true)) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

void SendRootFile(ApiContext& ctx, StreamContext& s, const std::string& root_uri, const std::string& rel);

void GetRunArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  auto path = QueryParam(req, "path");
  auto run_id = QueryParam(req, "run_uuid");
  if (!run_id || run_id->empty()) run_id = QueryParam(req, "run_id");
  if (!path || path->empty()) {
    s.Respond(TextResponse(400, "Bad Request: missing 'path'"));
    return;
  }
  if (!run_id || run_id->empty()) {
    s.Respond(ErrorResponse(MissingParameter("run_id")));
    return;
  }
  if (Status st = art::ValidatePathIsSafe(*path); !st.ok()) {
    s.Respond(ErrorResponse(st));
    return;
  }
  auto run = ctx.tracking->GetRun(*run_id);
  if (!run.ok()) {
    s.Respond(ErrorResponse(run.status()));
    return;
  }
  SendRootFile(ctx, s, run->info.artifact_uri, *path);
}

// Sends file `rel` (unvalidated) below artifact root `root_uri`.
void SendRootFile(ApiContext& ctx, StreamContext& s, const std::string& root_uri, const std::string& rel) {
  auto norm = art::NormalizeRelativePath(rel);
  if (!norm.ok()) {
    s.Respond(ErrorResponse(norm.status()));
    return;
  }
  auto root = ResolveRoot(ctx, root_uri);
  if (!root.ok()) {
    s.Respond(ErrorResponse(root.status()));
    return;
  }
  SendFile(s, *root->repo, art::JoinPath(root->prefix, *norm));
}

// GET /ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files?artifact_file_path=
void GetLoggedModelArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  auto path = QueryParam(req, "artifact_file_path");
  if (!path || path->empty()) {
    s.Respond(ErrorResponse(Status::BadRequest("Request must include the \"artifact_file_path\" query parameter.")));
    return;
  }
  if (Status st = art::ValidatePathIsSafe(*path); !st.ok()) {
    s.Respond(ErrorResponse(st));
    return;
  }
  if (!ctx.logged_models) {
    s.Respond(ErrorResponse(Status::Internal("logged models are not available on this server")));
    return;
  }
  auto model = ctx.logged_models->GetLoggedModel(req.path_params.at("model_id"));
  if (!model.ok()) {
    s.Respond(ErrorResponse(model.status()));
    return;
  }
  SendRootFile(ctx, s, model->artifact_uri, *path);
}

// GET /model-versions/get-artifact?name=&version=&path=
void GetModelVersionArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  auto path = QueryParam(req, "path");
  if (!path) {
    s.Respond(TextResponse(400, "Bad Request: missing 'path'"));
    return;
  }
  if (Status st = art::ValidatePathIsSafe(*path); !st.ok()) {
    s.Respond(ErrorResponse(st));
    return;
  }
  if (!ctx.registry) {
    s.Respond(ErrorResponse(Status::Internal("the model registry is not available on this server")));
    return;
  }
  auto uri = ctx.registry->GetModelVersionDownloadUri(QueryParam(req, "name").value_or(""),
                                                      QueryParam(req, "version").value_or(""));
  if (!uri.ok()) {
    s.Respond(ErrorResponse(uri.status()));
    return;
  }
  SendRootFile(ctx, s, *uri, *path);
}

Result<json> ListLoggedModelArtifacts(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> dir, f.String("artifact_directory_path"));
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, art::NormalizeRelativePath(dir.value_or("")));
  if (!ctx.logged_models) return Status::Internal("logged models are not available on this server");
  MLFLOW_ASSIGN_OR_RETURN(auto model, ctx.logged_models->GetLoggedModel(req.path_params.at("model_id")));
  MLFLOW_ASSIGN_OR_RETURN(ResolvedRoot root, ResolveRoot(ctx, model.artifact_uri));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<art::FileInfo> files, root.repo->List(art::JoinPath(root.prefix, norm)));
  json out = {{"root_uri", model.artifact_uri}};
  if (!files.empty()) {
    json arr = json::array();
    for (const auto& fi : files) arr.push_back(FileInfoJson(StripPrefix(fi.path, root.prefix), fi));
    out["files"] = std::move(arr);
  }
  return out;
}

// POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=&path= (the UI's small uploads).
void UiUploadArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  auto run_id = QueryParam(req, "run_uuid");
  auto path = QueryParam(req, "path");
  if (!run_id || run_id->empty()) {
    s.Respond(ErrorResponse(Status::InvalidParameter("Request must specify run_uuid.")));
    return;
  }
  if (!path || path->empty()) {
    s.Respond(ErrorResponse(Status::InvalidParameter("Request must specify path.")));
    return;
  }
  auto len = s.request_content_length();
  if (len && *len > kUiUploadLimit) {
    s.Respond(ErrorResponse(Status::InvalidParameter("Artifact size is too large. Max size is 10MB.")));
    return;
  }
  if (!len || *len == 0) {
    s.Respond(ErrorResponse(Status::InvalidParameter("Request must specify data.")));
    return;
  }
  auto norm = art::NormalizeRelativePath(*path);
  if (!norm.ok() || norm->empty()) {
    s.Respond(ErrorResponse(norm.ok() ? art::InvalidPath() : norm.status()));
    return;
  }
  auto run = ctx.tracking->GetRun(*run_id);
  if (!run.ok()) {
    s.Respond(ErrorResponse(run.status()));
    return;
  }
  auto root = ResolveRoot(ctx, run->info.artifact_uri);
  if (!root.ok()) {
    s.Respond(ErrorResponse(root.status()));
    return;
  }
  RequestSource src(s);
  Status st = root->repo->Write(art::JoinPath(root->prefix, *norm), src);
  if (!st.ok()) {
    s.Respond(ErrorResponse(st));
    return;
  }
  HttpResponse ok;
  ok.body = "";
  s.Respond(ok);
}

}  // namespace

void RegisterArtifactHandlers(Router& router, ApiContext& ctx) {
  ApiContext* c = &ctx;
  // Uploads interrupted by a crash leave hidden temporary files: sweep old ones once, off the
  // request path (a folder destination only).
  if (ctx.serve_artifacts) {
    auto dest = art::OpenArtifactRepository(ctx.artifacts_destination);
    if (dest.ok()) {
      if (auto* local = dynamic_cast<art::LocalArtifactRepository*>(dest->get())) {
        std::thread([root = local->root()] {
          size_t n = art::SweepStaleUploads(root, std::chrono::hours(1));
          if (n > 0) spdlog::info("removed {} stale partial uploads below {}", n, root.string());
        }).detach();
      }
    }
  }
  // JSON proxy routes are wrapped by hand so that --no-serve-artifacts can answer 503 text.
  auto proxy_json = [&router, c](const std::string& method, const std::string& path, const std::string& rule,
                                 Result<json> (*fn)(ApiContext&, const HttpRequest&)) {
    for (const char* prefix : {"/api/2.0", "/ajax-api/2.0"}) {
      router.Add(method, prefix + path, [c, fn, rule = std::string(prefix) + rule](const HttpRequest& req) {
        if (!c->serve_artifacts) return ServeArtifactsDisabled(rule);
        if ((req.method == "POST") && req.Header("content-type").find("application/json") == std::string::npos) {
          return ErrorResponse(req.Header("content-type").empty()
                                   ? Status::InvalidParameter("Bad Request. Content-Type header is missing.")
                                   : Status::InvalidParameter(
                                         "Bad Request. Content-Type must be one of ['application/json']."));
        }
        Result<json> r = fn(*c, req);
        if (!r.ok()) return ErrorResponse(r.status());
        return JsonResponse(*r);
      });
    }
  };
  router.AddApiStream("GET", "/mlflow-artifacts/artifacts/{path...}",
                      [c](StreamContext& s) { DownloadArtifact(*c, s); });
  router.AddApiStream("PUT", "/mlflow-artifacts/artifacts/{path...}", [c](StreamContext& s) { UploadArtifact(*c, s); });
  proxy_json("GET", "/mlflow-artifacts/artifacts", "/mlflow-artifacts/artifacts", ListProxy);
  proxy_json("DELETE", "/mlflow-artifacts/artifacts/{path...}", "/mlflow-artifacts/artifacts/<path:artifact_path>",
             DeleteProxy);
  proxy_json("POST", "/mlflow-artifacts/mpu/create/{path...}", "/mlflow-artifacts/mpu/create/<path:artifact_path>",
             CreateMultipart);
  proxy_json("POST", "/mlflow-artifacts/mpu/complete/{path...}",
             "/mlflow-artifacts/mpu/complete/<path:artifact_path>", CompleteMultipart);
  proxy_json("POST", "/mlflow-artifacts/mpu/abort/{path...}", "/mlflow-artifacts/mpu/abort/<path:artifact_path>",
             AbortMultipart);

  if (ctx.artifacts_only) return;  // the rest needs the tracking store
  AddJsonApi(router, "GET", "/mlflow/artifacts/list",
             [c](const HttpRequest& req) { return ListRunArtifacts(*c, req); });
  router.AddStream("GET", "/get-artifact", [c](StreamContext& s) { GetRunArtifact(*c, s); });
  router.AddStream("POST", "/ajax-api/2.0/mlflow/upload-artifact", [c](StreamContext& s) { UiUploadArtifact(*c, s); });
  AddJsonApi(router, "GET", "/mlflow/logged-models/{model_id}/artifacts/directories",
             [c](const HttpRequest& req) { return ListLoggedModelArtifacts(*c, req); });
  router.AddStream("GET", "/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files",
                   [c](StreamContext& s) { GetLoggedModelArtifact(*c, s); });
  router.AddStream("GET", "/model-versions/get-artifact", [c](StreamContext& s) { GetModelVersionArtifact(*c, s); });
}

void RegisterArtifactsOnlyGuards(Router& router) {
  for (const char* method : {"GET", "POST", "PATCH", "DELETE", "PUT"}) {
    for (const char* prefix : {"/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/", "/api/3.0/mlflow/", "/ajax-api/3.0/mlflow/"}) {
      std::string pattern = std::string(prefix) + "{rest...}";
      router.Add(method, pattern, [](const HttpRequest& req) {
        return TextResponse(503, "Endpoint: " + req.path +
                                     " disabled due to the mlflow server running in `--artifacts-only` mode. To "
                                     "enable tracking server functionality, run `mlflow server` without "
                                     "`--artifacts-only`");
      });
    }
  }
}

}  // namespace mlflow::server
