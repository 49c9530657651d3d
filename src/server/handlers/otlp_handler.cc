// POST /v1/traces: OTLP/HTTP span ingestion as MLflow's server answers it (docs/reference/tracing.md
// section 3). The handler decodes the transport (headers, compression, protobuf or JSON, spans to
// MLflow's form); the TracingService applies the batch rules and stores it. Answers: FastAPI-style {"detail": ...} bodies for transport and format errors, MLflow's error
// JSON for store errors, an empty ExportTraceServiceResponse on success.
#include <zlib.h>

#include <nlohmann/json.hpp>

#include "server/handlers/json_render.h"
#include "server/handlers/trace_handlers.h"
#include "tracing/otlp.h"
#include "tracing/span_convert.h"

namespace mlflow::server {
namespace {

// The decompressed body may not grow past the request body limit.
constexpr size_t kMaxInflated = 256ull << 20;

HttpResponse Detail(int status, const nlohmann::json& detail) {
  HttpResponse r;
  r.status = status;
  r.body = nlohmann::json{{"detail", detail}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

// zlib inflate with the given window bits (gzip: 16 + 15, zlib: 15, raw deflate: -15); every
// gzip member is read, as Python's gzip.decompress does.
std::optional<std::string> Inflate(const std::string& in, int window_bits) {
  std::string out;
  size_t pos = 0;
  do {
    z_stream zs{};
    if (inflateInit2(&zs, window_bits) != Z_OK) return std::nullopt;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + pos));
    zs.avail_in = static_cast<uInt>(in.size() - pos);
    char buf[64 * 1024];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      rc = inflate(&zs, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END) {
        inflateEnd(&zs);
        return std::nullopt;
      }
      out.append(buf, sizeof buf - zs.avail_out);
      if (out.size() > kMaxInflated || (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0)) {
        inflateEnd(&zs);
        return std::nullopt;  // too large, or truncated input
      }
    }
    pos = in.size() - zs.avail_in;
    inflateEnd(&zs);
  } while (window_bits > 15 && pos < in.size());
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

HttpResponse HandleOtlpTraces(ApiContext& ctx, const HttpRequest& req) {
  auto experiment = req.headers.find("x-mlflow-experiment-id");
  if (experiment == req.headers.end()) {
    return Detail(422, nlohmann::json::array({{{"type", "missing"},
                                               {"loc", {"header", "x-mlflow-experiment-id"}},
                                               {"msg", "Field required"},
                                               {"input", nullptr}}}));
  }
  auto ct = req.headers.find("content-type");
  std::string media = ct == req.headers.end() ? "" : Trim(ct->second.substr(0, ct->second.find(';')));
  if (media != "application/x-protobuf" && media != "application/json") {
    return Detail(400, "Invalid Content-Type: " + (ct == req.headers.end() ? std::string("None") : ct->second) +
                           ". Expected: application/x-protobuf or application/json");
  }
  std::string body = req.body;
  if (auto enc = req.headers.find("content-encoding"); enc != req.headers.end() && !enc->second.empty()) {
    std::string e = Lower(enc->second);
    if (e == "gzip") {
      std::optional<std::string> out = Inflate(body, 16 + MAX_WBITS);
      if (!out) return Detail(400, "Failed to decompress gzip payload");
      body = std::move(*out);
    } else if (e == "deflate") {
      std::optional<std::string> out = Inflate(body, MAX_WBITS);
      if (!out) out = Inflate(body, -MAX_WBITS);  // raw DEFLATE, as some clients send
      if (!out) return Detail(400, "Failed to decompress deflate payload");
      body = std::move(*out);
    } else {
      return Detail(400, "Unsupported Content-Encoding: " + e);
    }
  }
  Result<tracing::OtlpRequest> request =
      media == "application/json" ? tracing::DecodeOtlpJson(body) : tracing::DecodeOtlpProtobuf(body);
  if (!request.ok()) return Detail(400, "Invalid OpenTelemetry format");
  if (request->resource_spans.empty()) return Detail(400, "Invalid OpenTelemetry format - no spans found");

  Result<std::vector<tracing::ConvertedSpan>> spans = tracing::ConvertOtlpRequest(*request);
  if (!spans.ok()) return Detail(422, spans.status().message());
  std::optional<std::string> run_id;
  if (auto run = req.headers.find("x-mlflow-run-id"); run != req.headers.end()) run_id = run->second;
  if (Status st = ctx.tracing->LogSpans(experiment->second, std::move(*spans), *request, run_id); !st.ok()) {
    return ErrorResponse(st);
  }
  HttpResponse ok;
  ok.content_type = "application/x-protobuf";
  return ok;
}

}  // namespace mlflow::server
