// LoggedModelService: defaults of a new model, error classes of a bad search.
#include <gtest/gtest.h>

#include "service_fixture.h"

namespace mlflow::service {
namespace {

using LoggedModelServiceTest = ServiceTest;

TEST_F(LoggedModelServiceTest, EmptyNameIsGenerated) {
  store::CreateLoggedModelRequest r;
  r.experiment_id = "0";
  r.name = "";
  auto m = logged_models_->CreateLoggedModel(r);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(std::count(m->name.begin(), m->name.end(), '-'), 2) << m->name;
}

// An order_by attribute that does not exist was classified INVALID_PARAMETER_VALUE; MLflow names
// it ATTRIBUTE_NOT_FOUND (sqlstate KAM04). A bad metric order stays INVALID_PARAMETER_VALUE.
TEST_F(LoggedModelServiceTest, SearchOrderByUnknownAttributeIsAttributeNotFound) {
  store::LoggedModelSearchRequest r;
  r.experiment_ids = {"0"};
  r.order_by.push_back({"bogus", true, std::nullopt, std::nullopt});
  auto page = logged_models_->SearchLoggedModels(r);
  EXPECT_EQ(page.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(page.status().error_class(), ErrorClass::kAttributeNotFound);
  EXPECT_EQ(page.status().message(), "Invalid order by field name: bogus");
  r.order_by[0].field_name = "params.x";
  page = logged_models_->SearchLoggedModels(r);
  EXPECT_EQ(page.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(page.status().error_class(), ErrorClass::kFromCode);
  r.order_by[0].field_name = "name";
  EXPECT_TRUE(logged_models_->SearchLoggedModels(r).ok());
}

}  // namespace
}  // namespace mlflow::service
