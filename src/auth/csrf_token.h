#pragma once
// The sign-up form's CSRF protection (docs/reference/auth.md): the page sets a random session
// nonce in a cookie and embeds a token signed with MLFLOW_FLASK_SERVER_SECRET_KEY over that nonce
// and the time; the form post must bring both back within an hour. Same contract as MLflow's
// Flask-WTF check (token missing, session token missing, invalid, expired: 400), own format.
//
//   std::string nonce = NewCsrfNonce();
//   std::string token = CsrfToken(secret, nonce, NowSeconds());
//   Status ok = CheckCsrfToken(secret, cookie_nonce, form_token, NowSeconds());
#include <cstdint>
#include <string>

#include "core/status.h"

namespace mlflow::auth {

// How long a token stays valid (Flask-WTF's default time limit).
inline constexpr int64_t kCsrfTokenLifetimeSeconds = 3600;

// 32 random hex digits (OpenSSL's RAND_bytes).
std::string NewCsrfNonce();
// "<issued unix seconds>.<hex HMAC-SHA256(secret, nonce + '.' + issued)>".
std::string CsrfToken(const std::string& secret, const std::string& nonce, int64_t now);
// BAD_REQUEST with Flask-WTF's reasons: "The CSRF token is missing.", "The CSRF session token is
// missing.", "The CSRF token is invalid.", "The CSRF token has expired.".
Status CheckCsrfToken(const std::string& secret, const std::string& nonce, const std::string& token, int64_t now);

}  // namespace mlflow::auth
