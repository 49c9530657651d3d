#include "artifacts/gcs_auth.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <nlohmann/json.hpp>

#include "artifacts/crypto.h"

namespace mlflow::artifacts {
namespace {

using nlohmann::json;

// A fresh 2048-bit key per test run (no key material in the repository): PEM private key and the
// EVP key to verify with.
struct TestKey {
  EVP_PKEY* key = nullptr;
  std::string pem;
  TestKey() {
    key = EVP_RSA_gen(2048);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    pem.assign(data, static_cast<size_t>(len));
    BIO_free(bio);
  }
  ~TestKey() { EVP_PKEY_free(key); }
  bool Verify(const std::string& data, const std::string& sig) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
              EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                               reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  }
};

std::string FromBase64Url(std::string s) {
  for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  return Base64Decode(s).value_or("<bad>");
}

TEST(GoogleCredentials, ServiceAccountFile) {
  auto c = ParseGoogleCredentials(
      R"({"type": "service_account", "project_id": "p", "private_key_id": "kid1",
          "private_key": "PEM", "client_email": "sa@p.iam.gserviceaccount.com",
          "token_uri": "http://127.0.0.1:1/token"})",
      "sa.json");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->kind, GoogleCredentials::Kind::kServiceAccount);
  EXPECT_EQ(c->client_email, "sa@p.iam.gserviceaccount.com");
  EXPECT_EQ(c->private_key_id, "kid1");
  EXPECT_EQ(c->token_uri, "http://127.0.0.1:1/token");
}

TEST(GoogleCredentials, AuthorizedUserDefaultsTheTokenUri) {
  auto c = ParseGoogleCredentials(
      R"({"type": "authorized_user", "client_id": "id", "client_secret": "s", "refresh_token": "r"})", "adc.json");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kind, GoogleCredentials::Kind::kAuthorizedUser);
  EXPECT_EQ(c->token_uri, "https://oauth2.googleapis.com/token");
}

TEST(GoogleCredentials, Refusals) {
  EXPECT_EQ(ParseGoogleCredentials("not json", "x").status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(ParseGoogleCredentials(R"({"type": "external_account"})", "x").status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(ParseGoogleCredentials(R"({"type": "service_account", "client_email": "a"})", "x").status().code(),
            ErrorCode::kInvalidParameterValue);
  auto missing = LoadGoogleCredentials("/nonexistent/creds.json");
  EXPECT_EQ(missing.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(missing.status().message().find("/nonexistent/creds.json"), std::string::npos);
}

TEST(ServiceAccountJwt, SignedWithRs256AndCarriesTheClaims) {
  TestKey key;
  GoogleCredentials c;
  c.client_email = "sa@p.iam.gserviceaccount.com";
  c.private_key = key.pem;
  c.private_key_id = "kid1";
  c.token_uri = "https://oauth2.googleapis.com/token";
  auto jwt = MakeServiceAccountJwt(c, kGcsReadWriteScope, 1700000000);
  ASSERT_TRUE(jwt.ok()) << jwt.status().message();
  size_t d1 = jwt->find('.'), d2 = jwt->rfind('.');
  ASSERT_NE(d1, d2);
  json header = json::parse(FromBase64Url(jwt->substr(0, d1)));
  json claims = json::parse(FromBase64Url(jwt->substr(d1 + 1, d2 - d1 - 1)));
  EXPECT_EQ(header, (json{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "kid1"}}));
  EXPECT_EQ(claims, (json{{"iss", "sa@p.iam.gserviceaccount.com"},
                          {"scope", "https://www.googleapis.com/auth/devstorage.read_write"},
                          {"aud", "https://oauth2.googleapis.com/token"},
                          {"iat", 1700000000},
                          {"exp", 1700003600}}));
  EXPECT_EQ(jwt->find_first_of("+/="), std::string::npos);  // base64url, unpadded
  std::string sig = FromBase64Url(jwt->substr(d2 + 1));
  EXPECT_EQ(sig.size(), 256u);
  EXPECT_TRUE(key.Verify(jwt->substr(0, d2), sig));
  EXPECT_FALSE(key.Verify(jwt->substr(0, d2) + "x", sig));
}

TEST(ServiceAccountJwt, BadKeyIsAClearError) {
  GoogleCredentials c;
  c.client_email = "sa@p";
  c.private_key = "not a key";
  EXPECT_EQ(MakeServiceAccountJwt(c, kGcsReadWriteScope, 0).status().code(), ErrorCode::kInvalidParameterValue);
}

TEST(AccessToken, UnreachableTokenEndpointIsUnavailable) {
  TestKey key;
  GoogleCredentials c;
  c.client_email = "sa@p";
  c.private_key = key.pem;
  c.token_uri = "http://127.0.0.1:1/token";  // port 1: nothing listens
  EXPECT_EQ(CachedAccessToken(c, kGcsReadWriteScope, true).status().code(), ErrorCode::kTemporarilyUnavailable);
}

}  // namespace
}  // namespace mlflow::artifacts
