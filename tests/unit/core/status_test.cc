#include "core/status.h"

#include <gtest/gtest.h>

#include "core/ids.h"

namespace mlflow {
namespace {

TEST(Status, HttpStatusTableMatchesMlflow) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidParameterValue), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kResourceAlreadyExists), 400);  // not 409
  EXPECT_EQ(HttpStatusFor(ErrorCode::kResourceDoesNotExist), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidState), 500);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kTemporarilyUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotImplemented), 501);
  EXPECT_EQ(ErrorCodeName(ErrorCode::kResourceDoesNotExist), "RESOURCE_DOES_NOT_EXIST");
}

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidParameter("odd");
  return x / 2;
}

Status Chain(int x, int* out) {
  MLFLOW_ASSIGN_OR_RETURN(int h, Half(x));
  MLFLOW_ASSIGN_OR_RETURN(*out, Half(h));
  return Status();
}

TEST(Result, PropagatesErrorsAndValues) {
  int out = 0;
  EXPECT_TRUE(Chain(8, &out).ok());
  EXPECT_EQ(out, 2);
  Status st = Chain(6, &out);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(st.message(), "odd");
}

TEST(Ids, RunIdsAreUuid4Hex) {
  std::string a = NewUuidHex(), b = NewUuidHex();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a[12], '4');  // version nibble
  for (char c : a) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << a;
  EXPECT_EQ(NewLoggedModelId().rfind("m-", 0), 0u);
  std::string name = GenerateRunName();
  EXPECT_EQ(std::count(name.begin(), name.end(), '-'), 2) << name;
}

}  // namespace
}  // namespace mlflow

namespace mlflow {
namespace {

TEST(Status, ErrorClassFollowsTheCodeUnlessNamed) {
  Status plain = Status::InvalidParameter("x");
  EXPECT_EQ(plain.error_class(), ErrorClass::kFromCode);
  Status named = Status::InvalidParameter("Invalid order by field name: bogus").With(ErrorClass::kAttributeNotFound);
  EXPECT_EQ(named.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(named.error_class(), ErrorClass::kAttributeNotFound);
  EXPECT_EQ(named.message(), "Invalid order by field name: bogus");
}

}  // namespace
}  // namespace mlflow
