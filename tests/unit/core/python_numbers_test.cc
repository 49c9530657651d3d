#include "core/python_numbers.h"
#include "core/uri.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace mlflow {
namespace {

TEST(ParsePythonInt, ReadsWhatIntReads) {
  EXPECT_EQ(ParsePythonInt("0"), 0);
  EXPECT_EQ(ParsePythonInt("-1"), -1);
  EXPECT_EQ(ParsePythonInt(" +7 \n"), 7);
  EXPECT_EQ(ParsePythonInt("1_000"), 1000);
  EXPECT_EQ(ParsePythonInt("007"), 7);
  EXPECT_EQ(ParsePythonInt("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ParsePythonInt("9223372036854775807"), std::numeric_limits<int64_t>::max());
  for (const char* bad : {"", " ", "+", "1.5", "1e3", "0x10", "_1", "1_", "1__0", "1 2", "abc", "--1"}) {
    bool out_of_range = true;
    EXPECT_FALSE(ParsePythonInt(bad, &out_of_range).has_value()) << bad;
    EXPECT_FALSE(out_of_range) << bad;
  }
  for (const char* big : {"9223372036854775808", "-9223372036854775809", "99999999999999999999"}) {
    bool out_of_range = false;
    EXPECT_FALSE(ParsePythonInt(big, &out_of_range).has_value()) << big;
    EXPECT_TRUE(out_of_range) << big;
  }
}

TEST(ParsePythonFloat, ReadsWhatFloatReads) {
  EXPECT_EQ(ParsePythonFloat("1.5"), 1.5);
  EXPECT_EQ(ParsePythonFloat(" 1_000.5 "), 1000.5);
  EXPECT_EQ(ParsePythonFloat("1."), 1.0);
  EXPECT_EQ(ParsePythonFloat(".5"), 0.5);
  EXPECT_EQ(ParsePythonFloat("-1e3"), -1000.0);
  EXPECT_EQ(ParsePythonFloat("1e1_0"), 1e10);
  EXPECT_EQ(ParsePythonFloat("+inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParsePythonFloat("-Infinity"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParsePythonFloat("iNfInItY"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParsePythonFloat("1e999"), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(*ParsePythonFloat("NaN")));
  EXPECT_TRUE(std::isnan(*ParsePythonFloat("-nan")));
  for (const char* bad : {"", ".", "e5", "1e", "1e+", "0x10", "nan(1)", "1__0", "_1", "1_.5", "1._5", "1.5x", "inf1"}) {
    EXPECT_FALSE(ParsePythonFloat(bad).has_value()) << bad;
  }
}

// The header's example, as written there.
TEST(ParsePythonNumbers, HeaderExample) {
  std::optional<int64_t> id = ParsePythonInt(" +1_000 ");  // 1000
  std::optional<double> value = ParsePythonFloat("-inf");  // -infinity
  EXPECT_EQ(id, 1000);
  EXPECT_EQ(value, -std::numeric_limits<double>::infinity());
}

// core/uri.h's example, as written there.
TEST(PercentDecode, HeaderExample) {
  std::string out;
  bool ok = PercentDecode("a%20b+c", &out, /*form=*/true);  // true; out is "a b c"
  EXPECT_TRUE(ok);
  EXPECT_EQ(out, "a b c");
}

}  // namespace
}  // namespace mlflow
