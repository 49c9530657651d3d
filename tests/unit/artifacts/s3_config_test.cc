#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "artifacts/http_repository.h"
#include "artifacts/s3_repository.h"
#include "unit/artifacts/scoped_env.h"

namespace mlflow::artifacts {
namespace {
namespace fs = std::filesystem;

TEST(S3Config, EnvironmentVariablesWin) {
  ScopedEnv env;
  env.Set("AWS_ACCESS_KEY_ID", "AK");
  env.Set("AWS_SECRET_ACCESS_KEY", "SK");
  env.Set("AWS_SESSION_TOKEN", "TOK");
  env.Set("AWS_DEFAULT_REGION", "eu-west-3");
  env.Unset("AWS_REGION");
  env.Set("MLFLOW_S3_ENDPOINT_URL", "http://127.0.0.1:9000/");
  env.Set("MLFLOW_S3_IGNORE_TLS", "true");
  S3Config c = S3Config::FromEnvironment();
  EXPECT_EQ(c.credentials.access_key, "AK");
  EXPECT_EQ(c.credentials.secret_key, "SK");
  EXPECT_EQ(c.credentials.session_token, "TOK");
  EXPECT_EQ(c.region, "eu-west-3");
  EXPECT_EQ(c.endpoint, "http://127.0.0.1:9000");
  EXPECT_FALSE(c.verify_tls);
}

TEST(S3Config, SharedCredentialsAndConfigFilesWithProfile) {
  fs::path dir = fs::temp_directory_path() / ("s3cfg-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "credentials") << "[default]\naws_access_key_id = DEF\naws_secret_access_key = DEFS\n\n"
                                     << "[ci]\naws_access_key_id=CIK\naws_secret_access_key = CIS\n";
  std::ofstream(dir / "config") << "[default]\nregion = us-west-1\n[profile ci]\nregion = ap-south-1\n";
  ScopedEnv env;
  env.Unset("AWS_ACCESS_KEY_ID");
  env.Unset("AWS_SECRET_ACCESS_KEY");
  env.Unset("AWS_SESSION_TOKEN");
  env.Unset("AWS_REGION");
  env.Unset("AWS_DEFAULT_REGION");
  env.Unset("MLFLOW_S3_ENDPOINT_URL");
  env.Set("AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string());
  env.Set("AWS_CONFIG_FILE", (dir / "config").string());
  env.Set("AWS_PROFILE", "ci");
  S3Config c = S3Config::FromEnvironment();
  EXPECT_EQ(c.credentials.access_key, "CIK");
  EXPECT_EQ(c.credentials.secret_key, "CIS");
  EXPECT_EQ(c.region, "ap-south-1");
  EXPECT_EQ(c.endpoint, "https://s3.ap-south-1.amazonaws.com");
  env.Unset("AWS_PROFILE");
  c = S3Config::FromEnvironment();
  EXPECT_EQ(c.credentials.access_key, "DEF");
  EXPECT_EQ(c.region, "us-west-1");
  fs::remove_all(dir);
}

TEST(S3Repository, UriAndCredentialChecks) {
  S3Config c;
  EXPECT_FALSE(S3ArtifactRepository::Create("s3://bucket/x", c).ok());  // no credentials
  c.credentials = {"a", "b", ""};
  auto repo = S3ArtifactRepository::Create("s3://bucket/some/prefix/", c);
  ASSERT_TRUE(repo.ok());
  EXPECT_EQ((*repo)->root_uri(), "s3://bucket/some/prefix");
  EXPECT_FALSE(S3ArtifactRepository::Create("s3:///nobucket", c).ok());
  EXPECT_EQ((*repo)->List("../x").status().message(), "Invalid path");
}

TEST(HttpRepository, ResolvesMlflowArtifactsUris) {
  EXPECT_EQ(*ResolveMlflowArtifactsUri("mlflow-artifacts:/0/abc/artifacts", "http://h:5000"),
            "http://h:5000/api/2.0/mlflow-artifacts/artifacts/0/abc/artifacts");
  EXPECT_EQ(*ResolveMlflowArtifactsUri("mlflow-artifacts://other:81/1/x", "https://h/prefix/"),
            "https://other:81/prefix/api/2.0/mlflow-artifacts/artifacts/1/x");
  EXPECT_EQ(*ResolveMlflowArtifactsUri("mlflow-artifacts:/", "http://h"), "http://h/api/2.0/mlflow-artifacts/artifacts");
  EXPECT_FALSE(ResolveMlflowArtifactsUri("mlflow-artifacts:/0", "sqlite:///x.db").ok());
}

TEST(HttpRepository, ErrorBodies) {
  Status st = StatusFromHttp(404, R"({"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "No such artifact"})", "x");
  EXPECT_EQ(st.code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(st.message(), "No such artifact");
  EXPECT_EQ(StatusFromHttp(503, "disabled", "x").code(), ErrorCode::kTemporarilyUnavailable);
  EXPECT_EQ(StatusFromHttp(404, "<html>", "x").code(), ErrorCode::kEndpointNotFound);
}

}  // namespace
}  // namespace mlflow::artifacts
