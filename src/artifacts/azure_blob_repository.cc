#include "artifacts/azure_blob_repository.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <thread>

#include "artifacts/azure_auth.h"
#include "artifacts/crypto.h"
#include "artifacts/curl_http.h"
#include "artifacts/path_safety.h"
#include "artifacts/upload_parts.h"
#include "artifacts/xml_text.h"
#include "core/markup.h"

namespace mlflow::artifacts {
namespace {

// Listings of 1000 names are well below this; anything longer is not an answer we asked for.
constexpr size_t kAnswerLimit = 16 << 20;

constexpr int64_t kMaxBlocks = 50000;  // Azure's limit per blob

std::optional<std::string> EnvVar(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  return std::string(v);
}

bool EnvTrue(const char* name) {
  std::string v = EnvVar(name).value_or("");
  std::transform(v.begin(), v.end(), v.begin(), ::tolower);
  return v == "true" || v == "1";
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Value of query parameter `name` in a URL, percent-decoded; nullopt when absent.
std::optional<std::string> UrlQueryParam(const std::string& url, const std::string& name) {
  size_t q = url.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view(url).substr(q + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view item = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    size_t eq = item.find('=');
    if (PercentDecode(item.substr(0, eq)) != name) continue;
    return eq == std::string_view::npos ? std::string() : PercentDecode(item.substr(eq + 1));
  }
  return std::nullopt;
}

std::string TrimSlashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  while (!s.empty() && s.front() == '/') s.erase(s.begin());
  return s;
}

// Block ids of one upload: the same length for every block of a blob, as Azure requires.
std::string BlockId(const std::string& tag, int64_t index) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s-%06lld", tag.c_str(), static_cast<long long>(index));
  return Base64Encode(buf);
}

}  // namespace

Status AzureError(long http_status, const std::string& body, const std::string& what) {
  std::string code = XmlElementText(body, "Code");
  std::string message = XmlElementText(body, "Message");
  size_t nl = message.find('\n');  // Azure appends "RequestId:..." lines
  if (nl != std::string::npos) message = message.substr(0, nl);
  while (!message.empty() && (message.back() == '\r' || message.back() == ' ')) message.pop_back();
  if (http_status == 404) return Status::NotFound(what + ": " + (code.empty() ? "not found" : code));
  return Status::Internal(what + " failed: HTTP " + std::to_string(http_status) + (code.empty() ? "" : " " + code) +
                          (message.empty() ? "" : ": " + message));
}

Result<AzureBlobLocation> ParseAzureBlobUri(const std::string& uri) {
  size_t sep = uri.find("://");
  if (sep == std::string::npos) return Status::InvalidParameter("Not an Azure Blob URI: " + uri);
  AzureBlobLocation loc;
  loc.scheme = uri.substr(0, sep);
  std::string rest = uri.substr(sep + 3);
  size_t cut = rest.find_first_of("?#");
  if (cut != std::string::npos) rest = rest.substr(0, cut);
  size_t slash = rest.find('/');
  std::string netloc = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  std::smatch m;
  if (loc.scheme == "wasbs") {
    static const std::regex kWasbs(R"(([^@]+)@([^.]+)\.(blob\.core\.(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)))");
    if (!std::regex_match(netloc, m, kWasbs)) {
      return Status::InvalidParameter(
          "WASBS URI must be of the form <container>@<account>.blob.core.windows.net or "
          "<container>@<account>.blob.core.chinacloudapi.cn or <container>@<account>.blob.core.usgovcloudapi.net");
    }
    loc.blob_suffix = m[3];
  } else if (loc.scheme == "abfss") {
    static const std::regex kAbfss(R"(([^@]+)@([^.]+)\.(.+))");
    if (!std::regex_match(netloc, m, kAbfss)) {
      return Status::InvalidParameter("ABFSS URI must be of the form abfss://<filesystem>@<account>.<domain_suffix>");
    }
    std::string suffix = m[3];
    // The Data Lake endpoint's Blob twin serves the same data.
    loc.blob_suffix = suffix.rfind("dfs.", 0) == 0 ? "blob." + suffix.substr(4) : suffix;
    path = PercentDecode(path);  // MLflow unquotes ABFSS paths once
  } else {
    return Status::InvalidParameter("Not an Azure Blob URI: " + uri);
  }
  loc.container = m[1];
  loc.account = m[2];
  loc.path = TrimSlashes(path);
  return loc;
}

Result<AzureBlobConfig> AzureBlobConfig::FromEnvironment(const AzureBlobLocation& location) {
  AzureBlobConfig c;
  c.verify_tls = !EnvTrue("MLFLOW_TRACKING_INSECURE_TLS");
  const std::string uri_endpoint = "https://" + location.account + "." + location.blob_suffix;
  auto conn = EnvVar("AZURE_STORAGE_CONNECTION_STRING");
  auto key = EnvVar("AZURE_STORAGE_ACCESS_KEY");
  auto sas = EnvVar("AZURE_STORAGE_SAS_TOKEN");
  auto use_sas = [&]() {
    c.endpoint = uri_endpoint;
    c.account = location.account;
    c.sas = *sas;
    if (!c.sas.empty() && c.sas.front() == '?') c.sas.erase(c.sas.begin());
    return c;
  };
  if (location.scheme == "abfss" && sas && !sas->empty()) return use_sas();
  if (conn) {
    MLFLOW_ASSIGN_OR_RETURN(AzureConnectionString cs, ParseAzureConnectionString(*conn));
    c.endpoint = cs.blob_endpoint;
    c.account = cs.account_name;
    if (!cs.account_key.empty()) {
      c.account_key = *Base64Decode(cs.account_key);
    } else {
      c.sas = cs.sas;
    }
    return c;
  }
  if (key) {
    auto decoded = Base64Decode(*key);
    if (!decoded || decoded->empty()) return Status::InvalidParameter("AZURE_STORAGE_ACCESS_KEY is not a base64 key");
    c.endpoint = uri_endpoint;
    c.account = location.account;
    c.account_key = *decoded;
    return c;
  }
  if (sas && !sas->empty()) return use_sas();
  return Status::InvalidParameter("Azure artifact store '" + location.scheme + "://" + location.container + "@" +
                                  location.account + "." + location.blob_suffix +
                                  "' needs AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_ACCESS_KEY or "
                                  "AZURE_STORAGE_SAS_TOKEN in the environment (Azure AD credentials are not supported)");
}

Result<std::unique_ptr<AzureBlobArtifactRepository>> AzureBlobArtifactRepository::Create(const std::string& uri,
                                                                                         AzureBlobConfig config) {
  MLFLOW_ASSIGN_OR_RETURN(AzureBlobLocation loc, ParseAzureBlobUri(uri));
  if (config.endpoint.find("://") == std::string::npos) {
    return Status::InvalidParameter("Azure Blob endpoint '" + config.endpoint + "' is not a URL");
  }
  while (!config.endpoint.empty() && config.endpoint.back() == '/') config.endpoint.pop_back();
  config.block_size = std::max<uint64_t>(config.block_size, 1ull << 20);
  config.single_put_limit = std::max<uint64_t>(config.single_put_limit, config.block_size);
  return std::unique_ptr<AzureBlobArtifactRepository>(new AzureBlobArtifactRepository(uri, loc, std::move(config)));
}

AzureBlobArtifactRepository::AzureBlobArtifactRepository(std::string uri, AzureBlobLocation location,
                                                         AzureBlobConfig config)
    : ObjectStoreRepository(location.path), uri_(std::move(uri)), location_(std::move(location)),
      config_(std::move(config)) {}

std::string AzureBlobArtifactRepository::root_uri() const {
  std::string host = location_.scheme == "abfss" ? uri_.substr(0, uri_.find('/', uri_.find("://") + 3))
                                                 : location_.scheme + "://" + location_.container + "@" +
                                                       location_.account + "." + location_.blob_suffix;
  return host + (prefix().empty() ? "" : "/" + prefix());
}

std::string AzureBlobArtifactRepository::BlobUrl(const std::string& blob) const {
  return config_.endpoint + "/" + UrlEncode(location_.container) + (blob.empty() ? "" : "/" + UrlEncode(blob, false));
}

Result<AzureBlobArtifactRepository::Response> AzureBlobArtifactRepository::Call(
    const std::string& method, const std::string& blob, const Query& query, const std::string* body,
    ByteSource* upload, ByteSink* download, const std::vector<std::pair<std::string, std::string>>& extra_headers) {
  std::string url = BlobUrl(blob);
  size_t host_start = url.find("://") + 3;
  size_t path_start = url.find('/', host_start);
  AzureSignRequest sign;
  sign.method = method;
  sign.encoded_path = url.substr(path_start);
  sign.query = query;
  std::string qs;
  for (const auto& [k, v] : query) qs += (qs.empty() ? "" : "&") + UrlEncode(k) + "=" + UrlEncode(v);
  if (config_.account_key.empty() && !config_.sas.empty()) qs += (qs.empty() ? "" : "&") + config_.sas;
  if (!qs.empty()) url += "?" + qs;
  HttpCall call;
  call.method = method;
  call.url = url;
  call.body = body;
  call.upload = upload;
  call.download = download;
  call.verify_tls = config_.verify_tls;
  call.body_limit = kAnswerLimit;
  std::optional<uint64_t> length;
  if (body) length = body->size();
  if (upload) length = upload->Size();
  auto build_headers = [&]() {
    std::vector<std::pair<std::string, std::string>> hs = extra_headers;
    hs.emplace_back("x-ms-date", AzureDate(std::time(nullptr)));
    hs.emplace_back("x-ms-version", kAzureStorageVersion);
    call.headers.clear();
    for (const auto& [k, v] : hs) call.headers.push_back(k + ": " + v);
    if (!config_.account_key.empty()) {
      sign.headers = hs;
      if (length) sign.headers.emplace_back("Content-Length", std::to_string(*length));
      call.headers.push_back("Authorization: " + SharedKeyAuthorization(sign, config_.account, config_.account_key));
    }
  };
  build_headers();
  // Calls without a streamed body can be replayed: retry transient failures (network errors,
  // 500/503 "ServerBusy") a few times with backoff. Streamed bodies cannot be rewound.
  const bool replayable = upload == nullptr && download == nullptr;
  Result<HttpResult> r = PerformHttp(call);
  for (int attempt = 1; replayable && attempt <= 3; ++attempt) {
    bool transient = !r.ok() || r->status == 500 || r->status == 503;
    if (!transient) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
    build_headers();
    r = PerformHttp(call);
  }
  // Messages name the blob without the query string: it may hold a SAS.
  const std::string shown = BlobUrl(blob);
  if (!r.ok()) {
    std::string message = r.status().message();
    if (size_t at = message.find(url); at != std::string::npos) message.replace(at, url.size(), shown);
    return Status(r.status().code(), message);
  }
  if (r->body_truncated) {
    return Status::Internal(method + " " + shown + ": the answer is longer than " + std::to_string(kAnswerLimit) +
                            " bytes");
  }
  return Response{r->status, std::move(r->body)};
}

Status AzureBlobArtifactRepository::ListObjects(const std::string& key_prefix, bool one_level, size_t limit,
                                                Listing* out) {
  std::string marker;
  // Bounded: 100k pages of 1000 names.
  for (int page = 0; page < 100000; ++page) {
    Query q = {{"restype", "container"}, {"comp", "list"}, {"prefix", key_prefix}};
    if (one_level) q.emplace_back("delimiter", "/");
    q.emplace_back("maxresults", std::to_string(limit ? limit : 1000));
    if (!marker.empty()) q.emplace_back("marker", marker);
    MLFLOW_ASSIGN_OR_RETURN(Response r, Call("GET", "", q));
    if (r.status == 404) return Status();  // no container: nothing there
    if (r.status != 200) return AzureError(r.status, r.body, "listing " + location_.container + "/" + key_prefix);
    size_t pos = 0;
    std::string item;
    while (XmlNextElement(r.body, "Blob", &pos, &item)) {
      std::string name = XmlElementText(item, "Name");
      // Hierarchical namespace accounts (ADLS Gen2) list their folders as blobs too.
      if (XmlElementText(item, "ResourceType") == "directory") {
        if (one_level) out->prefixes.push_back(name + "/");
        continue;
      }
      FileInfo f;
      f.path = std::move(name);
      f.file_size = std::strtoll(XmlElementText(item, "Content-Length").c_str(), nullptr, 10);
      out->objects.push_back(std::move(f));
    }
    pos = 0;
    while (XmlNextElement(r.body, "BlobPrefix", &pos, &item)) out->prefixes.push_back(XmlElementText(item, "Name"));
    marker = XmlElementText(r.body, "NextMarker");
    if (marker.empty() || limit) break;
  }
  return Status();
}

Status AzureBlobArtifactRepository::PutBlob(const std::string& key, ByteSource& src) {
  MLFLOW_ASSIGN_OR_RETURN(Response r, Call("PUT", key, {}, nullptr, &src, nullptr,
                                            {{"Content-Type", "application/octet-stream"},
                                             {"x-ms-blob-type", "BlockBlob"}}));
  if (r.status != 201) return AzureError(r.status, r.body, "uploading " + location_.container + "/" + key);
  return Status();
}

Status AzureBlobArtifactRepository::PutBlockList(const std::string& key, const std::vector<std::string>& block_ids) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
  for (const auto& id : block_ids) xml += "<Latest>" + EscapeMarkup(id) + "</Latest>";
  xml += "</BlockList>";
  MLFLOW_ASSIGN_OR_RETURN(Response r, Call("PUT", key, {{"comp", "blocklist"}}, &xml, nullptr, nullptr,
                                            {{"Content-Type", "application/xml"},
                                             {"x-ms-blob-content-type", "application/octet-stream"}}));
  if (r.status != 201) return AzureError(r.status, r.body, "committing the blocks of " + location_.container + "/" + key);
  return Status();
}

Status AzureBlobArtifactRepository::WriteObject(const std::string& key, ByteSource& src) {
  std::optional<uint64_t> size = src.Size();
  if (size && *size <= config_.single_put_limit) return PutBlob(key, src);
  std::string first;
  if (!size) {
    // Unknown size: the first block decides between one Put Blob and a block upload.
    if (!FillBuffer(src, config_.block_size, &first)) return Status::BadRequest("Upload of '" + key + "' was interrupted");
    if (first.size() < config_.block_size) {
      BufferSource one(first);
      return PutBlob(key, one);
    }
  }
  return WriteBlocks(key, src, std::move(first));
}

Status AzureBlobArtifactRepository::WriteBlocks(const std::string& key, ByteSource& src, std::string first_block) {
  std::optional<uint64_t> size = src.Size();
  uint64_t block_size = config_.block_size;
  if (size) block_size = std::max<uint64_t>(block_size, (*size + kMaxBlocks - 1) / kMaxBlocks);
  // Blocks of concurrent uploads to the same blob must not collide: a random tag per upload.
  const std::string tag = RandomHex(8);
  std::vector<std::string> ids;
  uint64_t done = 0;
  std::string buffer = std::move(first_block);
  for (int64_t index = 0; index < kMaxBlocks; ++index) {
    std::string id = BlockId(tag, index);
    Query q = {{"comp", "block"}, {"blockid", id}};
    Result<Response> r = Status::Internal("unreachable");
    bool last = false;
    if (size) {
      uint64_t len = std::min<uint64_t>(block_size, *size - done);
      LimitedSource piece(src, len);
      r = Call("PUT", key, q, nullptr, &piece, nullptr, {{"Content-Type", "application/octet-stream"}});
      done += len;
      last = done >= *size;
    } else {
      if (index > 0 && !FillBuffer(src, block_size, &buffer)) {
        return Status::BadRequest("Upload of '" + key + "' was interrupted");
      }
      if (index > 0 && buffer.empty()) break;
      BufferSource piece(buffer);
      r = Call("PUT", key, q, nullptr, &piece, nullptr, {{"Content-Type", "application/octet-stream"}});
      done += buffer.size();
      last = buffer.size() < block_size;
    }
    if (!r.ok()) return r.status();
    if (r->status != 201) {
      return AzureError(r->status, r->body, "uploading block " + std::to_string(index) + " of " + key);
    }
    ids.push_back(std::move(id));
    if (last) break;
  }
  return PutBlockList(key, ids);
}

Status AzureBlobArtifactRepository::ReadObject(const std::string& key, ByteSink& sink) {
  MLFLOW_ASSIGN_OR_RETURN(Response r, Call("GET", key, {}, nullptr, nullptr, &sink));
  if (r.status != 200) return AzureError(r.status, r.body, "downloading " + location_.container + "/" + key);
  return Status();
}

Status AzureBlobArtifactRepository::DeleteObject(const std::string& key) {
  MLFLOW_ASSIGN_OR_RETURN(Response r, Call("DELETE", key, {}));
  if (r.status != 202 && r.status != 200 && r.status != 404) {
    return AzureError(r.status, r.body, "deleting " + location_.container + "/" + key);
  }
  return Status();
}

Result<MultipartUploadInfo> AzureBlobArtifactRepository::CreateMultipartUpload(const std::string& path,
                                                                              int64_t num_parts) {
  if (!SupportsMultipart()) return MultipartNotSupported();
  MLFLOW_ASSIGN_OR_RETURN(std::string key, KeyFor(path));
  if (key.empty() || key == prefix()) return InvalidPath();
  if (num_parts < 1 || num_parts > kMaxBlocks) {
    return Status::InvalidParameter("num_parts must be between 1 and " + std::to_string(kMaxBlocks) + ", got " +
                                    std::to_string(num_parts));
  }
  std::string sas = BlobServiceSas(config_.account, config_.account_key, location_.container, key, "rw",
                                   std::time(nullptr) + config_.sas_expiry_seconds);
  MultipartUploadInfo info;
  // Block ids "mlflow_block_<n>" as MLflow names them, zero-padded: Azure wants one length per blob.
  char name[32];
  for (int64_t n = 1; n <= num_parts; ++n) {
    std::snprintf(name, sizeof(name), "mlflow_block_%05lld", static_cast<long long>(n));
    MultipartCredential c;
    c.part_number = n;
    c.url = BlobUrl(key) + "?comp=block&blockid=" + UrlEncode(Base64Encode(name)) + "&" + sas;
    info.credentials.push_back(std::move(c));
  }
  return info;
}

Status AzureBlobArtifactRepository::CompleteMultipartUpload(const std::string& path, const std::string&,
                                                            const std::vector<MultipartPart>& parts) {
  if (!SupportsMultipart()) return MultipartNotSupported();
  MLFLOW_ASSIGN_OR_RETURN(std::string key, KeyFor(path));
  if (key.empty() || key == prefix()) return InvalidPath();
  if (parts.empty()) return Status::InvalidParameter("parts must name at least one block");
  std::vector<MultipartPart> sorted = parts;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const MultipartPart& a, const MultipartPart& b) { return a.part_number < b.part_number; });
  std::vector<std::string> ids;
  for (const auto& p : sorted) {
    auto id = UrlQueryParam(p.url, "blockid");
    if (!id || id->empty() || !Base64Decode(*id)) {
      return Status::InvalidParameter("part " + std::to_string(p.part_number) + " has no block id in its url");
    }
    ids.push_back(*id);
  }
  return PutBlockList(key, ids);
}

Status AzureBlobArtifactRepository::AbortMultipartUpload(const std::string& path, const std::string&) {
  if (!SupportsMultipart()) return MultipartNotSupported();
  MLFLOW_ASSIGN_OR_RETURN(std::string key, KeyFor(path));
  (void)key;
  return Status();
}

}  // namespace mlflow::artifacts
