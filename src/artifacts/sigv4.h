#pragma once
// AWS Signature Version 4 for S3: request headers and presigned URLs (OpenSSL HMAC-SHA256).
// Our own signer rather than CURLOPT_AWS_SIGV4: presigned part URLs for the proxy's multipart
// endpoints need query signing anyway, and libcurl 7.88 (Debian 12) signs requests with a query
// string ("?uploads", "?partNumber=..&uploadId=..") differently from AWS's canonical form (checked
// against a reference implementation) and sends no x-amz-content-sha256, which S3 requires.
//
//   SigV4Request r{"PUT", "127.0.0.1:4568", "/bucket/key", {}, {{"content-type", "text/plain"}}};
//   auto headers = SignHeaders(r, creds, "us-east-1", "s3", "UNSIGNED-PAYLOAD", std::time(nullptr));
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/digest.h"  // Sha256Hex, HmacSha256, HexEncode

namespace mlflow::artifacts {

struct AwsCredentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // optional
};

struct SigV4Request {
  std::string method;
  std::string host;  // Host header value (with ":port" when not the scheme default)
  std::string canonical_uri;  // path, already URI-encoded per segment ("/bucket/my%20key")
  std::vector<std::pair<std::string, std::string>> query;  // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers to sign (any case)
};

// AWS URI encoding: unreserved characters kept, everything else %XX (upper case).
std::string AwsUriEncode(std::string_view s, bool encode_slash);
// "20130524T000000Z"
std::string AmzDate(std::time_t t);
// The canonical query string: names and values encoded, sorted.
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);

// Headers to add to the request ("Name: value"): Authorization, x-amz-date, x-amz-content-sha256
// and x-amz-security-token when a session token is set.
std::vector<std::string> SignHeaders(const SigV4Request& req, const AwsCredentials& creds, const std::string& region,
                                     const std::string& service, const std::string& payload_hash, std::time_t now);

// scheme://host<canonical_uri>?<query + X-Amz-* parameters>, valid for expires_seconds.
std::string PresignUrl(const std::string& scheme, const SigV4Request& req, const AwsCredentials& creds,
                       const std::string& region, const std::string& service, int64_t expires_seconds,
                       std::time_t now);

}  // namespace mlflow::artifacts
