#include "server/handlers/request_fields.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "server/handlers/json_render.h"
#include "server/handlers/tracking_handlers.h"

namespace mlflow::server {
namespace {

HttpRequest Post(const std::string& body) {
  HttpRequest r;
  r.method = "POST";
  r.body = body;
  return r;
}

HttpRequest Get(const std::string& query) {
  HttpRequest r;
  r.method = "GET";
  r.query = query;
  return r;
}

TEST(RequestFields, JsonBodyTypesAndErrors) {
  RequestFields f(Post(R"({"name": "x", "n": 5, "f": 1.5, "d": "NaN", "b": true, "l": ["a", "b"]})"));
  EXPECT_EQ(*f.String("name").value(), "x");
  EXPECT_FALSE(f.String("absent").value().has_value());
  EXPECT_EQ(*f.Int64("n").value(), 5);
  EXPECT_FALSE(f.Int64("f").value().has_value());  // a fraction acts as unset, like MLflow 3.x
  EXPECT_TRUE(std::isnan(*f.Double("d").value()));
  EXPECT_TRUE(*f.Bool("b").value());
  EXPECT_EQ(f.StringList("l").value(), (std::vector<std::string>{"a", "b"}));
  Status st = f.String("n").status();
  EXPECT_EQ(st.message(),
            "Invalid value 5 for parameter 'n' supplied:  Hint: Value was of type 'int'. See the API docs for more "
            "information about request parameters.");
  EXPECT_EQ(f.RequiredString("absent").status().message(),
            "Missing value for required parameter 'absent'. See the API docs for more information about request "
            "parameters.");
}

TEST(RequestFields, QueryStringRepeatedKeysAndFormDecoding) {
  RequestFields f(Get("run_ids=a&run_ids=b&name=x+y%21&flag=True&n=7"));
  EXPECT_EQ(f.StringList("run_ids").value(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*f.String("name").value(), "x y!");
  EXPECT_TRUE(*f.Bool("flag").value());
  EXPECT_EQ(*f.Int64("n").value(), 7);
  RequestFields bad(Get("flag=maybe"));
  EXPECT_EQ(bad.Bool("flag").status().message(), "Invalid boolean value: maybe, must be 'true' or 'false'.");
}

TEST(RequestFields, BrokenOrDoubleEncodedBodies) {
  RequestFields broken(Post("{not json"));
  EXPECT_FALSE(broken.Has("name"));
  RequestFields twice(Post(R"("{\"name\": \"inner\"}")"));
  EXPECT_EQ(*twice.String("name").value(), "inner");
  RequestFields numeric(Post(R"({"experiment_id": 3, "experiment_ids": [1, "2"]})"));
  EXPECT_FALSE(numeric.String("experiment_id").ok());  // MLflow 3.x: a type error
  EXPECT_EQ(numeric.StringList("experiment_ids").value(), (std::vector<std::string>{"2"}));
  RequestFields alias(Post(R"({"run_uuid": "abc"})"));
  EXPECT_EQ(alias.RequiredString("run_id", "run_uuid").value(), "abc");
}

TEST(JsonRender, DoublesAndMetricLists) {
  std::string out;
  AppendJsonDouble(out, 2.0);
  EXPECT_EQ(out, "2.0");
  out.clear();
  AppendJsonDouble(out, 0.1);
  EXPECT_EQ(out, "0.1");
  out.clear();
  AppendJsonDouble(out, NAN);
  EXPECT_EQ(out, "\"NaN\"");
  Metric m;
  m.key = "a\"b";
  m.value = -INFINITY;
  m.timestamp = 5;
  m.step = -1;
  EXPECT_EQ(MetricListJson({m}, "tok"),
            R"({"metrics":[{"key":"a\"b","value":"-Infinity","timestamp":5,"step":-1}],"next_page_token":"tok"})");
  EXPECT_EQ(MetricListJson({}, ""), "{}");
  std::string escaped;
  AppendJsonString(escaped, std::string("a\nb\x01\\c\"d\t", 10));  // the 10th character is a NUL
  EXPECT_EQ(escaped, R"("a\nb\u0001\\c\"d\t\u0000")");
  EXPECT_EQ(nlohmann::json::parse(escaped), std::string("a\nb\x01\\c\"d\t", 10));
  auto parsed = nlohmann::json::parse(MetricListJson({m, m}, ""));
  EXPECT_EQ(parsed["metrics"].size(), 2u);
}

TEST(JsonRender, ErrorsCarryMlflowClassification) {
  HttpResponse r = ErrorResponse(Status::NotFound("gone"));
  EXPECT_EQ(r.status, 404);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["error_code"], "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(j["error_class"], "RESOURCE_NOT_FOUND");
  EXPECT_EQ(j["sqlstate"], "KAM00");
  auto attr = nlohmann::json::parse(
      ErrorResponse(Status::InvalidParameter("bad").With(ErrorClass::kAttributeNotFound)).body);
  EXPECT_EQ(attr["error_code"], "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(attr["error_class"], "ATTRIBUTE_NOT_FOUND");
  EXPECT_EQ(attr["sqlstate"], "KAM04");
}

// nlohmann's is_number_integer() is true for unsigned numbers too: 2^63 was read as int64 and
// wrapped to -2^63 (the same value as a string was refused).
TEST(RequestFields, StepOf2Pow63AsJsonNumberIsRefusedNotWrapped) {
  EXPECT_FALSE(JsonToInt64(nlohmann::json::parse("9223372036854775808")).has_value());
  EXPECT_FALSE(JsonToInt64(nlohmann::json::parse("18446744073709551615")).has_value());
  EXPECT_EQ(JsonToInt64(nlohmann::json::parse("9223372036854775807")), INT64_MAX);
  EXPECT_EQ(JsonToInt64(nlohmann::json::parse("-9223372036854775808")), INT64_MIN);
  RequestFields f(Post(R"({"n": 9223372036854775808})"));
  EXPECT_FALSE(f.Int64("n").ok());
}

// "nan" was stored as NaN; MLflow's decoder refuses exactly that spelling. Other strings follow
// Python's float(), as MLflow reads them.
TEST(RequestFields, MetricValueNanLowercaseIsRefused) {
  EXPECT_FALSE(JsonToDouble(nlohmann::json("nan")).has_value());
  EXPECT_FALSE(JsonToDouble(nlohmann::json("0x10")).has_value());
  EXPECT_TRUE(std::isnan(*JsonToDouble(nlohmann::json("NaN"))));
  EXPECT_TRUE(std::isnan(*JsonToDouble(nlohmann::json("NAN"))));
  EXPECT_EQ(JsonToDouble(nlohmann::json("-Infinity")), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(JsonToDouble(nlohmann::json("inf")), std::numeric_limits<double>::infinity());
  EXPECT_EQ(JsonToDouble(nlohmann::json(" 1_000.5 ")), 1000.5);
  EXPECT_EQ(JsonToDouble(nlohmann::json(true)), 1.0);
}

}  // namespace
}  // namespace mlflow::server

namespace mlflow::server {
namespace {

// The direct writer and the DOM renderer must agree on every run shape.
TEST(JsonRender, RunListMatchesDomRendering) {
  mlflow::Run bare;
  bare.info.run_id = "abc";
  bare.info.experiment_id = "0";
  bare.info.status = "RUNNING";
  bare.info.lifecycle_stage = "active";
  mlflow::Run full = bare;
  full.info.start_time = 5;
  full.info.end_time = 9;
  full.info.artifact_uri = "mlflow-artifacts:/0/abc/artifacts";
  full.info.run_name = "n\"q";
  Metric m;
  m.key = "m";
  m.value = NAN;
  m.timestamp = 1;
  full.metrics = {m};
  full.params = {{"p", "1"}};
  full.tags = {{"t", "é"}};
  full.dataset_inputs = {{{{"mlflow.data.context", "train"}}, {"d", "x", "local", "{}", std::nullopt, "{}"}}};
  full.model_inputs = {{"m-1"}};
  full.model_outputs = {{"m-2", 3}};
  mlflow::Run tags_only = bare;
  tags_only.tags = {{"a", "b"}};
  for (const mlflow::Run& r : {bare, full, tags_only}) {
    auto direct = nlohmann::json::parse(RunListJson({r}, "tok"));
    EXPECT_EQ(direct["runs"][0], ToJson(r)) << direct.dump();
    EXPECT_EQ(direct["next_page_token"], "tok");
    // CreateRun's answer (server/handlers/fast_writes.cc writes it directly): no "outputs".
    std::string answer = "{\"run\":";
    AppendRunJson(answer, r, /*with_outputs=*/false);
    answer += '}';
    EXPECT_EQ(nlohmann::json::parse(answer), CreateRunAnswer(r)) << answer;
  }
  EXPECT_EQ(RunListJson({}, ""), "{}");
}

}  // namespace
}  // namespace mlflow::server
