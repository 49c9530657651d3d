#include "core/unicode.h"

#include <gtest/gtest.h>

#include <string>

namespace mlflow {
namespace {

TEST(NextCodePoint, DecodesUtf8AndReplacesMalformedBytes) {
  std::string_view s = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80\xFF";
  size_t i = 0;
  char32_t cp = 0;
  std::u32string out;
  while (NextCodePoint(s, i, cp)) out += cp;
  EXPECT_EQ(out, (std::u32string{U'a', U'\u00E9', U'\u4E2D', U'\U0001F600', U'\uFFFD'}));
}

TEST(IsValidUtf8, AcceptsWellFormedTextOnly) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80 \xEF\xBF\xBD"));  // U+FFFD itself is fine
  EXPECT_FALSE(IsValidUtf8("i\x94x"));                      // a lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xC3"));                        // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));                    // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));                // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));            // past U+10FFFF
}

TEST(IsPythonWordChar, FollowsPythonsBackslashW) {
  for (char32_t yes : {U'a', U'Z', U'0', U'_', U'\u00E9', U'\u4E2D', U'\u00BD', U'\u00B2', U'\u0661'}) {
    EXPECT_TRUE(IsPythonWordChar(yes)) << static_cast<uint32_t>(yes);
  }
  // Emoji, combining marks, no-break space, punctuation, the replacement character.
  for (char32_t no : {U'\U0001F600', U'\u0301', U'\u00A0', U'-', U' ', U'\uFFFD', U'\u2603'}) {
    EXPECT_FALSE(IsPythonWordChar(no)) << static_cast<uint32_t>(no);
  }
}

// The header's example, as written there.
TEST(IsPythonWordChar, HeaderExample) {
  std::string_view key = "ü_1";
  size_t i = 0;
  char32_t cp = 0;
  bool all_word = true;
  while (NextCodePoint(key, i, cp)) all_word = all_word && IsPythonWordChar(cp);
  EXPECT_TRUE(all_word);
}

}  // namespace
}  // namespace mlflow
