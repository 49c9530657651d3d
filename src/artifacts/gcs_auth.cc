#include "artifacts/gcs_auth.h"

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "artifacts/crypto.h"
#include "artifacts/curl_http.h"

namespace mlflow::artifacts {
namespace {

using nlohmann::json;

std::string Field(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string CacheKey(const GoogleCredentials& c, const std::string& scope) {
  return (c.kind == GoogleCredentials::Kind::kServiceAccount ? "sa:" + c.client_email : "user:" + c.client_id) +
         "\n" + c.token_uri + "\n" + scope;
}

std::mutex& CacheMutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, AccessToken>& Cache() {
  static std::map<std::string, AccessToken> cache;
  return cache;
}

}  // namespace

Result<GoogleCredentials> ParseGoogleCredentials(const std::string& json_text, const std::string& source) {
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidParameter("'" + source + "' is not a JSON object");
  GoogleCredentials c;
  std::string type = Field(j, "type");
  if (!Field(j, "token_uri").empty()) c.token_uri = Field(j, "token_uri");
  if (type == "service_account") {
    c.kind = GoogleCredentials::Kind::kServiceAccount;
    c.client_email = Field(j, "client_email");
    c.private_key = Field(j, "private_key");
    c.private_key_id = Field(j, "private_key_id");
    if (c.client_email.empty() || c.private_key.empty()) {
      return Status::InvalidParameter("service account file '" + source + "' has no client_email or private_key");
    }
  } else if (type == "authorized_user") {
    c.kind = GoogleCredentials::Kind::kAuthorizedUser;
    c.client_id = Field(j, "client_id");
    c.client_secret = Field(j, "client_secret");
    c.refresh_token = Field(j, "refresh_token");
    if (c.client_id.empty() || c.refresh_token.empty()) {
      return Status::InvalidParameter("credentials file '" + source + "' has no client_id or refresh_token");
    }
  } else {
    return Status::InvalidParameter("credentials file '" + source + "' has type '" + type +
                                    "'; supported: service_account, authorized_user");
  }
  return c;
}

Result<GoogleCredentials> LoadGoogleCredentials(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidParameter("cannot read Google credentials file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseGoogleCredentials(text.str(), path);
}

Result<std::string> MakeServiceAccountJwt(const GoogleCredentials& c, const std::string& scope, std::time_t now) {
  json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!c.private_key_id.empty()) header["kid"] = c.private_key_id;
  json claims = {{"iss", c.client_email}, {"scope", scope}, {"aud", c.token_uri},
                 {"iat", static_cast<int64_t>(now)}, {"exp", static_cast<int64_t>(now) + 3600}};
  std::string signing_input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
  MLFLOW_ASSIGN_OR_RETURN(std::string sig, RsaSha256Sign(c.private_key, signing_input));
  return signing_input + "." + Base64UrlEncode(sig);
}

Result<AccessToken> FetchAccessToken(const GoogleCredentials& c, const std::string& scope, bool verify_tls,
                                     std::time_t now) {
  std::string form;
  if (c.kind == GoogleCredentials::Kind::kServiceAccount) {
    MLFLOW_ASSIGN_OR_RETURN(std::string jwt, MakeServiceAccountJwt(c, scope, now));
    form = "grant_type=" + UrlEncode("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + jwt;
  } else {
    form = "grant_type=refresh_token&client_id=" + UrlEncode(c.client_id) +
           "&client_secret=" + UrlEncode(c.client_secret) + "&refresh_token=" + UrlEncode(c.refresh_token);
  }
  HttpCall call;
  call.method = "POST";
  call.url = c.token_uri;
  call.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
  call.body = &form;
  call.verify_tls = verify_tls;
  MLFLOW_ASSIGN_OR_RETURN(HttpResult r, PerformHttp(call));
  json j = json::parse(r.body, nullptr, false);
  if (r.status != 200 || !j.is_object() || Field(j, "access_token").empty()) {
    std::string why = j.is_object() ? Field(j, "error") + (Field(j, "error_description").empty()
                                                               ? ""
                                                               : ": " + Field(j, "error_description"))
                                    : r.body.substr(0, 200);
    return Status::Internal("Google token endpoint " + c.token_uri + " refused the credentials: HTTP " +
                            std::to_string(r.status) + (why.empty() ? "" : " " + why));
  }
  AccessToken t;
  t.token = Field(j, "access_token");
  int64_t expires_in = 3600;
  if (auto it = j.find("expires_in"); it != j.end() && it->is_number_integer()) expires_in = it->get<int64_t>();
  t.expires_at = now + expires_in;
  return t;
}

Result<std::string> CachedAccessToken(const GoogleCredentials& c, const std::string& scope, bool verify_tls) {
  std::lock_guard<std::mutex> lock(CacheMutex());
  std::string key = CacheKey(c, scope);
  std::time_t now = std::time(nullptr);
  auto it = Cache().find(key);
  if (it != Cache().end() && it->second.expires_at - 60 > now) return it->second.token;
  MLFLOW_ASSIGN_OR_RETURN(AccessToken t, FetchAccessToken(c, scope, verify_tls, now));
  Cache()[key] = t;
  return t.token;
}

void InvalidateAccessToken(const GoogleCredentials& c, const std::string& scope) {
  std::lock_guard<std::mutex> lock(CacheMutex());
  Cache().erase(CacheKey(c, scope));
}

}  // namespace mlflow::artifacts
