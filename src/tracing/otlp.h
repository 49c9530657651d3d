#pragma once
// OTLP trace export requests (opentelemetry/proto/collector/trace/v1 ExportTraceServiceRequest),
// decoded from the protobuf wire format or from OTLP/JSON, as MLflow's `POST /v1/traces` reads
// them (docs/reference/tracing.md section 3). Only the fields MLflow uses are kept; unknown fields
// are skipped, as protobuf does.
//
// Attribute values are decoded the way MLflow's server decodes an AnyValue: string, bool, int,
// double, list (array_value), object (kvlist_value, later keys win), null (unset); bytes_value
// becomes Python's repr of the bytes ("b'...'"), which is what MLflow ends up storing for them.
//
//   Result<OtlpRequest> req = DecodeOtlpProtobuf(body);
//   if (!req.ok()) return 400 {"detail": req.status().message()};
//   for (const OtlpResourceSpans& rs : req->resource_spans) for (const OtlpSpan& s : rs.spans) ...
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "tracing/json.h"

namespace mlflow::tracing {

struct OtlpKeyValue {
  std::string key;
  Json value;  // decoded AnyValue (null when unset)
  std::optional<std::string> raw_bytes;  // the bytes, when the value was a bytes_value
};

struct OtlpEvent {
  uint64_t time_unix_nano = 0;
  std::string name;
  std::vector<OtlpKeyValue> attributes;
};

struct OtlpLink {
  std::string trace_id;  // raw bytes
  std::string span_id;   // raw bytes
  std::vector<OtlpKeyValue> attributes;
};

// Status.code values.
enum OtlpStatusCode : int { kStatusUnset = 0, kStatusOk = 1, kStatusError = 2 };

struct OtlpSpan {
  std::string trace_id;        // raw bytes (16 expected)
  std::string span_id;         // raw bytes (8 expected)
  std::string parent_span_id;  // raw bytes, empty for a root span
  std::string name;
  uint64_t start_time_unix_nano = 0;
  uint64_t end_time_unix_nano = 0;  // 0 when unset
  std::vector<OtlpKeyValue> attributes;
  std::vector<OtlpEvent> events;
  std::vector<OtlpLink> links;
  int status_code = kStatusUnset;
  std::string status_message;
};

// One ResourceSpans: the resource's attributes and the spans of all its scopes, in order.
struct OtlpResourceSpans {
  std::vector<OtlpKeyValue> resource_attributes;
  std::vector<OtlpSpan> spans;
};

struct OtlpRequest {
  std::vector<OtlpResourceSpans> resource_spans;
};

// Binary protobuf. INVALID_PARAMETER_VALUE "Invalid OpenTelemetry format" when the bytes are not
// an ExportTraceServiceRequest (truncated data, bad lengths, invalid UTF-8 in a string field,
// nesting deeper than protobuf allows).
Result<OtlpRequest> DecodeOtlpProtobuf(std::string_view bytes);

// OTLP/JSON: camelCase or proto field names, trace/span ids of spans in hex (links' ids in
// base64, as MLflow's server reads them), int64 as numbers or strings, enums as numbers or names.
// Same error as DecodeOtlpProtobuf for anything protobuf's JSON parser refuses.
Result<OtlpRequest> DecodeOtlpJson(std::string_view text);

// The binary protobuf of a request (tests, the benchmark's OTLP clients). Attribute values are
// written by their JSON type: string, bool, integer, double, array, object, null (unset).
std::string EncodeOtlpProtobuf(const OtlpRequest& request);

}  // namespace mlflow::tracing
