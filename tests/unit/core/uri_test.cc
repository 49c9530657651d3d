// Query strings decoded as Flask's request.args reads them (core/uri.h).
#include "core/uri.h"

#include <gtest/gtest.h>

namespace mlflow {
namespace {

TEST(Uri, ParseQueryDecodesAsParseQsl) {
  auto items = ParseQuery("path=a%2Fb+c&&flag&x=%zz&x=2&=v");
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0], (std::pair<std::string, std::string>{"path", "a/b c"}));
  EXPECT_EQ(items[1], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(items[2], (std::pair<std::string, std::string>{"x", "%zz"}));  // malformed escape kept
  EXPECT_EQ(items[3], (std::pair<std::string, std::string>{"x", "2"}));
  EXPECT_EQ(items[4], (std::pair<std::string, std::string>{"", "v"}));
}

// Werkzeug decodes query bytes with errors="replace"; a handler echoing such a value (an error
// message, a page) must not hold text that is not UTF-8 (handlers_fuzz: a 500 from the JSON writer).
TEST(Uri, ParseQueryReplacesBytesThatAreNotUtf8) {
  auto items = ParseQuery("filter=%90a&k%C3=%C3%A9");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], (std::pair<std::string, std::string>{"filter", "\xEF\xBF\xBD" "a"}));
  EXPECT_EQ(items[1], (std::pair<std::string, std::string>{"k\xEF\xBF\xBD", "\xC3\xA9"}));
}

TEST(Uri, QueryValueIsTheFirstOccurrence) {
  EXPECT_EQ(QueryValue("x=1&x=2", "x"), "1");
  EXPECT_EQ(QueryValue("run_id=&path=%", "run_id"), "");
  EXPECT_EQ(QueryValue("run_id=&path=%", "path"), "%");
  EXPECT_FALSE(QueryValue("a=1", "b").has_value());
  EXPECT_FALSE(QueryValue("", "b").has_value());
}

TEST(Uri, PercentDecodeRefusesMalformedEscapes) {
  std::string out;
  EXPECT_TRUE(PercentDecode("a%20b+c", &out, /*form=*/true));
  EXPECT_EQ(out, "a b c");
  EXPECT_FALSE(PercentDecode("a%2", &out));
  EXPECT_FALSE(PercentDecode("%g0", &out));
}

}  // namespace
}  // namespace mlflow
