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
  for (const char* key : {"a;b", "a*b", "a\\b", "a\"b", "a?b", "a\xC2\xA0" "b"}) {
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

// Every byte >= 0x80 used to count as a word character, so keys with emoji were accepted; MLflow's
// `\w` is Python's: letters and digits of every script, not symbols or marks.
TEST(ValidateKeyName, ParamKeyWithEmojiIsRefused) {
  EXPECT_FALSE(ValidateKeyName("p\xF0\x9F\x98\x80", "key").ok());   // U+1F600
  EXPECT_FALSE(ValidateKeyName("e\xCC\x81", "key").ok());             // combining acute accent
  EXPECT_FALSE(ValidateKeyName("bad\xFF", "key").ok());                // not UTF-8
  EXPECT_TRUE(ValidateKeyName("\xE4\xB8\xAD\xC2\xBD", "key").ok());  // CJK letter, vulgar fraction
  EXPECT_EQ(ValidateKeyName("bad\xFF", "key").message(),
            "Invalid value \"bad\xEF\xBF\xBD\" for parameter 'key' supplied: Names may only contain alphanumerics, "
            "underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).");
}

// Registered model names were only checked for being empty.
TEST(ValidateModelName, RegisteredModelNameWithSlashIsRefused) {
  EXPECT_EQ(ValidateModelName("a/b").message(), "Invalid model name 'a/b'. Names cannot contain '/' or ':'.");
  EXPECT_EQ(ValidateModelName("a:b").message(), "Invalid model name 'a:b'. Names cannot contain '/' or ':'.");
  EXPECT_EQ(ValidateModelName(" \t").message(), "Missing value for required parameter 'name'.");
  EXPECT_EQ(ValidateModelName("", "new_name").message(), "Missing value for required parameter 'new_name'.");
  EXPECT_NE(ValidateModelName(".").message().find("would resolve to '.'"), std::string::npos);
  EXPECT_TRUE(ValidateModelName("my model.v2 #1").ok());
}

// The headers' examples (core/validation.h, core/limits.h), as written there.
Status ValidationExample(const std::string& key, const std::string& value) {
  MLFLOW_RETURN_IF_ERROR(ValidateKey(key, "key", "Param key"));
  if (CharLength(value) > limits::kMaxParamValueLength) return TooLong("Param value", limits::kMaxParamValueLength);
  return Status();
}

TEST(Validation, HeaderExamples) {
  EXPECT_TRUE(ValidationExample("lr", "0.1").ok());
  EXPECT_EQ(ValidationExample("lr", std::string(6001, 'x')).message(),
            "'Param value' exceeds the maximum length of 6000 characters");
  std::string value(6001, 'x');
  if (validation::CharLength(value) > limits::kMaxParamValueLength) {
    value = validation::TruncateChars(value, limits::kMaxParamValueLength);
  }
  EXPECT_EQ(value.size(), 6000u);
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
  EXPECT_EQ(PyStrRepr("k"), "'k'");
  EXPECT_EQ(PyStrRepr("it's"), "\"it's\"");
  EXPECT_EQ(PyStrRepr("a'b\"c"), "'a\\'b\"c'");
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
