#pragma once
// Azure Storage authentication: connection strings, SharedKey request signing (HMAC-SHA256 with
// the account key) and service SAS tokens for one blob. The string-to-sign layouts are Azure
// Storage's "Authorize with Shared Key" (Blob service, version 2009-09-19 and later) and "Create a
// service SAS" (version 2020-12-06 and later); docs/ARCHITECTURE.md (artifacts) says where we use
// them.
//
//   AzureSignRequest r{"GET", "/devstoreaccount1/c/a.txt", {}, {{"x-ms-date", AzureDate(now)}, ...}};
//   headers.push_back("Authorization: " + SharedKeyAuthorization(r, account, key_bytes));
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mlflow::artifacts {

// The storage service version we speak (x-ms-version and a SAS's sv).
inline constexpr char kAzureStorageVersion[] = "2021-08-06";

// AZURE_STORAGE_CONNECTION_STRING: "Name=value;..." with names compared case-insensitively.
struct AzureConnectionString {
  std::string account_name;
  std::string account_key;    // base64, as written
  std::string blob_endpoint;  // BlobEndpoint, else <protocol>://<account>.blob.<suffix>
  std::string sas;            // SharedAccessSignature, without a leading '?'
};
// INVALID_PARAMETER_VALUE when it names neither an account with a key or SAS nor a BlobEndpoint
// with a SAS.
Result<AzureConnectionString> ParseAzureConnectionString(std::string_view text);

struct AzureSignRequest {
  std::string method;
  std::string encoded_path;  // the URL path exactly as sent: "/devstoreaccount1/c/a%20b.txt"
  std::vector<std::pair<std::string, std::string>> query;    // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;  // every header sent, any case
};

// The SharedKey string-to-sign of a request (standard headers, x-ms-* headers, then the
// canonicalized resource "/<account><path>" with the query parameters).
std::string SharedKeyStringToSign(const AzureSignRequest& r, const std::string& account);
// "SharedKey <account>:<base64 signature>"; key is the decoded account key.
std::string SharedKeyAuthorization(const AzureSignRequest& r, const std::string& account, const std::string& key);

// RFC 1123 date for x-ms-date: "Sun, 11 Oct 2009 21:49:13 GMT".
std::string AzureDate(std::time_t t);
// ISO 8601 UTC to the second, as SAS start and expiry times: "2009-10-11T21:49:13Z".
std::string AzureIsoTime(std::time_t t);

// A service SAS for blob `blob` (sr=b) of `container`, permissions such as "rw", valid until
// expiry; the query string to append (sv, se, sr, sp, sig), URL-encoded, without '?'.
std::string BlobServiceSas(const std::string& account, const std::string& key, const std::string& container,
                           const std::string& blob, const std::string& permissions, std::time_t expiry);

}  // namespace mlflow::artifacts
