#pragma once
// Password hashes in werkzeug's text format, so an auth database written by MLflow's basic-auth app
// keeps working here (docs/reference/auth.md): "scrypt:N:r:p$<salt>$<hex>" (what MLflow writes
// today) and "pbkdf2:<digest>:<iterations>$<salt>$<hex>" (older databases). The salt is used as
// its UTF-8 text, the digest is hex, exactly as werkzeug computes them.
//
//   std::string stored = HashPassword("s3cret-password");
//   bool ok = VerifyPassword(stored, "s3cret-password");
#include <string>
#include <string_view>

namespace mlflow::auth {

// A new scrypt:32768:8:1 hash with a random 16-character salt (werkzeug's default method).
std::string HashPassword(std::string_view password);
// Whether `password` matches `stored`; false for a malformed or unknown hash format.
bool VerifyPassword(std::string_view stored, std::string_view password);

}  // namespace mlflow::auth
