#include "artifacts/azure_auth.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "artifacts/crypto.h"
#include "artifacts/curl_http.h"
#include "artifacts/sigv4.h"

namespace mlflow::artifacts {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string Trim(std::string_view v) {
  size_t b = v.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = v.find_last_not_of(" \t\r\n");
  return std::string(v.substr(b, e - b + 1));
}

// Header values are trimmed and inner runs of whitespace folded to one space (outside quotes).
std::string FoldWhitespace(const std::string& v) {
  std::string t = Trim(v), out;
  bool in_quotes = false, space = false;
  for (char c : t) {
    if (c == '"') in_quotes = !in_quotes;
    if (!in_quotes && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

Result<AzureConnectionString> ParseAzureConnectionString(std::string_view text) {
  std::map<std::string, std::string> kv;
  size_t pos = 0;
  // Bounded by the text: each round consumes one ';'-separated item.
  while (pos <= text.size()) {
    size_t semi = text.find(';', pos);
    std::string_view item = text.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos);
    size_t eq = item.find('=');
    if (eq != std::string_view::npos) kv[Lower(Trim(item.substr(0, eq)))] = Trim(item.substr(eq + 1));
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  AzureConnectionString c;
  c.account_name = kv["accountname"];
  c.account_key = kv["accountkey"];
  c.sas = kv["sharedaccesssignature"];
  if (!c.sas.empty() && c.sas.front() == '?') c.sas.erase(c.sas.begin());
  c.blob_endpoint = kv["blobendpoint"];
  if (c.blob_endpoint.empty() && !c.account_name.empty()) {
    std::string protocol = kv["defaultendpointsprotocol"].empty() ? "https" : kv["defaultendpointsprotocol"];
    std::string suffix = kv["endpointsuffix"].empty() ? "core.windows.net" : kv["endpointsuffix"];
    c.blob_endpoint = protocol + "://" + c.account_name + ".blob." + suffix;
  }
  while (!c.blob_endpoint.empty() && c.blob_endpoint.back() == '/') c.blob_endpoint.pop_back();
  if (c.blob_endpoint.empty()) {
    return Status::InvalidParameter("AZURE_STORAGE_CONNECTION_STRING names no AccountName and no BlobEndpoint");
  }
  if (!c.account_key.empty() && c.account_name.empty()) {
    return Status::InvalidParameter("AZURE_STORAGE_CONNECTION_STRING has an AccountKey but no AccountName");
  }
  if (c.account_key.empty() && c.sas.empty()) {
    return Status::InvalidParameter(
        "AZURE_STORAGE_CONNECTION_STRING has neither AccountKey nor SharedAccessSignature");
  }
  if (!c.account_key.empty() && !Base64Decode(c.account_key)) {
    return Status::InvalidParameter("the AccountKey of AZURE_STORAGE_CONNECTION_STRING is not base64");
  }
  return c;
}

std::string SharedKeyStringToSign(const AzureSignRequest& r, const std::string& account) {
  std::map<std::string, std::string> std_headers;
  std::vector<std::pair<std::string, std::string>> ms;
  for (const auto& [k, v] : r.headers) {
    std::string name = Lower(k);
    if (name.rfind("x-ms-", 0) == 0) {
      ms.emplace_back(name, FoldWhitespace(v));
    } else {
      std_headers[name] = Trim(v);
    }
  }
  // Versions 2015-02-21 and later: a zero Content-Length is signed as empty.
  if (std_headers["content-length"] == "0") std_headers["content-length"] = "";
  std::string s = r.method + "\n";
  for (const char* h : {"content-encoding", "content-language", "content-length", "content-md5", "content-type",
                        "date", "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"}) {
    s += std_headers[h] + "\n";
  }
  std::sort(ms.begin(), ms.end());
  for (const auto& [k, v] : ms) s += k + ":" + v + "\n";
  s += "/" + account + (r.encoded_path.empty() ? "/" : r.encoded_path);
  std::map<std::string, std::vector<std::string>> q;
  for (const auto& [k, v] : r.query) q[Lower(k)].push_back(v);
  for (auto& [k, values] : q) {
    std::sort(values.begin(), values.end());
    std::string joined;
    for (const auto& v : values) joined += (joined.empty() ? "" : ",") + v;
    s += "\n" + k + ":" + joined;
  }
  return s;
}

std::string SharedKeyAuthorization(const AzureSignRequest& r, const std::string& account, const std::string& key) {
  return "SharedKey " + account + ":" + Base64Encode(HmacSha256(key, SharedKeyStringToSign(r, account)));
}

std::string AzureDate(std::time_t t) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string AzureIsoTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string BlobServiceSas(const std::string& account, const std::string& key, const std::string& container,
                           const std::string& blob, const std::string& permissions, std::time_t expiry) {
  const std::string se = AzureIsoTime(expiry);
  // permissions, start, expiry, resource, identifier, IP, protocol, version, resource type,
  // snapshot time, encryption scope, then the five response-header overrides.
  std::string to_sign = permissions + "\n\n" + se + "\n/blob/" + account + "/" + container + "/" + blob + "\n\n\n\n" +
                        kAzureStorageVersion + "\nb\n\n\n\n\n\n\n";
  std::string sig = Base64Encode(HmacSha256(key, to_sign));
  return "sv=" + std::string(kAzureStorageVersion) + "&se=" + UrlEncode(se) + "&sr=b&sp=" + permissions +
         "&sig=" + UrlEncode(sig);
}

}  // namespace mlflow::artifacts
