#include "artifacts/sigv4.h"

#include <gtest/gtest.h>

namespace mlflow::artifacts {
namespace {

// The worked examples of AWS's "Signature Calculations for the Authorization Header" and
// "Authenticating Requests: Using Query Parameters" (S3 API reference), example credentials.
const AwsCredentials kCreds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr std::time_t k20130524 = 1369353600;  // 2013-05-24T00:00:00Z

TEST(SigV4, GetObjectHeaderExample) {
  SigV4Request r;
  r.method = "GET";
  r.host = "examplebucket.s3.amazonaws.com";
  r.canonical_uri = "/test.txt";
  r.headers = {{"Range", "bytes=0-9"}};
  auto h = SignHeaders(r, kCreds, "us-east-1", "s3", Sha256Hex(""), k20130524);
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h[0],
            "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, PresignedUrlExample) {
  SigV4Request r;
  r.method = "GET";
  r.host = "examplebucket.s3.amazonaws.com";
  r.canonical_uri = "/test.txt";
  std::string url = PresignUrl("https", r, kCreds, "us-east-1", "s3", 86400, k20130524);
  EXPECT_NE(url.find("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"),
            std::string::npos)
      << url;
  EXPECT_EQ(url.rfind("https://examplebucket.s3.amazonaws.com/test.txt?", 0), 0u);
}

TEST(SigV4, CanonicalQuerySortsAndEncodes) {
  EXPECT_EQ(CanonicalQuery({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQuery({{"uploadId", "a/b+c"}, {"partNumber", "2"}}), "partNumber=2&uploadId=a%2Fb%2Bc");
  EXPECT_EQ(AwsUriEncode("a b/c~", false), "a%20b/c~");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace mlflow::artifacts
