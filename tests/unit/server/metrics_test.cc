#include "server/http/metrics.h"

#include <gtest/gtest.h>

namespace mlflow::server {
namespace {

bool Has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

TEST(HttpMetrics, CountsAndCumulativeBuckets) {
  HttpMetrics m("3.17.2");
  m.Record("POST", "/api/2.0/mlflow/runs/create", 200, 0.003);
  m.Record("POST", "/api/2.0/mlflow/runs/create", 200, 0.2);
  m.Record("POST", "/api/2.0/mlflow/runs/create", 400, 20.0);
  m.AddArtifactBytes(true, 10);
  m.AddArtifactBytes(false, 7);
  std::string t = m.Render(2);
  EXPECT_TRUE(Has(t, R"(mlflow_cpp_http_requests_total{method="POST",endpoint="/api/2.0/mlflow/runs/create",status="200"} 2)"));
  EXPECT_TRUE(Has(t, R"(mlflow_cpp_http_requests_total{method="POST",endpoint="/api/2.0/mlflow/runs/create",status="400"} 1)"));
  const std::string l = R"(method="POST",endpoint="/api/2.0/mlflow/runs/create")";
  EXPECT_TRUE(Has(t, "mlflow_cpp_http_request_duration_seconds_bucket{" + l + R"(,le="0.005"} 1)"));
  EXPECT_TRUE(Has(t, "mlflow_cpp_http_request_duration_seconds_bucket{" + l + R"(,le="0.25"} 2)"));
  EXPECT_TRUE(Has(t, "mlflow_cpp_http_request_duration_seconds_bucket{" + l + R"(,le="10.0"} 2)"));
  EXPECT_TRUE(Has(t, "mlflow_cpp_http_request_duration_seconds_bucket{" + l + R"(,le="+Inf"} 3)"));
  EXPECT_TRUE(Has(t, "mlflow_cpp_http_request_duration_seconds_count{" + l + "} 3"));
  EXPECT_TRUE(Has(t, R"(mlflow_http_request_total{method="POST",status="200"} 2)"));
  EXPECT_TRUE(Has(t, R"(mlflow_http_request_duration_seconds_count{method="POST",mlflow_version="3.17.2",status="400"} 1)"));
  EXPECT_TRUE(Has(t, "mlflow_cpp_http_in_flight_requests 2"));
  EXPECT_TRUE(Has(t, R"(mlflow_cpp_artifact_bytes_total{direction="upload"} 10)"));
  EXPECT_TRUE(Has(t, R"(mlflow_cpp_artifact_bytes_total{direction="download"} 7)"));
  EXPECT_TRUE(Has(t, "# TYPE mlflow_cpp_http_request_duration_seconds histogram"));
}

TEST(HttpMetrics, LabelValuesAreEscaped) {
  EXPECT_EQ(PromLabel(R"(a"b\c)" "\n"), R"(a\"b\\c\n)");
}

}  // namespace
}  // namespace mlflow::server
