#pragma once
// OTLP spans to MLflow spans, and stored MLflow spans back to OTLP JSON
// (docs/reference/tracing.md section 4).
//
// Ingest (`POST /v1/traces`): each OTLP span becomes the row MLflow's server writes to the `spans`
// table: the MLflow trace id ("tr-" + 32 hex of the OTLP trace id), 16-hex span ids, and the span
// as JSON (json.dumps of MLflow's Span.to_dict: base64 ids, attribute values as JSON text, a
// double-encoded string value unwrapped once). Then the spans of each trace are grouped with
// what MLflow derives from them for the trace row (time range, status, usage, tags, previews).
//
// Read (`GET /mlflow/traces/get`, batchGet): stored span JSON back to the OTLP span JSON of the
// Trace proto (typed AnyValues, base64 ids, numbers for int64).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/status.h"
#include "core/trace_entities.h"
#include "tracing/otlp.h"
#include "tracing/json.h"
#include "tracing/trace_rules.h"

namespace mlflow::tracing {

// The bytes of an OTLP id read as a big-endian integer, in hex, zero-padded to at least 32 (trace)
// or 16 (span) digits, as MLflow formats ids.
std::string TraceIdHex(std::string_view bytes);
std::string SpanIdHex(std::string_view bytes);

// One converted span: its row and its stored attributes (key -> JSON text), for the trace rules.
struct ConvertedSpan {
  SpanRecord record;
  Json attributes;  // object, in stored order
  bool root = false;
  size_t resource_index = 0;  // which ResourceSpans of the request it came from
};

// Converts every span of the request. Errors carry the detail MLflow's endpoint answers with
// status 422: "Cannot convert OpenTelemetry span to MLflow span" (a span without trace or span
// id) and "Failed to log OpenTelemetry spans" (ids wider than 128 / 64 bits, times beyond int64).
// Roots of a resource whose service.name is a known OTel client get that service.name attribute.
Result<std::vector<ConvertedSpan>> ConvertOtlpRequest(const OtlpRequest& request);

// Everything log_spans needs about one trace of a batch, derived from its spans alone.
struct TraceSpanBatch {
  std::string trace_id;
  std::vector<SpanRecord> spans;
  int64_t min_start_ms = 0;
  std::optional<int64_t> max_end_ms;
  std::optional<std::string> root_state;  // "OK" / "ERROR" from the root span's status
  std::vector<AggregationNode> usage_nodes;
  std::vector<AggregationNode> cost_nodes;
  std::optional<Json> usage;  // aggregated over this batch's spans
  std::optional<Json> cost;
  std::optional<std::string> session_id;  // first session.id / gen_ai.conversation.id (validated)
  std::optional<std::string> user_id;     // first user.id
  bool has_root = false;
  std::optional<std::string> request_preview;   // from the root span's inputs, if any
  std::optional<std::string> response_preview;  // from the root span's outputs, if any
  std::vector<KeyValue> resource_tags;          // resource attributes kept as trace tags
  std::vector<KeyValue> root_tags;              // mlflow.traceTag.* of the root (trace name included)
};

// Groups converted spans by trace, in first-seen order. INVALID_PARAMETER_VALUE for a session id
// over 250 characters or a trace name over 4096 (MLflow refuses the batch); aggregation errors
// as AggregateUsage.
Result<std::vector<TraceSpanBatch>> GroupSpansByTrace(std::vector<ConvertedSpan> spans, const OtlpRequest& request);

// A stored span (its JSON text) as the OTLP Span JSON of the Trace proto, appended to `out`.
// INVALID_STATE when the stored text is not a span MLflow can read.
Status AppendSpanProtoJson(std::string& out, std::string_view stored);

// The span-level analytics MLflow 3.17 keeps in span columns (cost from mlflow.llm.cost, model
// name and provider from mlflow.llm.model / mlflow.llm.provider, cut to 500 characters), from a
// span's attributes (their stored text) or from its stored JSON.
struct SpanAnalytics {
  std::optional<double> input_cost;
  std::optional<double> output_cost;
  std::optional<double> total_cost;
  std::optional<std::string> model_name;
  std::optional<std::string> model_provider;
};
SpanAnalytics SpanAnalyticsOf(const Json& attributes);
SpanAnalytics StoredSpanAnalytics(std::string_view stored);

// The stored JSON's attribute value `key`, decoded (for filters and aggregation of stored spans).
std::optional<std::string> StoredAttribute(std::string_view stored, std::string_view key);

}  // namespace mlflow::tracing
