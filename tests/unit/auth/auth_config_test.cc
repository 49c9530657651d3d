#include "auth/auth_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace mlflow::auth {
namespace {

class AuthConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("auth_config_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    for (const char* v : {"MLFLOW_AUTH_CONFIG_PATH", "MLFLOW_AUTH_ADMIN_USERNAME", "MLFLOW_AUTH_ADMIN_PASSWORD",
                          "MLFLOW_FLASK_SERVER_SECRET_KEY"}) {
      unsetenv(v);
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& text) {
    auto p = dir_ / "basic_auth.ini";
    std::ofstream(p) << text;
    return p.string();
  }
  std::filesystem::path dir_;
};

TEST_F(AuthConfigTest, ParsesIniLikeConfigparser) {
  auto m = ParseIniSection("[other]\nx = 1\n[mlflow]\n# c\nDefault_Permission = EDIT\ndatabase_uri: sqlite:///a.db\n",
                           "mlflow");
  EXPECT_EQ(m["default_permission"], "EDIT");
  EXPECT_EQ(m["database_uri"], "sqlite:///a.db");
  EXPECT_EQ(m.count("x"), 0u);
}

TEST_F(AuthConfigTest, NeedsTheSecretKey) {
  setenv("MLFLOW_AUTH_CONFIG_PATH", Write("[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///a.db\n").c_str(), 1);
  Result<AuthConfig> c = LoadAuthConfig();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("secret key"), std::string::npos);
  setenv("MLFLOW_FLASK_SERVER_SECRET_KEY", "k", 1);
  c = LoadAuthConfig();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_FALSE(c->admin_username.has_value());
  EXPECT_FALSE(c->admin_password.has_value());
}

// MLflow imports `authorization_function` as a Python callable; this server cannot, so it accepts
// only MLflow's own Basic one (spelt out or left out) and refuses any other at startup, by name.
TEST_F(AuthConfigTest, AuthorizationFunctionOnlyTheBasicDefault) {
  setenv("MLFLOW_FLASK_SERVER_SECRET_KEY", "k", 1);
  const std::string base = "[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///a.db\n";
  setenv("MLFLOW_AUTH_CONFIG_PATH", Write(base).c_str(), 1);
  Result<AuthConfig> c = LoadAuthConfig();
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->authorization_function, "mlflow.server.auth:authenticate_request_basic_auth");
  setenv("MLFLOW_AUTH_CONFIG_PATH",
         Write(base + "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n").c_str(), 1);
  EXPECT_TRUE(LoadAuthConfig().ok());
  setenv("MLFLOW_AUTH_CONFIG_PATH", Write(base + "authorization_function = my_company.auth:check_jwt\n").c_str(), 1);
  c = LoadAuthConfig();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(c.status().message().find("my_company.auth:check_jwt"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("only HTTP Basic"), std::string::npos) << c.status().message();
}

TEST_F(AuthConfigTest, EnvironmentWinsEvenWhenEmpty) {
  setenv("MLFLOW_FLASK_SERVER_SECRET_KEY", "k", 1);
  setenv("MLFLOW_AUTH_CONFIG_PATH",
         Write("[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///a.db\nadmin_username = boss\n"
               "admin_password = from-the-file-123\n")
             .c_str(),
         1);
  setenv("MLFLOW_AUTH_ADMIN_PASSWORD", "", 1);
  Result<AuthConfig> c = LoadAuthConfig();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c->admin_username, "boss");
  EXPECT_FALSE(c->admin_password.has_value());
  setenv("MLFLOW_AUTH_ADMIN_PASSWORD", "from-the-env-123", 1);
  EXPECT_EQ(*LoadAuthConfig()->admin_password, "from-the-env-123");
}

TEST_F(AuthConfigTest, RefusesAnUnknownDefaultPermission) {
  setenv("MLFLOW_FLASK_SERVER_SECRET_KEY", "k", 1);
  setenv("MLFLOW_AUTH_CONFIG_PATH", Write("[mlflow]\ndefault_permission = REED\ndatabase_uri = sqlite:///a.db\n").c_str(), 1);
  EXPECT_FALSE(LoadAuthConfig().ok());
}

}  // namespace
}  // namespace mlflow::auth
