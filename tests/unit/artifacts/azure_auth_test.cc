#include "artifacts/azure_auth.h"

#include <gtest/gtest.h>

#include "artifacts/crypto.h"

namespace mlflow::artifacts {
namespace {

// Azurite's published development account (public test credentials).
constexpr char kDevAccount[] = "devstoreaccount1";
constexpr char kDevKey[] = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
constexpr std::time_t k20300101 = 1893456000;  // 2030-01-01T00:00:00Z

std::string DevKey() { return *Base64Decode(kDevKey); }

// The expected strings and signatures below were produced by azure-storage-blob 12.31.1's own
// SharedKeyCredentialPolicy and BlobSharedAccessSignature (sv 2021-08-06) for the same requests:
// an independent implementation of the same rules.
TEST(AzureSharedKey, PutBlockWithQueryAndEncodedPath) {
  AzureSignRequest r;
  r.method = "PUT";
  r.encoded_path = "/devstoreaccount1/mlflow/dir/a%20b.txt";
  r.query = {{"comp", "block"}, {"blockid", "QUJD+/=="}};
  r.headers = {{"x-ms-date", AzureDate(k20300101)},
               {"x-ms-version", "2021-08-06"},
               {"Content-Type", "application/octet-stream"},
               {"Content-Length", "5"},
               {"x-ms-blob-type", "BlockBlob"}};
  EXPECT_EQ(SharedKeyStringToSign(r, kDevAccount),
            "PUT\n\n\n5\n\napplication/octet-stream\n\n\n\n\n\n\nx-ms-blob-type:BlockBlob\n"
            "x-ms-date:Tue, 01 Jan 2030 00:00:00 GMT\nx-ms-version:2021-08-06\n"
            "/devstoreaccount1/devstoreaccount1/mlflow/dir/a%20b.txt\nblockid:QUJD+/==\ncomp:block");
  EXPECT_EQ(SharedKeyAuthorization(r, kDevAccount, DevKey()),
            "SharedKey devstoreaccount1:qBX8O/8SFtL+csaG5cSjADieSiQsBwyBGx6vU2qMmgk=");
}

TEST(AzureSharedKey, ListSortsQueryParametersAndDecodesValues) {
  AzureSignRequest r;
  r.method = "GET";
  r.encoded_path = "/devstoreaccount1/mlflow";
  r.query = {{"restype", "container"}, {"comp", "list"}, {"prefix", "a/b/"}, {"delimiter", "/"}, {"maxresults", "5000"}};
  r.headers = {{"x-ms-version", "2021-08-06"}, {"x-ms-date", "Tue, 01 Jan 2030 00:00:00 GMT"}};
  EXPECT_EQ(SharedKeyStringToSign(r, kDevAccount),
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Tue, 01 Jan 2030 00:00:00 GMT\nx-ms-version:2021-08-06\n"
            "/devstoreaccount1/devstoreaccount1/mlflow\ncomp:list\ndelimiter:/\nmaxresults:5000\nprefix:a/b/\n"
            "restype:container");
  EXPECT_EQ(SharedKeyAuthorization(r, kDevAccount, DevKey()),
            "SharedKey devstoreaccount1:vLHmZQVEWFM9dEN2qMLKByBUTZptuJV7EppcxUpKrNQ=");
}

TEST(AzureSharedKey, ZeroContentLengthIsSignedEmptyAndHeaderValuesAreFolded) {
  AzureSignRequest r;
  r.method = "DELETE";
  r.encoded_path = "/acct/c/k";
  r.headers = {{"Content-Length", "0"}, {"X-MS-Meta-Note", "  two   words "}, {"x-ms-date", "d"}};
  EXPECT_EQ(SharedKeyStringToSign(r, "acct"),
            "DELETE\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:d\nx-ms-meta-note:two words\n/acct/acct/c/k");
}

TEST(AzureSas, BlobServiceSasMatchesTheSdk) {
  std::string sas = BlobServiceSas(kDevAccount, DevKey(), "mlflow", "dir/a b.txt", "rw", 1893553445);
  EXPECT_EQ(sas,
            "sv=2021-08-06&se=2030-01-02T03%3A04%3A05Z&sr=b&sp=rw"
            "&sig=QMw1DhmPIG8Acote20pk5qKFxsFcWJwIKi8NnyPv3ak%3D");
}

TEST(AzureDates, Formats) {
  EXPECT_EQ(AzureDate(k20300101), "Tue, 01 Jan 2030 00:00:00 GMT");
  EXPECT_EQ(AzureIsoTime(1893553445), "2030-01-02T03:04:05Z");
}

TEST(AzureConnectionString, AzuriteStyleWithBlobEndpoint) {
  auto c = ParseAzureConnectionString(
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + std::string(kDevKey) +
      ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1/;");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->account_name, "devstoreaccount1");
  EXPECT_EQ(c->account_key, kDevKey);  // '=' inside the value is kept
  EXPECT_EQ(c->blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  EXPECT_EQ(c->sas, "");
}

TEST(AzureConnectionString, EndpointFromSuffixAndCaseInsensitiveNames) {
  auto c = ParseAzureConnectionString("accountname=acct;ACCOUNTKEY=a2V5;EndpointSuffix=core.chinacloudapi.cn");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->blob_endpoint, "https://acct.blob.core.chinacloudapi.cn");
  auto d = ParseAzureConnectionString("AccountName=acct;AccountKey=a2V5");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->blob_endpoint, "https://acct.blob.core.windows.net");
}

TEST(AzureConnectionString, SasOnly) {
  auto c = ParseAzureConnectionString("BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=?sv=1&sig=x");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sas, "sv=1&sig=x");
  EXPECT_EQ(c->account_key, "");
}

TEST(AzureConnectionString, Refusals) {
  EXPECT_EQ(ParseAzureConnectionString("").status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(ParseAzureConnectionString("AccountName=a").status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(ParseAzureConnectionString("AccountName=a;AccountKey=not*base64").status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(ParseAzureConnectionString("BlobEndpoint=http://x;AccountKey=a2V5").status().code(),
            ErrorCode::kInvalidParameterValue);
}

}  // namespace
}  // namespace mlflow::artifacts
