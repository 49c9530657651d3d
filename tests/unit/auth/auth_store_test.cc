#include "auth/auth_store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>
#include <unistd.h>

#if defined(MLFLOW_AUTH_TEST_ON_PG) || defined(MLFLOW_AUTH_TEST_ON_MYSQL)
#include "core/ids.h"
#include "store/sql/mysql_connection.h"
#include "store/sql/postgres_connection.h"
#include "store/sql/store_uri.h"
#endif

namespace mlflow::auth {
namespace {

// Built three times: here on SQLite, as pg_auth_store_test (MLFLOW_AUTH_TEST_ON_PG) on a fresh
// database of the private cluster tests/pg/with_cluster.sh starts, and as mysql_auth_store_test
// (MLFLOW_AUTH_TEST_ON_MYSQL) on the MariaDB server of tests/mysql/with_mariadb.sh (never skipped
// there: without the server's URI the tests fail).
class AuthStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef MLFLOW_AUTH_TEST_ON_PG
    const char* admin = std::getenv("MLFLOW_TEST_PG_URI");
    ASSERT_NE(admin, nullptr) << "MLFLOW_TEST_PG_URI is not set: run under tests/pg/with_cluster.sh";
    store::sql::PostgresConnection c(admin);
    std::string name = "auth_" + NewUuidHex().substr(0, 16);
    c.ExecScript("CREATE DATABASE " + name);
    uri_ = std::string(admin).substr(0, std::string(admin).rfind('/') + 1) + name;
#elif defined(MLFLOW_AUTH_TEST_ON_MYSQL)
    const char* admin = std::getenv("MLFLOW_TEST_MYSQL_URI");
    ASSERT_TRUE(admin && *admin) << "MLFLOW_TEST_MYSQL_URI is not set: run under tests/mysql/with_mariadb.sh";
    std::string base(admin);
    if (base.back() != '/') base += '/';
    auto target = store::sql::ParseMysqlUri(base + "mysql");
    ASSERT_TRUE(target.ok()) << target.status().message();
    std::string name = "auth_" + NewUuidHex().substr(0, 16);
    store::sql::MysqlConnection(*target).ExecScript("CREATE DATABASE " + name);
    uri_ = base + name;
#else
    dir_ = std::filesystem::temp_directory_path() / ("auth_store_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    uri_ = "sqlite:///" + (dir_ / "auth.db").string();
#endif
    auto s = AuthStore::Open(uri_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::string uri_;
  std::unique_ptr<AuthStore> store_;
};

TEST_F(AuthStoreTest, UsersAndPasswords) {
  Result<User> u = store_->CreateUser("alice", "alice-password", false);
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_TRUE(store_->Authenticate("alice", "alice-password")->has_value());
  EXPECT_FALSE(store_->Authenticate("alice", "alice-passwore")->has_value());
  EXPECT_FALSE(store_->Authenticate("nobody", "alice-password")->has_value());
  EXPECT_EQ(store_->CreateUser("alice", "another-password", false).status().code(), ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(store_->CreateUser("bob", "short", false).status().message(), "Password must be at least 12 characters.");
  EXPECT_EQ(store_->CreateUser("", "long-enough-pw", false).status().message(), "Username cannot be empty.");
  ASSERT_TRUE(store_->UpdatePassword("alice", "a-new-password").ok());
  EXPECT_TRUE(store_->Authenticate("alice", "a-new-password")->has_value());
  EXPECT_EQ(store_->GetUser("carol").status().message(), "User with username=carol not found");
}

// MLflow refuses a taken username by its INSERT failing, which on PostgreSQL and MySQL has taken
// an id from the server's counter: the next user's id skips one there, and ours must too. On
// SQLite (users.id is a rowid without AUTOINCREMENT) nothing is taken.
TEST_F(AuthStoreTest, RefusedDuplicateUserTakesAnIdOnServers) {
  Result<User> a = store_->CreateUser("alice", "alice-password", false);
  ASSERT_TRUE(a.ok()) << a.status().message();
  Result<User> dup = store_->CreateUser("alice", "another-password", false);
  EXPECT_EQ(dup.status().code(), ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(dup.status().message(), "User (username=alice) already exists. Error: UNIQUE constraint failed: users.username");
  Result<User> b = store_->CreateUser("bob", "bob-password-1", false);
  ASSERT_TRUE(b.ok()) << b.status().message();
#if defined(MLFLOW_AUTH_TEST_ON_PG) || defined(MLFLOW_AUTH_TEST_ON_MYSQL)
  EXPECT_EQ(b->id, a->id + 2);
#else
  EXPECT_EQ(b->id, a->id + 1);
#endif
  // The refused attempt left nothing behind: alice keeps her password, one alice.
  EXPECT_TRUE(store_->Authenticate("alice", "alice-password")->has_value());
  EXPECT_FALSE(store_->Authenticate("alice", "another-password")->has_value());
}

TEST_F(AuthStoreTest, GrantsLiveOnTheHiddenRole) {
  User alice = *store_->CreateUser("alice", "alice-password", false);
  ASSERT_TRUE(store_->CreateGrant(alice.id, "alice", "experiment", "5", "EDIT").ok());
  EXPECT_EQ(store_->CreateGrant(alice.id, "alice", "experiment", "5", "READ").code(),
            ErrorCode::kResourceAlreadyExists);
  ASSERT_TRUE(store_->UpsertGrant(alice.id, "registered_model", "m", "MANAGE").ok());
  std::vector<Grant> g = *store_->GrantsOf(alice.id);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(FoldGrants(g, "experiment", "5")->name, "EDIT");
  ASSERT_TRUE(store_->RenameGrantsFor("registered_model", "m", "m2").ok());
  EXPECT_EQ(*store_->DirectGrant(alice.id, "registered_model", "m2"), "MANAGE");
  ASSERT_TRUE(store_->DeleteGrantsFor("registered_model", "m2").ok());
  EXPECT_FALSE(store_->DirectGrant(alice.id, "registered_model", "m2")->has_value());
  EXPECT_EQ(store_->DeleteGrant(alice.id, "alice", "experiment", "9").code(), ErrorCode::kResourceDoesNotExist);
  ASSERT_TRUE(store_->DeleteUser("alice").ok());
  EXPECT_FALSE(store_->FindUser("alice")->has_value());
}

TEST_F(AuthStoreTest, RolesGrantsAndAssignments) {
  User alice = *store_->CreateUser("alice", "alice-password", false);
  Result<Role> role = store_->CreateRole("readers", "default", std::nullopt);
  ASSERT_TRUE(role.ok()) << role.status().message();
  EXPECT_FALSE(role->description.has_value());
  EXPECT_EQ(store_->CreateRole("readers", "default", "again").status().code(), ErrorCode::kResourceAlreadyExists);
  EXPECT_TRUE(store_->CreateRole("readers", "other", "same name, other workspace").ok());
  EXPECT_EQ(store_->CreateRole("__user_x", "default", std::nullopt).status().code(),
            ErrorCode::kInvalidParameterValue);

  Result<RolePermission> rp = store_->AddRolePermission(role->id, "experiment", "4", "EDIT");
  ASSERT_TRUE(rp.ok()) << rp.status().message();
  EXPECT_EQ(rp->role_id, role->id);
  EXPECT_EQ(store_->AddRolePermission(role->id, "experiment", "4", "READ").status().code(),
            ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(store_->AddRolePermission(999, "experiment", "4", "READ").status().message(), "Role with id=999 not found");
  EXPECT_EQ(store_->AddRolePermission(role->id, "run", "4", "READ").status().code(),
            ErrorCode::kInvalidParameterValue);

  // A role's grants count only once it is assigned.
  EXPECT_FALSE(FoldGrants(*store_->GrantsOf(alice.id), "experiment", "4").has_value());
  Result<RoleAssignment> a = store_->AssignRole(alice.id, role->id);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(store_->AssignRole(alice.id, role->id).status().code(), ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(FoldGrants(*store_->GrantsOf(alice.id), "experiment", "4")->name, "EDIT");
  ASSERT_TRUE(store_->UpdateRolePermission(rp->id, "DENY").ok());
  EXPECT_EQ(FoldGrants(*store_->GrantsOf(alice.id), "experiment", "4")->name, "DENY");
  EXPECT_EQ(store_->UpdateRolePermission(rp->id, "OWNER").status().code(), ErrorCode::kInvalidParameterValue);

  // Workspace membership and administration.
  EXPECT_EQ(*store_->PresentWorkspaces(alice.id), std::set<std::string>{"default"});
  EXPECT_TRUE(store_->AdminWorkspaces(alice.id)->empty());
  ASSERT_TRUE(store_->AddRolePermission(role->id, "workspace", "*", "MANAGE").ok());
  EXPECT_EQ(*store_->AdminWorkspaces(alice.id), std::set<std::string>{"default"});

  Result<Role> renamed = store_->UpdateRole(role->id, "editors", "can edit");
  ASSERT_TRUE(renamed.ok()) << renamed.status().message();
  EXPECT_EQ(renamed->name, "editors");
  EXPECT_EQ(*renamed->description, "can edit");
  EXPECT_EQ(renamed->permissions.size(), 2u);
  EXPECT_EQ(store_->ListRoles(std::nullopt)->size(), 2u);
  EXPECT_EQ(store_->ListRoles(std::vector<std::string>{"other"})->size(), 1u);
  EXPECT_EQ(store_->RolesOf(alice.id)->size(), 1u);
  EXPECT_EQ(store_->ListRoleUsers(role->id)->size(), 1u);
  auto users = *store_->ListUsersWithRoles();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].second.size(), 1u);

  ASSERT_TRUE(store_->UnassignRole(alice.id, role->id).ok());
  EXPECT_EQ(store_->UnassignRole(alice.id, role->id).code(), ErrorCode::kResourceDoesNotExist);
  ASSERT_TRUE(store_->AssignRole(alice.id, role->id).ok());
  ASSERT_TRUE(store_->DeleteRole(role->id).ok());
  EXPECT_TRUE(store_->RolesOf(alice.id)->empty());
  EXPECT_EQ(store_->GetRolePermission(rp->id).status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(store_->DeleteRole(role->id).code(), ErrorCode::kResourceDoesNotExist);
}

TEST_F(AuthStoreTest, ReopensItsOwnDatabase) {
  ASSERT_TRUE(store_->CreateUser("alice", "alice-password", true).ok());
  store_.reset();
  auto again = AuthStore::Open(uri_);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE((*again)->GetUser("alice")->is_admin);
}

}  // namespace
}  // namespace mlflow::auth
