#include "auth/permissions.h"

#include <gtest/gtest.h>

namespace mlflow::auth {
namespace {

TEST(Permissions, Levels) {
  auto read = *PermissionNamed("READ");
  EXPECT_TRUE(read.can_read);
  EXPECT_FALSE(read.can_update);
  auto edit = *PermissionNamed("EDIT");
  EXPECT_TRUE(edit.can_update);
  EXPECT_FALSE(edit.can_delete);
  auto manage = *PermissionNamed("MANAGE");
  EXPECT_TRUE(manage.can_delete && manage.can_manage);
  auto none = *PermissionNamed("NO_PERMISSIONS");
  EXPECT_FALSE(none.can_read);
  EXPECT_FALSE(PermissionNamed("ADMIN").has_value());
  EXPECT_EQ(ValidatePermissionName("ADMIN").message(),
            "Invalid permission 'ADMIN'. Valid permissions are: ('READ', 'USE', 'EDIT', 'MANAGE', "
            "'NO_PERMISSIONS', 'DENY')");
}

TEST(Permissions, FoldTakesTheHighestMatchingGrant) {
  std::vector<Grant> g = {{"experiment", "1", "READ"}, {"experiment", "1", "EDIT"}, {"experiment", "2", "MANAGE"},
                          {"registered_model", "1", "MANAGE"}};
  EXPECT_EQ(FoldGrants(g, "experiment", "1")->name, "EDIT");
  EXPECT_EQ(FoldGrants(g, "experiment", "2")->name, "MANAGE");
  EXPECT_FALSE(FoldGrants(g, "experiment", "3").has_value());
}

TEST(Permissions, DenyWinsAndWorkspaceAdminWinsOverDeny) {
  std::vector<Grant> g = {{"experiment", "*", "MANAGE"}, {"experiment", "7", "DENY"}};
  EXPECT_EQ(FoldGrants(g, "experiment", "7")->name, "DENY");
  EXPECT_EQ(FoldGrants(g, "experiment", "8")->name, "MANAGE");
  g.push_back({"workspace", "*", "MANAGE"});
  EXPECT_EQ(FoldGrants(g, "experiment", "7")->name, "MANAGE");
}

TEST(Permissions, SubResourceTypesTakeOnlyWildcards) {
  std::vector<Grant> g = {{"run", "abc", "EDIT"}};
  EXPECT_FALSE(FoldGrants(g, "run", "abc").has_value());
  EXPECT_FALSE(ValidateResourceGrant("run", "abc", "EDIT").ok());
  EXPECT_TRUE(ValidateResourceGrant("run", "*", "EDIT").ok());
}

TEST(Permissions, DefaultIsAFloorForPositiveGrants) {
  EXPECT_EQ(Effective(std::nullopt, "READ").name, "READ");
  EXPECT_EQ(Effective(std::nullopt, "NO_PERMISSIONS").name, "NO_PERMISSIONS");
  EXPECT_EQ(Effective(*PermissionNamed("READ"), "EDIT").name, "EDIT");
  EXPECT_EQ(Effective(*PermissionNamed("MANAGE"), "READ").name, "MANAGE");
  EXPECT_EQ(Effective(*PermissionNamed("DENY"), "MANAGE").name, "DENY");
}

TEST(Permissions, GrantValidation) {
  EXPECT_TRUE(ValidateResourceGrant("experiment", "1", "READ").ok());
  EXPECT_EQ(ValidateResourceGrant("experiment", "1", "NO_PERMISSIONS").code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(ValidateResourceGrant("experiment", "1", "BOGUS").code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(ValidateResourceGrant("workspace", "*", "MANAGE").code(), ErrorCode::kInvalidParameterValue);
  Status bad_type = ValidateResourceGrant("dataset", "1", "READ");
  EXPECT_NE(bad_type.message().find("Invalid resource type 'dataset'"), std::string::npos);
}

}  // namespace
}  // namespace mlflow::auth
