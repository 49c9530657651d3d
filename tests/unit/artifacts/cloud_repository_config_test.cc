// URI parsing and environment precedence of the Azure Blob and GCS repositories (the requests
// themselves are covered against Azurite and the GCS emulator in tests/e2e/artifacts/).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "artifacts/artifact_repository.h"
#include "artifacts/azure_blob_repository.h"
#include "artifacts/crypto.h"
#include "artifacts/gcs_repository.h"
#include "unit/artifacts/scoped_env.h"

namespace mlflow::artifacts {
namespace {
namespace fs = std::filesystem;

constexpr char kKey[] = "a2V5LWJ5dGVz";  // base64("key-bytes")

void ClearAzure(ScopedEnv& env) {
  for (const char* v : {"AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCESS_KEY", "AZURE_STORAGE_SAS_TOKEN",
                        "MLFLOW_TRACKING_INSECURE_TLS"}) {
    env.Unset(v);
  }
}

void ClearGcs(ScopedEnv& env, const fs::path& home) {
  for (const char* v : {"STORAGE_EMULATOR_HOST", "API_ENDPOINT_OVERRIDE", "GOOGLE_APPLICATION_CREDENTIALS",
                        "CLOUDSDK_CONFIG", "MLFLOW_GCS_UPLOAD_CHUNK_SIZE"}) {
    env.Unset(v);
  }
  env.Set("HOME", home.string());
}

TEST(AzureBlobUri, Wasbs) {
  auto loc = ParseAzureBlobUri("wasbs://models@acct.blob.core.windows.net/exp/1/");
  ASSERT_TRUE(loc.ok()) << loc.status().message();
  EXPECT_EQ(loc->container, "models");
  EXPECT_EQ(loc->account, "acct");
  EXPECT_EQ(loc->blob_suffix, "blob.core.windows.net");
  EXPECT_EQ(loc->path, "exp/1");
  auto cn = ParseAzureBlobUri("wasbs://c@acct.blob.core.chinacloudapi.cn");
  ASSERT_TRUE(cn.ok());
  EXPECT_EQ(cn->blob_suffix, "blob.core.chinacloudapi.cn");
  EXPECT_EQ(cn->path, "");
}

TEST(AzureBlobUri, WasbsRefusesOtherHostsWithMlflowsMessage) {
  for (const char* bad : {"wasbs://acct.blob.core.windows.net/x", "wasbs://c@acct.dfs.core.windows.net/x",
                          "wasbs://c@acct.blob.core.example.com/x"}) {
    auto loc = ParseAzureBlobUri(bad);
    ASSERT_FALSE(loc.ok()) << bad;
    EXPECT_EQ(loc.status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_EQ(loc.status().message().rfind("WASBS URI must be of the form <container>@<account>.blob.core.windows.net", 0),
              0u);
  }
}

TEST(AzureBlobUri, AbfssGoesThroughTheBlobEndpointAndUnquotesThePath) {
  auto loc = ParseAzureBlobUri("abfss://fs@acct.dfs.core.windows.net/my%20dir/x");
  ASSERT_TRUE(loc.ok()) << loc.status().message();
  EXPECT_EQ(loc->container, "fs");
  EXPECT_EQ(loc->account, "acct");
  EXPECT_EQ(loc->blob_suffix, "blob.core.windows.net");
  EXPECT_EQ(loc->path, "my dir/x");
  EXPECT_FALSE(ParseAzureBlobUri("abfss://acct.dfs.core.windows.net/x").ok());
}

TEST(AzureBlobConfig, ConnectionStringWinsForWasbs) {
  ScopedEnv env;
  ClearAzure(env);
  env.Set("AZURE_STORAGE_CONNECTION_STRING",
          std::string("AccountName=devstoreaccount1;AccountKey=") + kKey + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1");
  env.Set("AZURE_STORAGE_ACCESS_KEY", "b3RoZXI=");
  env.Set("AZURE_STORAGE_SAS_TOKEN", "sv=1&sig=x");
  auto c = AzureBlobConfig::FromEnvironment(*ParseAzureBlobUri("wasbs://c@acct.blob.core.windows.net/p"));
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  EXPECT_EQ(c->account, "devstoreaccount1");
  EXPECT_EQ(c->account_key, "key-bytes");
  EXPECT_EQ(c->sas, "");
  // MLflow's abfss:// reads AZURE_STORAGE_SAS_TOKEN first.
  auto a = AzureBlobConfig::FromEnvironment(*ParseAzureBlobUri("abfss://c@acct.dfs.core.windows.net/p"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->endpoint, "https://acct.blob.core.windows.net");
  EXPECT_EQ(a->sas, "sv=1&sig=x");
  EXPECT_EQ(a->account_key, "");
}

TEST(AzureBlobConfig, AccessKeyThenSasUseTheUrisAccount) {
  ScopedEnv env;
  ClearAzure(env);
  auto loc = *ParseAzureBlobUri("wasbs://c@acct.blob.core.usgovcloudapi.net/p");
  env.Set("AZURE_STORAGE_ACCESS_KEY", kKey);
  auto c = AzureBlobConfig::FromEnvironment(loc);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->endpoint, "https://acct.blob.core.usgovcloudapi.net");
  EXPECT_EQ(c->account, "acct");
  EXPECT_EQ(c->account_key, "key-bytes");
  env.Unset("AZURE_STORAGE_ACCESS_KEY");
  env.Set("AZURE_STORAGE_SAS_TOKEN", "?sv=1&sig=x");
  auto s = AzureBlobConfig::FromEnvironment(loc);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->sas, "sv=1&sig=x");
  EXPECT_TRUE(s->verify_tls);
}

TEST(AzureBlobConfig, NoCredentialsNamesTheVariables) {
  ScopedEnv env;
  ClearAzure(env);
  auto c = AzureBlobConfig::FromEnvironment(*ParseAzureBlobUri("wasbs://c@acct.blob.core.windows.net/p"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(c.status().message().find("AZURE_STORAGE_CONNECTION_STRING"), std::string::npos);
  EXPECT_NE(c.status().message().find("AZURE_STORAGE_ACCESS_KEY"), std::string::npos);
  env.Set("AZURE_STORAGE_ACCESS_KEY", "***");
  EXPECT_FALSE(AzureBlobConfig::FromEnvironment(*ParseAzureBlobUri("wasbs://c@acct.blob.core.windows.net/p")).ok());
}

TEST(AzureBlobRepository, OpenedByScheme) {
  ScopedEnv env;
  ClearAzure(env);
  env.Set("AZURE_STORAGE_ACCESS_KEY", kKey);
  auto repo = OpenArtifactRepository("wasbs://c@acct.blob.core.windows.net/exp/");
  ASSERT_TRUE(repo.ok()) << repo.status().message();
  EXPECT_EQ((*repo)->root_uri(), "wasbs://c@acct.blob.core.windows.net/exp");
  EXPECT_TRUE((*repo)->SupportsMultipart());
  auto abfss = OpenArtifactRepository("abfss://fs@acct.dfs.core.windows.net/a/b");
  ASSERT_TRUE(abfss.ok());
  EXPECT_EQ((*abfss)->root_uri(), "abfss://fs@acct.dfs.core.windows.net/a/b");
  env.Unset("AZURE_STORAGE_ACCESS_KEY");
  env.Set("AZURE_STORAGE_SAS_TOKEN", "sv=1&sig=x");
  auto sas = OpenArtifactRepository("wasbs://c@acct.blob.core.windows.net/exp");
  ASSERT_TRUE(sas.ok());
  EXPECT_FALSE((*sas)->SupportsMultipart());  // SAS URLs for blocks need the account key
  EXPECT_EQ((*sas)->CreateMultipartUpload("a.bin", 2).status().code(), ErrorCode::kNotImplemented);
}

TEST(AzureBlobRepository, MultipartUrlsCarryBlockIdsAndASasThatCompleteReadsBack) {
  ScopedEnv env;
  ClearAzure(env);
  env.Set("AZURE_STORAGE_ACCESS_KEY", kKey);
  auto repo = OpenArtifactRepository("wasbs://c@acct.blob.core.windows.net/exp");
  ASSERT_TRUE(repo.ok());
  auto info = (*repo)->CreateMultipartUpload("run/model.bin", 12);
  ASSERT_TRUE(info.ok()) << info.status().message();
  ASSERT_EQ(info->credentials.size(), 12u);
  const std::string& u1 = info->credentials[0].url;
  EXPECT_EQ(u1.rfind("https://acct.blob.core.windows.net/c/exp/run/model.bin?comp=block&blockid=", 0), 0u) << u1;
  EXPECT_NE(u1.find("&sr=b&sp=rw&sig="), std::string::npos);
  // Fixed-width ids: every block id of a blob has one length.
  EXPECT_NE(u1.find("blockid=" + Base64Encode("mlflow_block_00001").substr(0, 16)), std::string::npos);
  EXPECT_EQ(info->credentials[11].url.size(), u1.size());
  EXPECT_EQ((*repo)->CreateMultipartUpload("../x", 1).status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ((*repo)->CreateMultipartUpload("x", 0).status().code(), ErrorCode::kInvalidParameterValue);
  std::vector<MultipartPart> parts = {{1, "", "https://h/c/x?comp=block&sig=x"}};
  EXPECT_EQ((*repo)->CompleteMultipartUpload("x", "", parts).code(), ErrorCode::kInvalidParameterValue);
  EXPECT_TRUE((*repo)->AbortMultipartUpload("x", "").ok());
}

TEST(GcsUri, Parse) {
  auto loc = ParseGcsUri("gs://bucket/a/b/");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->bucket, "bucket");
  EXPECT_EQ(loc->path, "a/b");
  EXPECT_EQ(ParseGcsUri("gs://bucket")->path, "");
  EXPECT_EQ(ParseGcsUri("gs:///x").status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(ParseGcsUri("s3://bucket/x").status().code(), ErrorCode::kInvalidParameterValue);
}

class GcsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gcs-config-" + RandomHex(6));
    fs::create_directories(dir_);
    ClearGcs(env_, dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  ScopedEnv env_;
  fs::path dir_;
};

TEST_F(GcsConfigTest, EmulatorIsAnonymousEvenWithCredentials) {
  env_.Set("STORAGE_EMULATOR_HOST", "127.0.0.1:9023");
  env_.Set("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent.json");
  auto c = GcsConfig::FromEnvironment();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:9023");
  EXPECT_FALSE(c->credentials);
}

TEST_F(GcsConfigTest, ServiceAccountFileAndEndpointOverride) {
  env_.Set("GOOGLE_APPLICATION_CREDENTIALS",
           Write("sa.json", R"({"type": "service_account", "client_email": "e", "private_key": "k"})"));
  env_.Set("API_ENDPOINT_OVERRIDE", "http://127.0.0.1:1234/");
  env_.Set("MLFLOW_GCS_UPLOAD_CHUNK_SIZE", "1000000");
  auto c = GcsConfig::FromEnvironment();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:1234");
  ASSERT_TRUE(c->credentials);
  EXPECT_EQ(c->credentials->client_email, "e");
  EXPECT_EQ(c->chunk_size, 1000000u);
}

TEST_F(GcsConfigTest, GcloudApplicationDefaultCredentialsThenAnonymous) {
  auto none = GcsConfig::FromEnvironment();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->endpoint, "https://storage.googleapis.com");
  EXPECT_FALSE(none->credentials);  // MLflow falls back to an anonymous client too
  Write(".config/gcloud/application_default_credentials.json",
        R"({"type": "authorized_user", "client_id": "id", "client_secret": "s", "refresh_token": "r"})");
  auto adc = GcsConfig::FromEnvironment();
  ASSERT_TRUE(adc.ok());
  ASSERT_TRUE(adc->credentials);
  EXPECT_EQ(adc->credentials->kind, GoogleCredentials::Kind::kAuthorizedUser);
}

TEST_F(GcsConfigTest, UnusableCredentialsFileIsRefused) {
  env_.Set("GOOGLE_APPLICATION_CREDENTIALS", Write("bad.json", "{"));
  EXPECT_EQ(GcsConfig::FromEnvironment().status().code(), ErrorCode::kInvalidParameterValue);
  env_.Set("GOOGLE_APPLICATION_CREDENTIALS", (dir_ / "missing.json").string());
  EXPECT_EQ(OpenArtifactRepository("gs://b/p").status().code(), ErrorCode::kInvalidParameterValue);
  env_.Unset("GOOGLE_APPLICATION_CREDENTIALS");
  env_.Set("MLFLOW_GCS_UPLOAD_CHUNK_SIZE", "lots");
  EXPECT_EQ(GcsConfig::FromEnvironment().status().code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(GcsConfigTest, OpenedByScheme) {
  env_.Set("STORAGE_EMULATOR_HOST", "http://127.0.0.1:9023");
  auto repo = OpenArtifactRepository("gs://bucket/exp/1/");
  ASSERT_TRUE(repo.ok()) << repo.status().message();
  EXPECT_EQ((*repo)->root_uri(), "gs://bucket/exp/1");
  EXPECT_FALSE((*repo)->SupportsMultipart());
  // Unsafe paths never reach the network.
  EXPECT_EQ((*repo)->List("../x").status().message(), "Invalid path");
  EXPECT_EQ((*repo)->Delete("").message(), "Invalid path");
}

TEST(OpenArtifactRepository, UnknownSchemeListsTheSupportedOnes) {
  auto r = OpenArtifactRepository("hdfs://x/y");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("wasbs, abfss, gs"), std::string::npos);
}

}  // namespace
}  // namespace mlflow::artifacts
