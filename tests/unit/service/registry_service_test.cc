// RegistryService: model names for every call, model version sources, the logged-model sequence.
#include <gtest/gtest.h>

#include "service_fixture.h"

namespace mlflow::service {
namespace {

using RegistryServiceTest = ServiceTest;

TEST_F(RegistryServiceTest, RegisteredModelNameWithSlashOrColonIsRefused) {
  for (const char* name : {"a/b", "a:b", "/ab"}) {
    auto rm = registry_->CreateRegisteredModel(name, {}, std::nullopt);
    EXPECT_EQ(rm.status().message(), std::string("Invalid model name '") + name + "'. Names cannot contain '/' or ':'.");
  }
  EXPECT_EQ(registry_->CreateRegisteredModel("  ", {}, std::nullopt).status().message(),
            "Missing value for required parameter 'name'.");
  EXPECT_NE(registry_->CreateRegisteredModel("..", {}, std::nullopt).status().message().find("would resolve to '..'"),
            std::string::npos);
  ASSERT_TRUE(registry_->CreateRegisteredModel("m", {}, std::nullopt).ok());
  // Every call that names a model checks the name, before looking it up.
  EXPECT_EQ(registry_->GetRegisteredModel("m/x").status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(registry_->RenameRegisteredModel("m", "n:x").status().message(),
            "Invalid model name 'n:x'. Names cannot contain '/' or ':'.");
  EXPECT_EQ(registry_->RenameRegisteredModel("m", "").status().message(),
            "Missing value for required parameter 'new_name'.");
  EXPECT_EQ(registry_->GetModelVersionDownloadUri("m/x", "1").status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_TRUE(registry_->GetRegisteredModel("m").ok());
}

TEST_F(RegistryServiceTest, SourcesAreCheckedUnlessTheVersionIsAPrompt) {
  ASSERT_TRUE(registry_->CreateRegisteredModel("m", {}, std::nullopt).ok());
  CreateModelVersionRequest r;
  r.name = "m";
  r.source = "/tmp/elsewhere/model";  // a local path outside any run
  auto mv = registry_->CreateModelVersion(r);
  EXPECT_EQ(mv.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(mv.status().message().find("the run_id request parameter has to be specified"), std::string::npos);
  r.source = "s3://bucket/a/../b";
  EXPECT_NE(registry_->CreateModelVersion(r).status().message().find("absolute path"), std::string::npos);
  r.tags.push_back({store::kPromptTag, "true"});
  r.source = "/tmp/elsewhere/model";
  EXPECT_TRUE(registry_->CreateModelVersion(r).ok());
}

TEST_F(RegistryServiceTest, VersionFromALoggedModelIsRecordedOnIt) {
  ASSERT_TRUE(registry_->CreateRegisteredModel("m", {}, std::nullopt).ok());
  store::CreateLoggedModelRequest create;
  create.experiment_id = "0";
  auto model = logged_models_->CreateLoggedModel(create);
  ASSERT_TRUE(model.ok()) << model.status().message();
  CreateModelVersionRequest r;
  r.name = "m";
  r.source = "models:/" + model->model_id;
  r.model_id = model->model_id;
  auto mv = registry_->CreateModelVersion(r);
  ASSERT_TRUE(mv.ok()) << mv.status().message();
  auto again = logged_models_->GetLoggedModel(model->model_id);
  ASSERT_TRUE(again.ok());
  std::string versions;
  for (const auto& t : again->tags) {
    if (t.key == "mlflow.modelVersions") versions = t.value;
  }
  EXPECT_EQ(versions, R"([{"name": "m", "version": 1}])");
  // The version's files are the logged model's.
  EXPECT_EQ(*registry_->GetModelVersionDownloadUri("m", "1"), model->artifact_uri);
}

}  // namespace
}  // namespace mlflow::service
