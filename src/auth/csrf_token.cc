#include "auth/csrf_token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cctype>

#include "core/digest.h"

namespace mlflow::auth {

std::string NewCsrfNonce() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return "";  // CheckCsrfToken refuses an empty nonce
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

std::string CsrfToken(const std::string& secret, const std::string& nonce, int64_t now) {
  const std::string issued = std::to_string(now);
  return issued + "." + HexEncode(HmacSha256(secret, nonce + "." + issued));
}

Status CheckCsrfToken(const std::string& secret, const std::string& nonce, const std::string& token, int64_t now) {
  if (token.empty()) return Status::BadRequest("The CSRF token is missing.");
  if (nonce.empty()) return Status::BadRequest("The CSRF session token is missing.");
  const size_t dot = token.find('.');
  if (dot == 0 || dot == std::string::npos || dot > 18) return Status::BadRequest("The CSRF token is invalid.");
  for (size_t i = 0; i < dot; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(token[i]))) return Status::BadRequest("The CSRF token is invalid.");
  }
  const std::string expected = CsrfToken(secret, nonce, std::stoll(token.substr(0, dot)));
  if (expected.size() != token.size() || CRYPTO_memcmp(expected.data(), token.data(), token.size()) != 0) {
    return Status::BadRequest("The CSRF token is invalid.");
  }
  if (now - std::stoll(token.substr(0, dot)) > kCsrfTokenLifetimeSeconds) {
    return Status::BadRequest("The CSRF token has expired.");
  }
  return Status();
}

}  // namespace mlflow::auth
