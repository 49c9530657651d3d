#include "artifacts/sigv4.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace mlflow::artifacts {
namespace {

std::string Trim(std::string_view v) {
  size_t b = v.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = v.find_last_not_of(" \t");
  return std::string(v.substr(b, e - b + 1));
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

struct Canonical {
  std::string request;
  std::string signed_headers;
};

Canonical BuildCanonical(const SigV4Request& req, const std::vector<std::pair<std::string, std::string>>& query,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         const std::string& payload_hash) {
  std::vector<std::pair<std::string, std::string>> hs;
  for (const auto& [k, v] : headers) hs.emplace_back(Lower(k), Trim(v));
  std::sort(hs.begin(), hs.end());
  Canonical c;
  std::string canonical_headers;
  for (const auto& [k, v] : hs) {
    canonical_headers += k + ":" + v + "\n";
    if (!c.signed_headers.empty()) c.signed_headers += ';';
    c.signed_headers += k;
  }
  c.request = req.method + "\n" + (req.canonical_uri.empty() ? "/" : req.canonical_uri) + "\n" +
              CanonicalQuery(query) + "\n" + canonical_headers + "\n" + c.signed_headers + "\n" + payload_hash;
  return c;
}

std::string SigningKey(const AwsCredentials& creds, const std::string& date, const std::string& region,
                       const std::string& service) {
  std::string k = HmacSha256("AWS4" + creds.secret_key, date);
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  return HmacSha256(k, "aws4_request");
}

}  // namespace

std::string AwsUriEncode(std::string_view s, bool encode_slash) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encode_slash)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string AmzDate(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> enc;
  for (const auto& [k, v] : query) enc.emplace_back(AwsUriEncode(k, true), AwsUriEncode(v, true));
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto& [k, v] : enc) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

std::vector<std::string> SignHeaders(const SigV4Request& req, const AwsCredentials& creds, const std::string& region,
                                     const std::string& service, const std::string& payload_hash, std::time_t now) {
  std::string amz_date = AmzDate(now);
  std::string date = amz_date.substr(0, 8);
  std::vector<std::pair<std::string, std::string>> headers = req.headers;
  headers.emplace_back("host", req.host);
  headers.emplace_back("x-amz-date", amz_date);
  headers.emplace_back("x-amz-content-sha256", payload_hash);
  if (!creds.session_token.empty()) headers.emplace_back("x-amz-security-token", creds.session_token);
  Canonical c = BuildCanonical(req, req.query, headers, payload_hash);
  std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + Sha256Hex(c.request);
  std::string signature = HexEncode(HmacSha256(SigningKey(creds, date, region, service), to_sign));
  std::vector<std::string> out;
  out.push_back("Authorization: AWS4-HMAC-SHA256 Credential=" + creds.access_key + "/" + scope +
                ", SignedHeaders=" + c.signed_headers + ", Signature=" + signature);
  out.push_back("x-amz-date: " + amz_date);
  out.push_back("x-amz-content-sha256: " + payload_hash);
  if (!creds.session_token.empty()) out.push_back("x-amz-security-token: " + creds.session_token);
  return out;
}

std::string PresignUrl(const std::string& scheme, const SigV4Request& req, const AwsCredentials& creds,
                       const std::string& region, const std::string& service, int64_t expires_seconds,
                       std::time_t now) {
  std::string amz_date = AmzDate(now);
  std::string date = amz_date.substr(0, 8);
  std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  std::vector<std::pair<std::string, std::string>> headers = req.headers;
  headers.emplace_back("host", req.host);
  std::vector<std::pair<std::string, std::string>> query = req.query;
  query.emplace_back("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
  query.emplace_back("X-Amz-Credential", creds.access_key + "/" + scope);
  query.emplace_back("X-Amz-Date", amz_date);
  query.emplace_back("X-Amz-Expires", std::to_string(expires_seconds));
  if (!creds.session_token.empty()) query.emplace_back("X-Amz-Security-Token", creds.session_token);
  // Signed headers list must be known before building the canonical request.
  std::vector<std::string> names;
  for (const auto& [k, v] : headers) names.push_back(Lower(k));
  std::sort(names.begin(), names.end());
  std::string signed_headers;
  for (const auto& n : names) signed_headers += (signed_headers.empty() ? "" : ";") + n;
  query.emplace_back("X-Amz-SignedHeaders", signed_headers);
  Canonical c = BuildCanonical(req, query, headers, "UNSIGNED-PAYLOAD");
  std::string to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + Sha256Hex(c.request);
  std::string signature = HexEncode(HmacSha256(SigningKey(creds, date, region, service), to_sign));
  return scheme + "://" + req.host + req.canonical_uri + "?" + CanonicalQuery(query) + "&X-Amz-Signature=" + signature;
}

}  // namespace mlflow::artifacts
