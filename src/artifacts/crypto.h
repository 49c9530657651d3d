#pragma once
// Encodings and signatures the cloud repositories need, over OpenSSL: base64 (Azure account keys,
// block ids and SharedKey/SAS signatures), base64url and RS256 (Google service-account JWTs).
//
//   std::string sig = Base64Encode(HmacSha256(*Base64Decode(key), string_to_sign));
//   MLFLOW_ASSIGN_OR_RETURN(std::string rs, RsaSha256Sign(pem, header_dot_claims));
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mlflow::artifacts {

// RFC 4648 base64 with padding.
std::string Base64Encode(std::string_view bytes);
// Strict: the standard alphabet, padding optional; nullopt on anything else.
std::optional<std::string> Base64Decode(std::string_view text);
// RFC 4648 section 5 (URL-safe alphabet), no padding: the JWT encoding.
std::string Base64UrlEncode(std::string_view bytes);
// RSASSA-PKCS1-v1_5 with SHA-256 of data, key in PEM (PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE
// KEY"). INVALID_PARAMETER_VALUE when the key does not parse.
Result<std::string> RsaSha256Sign(std::string_view pem_private_key, std::string_view data);
// `bytes` random bytes from OpenSSL's CSPRNG, hex-encoded.
std::string RandomHex(size_t bytes);

}  // namespace mlflow::artifacts
