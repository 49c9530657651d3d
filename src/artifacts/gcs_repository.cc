#include "artifacts/gcs_repository.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "artifacts/crypto.h"
#include "artifacts/curl_http.h"
#include "artifacts/upload_parts.h"

namespace mlflow::artifacts {
namespace {

// Listings of 1000 names are well below this; anything longer is not an answer we asked for.
constexpr size_t kAnswerLimit = 16 << 20;

using nlohmann::json;
constexpr uint64_t kChunkUnit = 256 * 1024;  // resumable chunks are multiples of this

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string TrimSlashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  while (!s.empty() && s.front() == '/') s.erase(s.begin());
  return s;
}

std::string WithScheme(std::string endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.find("://") == std::string::npos) endpoint = "http://" + endpoint;
  return endpoint;
}

}  // namespace

Status GcsError(long http_status, const std::string& body, const std::string& what) {
  json j = json::parse(body, nullptr, false);
  std::string message;
  if (j.is_object() && j.contains("error") && j["error"].is_object()) message = j["error"].value("message", "");
  if (http_status == 404) return Status::NotFound(what + ": " + (message.empty() ? "not found" : message));
  return Status::Internal(what + " failed: HTTP " + std::to_string(http_status) + (message.empty() ? "" : ": " + message));
}

Result<GcsLocation> ParseGcsUri(const std::string& uri) {
  if (uri.rfind("gs://", 0) != 0) return Status::InvalidParameter("Not a GCS URI: " + uri);
  std::string rest = uri.substr(5);
  size_t cut = rest.find_first_of("?#");
  if (cut != std::string::npos) rest = rest.substr(0, cut);
  size_t slash = rest.find('/');
  GcsLocation loc;
  loc.bucket = rest.substr(0, slash);
  loc.path = slash == std::string::npos ? "" : TrimSlashes(rest.substr(slash));
  if (loc.bucket.empty()) return Status::InvalidParameter("GCS URI names no bucket: " + uri);
  return loc;
}

Result<GcsConfig> GcsConfig::FromEnvironment() {
  GcsConfig c;
  if (std::string chunk = Env("MLFLOW_GCS_UPLOAD_CHUNK_SIZE"); !chunk.empty()) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(chunk.c_str(), &end, 10);
    if (!end || *end != '\0' || v == 0) {
      return Status::InvalidParameter("MLFLOW_GCS_UPLOAD_CHUNK_SIZE must be a positive number of bytes");
    }
    c.chunk_size = v;
  }
  c.verify_tls = Env("MLFLOW_TRACKING_INSECURE_TLS") != "true";
  if (std::string emulator = Env("STORAGE_EMULATOR_HOST"); !emulator.empty()) {
    // Google's libraries talk to an emulator anonymously.
    c.endpoint = WithScheme(emulator);
    return c;
  }
  if (std::string override_url = Env("API_ENDPOINT_OVERRIDE"); !override_url.empty()) {
    c.endpoint = WithScheme(override_url);
  }
  std::string path = Env("GOOGLE_APPLICATION_CREDENTIALS");
  if (!path.empty()) {
    MLFLOW_ASSIGN_OR_RETURN(GoogleCredentials creds, LoadGoogleCredentials(path));
    c.credentials = std::move(creds);
    return c;
  }
  std::string gcloud = Env("CLOUDSDK_CONFIG");
  if (gcloud.empty() && !Env("HOME").empty()) gcloud = Env("HOME") + "/.config/gcloud";
  std::error_code ec;
  std::string adc = gcloud + "/application_default_credentials.json";
  if (!gcloud.empty() && std::filesystem::is_regular_file(adc, ec)) {
    MLFLOW_ASSIGN_OR_RETURN(GoogleCredentials creds, LoadGoogleCredentials(adc));
    c.credentials = std::move(creds);
  }
  return c;
}

Result<std::unique_ptr<GcsArtifactRepository>> GcsArtifactRepository::Create(const std::string& uri, GcsConfig config) {
  MLFLOW_ASSIGN_OR_RETURN(GcsLocation loc, ParseGcsUri(uri));
  while (!config.endpoint.empty() && config.endpoint.back() == '/') config.endpoint.pop_back();
  config.chunk_size = std::max<uint64_t>(kChunkUnit, (config.chunk_size + kChunkUnit - 1) / kChunkUnit * kChunkUnit);
  config.single_upload_limit = std::max<uint64_t>(config.single_upload_limit, config.chunk_size);
  return std::unique_ptr<GcsArtifactRepository>(new GcsArtifactRepository(std::move(loc), std::move(config)));
}

GcsArtifactRepository::GcsArtifactRepository(GcsLocation location, GcsConfig config)
    : ObjectStoreRepository(location.path), location_(std::move(location)), config_(std::move(config)) {}

std::string GcsArtifactRepository::root_uri() const {
  return "gs://" + location_.bucket + (prefix().empty() ? "" : "/" + prefix());
}

std::string GcsArtifactRepository::ObjectUrl(const std::string& key) const {
  return config_.endpoint + "/storage/v1/b/" + UrlEncode(location_.bucket) + "/o/" + UrlEncode(key);
}

Result<GcsArtifactRepository::Response> GcsArtifactRepository::Call(const std::string& method, const std::string& url,
                                                                    const std::string* body, ByteSource* upload,
                                                                    ByteSink* download, std::vector<std::string> headers) {
  HttpCall call;
  call.method = method;
  call.url = url;
  call.body = body;
  call.upload = upload;
  call.download = download;
  call.verify_tls = config_.verify_tls;
  call.body_limit = kAnswerLimit;
  auto authorize = [&]() -> Status {
    call.headers = headers;
    if (config_.credentials) {
      MLFLOW_ASSIGN_OR_RETURN(std::string token,
                              CachedAccessToken(*config_.credentials, kGcsReadWriteScope, config_.verify_tls));
      call.headers.push_back("Authorization: Bearer " + token);
    }
    return Status();
  };
  MLFLOW_RETURN_IF_ERROR(authorize());
  // Calls without a streamed body can be replayed: once more with a new token after a 401, and a
  // few times with backoff after network errors, 429 and 5xx. Streamed bodies cannot be rewound.
  const bool replayable = upload == nullptr && download == nullptr;
  Result<HttpResult> r = PerformHttp(call);
  if (r.ok() && r->status == 401 && config_.credentials) {
    InvalidateAccessToken(*config_.credentials, kGcsReadWriteScope);
    if (replayable) {
      MLFLOW_RETURN_IF_ERROR(authorize());
      r = PerformHttp(call);
    }
  }
  for (int attempt = 1; replayable && attempt <= 3; ++attempt) {
    bool transient = !r.ok() || r->status == 429 || r->status == 500 || r->status == 502 || r->status == 503;
    if (!transient) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
    MLFLOW_RETURN_IF_ERROR(authorize());
    r = PerformHttp(call);
  }
  if (!r.ok()) return r.status();
  if (r->body_truncated) {
    return Status::Internal(method + " " + url + ": the answer is longer than " + std::to_string(kAnswerLimit) +
                            " bytes");
  }
  return Response{r->status, std::move(r->body), std::move(r->headers)};
}

Status GcsArtifactRepository::ListObjects(const std::string& key_prefix, bool one_level, size_t limit,
                                          Listing* out) {
  std::string token;
  // Bounded: 100k pages of 1000 names.
  for (int page = 0; page < 100000; ++page) {
    std::string url = config_.endpoint + "/storage/v1/b/" + UrlEncode(location_.bucket) +
                      "/o?prefix=" + UrlEncode(key_prefix) + "&maxResults=" + std::to_string(limit ? limit : 1000);
    if (one_level) url += "&delimiter=%2F";
    url += "&fields=" + UrlEncode("items(name,size),prefixes,nextPageToken");
    if (!token.empty()) url += "&pageToken=" + UrlEncode(token);
    MLFLOW_ASSIGN_OR_RETURN(Response r, Call("GET", url));
    if (r.status == 404) return Status();  // no bucket: nothing there
    if (r.status != 200) return GcsError(r.status, r.body, "listing gs://" + location_.bucket + "/" + key_prefix);
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_object()) return Status::Internal("listing gs://" + location_.bucket + ": the answer is not JSON");
    if (auto items = j.find("items"); items != j.end() && items->is_array()) {
      for (const auto& item : *items) {
        if (!item.is_object()) continue;
        FileInfo f;
        f.path = item.value("name", "");
        // The JSON API writes 64-bit numbers as strings.
        auto size = item.find("size");
        if (size != item.end() && size->is_string()) f.file_size = std::strtoll(size->get<std::string>().c_str(), nullptr, 10);
        if (size != item.end() && size->is_number_integer()) f.file_size = size->get<int64_t>();
        out->objects.push_back(std::move(f));
      }
    }
    if (auto prefixes = j.find("prefixes"); prefixes != j.end() && prefixes->is_array()) {
      for (const auto& p : *prefixes) {
        if (p.is_string()) out->prefixes.push_back(p.get<std::string>());
      }
    }
    token = j.value("nextPageToken", "");
    if (token.empty() || limit) break;
  }
  return Status();
}

Status GcsArtifactRepository::WriteObject(const std::string& key, ByteSource& src) {
  std::optional<uint64_t> size = src.Size();
  std::string first;
  if (!size) {
    // Unknown size: the first chunk decides between one media upload and a resumable one.
    if (!FillBuffer(src, config_.chunk_size, &first)) return Status::BadRequest("Upload of '" + key + "' was interrupted");
  }
  if (size ? *size == 0 : first.empty()) {
    // An empty object goes as a multipart upload (metadata plus an empty media part): every
    // implementation of the JSON API takes it, while gcp-storage-emulator cannot store an empty
    // media upload.
    const std::string boundary = "mlflow-cpp-" + RandomHex(8);
    std::string multipart = "--" + boundary + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n" +
                            json{{"name", key}}.dump() + "\r\n--" + boundary +
                            "\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--" + boundary + "--\r\n";
    std::string url = config_.endpoint + "/upload/storage/v1/b/" + UrlEncode(location_.bucket) + "/o?uploadType=multipart";
    MLFLOW_ASSIGN_OR_RETURN(Response r, Call("POST", url, &multipart, nullptr, nullptr,
                                              {"Content-Type: multipart/related; boundary=" + boundary}));
    if (r.status != 200) return GcsError(r.status, r.body, "uploading gs://" + location_.bucket + "/" + key);
    return Status();
  }
  if ((size && *size <= config_.single_upload_limit) || (!size && first.size() < config_.chunk_size)) {
    BufferSource buffered(first);
    ByteSource& body = size ? src : buffered;
    std::string url = config_.endpoint + "/upload/storage/v1/b/" + UrlEncode(location_.bucket) +
                      "/o?uploadType=media&name=" + UrlEncode(key);
    MLFLOW_ASSIGN_OR_RETURN(Response r, Call("POST", url, nullptr, &body, nullptr,
                                              {"Content-Type: application/octet-stream"}));
    if (r.status != 200) return GcsError(r.status, r.body, "uploading gs://" + location_.bucket + "/" + key);
    return Status();
  }
  return WriteResumable(key, src, std::move(first));
}

Status GcsArtifactRepository::WriteResumable(const std::string& key, ByteSource& src, std::string first_chunk) {
  std::optional<uint64_t> size = src.Size();
  std::string start_url = config_.endpoint + "/upload/storage/v1/b/" + UrlEncode(location_.bucket) +
                          "/o?uploadType=resumable&name=" + UrlEncode(key);
  std::vector<std::string> headers = {"Content-Type: application/json; charset=UTF-8",
                                      "X-Upload-Content-Type: application/octet-stream"};
  if (size) headers.push_back("X-Upload-Content-Length: " + std::to_string(*size));
  const std::string metadata = "{}";
  MLFLOW_ASSIGN_OR_RETURN(Response started, Call("POST", start_url, &metadata, nullptr, nullptr, headers));
  std::string session = started.headers["location"];
  if (started.status != 200 || session.empty()) {
    return GcsError(started.status == 200 ? 500 : started.status, started.body,
                    "starting a resumable upload of gs://" + location_.bucket + "/" + key);
  }
  uint64_t done = 0;
  std::string buffer = std::move(first_chunk);
  Status st;
  // Bounded: a chunk per round, and GCS objects stop at 5 TiB.
  for (int64_t index = 0; index < 10'000'000; ++index) {
    Result<Response> r = Status::Internal("unreachable");
    uint64_t len = 0;
    bool last = false;
    std::string total = "*";
    if (size) {
      len = std::min<uint64_t>(config_.chunk_size, *size - done);
      last = done + len >= *size;
      total = std::to_string(*size);
    } else {
      if (index > 0 && !FillBuffer(src, config_.chunk_size, &buffer)) {
        st = Status::BadRequest("Upload of '" + key + "' was interrupted");
        break;
      }
      len = buffer.size();
      last = len < config_.chunk_size;
      if (last) total = std::to_string(done + len);
    }
    // An empty last chunk (the size was a multiple of the chunk size) only states the total.
    std::string range = len == 0 ? "bytes */" + total
                                 : "bytes " + std::to_string(done) + "-" + std::to_string(done + len - 1) + "/" + total;
    std::vector<std::string> chunk_headers = {"Content-Range: " + range, "Content-Type: application/octet-stream"};
    if (size) {
      LimitedSource piece(src, len);
      r = Call("PUT", session, nullptr, &piece, nullptr, chunk_headers);
    } else {
      BufferSource piece(buffer);
      r = Call("PUT", session, nullptr, &piece, nullptr, chunk_headers);
    }
    if (!r.ok()) {
      st = r.status();
      break;
    }
    done += len;
    if (last) {
      if (r->status != 200 && r->status != 201) {
        st = GcsError(r->status, r->body, "finishing the upload of gs://" + location_.bucket + "/" + key);
      }
      break;
    }
    if (r->status != 308) {
      st = GcsError(r->status, r->body, "uploading gs://" + location_.bucket + "/" + key);
      break;
    }
  }
  if (!st.ok()) {
    // Best effort: cancel the session so nothing half-written lingers; the failure that matters is st.
    (void)Call("DELETE", session);
  }
  return st;
}

Status GcsArtifactRepository::ReadObject(const std::string& key, ByteSink& sink) {
  MLFLOW_ASSIGN_OR_RETURN(Response r, Call("GET", ObjectUrl(key) + "?alt=media", nullptr, nullptr, &sink));
  if (r.status != 200) return GcsError(r.status, r.body, "downloading gs://" + location_.bucket + "/" + key);
  return Status();
}

Status GcsArtifactRepository::DeleteObject(const std::string& key) {
  MLFLOW_ASSIGN_OR_RETURN(Response r, Call("DELETE", ObjectUrl(key)));
  if (r.status != 204 && r.status != 200 && r.status != 404) {
    return GcsError(r.status, r.body, "deleting gs://" + location_.bucket + "/" + key);
  }
  return Status();
}

}  // namespace mlflow::artifacts
