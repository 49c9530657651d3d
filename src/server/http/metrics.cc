#include "server/http/metrics.h"

#include <cstdio>

namespace mlflow::server {
namespace {

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

std::string Le(double bound) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", bound);
  std::string s = buf;
  if (s.find('.') == std::string::npos && s.find('e') == std::string::npos) s += ".0";
  return s;
}

void Header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

template <class H>
void WriteHistogram(std::string& out, const std::string& name, const std::string& labels, const H& h) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < HttpMetrics::kBuckets.size(); ++i) {
    cumulative += h.buckets[i];
    out += name + "_bucket{" + labels + ",le=\"" + Le(HttpMetrics::kBuckets[i]) + "\"} " + std::to_string(cumulative) +
           "\n";
  }
  out += name + "_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
  out += name + "_count{" + labels + "} " + std::to_string(h.count) + "\n";
  out += name + "_sum{" + labels + "} " + Num(h.sum) + "\n";
}

}  // namespace

void AppendPromHeader(std::string& out, const char* name, const char* type, const char* help) {
  Header(out, name, type, help);
}

void AppendPromHistogram(std::string& out, const std::string& name, const std::string& labels, const double* bounds,
                         const uint64_t* counts, size_t n, uint64_t count, double sum) {
  std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < n; ++i) {
    cumulative += counts[i];
    out += name + "_bucket{" + labels + sep + "le=\"" + Le(bounds[i]) + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(count) + "\n";
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_count" + braces + " " + std::to_string(count) + "\n";
  out += name + "_sum" + braces + " " + Num(sum) + "\n";
}

std::string PromLabel(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

HttpMetrics::HttpMetrics(std::string mlflow_version) : version_(std::move(mlflow_version)) {}

void HttpMetrics::Histogram::Observe(double v) {
  ++count;
  sum += v;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (v <= kBuckets[i]) {
      ++buckets[i];
      return;
    }
  }
}

void HttpMetrics::Record(const std::string& method, const std::string& endpoint, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++by_endpoint_[{method, endpoint, status}];
  latency_by_endpoint_[{method, endpoint}].Observe(seconds);
  latency_[{method, status}].Observe(seconds);
}

std::string HttpMetrics::Render(int in_flight) const {
  std::string out;
  std::lock_guard lock(mu_);
  // MLflow's exporter series (prometheus_flask_exporter with the "mlflow" prefix, grouped by version).
  Header(out, "mlflow_http_request_total", "counter", "Total number of HTTP requests by method and status.");
  std::map<std::pair<std::string, int>, uint64_t> totals;
  for (const auto& [key, n] : by_endpoint_) totals[{std::get<0>(key), std::get<2>(key)}] += n;
  for (const auto& [key, n] : totals) {
    out += "mlflow_http_request_total{method=\"" + PromLabel(key.first) + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  Header(out, "mlflow_http_request_duration_seconds", "histogram", "HTTP request duration in seconds.");
  for (const auto& [key, h] : latency_) {
    WriteHistogram(out, "mlflow_http_request_duration_seconds",
                   "method=\"" + PromLabel(key.first) + "\",mlflow_version=\"" + PromLabel(version_) +
                       "\",status=\"" + std::to_string(key.second) + "\"",
                   h);
  }
  // Ours, per endpoint.
  Header(out, "mlflow_cpp_http_requests_total", "counter", "HTTP requests by method, route and status.");
  for (const auto& [key, n] : by_endpoint_) {
    out += "mlflow_cpp_http_requests_total{method=\"" + PromLabel(std::get<0>(key)) + "\",endpoint=\"" +
           PromLabel(std::get<1>(key)) + "\",status=\"" + std::to_string(std::get<2>(key)) + "\"} " +
           std::to_string(n) + "\n";
  }
  Header(out, "mlflow_cpp_http_request_duration_seconds", "histogram", "HTTP request latency by method and route.");
  for (const auto& [key, h] : latency_by_endpoint_) {
    WriteHistogram(out, "mlflow_cpp_http_request_duration_seconds",
                   "method=\"" + PromLabel(key.first) + "\",endpoint=\"" + PromLabel(key.second) + "\"", h);
  }
  Header(out, "mlflow_cpp_http_in_flight_requests", "gauge", "Requests being served.");
  out += "mlflow_cpp_http_in_flight_requests " + std::to_string(in_flight) + "\n";
  Header(out, "mlflow_cpp_artifact_bytes_total", "counter", "Artifact bytes through the server by direction.");
  out += "mlflow_cpp_artifact_bytes_total{direction=\"upload\"} " + std::to_string(bytes_in_.load()) + "\n";
  out += "mlflow_cpp_artifact_bytes_total{direction=\"download\"} " + std::to_string(bytes_out_.load()) + "\n";
  return out;
}

}  // namespace mlflow::server
