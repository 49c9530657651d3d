#include "auth/model_version_source.h"

#include <gtest/gtest.h>

namespace mlflow::auth {
namespace {

using nlohmann::json;

TEST(ModelVersionSource, RunAndModelIdsUnderEitherSpelling) {
  CreateVersionRequest r = ReadCreateVersionRequest(json{{"name", "m"}, {"source", "s3://b/x"}, {"runId", "r1"}});
  ASSERT_TRUE(r.run_id);
  EXPECT_EQ(*r.run_id, "r1");
  EXPECT_FALSE(r.model_id);
  // Present but empty stays present (MLflow refuses it); null is absent; a number fails the parse.
  r = ReadCreateVersionRequest(json{{"run_id", ""}, {"model_id", nullptr}});
  ASSERT_TRUE(r.run_id);
  EXPECT_EQ(*r.run_id, "");
  EXPECT_FALSE(r.model_id);
  EXPECT_FALSE(ReadCreateVersionRequest(json{{"run_id", 5}}).run_id);
  EXPECT_EQ(*ReadCreateVersionRequest(json{{"modelId", "m-1"}}).model_id, "m-1");
  EXPECT_FALSE(ReadCreateVersionRequest(json::array()).run_id);
}

TEST(ModelVersionSource, PromptMarkerLastTagWins) {
  const std::string k = "mlflow.prompt.is_prompt";
  EXPECT_FALSE(ReadCreateVersionRequest(json{{"tags", json::array()}}).prompt_marker);
  EXPECT_TRUE(*ReadCreateVersionRequest(json{{"tags", {{{"key", k}, {"value", "TRUE"}}}}}).prompt_marker);
  EXPECT_FALSE(*ReadCreateVersionRequest(json{{"tags", {{{"key", k}, {"value", "true"}}, {{"key", k}, {"value", "no"}}}}})
                    .prompt_marker);
  // A tag without a value reads as the empty string: a marker saying "not a prompt".
  std::optional<bool> m = ReadCreateVersionRequest(json{{"tags", {{{"key", k}}}}}).prompt_marker;
  ASSERT_TRUE(m);
  EXPECT_FALSE(*m);
  // A non-object item ends MLflow's parse: the tags before it count, those after it do not.
  json tags = json::array({json{{"key", k}, {"value", "true"}}, 5, json{{"key", k}, {"value", "false"}}});
  EXPECT_TRUE(*ReadCreateVersionRequest(json{{"tags", tags}}).prompt_marker);
  EXPECT_FALSE(ReadCreateVersionRequest(json{{"tags", "notalist"}}).prompt_marker);
}

TEST(ModelVersionSource, ModelsSources) {
  auto read = [](const std::string& source) { return ReadCreateVersionRequest(json{{"source", source}}); };
  CreateVersionRequest r = read("models:/iris/3");
  EXPECT_TRUE(r.source_status.ok());
  EXPECT_EQ(*r.source_name, "iris");
  EXPECT_EQ(*read("models:/iris@champion").source_name, "iris");
  EXPECT_EQ(*read("models:/iris/Production").source_name, "iris");
  EXPECT_EQ(*read("MODELS:/iris/latest").source_name, "iris");  // urlparse lower-cases the scheme
  EXPECT_EQ(*read(" models:/iris/1").source_name, "iris");      // and drops leading blanks
  r = read("models:/m-abc");
  EXPECT_EQ(*r.source_model_id, "m-abc");
  EXPECT_FALSE(r.source_name);
  EXPECT_EQ(*read("models:/x?y=1/2/3").source_model_id, "x");  // the query is not the path
  EXPECT_EQ(*read("models://host/1").source_model_id, "1");    // nor is the network location
  // Other schemes are not read here.
  r = read("runs:/r/model");
  EXPECT_TRUE(r.source_status.ok());
  EXPECT_FALSE(r.source_name);
  EXPECT_FALSE(r.source_model_id);
  for (const char* bad : {"models:/", "models:/a/b/c", "models:/a@", "models:/a/ ", "models:/ /1", "models:x/1",
                          "models:/m-abc/"}) {
    r = read(bad);
    EXPECT_EQ(r.source_status.code(), ErrorCode::kInternalError) << bad;
    EXPECT_EQ(r.source_status.message().rfind(std::string("Not a proper models:/ URI: ") + bad + ". Models URIs", 0),
              0u)
        << r.source_status.message();
  }
  r = read("models:/@a");
  EXPECT_EQ(r.source_status.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(r.source_status.message(), "Missing value for required parameter 'name'.");
}

TEST(ModelVersionSource, PyUrlParse) {
  PyUrlParts p = PyUrlParse("\t mOdels:/a#b?c");
  EXPECT_EQ(p.scheme, "models");
  EXPECT_EQ(p.path, "/a");
  EXPECT_EQ(PyUrlParse("models:/a#b?c", false).path, "/a#b");
  EXPECT_EQ(PyUrlParse("1models:/a").scheme, "");  // a scheme starts with a letter
  EXPECT_EQ(PyUrlParse("mod_els:/a").scheme, "");
  p = PyUrlParse("s3://bucket/key");
  EXPECT_EQ(p.netloc, "bucket");
  EXPECT_EQ(p.path, "/key");
}

}  // namespace
}  // namespace mlflow::auth
