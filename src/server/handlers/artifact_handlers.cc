// Artifact handlers: decode the request, ask the ArtifactService where the file is (it validates
// the path and resolves the root), stream the body to or from that repository.
#include "server/handlers/artifact_handlers.h"

#include <memory>

#include <spdlog/spdlog.h>

#include "artifacts/artifact_repository.h"
#include "artifacts/mime_types.h"
#include "core/uri.h"
#include "server/handlers/json_render.h"
#include "server/handlers/request_fields.h"
#include "server/handlers/routes.h"

namespace mlflow::server {
namespace {

using nlohmann::json;
namespace art = mlflow::artifacts;

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

// Sends the file the service located (or its error) as a download.
void SendFile(StreamContext& ctx, Result<service::ArtifactFile> file) {
  if (!file.ok()) {
    ctx.Respond(ErrorResponse(file.status()));
    return;
  }
  ResponseSink sink(ctx, file->path);
  Status st = file->repo->Read(file->path, sink);
  if (sink.begun()) {
    if (st.ok() || sink.head_only()) {
      ctx.EndResponse();
    } else {
      spdlog::warn("download of {} stopped: {}", file->path, st.message());
    }
    return;
  }
  ctx.Respond(ErrorResponse(st));
}

// Streams the request body into the file the service located; answers 200 (empty body) or the error.
void ReceiveFile(StreamContext& ctx, Result<service::ArtifactFile> file, HttpResponse ok) {
  if (!file.ok()) {
    ctx.Respond(ErrorResponse(file.status()));
    return;
  }
  RequestSource src(ctx);
  Status st = file->repo->Write(file->path, src);
  if (!st.ok()) {
    spdlog::info("upload of {} failed: {}", file->path, st.message());
    ctx.Respond(ErrorResponse(st));
    return;
  }
  ctx.Respond(ok);
}

json FileInfoJson(const std::string& path, const art::FileInfo& f) {
  json j = {{"path", path}, {"is_dir", f.is_dir}};
  if (!f.is_dir && f.file_size && *f.file_size != 0) j["file_size"] = *f.file_size;  // proto: 0 is unset
  return j;
}

json ListingJson(const service::ArtifactListing& listing) {
  json out = {{"root_uri", listing.root_uri}};
  if (!listing.files.empty()) {
    json arr = json::array();
    for (const auto& fi : listing.files) arr.push_back(FileInfoJson(fi.path, fi));
    out["files"] = std::move(arr);
  }
  return out;
}

// ---- the proxy (endpoints 60-66) ----

void DownloadArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  if (!ctx.artifacts->serve_artifacts()) {
    s.Respond(ServeArtifactsDisabled(RuleFor(req, "<path:artifact_path>")));
    return;
  }
  SendFile(s, ctx.artifacts->ProxyFile(PathParam(req)));
}

void UploadArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  if (!ctx.artifacts->serve_artifacts()) {
    s.Respond(ServeArtifactsDisabled(RuleFor(req, "<path:artifact_path>")));
    return;
  }
  // MLflow 3.17 answers a successful upload with 200 and an empty body (the client reads it as {}).
  HttpResponse ok;
  ok.content_type.clear();
  ReceiveFile(s, ctx.artifacts->ProxyUploadTarget(PathParam(req)), ok);
}

Result<json> ListProxy(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> path, f.String("path"));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<art::FileInfo> files, ctx.artifacts->ListProxy(path.value_or("")));
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
  MLFLOW_RETURN_IF_ERROR(ctx.artifacts->DeleteProxy(PathParam(req)));
  return json::object();
}

Result<json> CreateMultipart(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string local_file, f.RequiredString("path"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> num_parts, f.Int64("num_parts"));
  MLFLOW_ASSIGN_OR_RETURN(art::MultipartUploadInfo info,
                          ctx.artifacts->CreateMultipartUpload(PathParam(req), local_file, num_parts.value_or(1)));
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
  MLFLOW_ASSIGN_OR_RETURN(std::string local_file, f.RequiredString("path"));
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
  MLFLOW_RETURN_IF_ERROR(
      ctx.artifacts->CompleteMultipartUpload(PathParam(req), local_file, upload_id.value_or(""), list));
  return json::object();
}

Result<json> AbortMultipart(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string local_file, f.RequiredString("path"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> upload_id, f.String("upload_id"));
  MLFLOW_RETURN_IF_ERROR(ctx.artifacts->AbortMultipartUpload(PathParam(req), local_file, upload_id.value_or("")));
  return json::object();
}

// ---- run artifacts (endpoint 27) and UI routes (67, 69) ----

Result<json> ListRunArtifacts(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id", "run_uuid"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> path, f.String("path"));
  MLFLOW_ASSIGN_OR_RETURN(service::ArtifactListing listing, ctx.artifacts->ListRunArtifacts(run_id, path.value_or("")));
  return ListingJson(listing);
}

// POST /mlflow/artifacts/presigned-download-url: MLflow's checks, then its answer for a store
// that signs no URLs (ArtifactService::PresignedRunDownload).
Result<json> PresignedDownloadUrl(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id"));
  MLFLOW_ASSIGN_OR_RETURN(std::string path, f.RequiredString("path"));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> expiration, f.Int64("expiration"));
  MLFLOW_RETURN_IF_ERROR(ctx.artifacts->PresignedRunDownload(run_id, path, expiration));
  // Unreachable while no repository signs URLs: PresignedRunDownload answers every request.
  return Status::Internal("presigned download without a signing repository");
}

void GetRunArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  auto path = QueryValue(req.query, "path");
  auto run_id = QueryValue(req.query, "run_uuid");
  if (!run_id || run_id->empty()) run_id = QueryValue(req.query, "run_id");
  if (!path || path->empty()) {
    s.Respond(TextResponse(400, "Bad Request: missing 'path'"));
    return;
  }
  if (!run_id || run_id->empty()) {
    s.Respond(ErrorResponse(MissingParameter("run_id")));
    return;
  }
  SendFile(s, ctx.artifacts->RunArtifact(*run_id, *path));
}

// GET /ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files?artifact_file_path=
void GetLoggedModelArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  auto path = QueryValue(req.query, "artifact_file_path");
  if (!path || path->empty()) {
    s.Respond(ErrorResponse(Status::BadRequest("Request must include the \"artifact_file_path\" query parameter.")));
    return;
  }
  SendFile(s, ctx.artifacts->LoggedModelArtifact(req.path_params.at("model_id"), *path));
}

// GET /model-versions/get-artifact?name=&version=&path=
void GetModelVersionArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  auto path = QueryValue(req.query, "path");
  if (!path) {
    s.Respond(TextResponse(400, "Bad Request: missing 'path'"));
    return;
  }
  SendFile(s, ctx.artifacts->ModelVersionArtifact(QueryValue(req.query, "name").value_or(""),
                                                  QueryValue(req.query, "version").value_or(""), *path));
}

Result<json> ListLoggedModelArtifacts(ApiContext& ctx, const HttpRequest& req) {
  RequestFields f(req);
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> dir, f.String("artifact_directory_path"));
  MLFLOW_ASSIGN_OR_RETURN(service::ArtifactListing listing,
                          ctx.artifacts->ListLoggedModelArtifacts(req.path_params.at("model_id"), dir.value_or("")));
  return ListingJson(listing);
}

// POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=&path= (the UI's small uploads).
void UiUploadArtifact(ApiContext& ctx, StreamContext& s) {
  const HttpRequest& req = s.request();
  auto run_id = QueryValue(req.query, "run_uuid");
  auto path = QueryValue(req.query, "path");
  if (!run_id || run_id->empty()) {
    s.Respond(ErrorResponse(Status::InvalidParameter("Request must specify run_uuid.")));
    return;
  }
  if (!path || path->empty()) {
    s.Respond(ErrorResponse(Status::InvalidParameter("Request must specify path.")));
    return;
  }
  HttpResponse ok;
  ok.body = "";
  ReceiveFile(s, ctx.artifacts->UiUploadTarget(*run_id, *path, s.request_content_length()), ok);
}

}  // namespace

void RegisterArtifactHandlers(Router& router, ApiContext& ctx) {
  ApiContext* c = &ctx;
  // The proxy's JSON routes answer 503 text (the rule MLflow prints, with the prefix the request
  // used) while the proxy is off, before any other check.
  auto proxy_json = [&router, c](const std::string& method, const std::string& path, const std::string& rule,
                                 Result<json> (*fn)(ApiContext&, const HttpRequest&)) {
    JsonRouteOptions options;
    options.gate = [c, rule](const HttpRequest& req) -> std::optional<HttpResponse> {
      if (c->artifacts->serve_artifacts()) return std::nullopt;
      const char* prefix = req.path.rfind("/ajax-api/", 0) == 0 ? "/ajax-api/2.0" : "/api/2.0";
      return ServeArtifactsDisabled(prefix + rule);
    };
    AddJsonApi(router, method, path, [c, fn](const HttpRequest& req) { return fn(*c, req); }, options);
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

  if (ctx.artifacts_only) return;  // the rest reads runs, models and versions
  AddJsonApi(router, "GET", "/mlflow/artifacts/list",
             [c](const HttpRequest& req) { return ListRunArtifacts(*c, req); });
  AddJsonApi(router, "POST", "/mlflow/artifacts/presigned-download-url",
             [c](const HttpRequest& req) { return PresignedDownloadUrl(*c, req); });
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

void SendArtifactFile(StreamContext& s, Result<service::ArtifactFile> file) { SendFile(s, std::move(file)); }

}  // namespace mlflow::server
