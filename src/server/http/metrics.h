#pragma once
// Request metrics in Prometheus' text format (README "Monitoring"), kept by HttpServer when
// `--expose-prometheus` is given: MLflow's own series (mlflow_http_request_total and the
// mlflow_http_request_duration_seconds histogram, labelled as MLflow's exporter labels them) and
// ours per endpoint (the route pattern, so ids in paths do not multiply series), in-flight
// requests and artifact bytes. Thread-safe; Record costs one mutex and a map lookup.
//
//   HttpMetrics m("3.17.2");
//   m.Record("POST", "/api/2.0/mlflow/runs/create", 200, 0.004);
//   std::string text = m.Render(/*in_flight=*/1);
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace mlflow::server {

class HttpMetrics {
 public:
  // Upper bounds of the latency buckets, seconds (prometheus_client's defaults, which MLflow's use).
  static constexpr std::array<double, 14> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                                      0.5,   0.75, 1.0,   2.5,  5.0,   7.5, 10.0};

  explicit HttpMetrics(std::string mlflow_version);

  // One finished request. endpoint: the matched route pattern ("" for no route).
  void Record(const std::string& method, const std::string& endpoint, int status, double seconds);
  void AddArtifactBytes(bool upload, uint64_t n) { (upload ? bytes_in_ : bytes_out_) += n; }

  // The exposition text (version 0.0.4) of everything recorded so far.
  std::string Render(int in_flight) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};  // non-cumulative counts
    uint64_t count = 0;
    double sum = 0;
    void Observe(double v);
  };

  std::string version_;
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> by_endpoint_;  // method, endpoint, status
  std::map<std::pair<std::string, std::string>, Histogram> latency_by_endpoint_;
  std::map<std::pair<std::string, int>, Histogram> latency_;  // MLflow's series: method, status
  std::atomic<uint64_t> bytes_in_{0};
  std::atomic<uint64_t> bytes_out_{0};
};

// Escapes a Prometheus label value.
std::string PromLabel(const std::string& v);

// A "# HELP / # TYPE" pair.
void AppendPromHeader(std::string& out, const char* name, const char* type, const char* help);
// One histogram's sample lines: `counts` are non-cumulative per upper bound in `bounds` (values over
// the last bound only in `count`); labels: "" or `a="x",b="y"`.
void AppendPromHistogram(std::string& out, const std::string& name, const std::string& labels, const double* bounds,
                         const uint64_t* counts, size_t n, uint64_t count, double sum);

}  // namespace mlflow::server
