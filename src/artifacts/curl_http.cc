#include "artifacts/curl_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "artifacts/sigv4.h"

namespace mlflow::artifacts {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  const HttpCall* call;
  HttpResult* result;
  CURL* curl;
  bool begun = false;
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t total_up = 0;
  uint64_t total_down = 0;
};

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * n);
  // A new status line (after 100 Continue or a redirect) resets the header map.
  if (line.rfind("HTTP/", 0) == 0) {
    t->result->headers.clear();
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(value.begin());
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    t->result->headers[name] = value;
  }
  return size * n;
}

bool Is2xx(long s) { return s >= 200 && s < 300; }

size_t OnWrite(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->call->download && Is2xx(status)) {
    if (!t->begun) {
      t->begun = true;
      std::optional<uint64_t> total;
      curl_off_t cl = -1;
      curl_easy_getinfo(t->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
      if (cl >= 0) total = static_cast<uint64_t>(cl);
      t->total_down = total.value_or(0);
      if (!t->call->download->Begin(total)) {
        t->result->sink_failed = true;
        return 0;
      }
    }
    if (!t->call->download->Write(data, len)) {
      t->result->sink_failed = true;
      return 0;
    }
    t->received += len;
    if (t->call->progress) t->call->progress(t->received, t->total_down);
    return len;
  }
  const size_t cap = t->call->body_limit;
  if (t->result->body.size() + len > cap) t->result->body_truncated = true;
  if (t->result->body.size() < cap) t->result->body.append(data, std::min(len, cap - t->result->body.size()));
  return len;
}

size_t OnRead(char* buf, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  int64_t got = t->call->upload->Read(buf, size * n);
  if (got < 0) {
    t->result->source_failed = true;
    return CURL_READFUNC_ABORT;
  }
  t->sent += static_cast<uint64_t>(got);
  if (t->call->progress) t->call->progress(t->sent, t->total_up);
  return static_cast<size_t>(got);
}

}  // namespace

std::string UrlEncode(std::string_view s, bool encode_slash) {
  return AwsUriEncode(s, encode_slash);  // RFC 3986 unreserved characters only: the same rule
}

Result<HttpResult> PerformHttp(const HttpCall& call) {
  GlobalInit();
  CURL* curl = curl_easy_init();
  if (!curl) return Status::Internal("curl_easy_init failed");
  HttpResult result;
  Transfer t{&call, &result, curl};
  curl_slist* headers = nullptr;
  for (const auto& h : call.headers) headers = curl_slist_append(headers, h.c_str());
  // No "Expect: 100-continue" round trip; we stream right away.
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, call.connect_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, call.low_speed_seconds);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnWrite);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, 512L * 1024);
  curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, 2L * 1024 * 1024);
  if (!call.verify_tls) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (call.upload) {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(curl, CURLOPT_READDATA, &t);
    if (auto size = call.upload->Size()) {
      t.total_up = *size;
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(*size));
    }
    if (call.method != "PUT") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  } else if (call.body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body->size()));
    if (call.method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  } else if (call.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (call.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call.method.c_str());
    if (call.method == "PUT" || call.method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
    }
  }
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  // A 2xx response without a body still opens the sink (an empty file is a valid artifact).
  if (rc == CURLE_OK && call.download && Is2xx(result.status) && !t.begun) {
    if (!call.download->Begin(0)) result.sink_failed = true;
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (result.source_failed) return Status::BadRequest("upload source failed while sending " + call.url);
  if (result.sink_failed) return Status(ErrorCode::kAborted, "download of " + call.url + " was cancelled");
  if (rc != CURLE_OK) {
    return Status::Unavailable(std::string("HTTP ") + call.method + " " + call.url + " failed: " +
                               curl_easy_strerror(rc));
  }
  return result;
}

}  // namespace mlflow::artifacts
