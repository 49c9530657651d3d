#include "auth/csrf_token.h"

#include <gtest/gtest.h>

namespace mlflow::auth {
namespace {

TEST(CsrfToken, BoundToSecretNonceAndTime) {
  const std::string nonce = NewCsrfNonce();
  ASSERT_EQ(nonce.size(), 32u);
  EXPECT_NE(nonce, NewCsrfNonce());
  const std::string token = CsrfToken("secret", nonce, 1000);
  EXPECT_TRUE(CheckCsrfToken("secret", nonce, token, 1000).ok());
  EXPECT_TRUE(CheckCsrfToken("secret", nonce, token, 1000 + kCsrfTokenLifetimeSeconds).ok());
  EXPECT_EQ(CheckCsrfToken("secret", nonce, token, 1001 + kCsrfTokenLifetimeSeconds).message(),
            "The CSRF token has expired.");
  EXPECT_EQ(CheckCsrfToken("other-secret", nonce, token, 1000).message(), "The CSRF token is invalid.");
  EXPECT_EQ(CheckCsrfToken("secret", NewCsrfNonce(), token, 1000).message(), "The CSRF token is invalid.");
  // A later time in the token without the matching signature.
  EXPECT_EQ(CheckCsrfToken("secret", nonce, "2000" + token.substr(4), 1000).message(), "The CSRF token is invalid.");
  EXPECT_EQ(CheckCsrfToken("secret", nonce, "garbage", 1000).message(), "The CSRF token is invalid.");
  EXPECT_EQ(CheckCsrfToken("secret", nonce, "", 1000).message(), "The CSRF token is missing.");
  EXPECT_EQ(CheckCsrfToken("secret", "", token, 1000).message(), "The CSRF session token is missing.");
  EXPECT_EQ(CheckCsrfToken("secret", "", token, 1000).code(), ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace mlflow::auth
