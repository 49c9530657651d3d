// OTLP ExportTraceServiceRequest decoding: protobuf bytes written by the Python protobuf runtime,
// OTLP/JSON as MLflow's endpoint reads it, and malformed input (refused, never a crash).
#include "tracing/otlp.h"

#include <gtest/gtest.h>

#include <string>

namespace mlflow::tracing {
namespace {

std::string Unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
  return out;
}

// Written by opentelemetry-proto's Python classes: one span with a nested kvlist/array attribute,
// bytes, an event, a link, an error status, a resource and a scope.
const char* kGolden =
    "0aed010a170a150a0c736572766963652e6e616d6512050a0373766312d1010a050a036c696212c7010a10010203040506"
    "0708090a0b0c0d0e0f1012081112131415161718220821222324252627282a077370616e20c3a930023900002a36fe9c97"
    "17410065f753fe9c97174a350a036f626a122e322c0a100a0178120b18fdffffffffffffffff010a180a017912132a110a"
    "0921000000000000f83f0a0210010a004a0a0a016212053a030027615a17090500000000000000120265761a080a016b12"
    "030a01766a1c0a1000000000000000000000000000000000120800000000000000017a081204626f6f6d1802";

TEST(Otlp, DecodesPythonProtobuf) {
  auto r = DecodeOtlpProtobuf(Unhex(kGolden));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->resource_spans.size(), 1u);
  const auto& rs = r->resource_spans[0];
  ASSERT_EQ(rs.resource_attributes.size(), 1u);
  EXPECT_EQ(rs.resource_attributes[0].value, "svc");
  ASSERT_EQ(rs.spans.size(), 1u);
  const OtlpSpan& s = rs.spans[0];
  EXPECT_EQ(s.trace_id, Unhex("0102030405060708090a0b0c0d0e0f10"));
  EXPECT_EQ(s.parent_span_id, Unhex("2122232425262728"));
  EXPECT_EQ(s.name, "span é");
  EXPECT_EQ(s.start_time_unix_nano, 1700000000000000000ull);
  EXPECT_EQ(s.end_time_unix_nano, 1700000000500000000ull);
  ASSERT_EQ(s.attributes.size(), 2u);
  EXPECT_EQ(PyJsonDumps(s.attributes[0].value), R"({"x": -3, "y": [1.5, true, null]})");
  EXPECT_EQ(s.attributes[1].value, "b\"\\x00'a\"");
  EXPECT_EQ(*s.attributes[1].raw_bytes, std::string("\0'a", 3));
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].name, "ev");
  EXPECT_EQ(s.events[0].time_unix_nano, 5u);
  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_EQ(s.links[0].span_id, Unhex("0000000000000001"));
  EXPECT_EQ(s.status_code, kStatusError);
  EXPECT_EQ(s.status_message, "boom");
}

TEST(Otlp, EncodeDecodeRoundTrip) {
  OtlpRequest req;
  req.resource_spans.emplace_back();
  OtlpSpan s;
  s.trace_id = std::string(16, '\x07');
  s.span_id = std::string(8, '\x01');
  s.name = "n";
  s.start_time_unix_nano = 42;
  s.attributes.push_back({"k", Json::object({{"a", Json::array({1, "x"})}}), std::nullopt});
  s.status_code = kStatusOk;
  req.resource_spans[0].spans.push_back(s);
  auto back = DecodeOtlpProtobuf(EncodeOtlpProtobuf(req));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->resource_spans[0].spans[0].trace_id, s.trace_id);
  EXPECT_EQ(PyJsonDumps(back->resource_spans[0].spans[0].attributes[0].value), R"({"a": [1, "x"]})");
}

TEST(Otlp, RefusesMalformedProtobuf) {
  std::string good = Unhex(kGolden);
  for (size_t cut : {size_t{1}, size_t{10}, good.size() / 2, good.size() - 1}) {
    EXPECT_FALSE(DecodeOtlpProtobuf(good.substr(0, cut)).ok()) << cut;
  }
  EXPECT_FALSE(DecodeOtlpProtobuf("\x0a\xff\xff\xff\xff\x0f").ok());  // length beyond the buffer
  EXPECT_FALSE(DecodeOtlpProtobuf(std::string("\x00\x01", 2)).ok());  // field number 0
  EXPECT_FALSE(DecodeOtlpProtobuf("\x0f").ok());                      // wire type 7
  // A span name with invalid UTF-8 (proto3 strings must be UTF-8).
  EXPECT_FALSE(DecodeOtlpProtobuf(Unhex("0a0812061204" "2a02c328")).ok());
  // An attribute value nested deeper than protobuf's recursion limit.
  auto len = [](size_t n) {
    std::string out;
    while (n >= 0x80) {
      out += static_cast<char>((n & 0x7F) | 0x80);
      n >>= 7;
    }
    return out + static_cast<char>(n);
  };
  std::string any;  // AnyValue{array_value: ArrayValue{values: [AnyValue{...}]}}
  for (int i = 0; i < 200; ++i) {
    std::string array = "\x0a" + len(any.size()) + any;
    any = "\x2a" + len(array.size()) + array;
  }
  std::string kv = "\x0a\x01k\x12" + len(any.size()) + any;
  std::string span = "\x0a\x01\x01\x12\x01\x01\x4a" + len(kv.size()) + kv;
  std::string scope = "\x12" + len(span.size()) + span;
  std::string rs = "\x12" + len(scope.size()) + scope;
  EXPECT_FALSE(DecodeOtlpProtobuf("\x0a" + len(rs.size()) + rs).ok());
  EXPECT_TRUE(DecodeOtlpProtobuf("").ok());  // empty: a request with no resource spans
  EXPECT_TRUE(DecodeOtlpProtobuf("").value().resource_spans.empty());
  // Unknown fields are skipped.
  EXPECT_TRUE(DecodeOtlpProtobuf(Unhex("f80701")).ok());
}

TEST(Otlp, DecodesJson) {
  auto r = DecodeOtlpJson(R"({"resourceSpans": [{"resource": {"attributes": [{"key": "a", "value": {"boolValue": true}}]},
    "scopeSpans": [{"spans": [{"traceId": "0102030405060708090A0B0C0D0E0F10", "spanId": "1112131415161718",
    "parent_span_id": "ISIjJCUmJyg=", "name": "j", "startTimeUnixNano": "10", "end_time_unix_nano": 20,
    "kind": "SPAN_KIND_CLIENT", "attributes": [{"key": "i", "value": {"intValue": "-5"}},
    {"key": "d", "value": {"doubleValue": "Infinity"}}, {"key": "l", "value": {"arrayValue": {"values": []}}}],
    "links": [{"traceId": "AAAAAAAAAAAAAAAAAAAAAA==", "spanId": "AAAAAAAAAAE="}],
    "status": {"code": 2, "message": "m"}}]}]}]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const OtlpSpan& s = r->resource_spans[0].spans[0];
  EXPECT_EQ(s.trace_id, Unhex("0102030405060708090a0b0c0d0e0f10"));
  EXPECT_EQ(s.parent_span_id, Unhex("2122232425262728"));  // proto name: base64, not hex
  EXPECT_EQ(s.start_time_unix_nano, 10u);
  EXPECT_EQ(s.end_time_unix_nano, 20u);
  EXPECT_EQ(s.attributes[0].value, -5);
  EXPECT_TRUE(std::isinf(s.attributes[1].value.get<double>()));
  EXPECT_TRUE(s.attributes[2].value.is_array());
  EXPECT_EQ(s.links[0].span_id, Unhex("0000000000000001"));
  EXPECT_EQ(s.status_code, kStatusError);
}

TEST(Otlp, RefusesMalformedJson) {
  for (const char* bad : {"{bad", "[]", R"({"resourceSpans": {}})",
                          R"({"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "zz"}]}]}]})",
                          R"({"resourceSpans": [{"scopeSpans": [{"spans": [{"name": 5}]}]}]})",
                          R"({"resourceSpans": [{"scopeSpans": [{"spans": [{"startTimeUnixNano": "1.5"}]}]}]})",
                          R"({"resourceSpans": [{"scopeSpans": [{"spans": [{"status": {"code": "NOPE"}}]}]}]})",
                          R"({"resourceSpans": [{"scopeSpans": [{"spans": [{"attributes": [{"key": "k", "value":
                              {"intValue": 1, "stringValue": "x"}}]}]}]}]})"}) {
    EXPECT_FALSE(DecodeOtlpJson(bad).ok()) << bad;
  }
  // Found by fuzz/otlp_fuzz.cc: an attribute key with a byte that is not UTF-8 was accepted from
  // JSON, and the protobuf encoding of the result did not decode.
  EXPECT_FALSE(DecodeOtlpJson("{\"resourceSpans\": [{\"resource\": {\"attributes\": [{\"key\": \"\xff\", "
                              "\"value\": {\"doubleValue\": 0.25}}]}}]}")
                   .ok());
  auto empty = DecodeOtlpJson("{}");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->resource_spans.empty());
}

}  // namespace
}  // namespace mlflow::tracing
