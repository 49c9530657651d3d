#include "artifacts/s3_repository.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include "artifacts/curl_http.h"
#include "artifacts/path_safety.h"
#include "artifacts/upload_parts.h"
#include "artifacts/xml_text.h"
#include "core/markup.h"

namespace mlflow::artifacts {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

struct S3ArtifactRepository::Response {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};

Status S3Error(long http_status, const std::string& body, const std::string& what) {
  std::string code = XmlElementText(body, "Code");
  std::string message = XmlElementText(body, "Message");
  if (http_status == 404 || code == "NoSuchKey") {
    return Status::NotFound(what + ": " + (code.empty() ? "not found" : code));
  }
  return Status::Internal(what + " failed: HTTP " + std::to_string(http_status) + (code.empty() ? "" : " " + code) +
                          (message.empty() ? "" : ": " + message));
}

static std::map<std::string, std::string> ReadIniSection(const std::string& path, const std::string& section) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line, current;
  // Bounded: config files are small.
  for (int n = 0; n < 100000 && std::getline(in, line); ++n) {
    auto trim = [](std::string v) {
      size_t b = v.find_first_not_of(" \t\r");
      size_t e = v.find_last_not_of(" \t\r");
      return b == std::string::npos ? std::string() : v.substr(b, e - b + 1);
    };
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      current = trim(line.substr(1, line.size() - 2));
      continue;
    }
    size_t eq = line.find('=');
    if (current == section && eq != std::string::npos) out[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  return out;
}

S3Config S3Config::FromEnvironment() {
  S3Config c;
  std::string home = Env("HOME");
  std::string profile = Env("AWS_PROFILE");
  if (profile.empty()) profile = "default";
  std::string config_file = Env("AWS_CONFIG_FILE");
  if (config_file.empty() && !home.empty()) config_file = home + "/.aws/config";
  std::string region = Env("AWS_REGION");
  if (region.empty()) region = Env("AWS_DEFAULT_REGION");
  if (region.empty() && !config_file.empty()) {
    region = ReadIniSection(config_file, profile == "default" ? "default" : "profile " + profile)["region"];
  }
  if (!region.empty()) c.region = region;
  c.endpoint = Env("MLFLOW_S3_ENDPOINT_URL");
  if (c.endpoint.empty()) c.endpoint = "https://s3." + c.region + ".amazonaws.com";
  while (!c.endpoint.empty() && c.endpoint.back() == '/') c.endpoint.pop_back();
  c.credentials.access_key = Env("AWS_ACCESS_KEY_ID");
  c.credentials.secret_key = Env("AWS_SECRET_ACCESS_KEY");
  c.credentials.session_token = Env("AWS_SESSION_TOKEN");
  // Like boto3: environment first, then the shared credentials file of AWS_PROFILE.
  if (c.credentials.access_key.empty() || c.credentials.secret_key.empty()) {
    std::string creds_file = Env("AWS_SHARED_CREDENTIALS_FILE");
    if (creds_file.empty() && !home.empty()) creds_file = home + "/.aws/credentials";
    if (!creds_file.empty()) {
      auto sec = ReadIniSection(creds_file, profile);
      c.credentials.access_key = sec["aws_access_key_id"];
      c.credentials.secret_key = sec["aws_secret_access_key"];
      c.credentials.session_token = sec["aws_session_token"];
    }
  }
  std::string ignore = Env("MLFLOW_S3_IGNORE_TLS");
  std::transform(ignore.begin(), ignore.end(), ignore.begin(), ::tolower);
  c.verify_tls = !(ignore == "true" || ignore == "1");
  return c;
}

Result<std::unique_ptr<S3ArtifactRepository>> S3ArtifactRepository::Create(const std::string& uri, S3Config config) {
  if (uri.rfind("s3://", 0) != 0) return Status::InvalidParameter("Not an S3 URI: '" + uri + "'");
  std::string rest = uri.substr(5);
  size_t slash = rest.find('/');
  std::string bucket = rest.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  while (!prefix.empty() && prefix.front() == '/') prefix.erase(prefix.begin());
  if (bucket.empty()) return Status::InvalidParameter("S3 URI names no bucket: '" + uri + "'");
  if (config.credentials.access_key.empty() || config.credentials.secret_key.empty()) {
    return Status::InvalidParameter("S3 artifact store '" + uri +
                                    "' needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment");
  }
  if (config.part_size < (5ull << 20)) config.part_size = 5ull << 20;
  return std::unique_ptr<S3ArtifactRepository>(new S3ArtifactRepository(bucket, prefix, std::move(config)));
}

S3ArtifactRepository::S3ArtifactRepository(std::string bucket, std::string prefix, S3Config config)
    : bucket_(std::move(bucket)), prefix_(std::move(prefix)), config_(std::move(config)) {}

std::string S3ArtifactRepository::root_uri() const {
  return "s3://" + bucket_ + (prefix_.empty() ? "" : "/" + prefix_);
}

Result<std::string> S3ArtifactRepository::KeyFor(const std::string& path) const {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  return JoinPath(prefix_, norm);
}

Result<S3ArtifactRepository::Response> S3ArtifactRepository::Call(const std::string& method, const std::string& key,
                                                                  const Query& query, const std::string* body,
                                                                  ByteSource* upload, ByteSink* download,
                                                                  const std::vector<std::string>& extra_headers) {
  size_t scheme_end = config_.endpoint.find("://");
  std::string scheme = config_.endpoint.substr(0, scheme_end);
  std::string host_and_path = config_.endpoint.substr(scheme_end + 3);
  size_t slash = host_and_path.find('/');
  std::string host = host_and_path.substr(0, slash);
  std::string base_path = slash == std::string::npos ? "" : host_and_path.substr(slash);
  SigV4Request req;
  req.method = method;
  req.host = host;
  req.canonical_uri = AwsUriEncode(base_path, false) + "/" + AwsUriEncode(bucket_, true);
  if (!key.empty()) req.canonical_uri += "/" + AwsUriEncode(key, false);
  req.query = query;
  std::string payload_hash = body ? Sha256Hex(*body) : (upload ? "UNSIGNED-PAYLOAD" : Sha256Hex(""));
  HttpCall call;
  call.method = method;
  call.url = scheme + "://" + host + req.canonical_uri;
  std::string q = CanonicalQuery(query);
  if (!q.empty()) call.url += "?" + q;
  call.headers = SignHeaders(req, config_.credentials, config_.region, "s3", payload_hash, std::time(nullptr));
  for (const auto& h : extra_headers) call.headers.push_back(h);
  call.body = body;
  call.upload = upload;
  call.download = download;
  call.verify_tls = config_.verify_tls;
  // Calls without a streamed body can be replayed: retry transient failures (network errors,
  // 500/503 "SlowDown") a few times with backoff. Streamed bodies cannot be rewound.
  const bool replayable = upload == nullptr && download == nullptr;
  Result<HttpResult> r = PerformHttp(call);
  for (int attempt = 1; replayable && attempt <= 3; ++attempt) {
    bool transient = !r.ok() || r->status == 500 || r->status == 503;
    if (!transient) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
    call.headers = SignHeaders(req, config_.credentials, config_.region, "s3", payload_hash, std::time(nullptr));
    for (const auto& h : extra_headers) call.headers.push_back(h);
    r = PerformHttp(call);
  }
  if (!r.ok()) return r.status();
  return Response{r->status, std::move(r->body), std::move(r->headers)};
}

Status S3ArtifactRepository::ListKeys(const std::string& key_prefix, bool one_level, std::vector<FileInfo>* files,
                                      std::vector<std::string>* dirs, size_t max_keys) {
  std::string token;
  // Bounded: 100k pages of 1000 keys.
  for (int page = 0; page < 100000; ++page) {
    Query q = {{"list-type", "2"}, {"prefix", key_prefix}};
    if (one_level) q.emplace_back("delimiter", "/");
    if (max_keys) q.emplace_back("max-keys", std::to_string(max_keys));
    if (!token.empty()) q.emplace_back("continuation-token", token);
    MLFLOW_ASSIGN_OR_RETURN(Response r, Call("GET", "", q));
    if (r.status == 404) return Status();  // no bucket: nothing there
    if (r.status != 200) return S3Error(r.status, r.body, "listing s3://" + bucket_ + "/" + key_prefix);
    size_t pos = 0;
    std::string item;
    while (XmlNextElement(r.body, "Contents", &pos, &item)) {
      FileInfo f;
      f.path = XmlElementText(item, "Key");
      f.file_size = std::strtoll(XmlElementText(item, "Size").c_str(), nullptr, 10);
      files->push_back(std::move(f));
    }
    pos = 0;
    while (dirs && XmlNextElement(r.body, "CommonPrefixes", &pos, &item)) dirs->push_back(XmlElementText(item, "Prefix"));
    if (XmlElementText(r.body, "IsTruncated") != "true" || max_keys) break;
    token = XmlElementText(r.body, "NextContinuationToken");
    if (token.empty()) break;
  }
  return Status();
}

Result<std::vector<FileInfo>> S3ArtifactRepository::List(const std::string& dir) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(dir));
  std::string key_prefix = JoinPath(prefix_, norm);
  if (!key_prefix.empty()) key_prefix += "/";
  std::vector<FileInfo> files;
  std::vector<std::string> dirs;
  MLFLOW_RETURN_IF_ERROR(ListKeys(key_prefix, true, &files, &dirs));
  std::vector<FileInfo> out;
  for (auto& f : files) {
    if (f.path.size() <= key_prefix.size()) continue;  // the folder marker itself
    std::string name = f.path.substr(key_prefix.size());
    out.push_back(FileInfo{JoinPath(norm, name), false, f.file_size});
  }
  for (const auto& d : dirs) {
    std::string name = d.substr(std::min(d.size(), key_prefix.size()));
    while (!name.empty() && name.back() == '/') name.pop_back();
    if (name.empty()) continue;
    out.push_back(FileInfo{JoinPath(norm, name), true, std::nullopt});
  }
  std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

Status S3ArtifactRepository::Write(const std::string& path, ByteSource& src) {
  MLFLOW_ASSIGN_OR_RETURN(std::string key, KeyFor(path));
  if (key.empty() || key == prefix_) return InvalidPath();
  std::optional<uint64_t> size = src.Size();
  if (!size || *size > config_.multipart_threshold) return WriteMultipart(key, src);
  MLFLOW_ASSIGN_OR_RETURN(Response r, Call("PUT", key, {}, nullptr, &src, nullptr,
                                            {"Content-Type: " + std::string("application/octet-stream")}));
  if (r.status != 200) return S3Error(r.status, r.body, "uploading s3://" + bucket_ + "/" + key);
  return Status();
}

Result<std::string> S3ArtifactRepository::StartMultipart(const std::string& key) {
  std::string empty;
  MLFLOW_ASSIGN_OR_RETURN(Response r, Call("POST", key, {{"uploads", ""}}, &empty));
  if (r.status != 200) return S3Error(r.status, r.body, "starting a multipart upload of " + key);
  std::string id = XmlElementText(r.body, "UploadId");
  if (id.empty()) return Status::Internal("S3 returned no UploadId for " + key);
  return id;
}

Status S3ArtifactRepository::FinishMultipart(const std::string& key, const std::string& upload_id,
                                             const std::vector<std::pair<int64_t, std::string>>& etags) {
  std::string xml = "<CompleteMultipartUpload>";
  for (const auto& [n, etag] : etags) {
    xml += "<Part><PartNumber>" + std::to_string(n) + "</PartNumber><ETag>" + EscapeMarkup(etag) + "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  MLFLOW_ASSIGN_OR_RETURN(Response r, Call("POST", key, {{"uploadId", upload_id}}, &xml, nullptr, nullptr,
                                            {"Content-Type: application/xml"}));
  // S3 may answer 200 with an <Error> body.
  if (r.status != 200 || r.body.find("<Error>") != std::string::npos) {
    return S3Error(r.status == 200 ? 500 : r.status, r.body, "completing the multipart upload of " + key);
  }
  return Status();
}

Status S3ArtifactRepository::AbortMultipart(const std::string& key, const std::string& upload_id) {
  MLFLOW_ASSIGN_OR_RETURN(Response r, Call("DELETE", key, {{"uploadId", upload_id}}));
  if (r.status == 405 || r.status == 501) {  // e.g. s3rver has no AbortMultipartUpload
    return Status(ErrorCode::kNotImplemented, "The S3 server does not support aborting multipart uploads");
  }
  if (r.status != 204 && r.status != 200 && r.status != 404) {
    return S3Error(r.status, r.body, "aborting the multipart upload of " + key);
  }
  return Status();
}

Status S3ArtifactRepository::WriteMultipart(const std::string& key, ByteSource& src) {
  std::optional<uint64_t> size = src.Size();
  uint64_t part_size = config_.part_size;
  if (size) part_size = std::max<uint64_t>(part_size, (*size + 9999) / 10000);  // S3: at most 10000 parts
  std::string buffer;
  // Unknown size: the first part decides between one PUT and a multipart upload.
  if (!size) {
    if (!FillBuffer(src, part_size, &buffer)) return Status::BadRequest("Upload of '" + key + "' was interrupted");
    if (buffer.size() < part_size) {
      BufferSource one(buffer);
      MLFLOW_ASSIGN_OR_RETURN(Response r, Call("PUT", key, {}, nullptr, &one));
      if (r.status != 200) return S3Error(r.status, r.body, "uploading s3://" + bucket_ + "/" + key);
      return Status();
    }
  }
  MLFLOW_ASSIGN_OR_RETURN(std::string upload_id, StartMultipart(key));
  std::vector<std::pair<int64_t, std::string>> etags;
  uint64_t done = 0;
  Status st;
  for (int64_t part = 1; part <= 10000; ++part) {
    Response r;
    if (size) {
      if (done >= *size && part > 1) break;
      uint64_t len = std::min<uint64_t>(part_size, *size - done);
      LimitedSource piece(src, len);
      auto res = Call("PUT", key, {{"partNumber", std::to_string(part)}, {"uploadId", upload_id}}, nullptr, &piece);
      if (!res.ok()) {
        st = res.status();
        break;
      }
      r = std::move(*res);
      done += len;
    } else {
      if (part > 1 && !FillBuffer(src, part_size, &buffer)) {
        st = Status::BadRequest("Upload of '" + key + "' was interrupted");
        break;
      }
      if (part > 1 && buffer.empty()) break;
      BufferSource piece(buffer);
      auto res = Call("PUT", key, {{"partNumber", std::to_string(part)}, {"uploadId", upload_id}}, nullptr, &piece);
      if (!res.ok()) {
        st = res.status();
        break;
      }
      r = std::move(*res);
      done += buffer.size();
    }
    if (r.status != 200) {
      st = S3Error(r.status, r.body, "uploading part " + std::to_string(part) + " of " + key);
      break;
    }
    etags.emplace_back(part, r.headers["etag"]);
    if (size && done >= *size) break;
    if (!size && buffer.size() < part_size) break;
  }
  if (st.ok()) st = FinishMultipart(key, upload_id, etags);
  if (!st.ok()) {
    (void)AbortMultipart(key, upload_id);  // best effort; the failure that matters is st
    return st;
  }
  return Status();
}

Status S3ArtifactRepository::Read(const std::string& path, ByteSink& sink) {
  MLFLOW_ASSIGN_OR_RETURN(std::string key, KeyFor(path));
  if (key.empty()) return Status::NotFound("No such artifact: '" + path + "'");
  MLFLOW_ASSIGN_OR_RETURN(Response r, Call("GET", key, {}, nullptr, nullptr, &sink));
  if (r.status == 404) return Status::NotFound("No such artifact: '" + path + "'");
  if (r.status != 200) return S3Error(r.status, r.body, "downloading s3://" + bucket_ + "/" + key);
  return Status();
}

Status S3ArtifactRepository::Delete(const std::string& path) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  if (norm.empty()) return InvalidPath();
  std::string key = JoinPath(prefix_, norm);
  std::vector<FileInfo> files;
  MLFLOW_RETURN_IF_ERROR(ListKeys(key + "/", false, &files, nullptr));
  files.push_back(FileInfo{key, false, std::nullopt});
  for (const auto& f : files) {
    MLFLOW_ASSIGN_OR_RETURN(Response r, Call("DELETE", f.path, {}));
    if (r.status != 204 && r.status != 200 && r.status != 404) {
      return S3Error(r.status, r.body, "deleting s3://" + bucket_ + "/" + f.path);
    }
  }
  return Status();
}

Result<bool> S3ArtifactRepository::IsDirectory(const std::string& path) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(path));
  std::string key_prefix = JoinPath(prefix_, norm);
  if (!key_prefix.empty()) key_prefix += "/";
  std::vector<FileInfo> files;
  MLFLOW_RETURN_IF_ERROR(ListKeys(key_prefix, false, &files, nullptr, 1));
  return !files.empty() || norm.empty();
}

Result<MultipartUploadInfo> S3ArtifactRepository::CreateMultipartUpload(const std::string& path, int64_t num_parts) {
  MLFLOW_ASSIGN_OR_RETURN(std::string key, KeyFor(path));
  if (num_parts < 1 || num_parts > 10000) {
    return Status::InvalidParameter("num_parts must be between 1 and 10000, got " + std::to_string(num_parts));
  }
  MLFLOW_ASSIGN_OR_RETURN(std::string upload_id, StartMultipart(key));
  MultipartUploadInfo info;
  info.upload_id = upload_id;
  size_t scheme_end = config_.endpoint.find("://");
  std::string scheme = config_.endpoint.substr(0, scheme_end);
  std::string host_and_path = config_.endpoint.substr(scheme_end + 3);
  size_t slash = host_and_path.find('/');
  std::string host = host_and_path.substr(0, slash);
  std::string base_path = slash == std::string::npos ? "" : host_and_path.substr(slash);
  std::time_t now = std::time(nullptr);
  for (int64_t n = 1; n <= num_parts; ++n) {
    SigV4Request req;
    req.method = "PUT";
    req.host = host;
    req.canonical_uri = AwsUriEncode(base_path, false) + "/" + AwsUriEncode(bucket_, true) + "/" +
                        AwsUriEncode(key, false);
    req.query = {{"partNumber", std::to_string(n)}, {"uploadId", upload_id}};
    MultipartCredential c;
    c.part_number = n;
    c.url = PresignUrl(scheme, req, config_.credentials, config_.region, "s3", config_.presign_expiry_seconds, now);
    info.credentials.push_back(std::move(c));
  }
  return info;
}

Status S3ArtifactRepository::CompleteMultipartUpload(const std::string& path, const std::string& upload_id,
                                                     const std::vector<MultipartPart>& parts) {
  MLFLOW_ASSIGN_OR_RETURN(std::string key, KeyFor(path));
  std::vector<std::pair<int64_t, std::string>> etags;
  for (const auto& p : parts) etags.emplace_back(p.part_number, p.etag);
  std::sort(etags.begin(), etags.end());
  return FinishMultipart(key, upload_id, etags);
}

Status S3ArtifactRepository::AbortMultipartUpload(const std::string& path, const std::string& upload_id) {
  MLFLOW_ASSIGN_OR_RETURN(std::string key, KeyFor(path));
  return AbortMultipart(key, upload_id);
}

}  // namespace mlflow::artifacts
