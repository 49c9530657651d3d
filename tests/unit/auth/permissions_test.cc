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

TEST(Permissions, RoleGrants) {
  EXPECT_TRUE(ValidateRoleGrant("workspace", "*", "MANAGE").ok());
  EXPECT_TRUE(ValidateRoleGrant("run", "*", "DENY").ok());
  EXPECT_TRUE(ValidateRoleGrant("experiment", "7", "READ").ok());
  // The permission name is checked before the type, as MLflow does.
  EXPECT_EQ(ValidateRoleGrant("nope", "*", "OWNER").message().rfind("Invalid permission 'OWNER'.", 0), 0u);
  EXPECT_EQ(ValidateRoleGrant("nope", "*", "READ").message().rfind("Invalid resource type 'nope'.", 0), 0u);
  EXPECT_EQ(ValidateRoleGrant("workspace", "*", "READ").message(),
            "Invalid permission 'READ' for resource_type='workspace'. Workspace-wide grants accept only: "
            "('MANAGE', 'USE').");
  EXPECT_EQ(ValidateRoleGrant("workspace", "ws", "USE").message(),
            "Invalid resource_pattern 'ws' for resource_type='workspace'. This resource type supports only "
            "wildcard ('*') grants.");
  EXPECT_EQ(ValidateRoleGrant("trace", "*", "NO_PERMISSIONS").code(), ErrorCode::kInvalidParameterValue);
}

TEST(Permissions, ScorerPatternQuotesLikePython) {
  EXPECT_EQ(ScorerPattern("3", "my scorer/v1"), "3/my%20scorer%2Fv1");
  EXPECT_EQ(ScorerPattern("3", "a-b_c.d~e"), "3/a-b_c.d~e");
  EXPECT_EQ(ScorerPattern("3", "\xc3\xa9"), "3/%C3%A9");
}

TEST(Permissions, UserPermissionOn) {
  std::vector<Grant> g = {{"experiment", "1", "EDIT"}, {"scorer", "1/s", "DENY"}};
  EXPECT_EQ(UserPermissionOn(g, "experiment", "1", "READ")->name, "EDIT");
  EXPECT_EQ(UserPermissionOn(g, "experiment", "2", "READ")->name, "READ");
  EXPECT_EQ(UserPermissionOn(g, "scorer", "1/s", "READ")->name, "DENY");
  EXPECT_EQ(UserPermissionOn(g, "scorer", "1", "READ").status().message(),
            "Invalid scorer resource_id. Expected '<experiment_id>/<scorer_name>'.");
  EXPECT_EQ(UserPermissionOn(g, "prompt", "p", "READ").status().message(),
            "resource_type 'prompt' is not supported by the per-user permission convenience APIs.");
  EXPECT_EQ(UserPermissionOn(g, "prompt", "*", "READ")->name, "READ");
  EXPECT_FALSE(UserPermissionOn(g, "workspace", "*", "READ").ok());
}

TEST(Permissions, GoverningTierOverride) {
  // The first key holding a grant decides, down as well as up.
  std::vector<Grant> g = {{"scorer_version", "*", "READ"}, {"scorer", "1/s", "MANAGE"}};
  EXPECT_EQ(Governing(g, {{"scorer_version", "*"}, {"scorer", "1/s"}}, "READ").name, "READ");
  EXPECT_EQ(Governing(g, {{"run", "*"}, {"scorer", "1/s"}}, "READ").name, "MANAGE");
  EXPECT_EQ(Governing(g, {{"run", "*"}}, "EDIT").name, "EDIT");
  g.push_back({"workspace", "*", "MANAGE"});
  EXPECT_EQ(Governing(g, {{"scorer_version", "*"}}, "READ").name, "MANAGE");
}

}  // namespace
}  // namespace mlflow::auth
