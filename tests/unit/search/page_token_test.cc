#include <gtest/gtest.h>

#include "search/page_token.h"

namespace mlflow::search {
namespace {

std::string Err(std::string_view token) {
  Result<int64_t> r = DecodeOffsetToken(token);
  EXPECT_FALSE(r.ok()) << token;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue);
  return r.status().message();
}

TEST(PageToken, MatchesMlflowEncoding) {
  // base64.b64encode(json.dumps({"offset": 100}).encode())
  EXPECT_EQ(EncodeOffsetToken(100), "eyJvZmZzZXQiOiAxMDB9");
  EXPECT_EQ(EncodeOffsetToken(1), "eyJvZmZzZXQiOiAxfQ==");
  EXPECT_EQ(*DecodeOffsetToken("eyJvZmZzZXQiOiAxMDB9"), 100);
}

TEST(PageToken, EmptyIsFirstPage) { EXPECT_EQ(*DecodeOffsetToken(""), 0); }

TEST(PageToken, RoundTrip) {
  for (int64_t off : {int64_t{1}, int64_t{2}, int64_t{999}, int64_t{50000}, int64_t{1} << 40}) {
    Result<int64_t> r = DecodeOffsetToken(EncodeOffsetToken(off));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, off);
  }
}

TEST(PageToken, NotBase64) {
  EXPECT_EQ(Err("abc"), "Invalid page token, could not base64-decode");
  EXPECT_EQ(Err("YQ="), "Invalid page token, could not base64-decode");
  EXPECT_EQ(*DecodeOffsetToken("eyJvZmZzZXQiOiAxMDB9="), 100);  // Python ignores extra padding
}

TEST(PageToken, NotJson) {
  // base64("hello")
  EXPECT_EQ(Err("aGVsbG8="), "Invalid page token, decoded value=b'hello'");
}

TEST(PageToken, ForeignJson) {
  EXPECT_EQ(Err(Base64Encode("{\"page\": 2}")), "Invalid page token, parsed value={'page': 2}");
  EXPECT_EQ(Err(Base64Encode("[1, 2]")), "Invalid page token, parsed value=[1, 2]");
  EXPECT_EQ(Err(Base64Encode("{\"offset\": 0}")), "Invalid page token, parsed value={'offset': 0}");
  EXPECT_EQ(Err(Base64Encode("{\"offset\": null}")), "Invalid page token, parsed value={'offset': None}");
  EXPECT_EQ(Err(Base64Encode("{\"offset\": \"abc\"}")), "Invalid page token, not stringable abc");
  EXPECT_EQ(Err(Base64Encode("{\"offset\": [1]}")), "Invalid page token, not stringable [1]");
}

TEST(PageToken, NegativeAndHugeRejected) {
  EXPECT_EQ(Err(Base64Encode("{\"offset\": -5}")), "Invalid page token, parsed value={'offset': -5}");
  EXPECT_FALSE(DecodeOffsetToken(Base64Encode("{\"offset\": 99999999999999999999999}")).ok());
  EXPECT_FALSE(DecodeOffsetToken(Base64Encode("{\"offset\": \"-3\"}")).ok());
}

TEST(PageToken, PythonLenientForms) {
  // The reference accepts a numeric string and truncates a float.
  EXPECT_EQ(*DecodeOffsetToken(Base64Encode("{\"offset\": \"7\"}")), 7);
  EXPECT_EQ(*DecodeOffsetToken(Base64Encode("{\"offset\": 7.9}")), 7);
}

TEST(PageToken, TamperedTokenNeverCrashes) {
  std::string good = EncodeOffsetToken(12345);
  for (size_t i = 0; i < good.size(); ++i) {
    for (char c : std::string("A/+=_-!\0\xff", 10)) {
      std::string t = good;
      t[i] = c;
      Result<int64_t> r = DecodeOffsetToken(t);
      if (r.ok()) {
        EXPECT_GT(*r, 0);
      } else {
        EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue);
      }
    }
  }
}

TEST(Base64, Basics) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("a"), "YQ==");
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_EQ(Base64Encode("abc"), "YWJj");
  EXPECT_EQ(*Base64Decode("YQ=="), "a");
  EXPECT_EQ(*Base64Decode("YW Jj"), "abc");  // Python skips characters outside the alphabet
  EXPECT_FALSE(Base64Decode("YQ").has_value());
  EXPECT_FALSE(Base64Decode("YQ=").has_value());
  EXPECT_FALSE(Base64Decode("Y").has_value());
}

TEST(LoggedModelToken, RoundTripAndBinding) {
  LoggedModelPageToken t;
  t.experiment_ids = {"1", "2"};
  t.filter_string = "metrics.a > 1";
  t.order_by = {{"metrics.acc", false, std::string("test"), std::nullopt}};
  t.offset = 50;
  std::string enc = EncodeLoggedModelToken(t);
  Result<LoggedModelPageToken> d = DecodeLoggedModelToken(enc);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->offset, 50);
  EXPECT_TRUE(ValidateLoggedModelToken(*d, {"1", "2"}, std::string("metrics.a > 1"), t.order_by).ok());
  Status s = ValidateLoggedModelToken(*d, {"1"}, std::string("metrics.a > 1"), t.order_by);
  EXPECT_EQ(s.message(),
            "Experiment IDs in the page token do not match the requested experiment IDs. Expected: ['1']. "
            "Found: ['1', '2']");
  EXPECT_FALSE(ValidateLoggedModelToken(*d, {"1", "2"}, std::nullopt, t.order_by).ok());
  EXPECT_FALSE(ValidateLoggedModelToken(*d, {"1", "2"}, std::string("metrics.a > 1"), {}).ok());
  EXPECT_FALSE(DecodeLoggedModelToken("!!!").ok());
  EXPECT_FALSE(DecodeLoggedModelToken(Base64Encode("[]")).ok());
}

TEST(LoggedModelToken, MatchesPythonJsonLayout) {
  LoggedModelPageToken t;
  t.experiment_ids = {"1"};
  t.offset = 50;
  // json.dumps(asdict(SearchLoggedModelsPaginationToken(["1"], None, None, 50)))
  EXPECT_EQ(*Base64Decode(EncodeLoggedModelToken(t)),
            "{\"experiment_ids\": [\"1\"], \"filter_string\": null, \"order_by\": null, \"offset\": 50}");
}

}  // namespace
}  // namespace mlflow::search
