// OTLP spans to the span JSON MLflow stores, and stored spans back to the Trace proto's JSON.
// Expected texts were produced by MLflow 3.17.2 itself (Span.from_otel_proto +
// translate_span_when_storing + json.dumps, and GET /api/3.0/mlflow/traces/get).
#include "tracing/span_convert.h"

#include <gtest/gtest.h>

namespace mlflow::tracing {
namespace {

std::string Unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
  return out;
}

TEST(SpanConvert, IdsAsMlflowFormatsThem) {
  EXPECT_EQ(TraceIdHex(Unhex("00000000000000000000000000000abc")), "00000000000000000000000000000abc");
  EXPECT_EQ(TraceIdHex(Unhex("0abc")), "00000000000000000000000000000abc");  // short ids are numbers
  EXPECT_EQ(SpanIdHex(Unhex("00ff")), "00000000000000ff");
  EXPECT_EQ(SpanIdHex(Unhex("0102030405060708aa")), "102030405060708aa");  // wider: no padding
}

TEST(SpanConvert, StoredJsonMatchesMlflow) {
  const char* request =
      "0aed010a170a150a0c736572766963652e6e616d6512050a0373766312d1010a050a036c696212c7010a10010203040506"
      "0708090a0b0c0d0e0f1012081112131415161718220821222324252627282a077370616e20c3a930023900002a36fe9c97"
      "17410065f753fe9c97174a350a036f626a122e322c0a100a0178120b18fdffffffffffffffff010a180a017912132a110a"
      "0921000000000000f83f0a0210010a004a0a0a016212053a030027615a17090500000000000000120265761a080a016b12"
      "030a01766a1c0a1000000000000000000000000000000000120800000000000000017a081204626f6f6d1802";
  auto req = DecodeOtlpProtobuf(Unhex(request));
  ASSERT_TRUE(req.ok());
  auto spans = ConvertOtlpRequest(*req);
  ASSERT_TRUE(spans.ok()) << spans.status().message();
  ASSERT_EQ(spans->size(), 1u);
  const SpanRecord& r = (*spans)[0].record;
  EXPECT_EQ(r.content,
            R"({"trace_id": "AQIDBAUGBwgJCgsMDQ4PEA==", "span_id": "ERITFBUWFxg=", "parent_span_id": "ISIjJCUmJyg=", )"
            R"("name": "span é", "start_time_unix_nano": 1700000000000000000, "end_time_unix_nano": 1700000000500000000, )"
            R"("events": [{"name": "ev", "time_unix_nano": 5, "attributes": {"k": "v"}}], "status": {"code": )"
            R"("STATUS_CODE_ERROR", "message": "boom"}, "attributes": {"obj": "{\"x\": -3, \"y\": [1.5, true, null]}", )"
            R"("b": "\"b\\\"\\\\x00'a\\\"\"", "mlflow.traceRequestId": "\"tr-0102030405060708090a0b0c0d0e0f10\""}, )"
            R"("links": [{"trace_id": "tr-00000000000000000000000000000000", "span_id": "0000000000000001", )"
            R"("attributes": null}]})");
  EXPECT_EQ(r.trace_id, "tr-0102030405060708090a0b0c0d0e0f10");
  EXPECT_EQ(r.span_id, "1112131415161718");
  EXPECT_EQ(*r.parent_span_id, "2122232425262728");
  EXPECT_EQ(r.status, "ERROR");
  EXPECT_FALSE(r.type);
}

TEST(SpanConvert, OpenInferenceAttributesTranslated) {
  const char* request =
      "0ac80212c50212c2020a1000000000000000000000000000000abc120800000000000000ff2a026f69390100000000000000"
      "4102000000000000004a200a176f70656e696e666572656e63652e7370616e2e6b696e6412050a034c4c4d4a550a0b696e"
      "7075742e76616c756512460a447b226d6f64656c223a20226770742d346f222c20226d65737361676573223a205b7b2272"
      "6f6c65223a202275736572222c2022636f6e74656e74223a20226869227d5d7d4a170a0c6f75747075742e76616c756512"
      "070a05706c61696e4a1c0a166c6c6d2e746f6b656e5f636f756e742e70726f6d7074120218074a210a1a6c6c6d2e746f6b"
      "656e5f636f756e742e636f6d706c6574696f6e12030a01334a180a0c6c6c6d2e70726f766964657212080a066f70656e61"
      "694a0f0a0671756f74656412050a032271224a100a08656d7074796f626a12040a027b7d";
  auto req = DecodeOtlpProtobuf(Unhex(request));
  ASSERT_TRUE(req.ok());
  auto spans = ConvertOtlpRequest(*req);
  ASSERT_TRUE(spans.ok());
  // MLflow also adds mlflow.llm.cost from its model price table; that one is not reproduced.
  EXPECT_EQ((*spans)[0].record.content,
            R"({"trace_id": "AAAAAAAAAAAAAAAAAAAKvA==", "span_id": "AAAAAAAAAP8=", "parent_span_id": null, "name": "oi", )"
            R"("start_time_unix_nano": 1, "end_time_unix_nano": 2, "events": [], "status": {"code": "STATUS_CODE_UNSET", )"
            R"("message": ""}, "attributes": {"openinference.span.kind": "\"LLM\"", "input.value": "{\"model\": )"
            R"(\"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", "output.value": "\"plain\"", )"
            R"("llm.token_count.prompt": "7", "llm.token_count.completion": "\"3\"", "llm.provider": "\"openai\"", )"
            R"("quoted": "\"q\"", "emptyobj": "{}", "mlflow.traceRequestId": "\"tr-00000000000000000000000000000abc\"", )"
            R"("mlflow.spanType": "\"LLM\"", "mlflow.spanInputs": "{\"model\": \"gpt-4o\", \"messages\": [{\"role\": )"
            R"(\"user\", \"content\": \"hi\"}]}", "mlflow.spanOutputs": "\"plain\"", "mlflow.chat.tokenUsage": )"
            R"("{\"input_tokens\": 7, \"output_tokens\": 3, \"total_tokens\": 10}", "mlflow.llm.model": "\"gpt-4o\"", )"
            R"("mlflow.llm.provider": "\"openai\""}, "links": []})");
  EXPECT_EQ(*(*spans)[0].record.model_name, "gpt-4o");
}

TEST(SpanConvert, ConversionErrors) {
  OtlpRequest req;
  req.resource_spans.emplace_back();
  OtlpSpan s;
  s.span_id = "\x01";
  req.resource_spans[0].spans.push_back(s);  // no trace id
  auto r = ConvertOtlpRequest(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "Cannot convert OpenTelemetry span to MLflow span");
  req.resource_spans[0].spans[0].trace_id = std::string(17, '\x01');  // wider than 128 bits
  r = ConvertOtlpRequest(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "Failed to log OpenTelemetry spans");
}

TEST(SpanConvert, StoredSpanToProtoJsonMatchesGetTrace) {
  std::string out;
  ASSERT_TRUE(AppendSpanProtoJson(
                  out,
                  R"({"trace_id": "W47/95gDgQPSabYzgT/GDA==", "span_id": "7uGbfsPBsXQ=", "parent_span_id": null, )"
                  R"("name": "root", "start_time_unix_nano": 1700000000000000000, "end_time_unix_nano": 1700000001000000000, )"
                  R"("events": [], "status": {"code": "STATUS_CODE_ERROR", "message": "oops"}, "attributes": {"a": "5", )"
                  R"("input.value": "{\"q\": 1}", "mlflow.traceRequestId": "\"tr-5b8efff798038103d269b633813fc60c\"", )"
                  R"("mlflow.spanInputs": "{\"q\": 1}"}, "links": []})")
                  .ok());
  EXPECT_EQ(out,
            R"({"trace_id":"W47/95gDgQPSabYzgT/GDA==","span_id":"7uGbfsPBsXQ=","name":"root","start_time_unix_nano":)"
            R"(1700000000000000000,"end_time_unix_nano":1700000001000000000,"attributes":[{"key":"a","value":{"int_value":5}},)"
            R"({"key":"input.value","value":{"kvlist_value":{"values":[{"key":"q","value":{"int_value":1}}]}}},)"
            R"({"key":"mlflow.traceRequestId","value":{"string_value":"tr-5b8efff798038103d269b633813fc60c"}},)"
            R"({"key":"mlflow.spanInputs","value":{"kvlist_value":{"values":[{"key":"q","value":{"int_value":1}}]}}}],)"
            R"("status":{"message":"oops","code":"STATUS_CODE_ERROR"}})");
  out.clear();
  EXPECT_FALSE(AppendSpanProtoJson(out, R"({"trace_id": "x"})").ok());  // no request id: MLflow refuses it
  EXPECT_FALSE(AppendSpanProtoJson(out, "not json").ok());
}

TEST(SpanConvert, GroupsTraceRulesFromSpans) {
  OtlpRequest req;
  req.resource_spans.emplace_back();
  auto& rs = req.resource_spans[0];
  rs.resource_attributes.push_back({"service.name", "claude-code", std::nullopt});
  rs.resource_attributes.push_back({"telemetry.sdk.name", "x", std::nullopt});
  rs.resource_attributes.push_back({"region", Json::object({{"a", 1}}), std::nullopt});
  auto span = [](const char* id, const char* parent, int64_t start_ms, int64_t end_ms, Json attrs, int status) {
    OtlpSpan s;
    s.trace_id = std::string(16, '\x05');
    s.span_id = std::string(7, '\0') + id;
    if (parent) s.parent_span_id = std::string(7, '\0') + parent;
    s.start_time_unix_nano = static_cast<uint64_t>(start_ms) * 1000000;
    s.end_time_unix_nano = static_cast<uint64_t>(end_ms) * 1000000;
    for (auto it = attrs.begin(); it != attrs.end(); ++it) s.attributes.push_back({it.key(), it.value(), std::nullopt});
    s.status_code = status;
    return s;
  };
  rs.spans.push_back(span("\x02", "\x01", 150, 160, {{"mlflow.chat.tokenUsage", {{"input_tokens", 100}}}}, 1));
  rs.spans.push_back(span("\x03", "\x02", 151, 152, {{"mlflow.chat.tokenUsage", {{"input_tokens", 40}}}}, 1));
  rs.spans.push_back(span("\x01", nullptr, 100, 300,
                          {{"mlflow.spanInputs", "{\"messages\": [{\"role\": \"user\", \"content\": \"hey\"}]}"},
                           {"session.id", "s9"}, {"mlflow.traceTag.k", "v"}, {"mlflow.traceTag.a/../b", "bad key"}},
                          2));
  auto converted = ConvertOtlpRequest(req);
  ASSERT_TRUE(converted.ok());
  auto batches = GroupSpansByTrace(std::move(*converted), req);
  ASSERT_TRUE(batches.ok()) << batches.status().message();
  ASSERT_EQ(batches->size(), 1u);
  const TraceSpanBatch& b = (*batches)[0];
  EXPECT_EQ(b.min_start_ms, 100);
  EXPECT_EQ(*b.max_end_ms, 300);
  EXPECT_EQ(*b.root_state, "ERROR");
  EXPECT_EQ(PyJsonDumps(*b.usage), R"({"input_tokens": 100, "output_tokens": 0, "total_tokens": 0})");
  EXPECT_EQ(*b.session_id, "s9");
  EXPECT_EQ(*b.request_preview, "hey");  // the last user message
  ASSERT_EQ(b.root_tags.size(), 1u);
  EXPECT_EQ(b.root_tags[0].key, "k");
  ASSERT_EQ(b.resource_tags.size(), 2u);
  EXPECT_EQ(b.resource_tags[0].key, "service.name");
  EXPECT_EQ(b.resource_tags[1].value, R"({"a": 1})");
  // The root of a known OTel client gets service.name.
  EXPECT_NE(b.spans[2].content.find(R"("service.name": "\"claude-code\"")"), std::string::npos);
}

}  // namespace
}  // namespace mlflow::tracing
