// The retry schedule and the statuses retried: the Python client's (docs/reference/client.md).
#include <gtest/gtest.h>

#include "client/http_session.h"
#include "mlflow/error.h"

namespace mlflow::client_internal {
namespace {

TEST(RetryPolicy, PythonClientDefaultsAndSchedule) {
  RetryPolicy p;
  EXPECT_EQ(p.max_retries, 7);
  EXPECT_EQ(p.backoff_factor, 2);
  EXPECT_EQ(p.timeout_seconds, 120);
  p.backoff_jitter = 0;
  EXPECT_EQ(p.BackoffSeconds(1), 0);  // urllib3 retries the first failure at once
  EXPECT_EQ(p.BackoffSeconds(2), 4);
  EXPECT_EQ(p.BackoffSeconds(3), 8);
  EXPECT_EQ(p.BackoffSeconds(7), 120);  // capped
  p.backoff_jitter = 1.0;
  for (int i = 0; i < 100; ++i) {
    double s = p.BackoffSeconds(2);
    EXPECT_GE(s, 4);
    EXPECT_LE(s, 5);
  }
}

TEST(RetryPolicy, TransientStatuses) {
  for (long s : {408, 429, 500, 502, 503, 504}) EXPECT_TRUE(IsTransientHttpStatus(s)) << s;
  for (long s : {200, 400, 401, 403, 404, 501}) EXPECT_FALSE(IsTransientHttpStatus(s)) << s;
}

TEST(RetryPolicy, FromEnvironment) {
  setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2", 1);
  setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5", 1);
  RetryPolicy p = RetryPolicy::FromEnvironment();
  EXPECT_EQ(p.max_retries, 2);
  EXPECT_EQ(p.timeout_seconds, 5);
  setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "lots", 1);
  EXPECT_THROW(RetryPolicy::FromEnvironment(), MlflowError);
  unsetenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES");
  unsetenv("MLFLOW_HTTP_REQUEST_TIMEOUT");
}

// Nothing listens on port 1: the session retries, then reports TEMPORARILY_UNAVAILABLE.
TEST(HttpSession, UnreachableServerAfterRetries) {
  RetryPolicy p;
  p.max_retries = 2;
  p.backoff_factor = 0.01;
  p.backoff_jitter = 0;
  HttpSession s("http://127.0.0.1:1", p);
  try {
    s.Call("GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", "");
    FAIL() << "no error";
  } catch (const MlflowError& e) {
    EXPECT_EQ(e.error_code(), "TEMPORARILY_UNAVAILABLE");
    EXPECT_NE(std::string(e.what()).find("3 attempts"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mlflow::client_internal
