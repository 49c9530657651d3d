#include "core/validation.h"

#include <gtest/gtest.h>

namespace mlflow::validation {
namespace {

TEST(ValidateKeyName, AcceptsMlflowCharset) {
  for (const char* key : {"loss", "a/b", "a.b-c d:e", "metric_1", "ünïcode"}) {
    EXPECT_TRUE(ValidateKeyName(key, "key").ok()) << key;
  }
}

TEST(ValidateKeyName, RejectsOtherCharacters) {
  for (const char* key : {"a;b", "a*b", "a\\b", "a\"b", "a?b"}) {
    Status st = ValidateKeyName(key, "key");
    EXPECT_EQ(st.code(), ErrorCode::kInvalidParameterValue) << key;
    EXPECT_NE(st.message().find("Names may only contain"), std::string::npos);
  }
}

TEST(ValidateKeyName, RejectsNamesThatResolveToOtherPaths) {
  for (const char* key : {"/abs", "a//b", "a/./b", "a/../b", "..", "../x", "a/", "."}) {
    Status st = ValidateKeyName(key, "key");
    EXPECT_FALSE(st.ok()) << key;
  }
  Status st = ValidateKeyName("a/../b", "params[0].key");
  EXPECT_NE(st.message().find("would resolve to 'b'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("'params[0].key'"), std::string::npos);
}

TEST(ValidateKey, LengthCountsCharactersNotBytes) {
  std::string ok(250, 'a');
  EXPECT_TRUE(ValidateKey(ok, "key", "Param key").ok());
  std::string unicode;
  for (int i = 0; i < 250; ++i) unicode += "é";  // 500 bytes, 250 characters
  EXPECT_TRUE(ValidateKey(unicode, "key", "Param key").ok());
  Status st = ValidateKey(ok + "a", "key", "Param key");
  EXPECT_EQ(st.message(), "'Param key' exceeds the maximum length of 250 characters");
  EXPECT_EQ(ValidateKey("", "key", "x").message(), "Missing value for required parameter 'key'.");
}

TEST(TruncateChars, CutsOnCharacterBoundaries) {
  EXPECT_EQ(TruncateChars("abcdef", 3), "abc");
  EXPECT_EQ(TruncateChars("éééé", 2), "éé");
  EXPECT_EQ(TruncateChars("ab", 5), "ab");
  EXPECT_EQ(CharLength("aé€"), 3u);
}

TEST(PyRepr, QuotesLikePython) {
  EXPECT_EQ(PyRepr("k"), "'k'");
  EXPECT_EQ(PyRepr("it's"), "\"it's\"");
  EXPECT_EQ(PyRepr("a'b\"c"), "'a\\'b\"c'");
}

TEST(ValidateRunIdFormat, FollowsMlflowPattern) {
  EXPECT_TRUE(ValidateRunIdFormat("0123456789abcdef0123456789abcdef").ok());
  EXPECT_TRUE(ValidateRunIdFormat("a-b_c").ok());
  EXPECT_FALSE(ValidateRunIdFormat("-abc").ok());
  EXPECT_FALSE(ValidateRunIdFormat("a b").ok());
  EXPECT_FALSE(ValidateRunIdFormat(std::string(300, 'a')).ok());
  EXPECT_EQ(ValidateRunIdFormat("bad id").message(), "Invalid value \"bad id\" for parameter 'run_id' supplied.");
}

}  // namespace
}  // namespace mlflow::validation
