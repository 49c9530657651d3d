#pragma once
// SHA-256 and HMAC-SHA256 over OpenSSL, and hex text: S3 request signing (artifacts/sigv4.cc),
// Azure SharedKey signatures (artifacts/azure_auth.cc), dataset digests and record hashes
// (service/dataset_service.cc, store/sql/sql_dataset_store.cc).
//
//   Sha256Hex("abc")       // "ba7816bf..." (64 lower-case hex digits)
//   HexEncode(HmacSha256(key, text))
#include <string>
#include <string_view>

namespace mlflow {

// Lower-case hex of every byte.
std::string HexEncode(std::string_view bytes);
// sha256 of data as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);
// The raw 32-byte HMAC-SHA256 of data under key.
std::string HmacSha256(std::string_view key, std::string_view data);

}  // namespace mlflow
