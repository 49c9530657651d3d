// The GraphQL subset MLflow's UI sends to /graphql (src/server/graphql/graphql_query.h).
#include "server/graphql/graphql_query.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace mlflow::server {
namespace {

using nlohmann::json;

std::vector<GqlField> Parse(std::string_view query, std::string_view op = "", const json& vars = json::object()) {
  auto r = ParseGraphqlOperation(query, op, vars);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : std::vector<GqlField>{};
}

std::string ErrorOf(std::string_view query, std::string_view op = "", const json& vars = json::object()) {
  auto r = ParseGraphqlOperation(query, op, vars);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue);
  return r.status().message();
}

TEST(GraphqlQuery, TheUisGetRunQueryWithVariablesAndDirective) {
  const char* q =
      "query GetRun($data: MlflowGetRunInput!) @component(name: \"MLflow.ExperimentRunTracking\") {\n"
      "  mlflowGetRun(input: $data) {\n"
      "    apiError { code message }\n"
      "    run { info { runUuid startTime } data { metrics { key value } } }\n"
      "  }\n"
      "}";
  auto root = Parse(q, "GetRun", {{"data", {{"runId", "abc"}}}});
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(root[0].name, "mlflowGetRun");
  EXPECT_EQ(root[0].alias, "mlflowGetRun");
  EXPECT_EQ(root[0].args, (json{{"input", {{"runId", "abc"}}}}));
  ASSERT_EQ(root[0].selections.size(), 2u);
  EXPECT_EQ(root[0].selections[0].name, "apiError");
  ASSERT_EQ(root[0].selections[0].selections.size(), 2u);
  EXPECT_EQ(root[0].selections[0].selections[1].name, "message");
  const GqlField& run = root[0].selections[1];
  ASSERT_EQ(run.selections.size(), 2u);
  EXPECT_EQ(run.selections[0].selections[1].name, "startTime");
  EXPECT_TRUE(run.selections[0].selections[1].selections.empty());
  EXPECT_EQ(run.selections[1].selections[0].selections[0].name, "key");
}

TEST(GraphqlQuery, AliasesKeepTheNameAndAnswerUnderTheAlias) {
  auto root = Parse("{ a: mlflowGetExperiment(input: {experimentId: \"1\"}) { experiment { name } } __typename }");
  ASSERT_EQ(root.size(), 2u);
  EXPECT_EQ(root[0].alias, "a");
  EXPECT_EQ(root[0].name, "mlflowGetExperiment");
  EXPECT_EQ(root[0].args["input"]["experimentId"], "1");
  EXPECT_EQ(root[1].name, "__typename");
}

TEST(GraphqlQuery, LiteralValues) {
  auto root = Parse(
      "{ f(s: \"a\\\"b\\n\\u00e9\", i: -42, x: 1.5e2, t: true, n: null, e: ACTIVE_ONLY, "
      "l: [1, \"two\", [3]], o: {k: {deep: false}}) { x } }");
  ASSERT_EQ(root.size(), 1u);
  const json& a = root[0].args;
  EXPECT_EQ(a["s"], "a\"b\n\xC3\xA9");
  EXPECT_EQ(a["i"], -42);
  EXPECT_TRUE(a["i"].is_number_integer());
  EXPECT_DOUBLE_EQ(a["x"].get<double>(), 150.0);
  EXPECT_EQ(a["t"], true);
  EXPECT_TRUE(a["n"].is_null());
  EXPECT_EQ(a["e"], "ACTIVE_ONLY");
  EXPECT_EQ(a["l"], json::array({1, "two", json::array({3})}));
  EXPECT_EQ(a["o"], (json{{"k", {{"deep", false}}}}));
}

TEST(GraphqlQuery, VariablesInsideListsAndObjectsDefaultsAndMissingOnes) {
  const char* q =
      "query Q($ids: [String], $key: String = \"loss\", $n: Int) { h(input: {runIds: $ids, metricKey: $key, "
      "maxResults: $n, other: [$ids]}) { m } }";
  auto root = Parse(q, "", {{"ids", {"r1", "r2"}}});
  ASSERT_EQ(root.size(), 1u);
  const json& in = root[0].args["input"];
  EXPECT_EQ(in["runIds"], (json{"r1", "r2"}));
  EXPECT_EQ(in["metricKey"], "loss");  // the definition's default
  EXPECT_TRUE(in["maxResults"].is_null());
  EXPECT_EQ(in["other"], json::array({json::array({"r1", "r2"})}));
  auto given = Parse(q, "", {{"key", "acc"}});
  ASSERT_EQ(given.size(), 1u);
  EXPECT_EQ(given[0].args["input"]["metricKey"], "acc");
}

TEST(GraphqlQuery, CommentsCommasAndByteOrderMarkAreInsignificant) {
  auto root = Parse("\xEF\xBB\xBF# leading comment\n{ a, b # trailing\n ,c }");
  ASSERT_EQ(root.size(), 3u);
  EXPECT_EQ(root[2].name, "c");
}

TEST(GraphqlQuery, ChoosesTheNamedOperation) {
  const char* q = "query A { first { x } } query B { second { y } }";
  auto b = Parse(q, "B");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].name, "second");
  EXPECT_EQ(ErrorOf(q), "Must provide operation name if query contains multiple operations.");
  EXPECT_EQ(ErrorOf(q, "C"), "Unknown operation named 'C'.");
}

TEST(GraphqlQuery, RefusesWhatTheSubsetLeavesOut) {
  EXPECT_NE(ErrorOf("fragment F on T { x } { ...F }").find("fragments are not supported"), std::string::npos);
  EXPECT_NE(ErrorOf("{ a { ...F } }").find("fragments are not supported"), std::string::npos);
  EXPECT_NE(ErrorOf("mutation M { a }").find("mutations are not supported"), std::string::npos);
  EXPECT_NE(ErrorOf("subscription S { a }").find("Unexpected Name 'subscription'"), std::string::npos);
}

TEST(GraphqlQuery, SyntaxErrorsSayWhereInsteadOfCrashing) {
  EXPECT_EQ(ErrorOf(""), "Syntax Error: Unexpected <EOF>.");
  EXPECT_EQ(ErrorOf("   # only a comment"), "Syntax Error: Unexpected <EOF>.");
  for (const char* bad : {"{", "{ a", "{ }", "{ a(x: ) }", "{ a(x: \"unterminated) }", "{ a(x: [1, 2) }",
                          "{ a(x: {k 1}) }", "query Q($v: ) { a }", "query Q($v: [String) { a }", "{ a: }",
                          "{ a @ }", "{ a(x: \"\\u12\") }", "{ a(: 1) }", "{ a(x: %) }"}) {
    std::string message = ErrorOf(bad);
    EXPECT_EQ(message.rfind("Syntax Error: ", 0), 0u) << bad << " -> " << message;
  }
}

TEST(GraphqlQuery, DeepNestingIsRefusedNotRecursedInto) {
  std::string selections;
  for (int i = 0; i < 200; ++i) selections += "{ a ";
  selections += "{ b }";
  for (int i = 0; i < 200; ++i) selections += " }";
  EXPECT_NE(ErrorOf(selections).find("nested too deeply"), std::string::npos);

  std::string list = "{ a(x: ";
  for (int i = 0; i < 100000; ++i) list += "[";
  EXPECT_NE(ErrorOf(list).find("nested too deeply"), std::string::npos);
}

}  // namespace
}  // namespace mlflow::server
