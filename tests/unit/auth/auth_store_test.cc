#include "auth/auth_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace mlflow::auth {
namespace {

class AuthStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("auth_store_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = AuthStore::Open("sqlite:///" + (dir_ / "auth.db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
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

TEST_F(AuthStoreTest, ReopensItsOwnDatabase) {
  ASSERT_TRUE(store_->CreateUser("alice", "alice-password", true).ok());
  store_.reset();
  auto again = AuthStore::Open("sqlite:///" + (dir_ / "auth.db").string());
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE((*again)->GetUser("alice")->is_admin);
}

}  // namespace
}  // namespace mlflow::auth
