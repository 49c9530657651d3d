#pragma once
// Google OAuth2 for Cloud Storage: a credentials file (a service account's JSON key, or the
// "authorized_user" file `gcloud auth application-default login` writes) exchanged at its
// token_uri for an access token. Service accounts sign a JWT assertion with RS256 (OpenSSL); the
// token is cached process-wide until a minute before it expires, so one exchange serves every
// request for about an hour.
//
//   MLFLOW_ASSIGN_OR_RETURN(GoogleCredentials c, LoadGoogleCredentials(path));
//   MLFLOW_ASSIGN_OR_RETURN(std::string token, CachedAccessToken(c, kGcsReadWriteScope, true));
//   headers.push_back("Authorization: Bearer " + token);
#include <ctime>
#include <string>

#include "core/status.h"

namespace mlflow::artifacts {

inline constexpr char kGcsReadWriteScope[] = "https://www.googleapis.com/auth/devstorage.read_write";
inline constexpr char kGoogleTokenUri[] = "https://oauth2.googleapis.com/token";

struct GoogleCredentials {
  enum class Kind { kServiceAccount, kAuthorizedUser };
  Kind kind = Kind::kServiceAccount;
  std::string client_email;    // service account
  std::string private_key;     // service account, PEM
  std::string private_key_id;  // service account, the JWT's "kid"
  std::string client_id;       // authorized user
  std::string client_secret;   // authorized user
  std::string refresh_token;   // authorized user
  std::string token_uri = kGoogleTokenUri;
};

// The JSON of a credentials file. INVALID_PARAMETER_VALUE (naming `source`) for another "type"
// or missing fields.
Result<GoogleCredentials> ParseGoogleCredentials(const std::string& json_text, const std::string& source);
Result<GoogleCredentials> LoadGoogleCredentials(const std::string& path);

// The signed JWT a service account presents at token_uri: header {alg RS256, typ JWT, kid},
// claims {iss, scope, aud = token_uri, iat = now, exp = now + 1 h}.
Result<std::string> MakeServiceAccountJwt(const GoogleCredentials& c, const std::string& scope, std::time_t now);

struct AccessToken {
  std::string token;
  std::time_t expires_at = 0;
};
// One exchange at c.token_uri (JWT bearer grant or refresh_token grant). TEMPORARILY_UNAVAILABLE
// on network failure; INTERNAL_ERROR with the endpoint's error when it refuses.
Result<AccessToken> FetchAccessToken(const GoogleCredentials& c, const std::string& scope, bool verify_tls,
                                     std::time_t now);
// A cached token for (credentials, scope), fetched when absent or expiring within a minute.
// Thread-safe; concurrent callers wait for one exchange.
Result<std::string> CachedAccessToken(const GoogleCredentials& c, const std::string& scope, bool verify_tls);
// Drops the cached token (the service refused it with 401).
void InvalidateAccessToken(const GoogleCredentials& c, const std::string& scope);

}  // namespace mlflow::artifacts
