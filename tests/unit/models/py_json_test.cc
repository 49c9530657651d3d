#include "models/py_json.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mlflow::models {
namespace {

std::string Err(const std::string& text) {
  JsonDoc d;
  auto e = d.Parse(text);
  return e ? e->Message() : "";
}

// The messages and positions Python's json.loads reports (3.11).
TEST(PyJson, ErrorsLikeJsonLoads) {
  EXPECT_EQ(Err(""), "Expecting value: line 1 column 1 (char 0)");
  EXPECT_EQ(Err("{"), "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)");
  EXPECT_EQ(Err("["), "Expecting value: line 1 column 2 (char 1)");
  EXPECT_EQ(Err("[1 2]"), "Expecting ',' delimiter: line 1 column 4 (char 3)");
  EXPECT_EQ(Err("[1,]"), "Expecting value: line 1 column 4 (char 3)");
  EXPECT_EQ(Err("{\"a\":1,}"), "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)");
  EXPECT_EQ(Err("{\"a\" 1}"), "Expecting ':' delimiter: line 1 column 6 (char 5)");
  EXPECT_EQ(Err("{\"a\":1 \"b\"}"), "Expecting ',' delimiter: line 1 column 8 (char 7)");
  EXPECT_EQ(Err("\"abc"), "Unterminated string starting at: line 1 column 1 (char 0)");
  EXPECT_EQ(Err("\"a\\x\""), "Invalid \\escape: line 1 column 3 (char 2)");
  EXPECT_EQ(Err("\"a\\u12\""), "Invalid \\uXXXX escape: line 1 column 4 (char 3)");
  EXPECT_EQ(Err("\"a\x01\""), "Invalid control character at: line 1 column 3 (char 2)");
  EXPECT_EQ(Err("1 2"), "Extra data: line 1 column 3 (char 2)");
  EXPECT_EQ(Err("1."), "Extra data: line 1 column 2 (char 1)");
  EXPECT_EQ(Err("[-]"), "Expecting value: line 1 column 2 (char 1)");
  EXPECT_EQ(Err("{\"a\":\n  tru}"), "Expecting value: line 2 column 3 (char 8)");
  // Positions count characters, not bytes.
  EXPECT_EQ(Err("[\"\xc3\xa9\" 1]"), "Expecting ',' delimiter: line 1 column 6 (char 5)");
  JsonDoc d;
  auto e = d.Parse("[1 2]");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->Repr(), "JSONDecodeError(\"Expecting ',' delimiter: line 1 column 4 (char 3)\")");
}

TEST(PyJson, ValuesLikeJsonLoads) {
  JsonDoc d;
  ASSERT_FALSE(d.Parse(R"([1e400, -0, -0.0, 1E5, 123456789012345678901234567890, NaN, -Infinity, "\ud83d\ude00", {"a": 1, "a": 2}])"));
  JsonRef r = d.root();
  ASSERT_TRUE(r.is_array());
  EXPECT_TRUE(std::isinf(r[0].as_double()));
  EXPECT_TRUE(r[1].is_int());
  EXPECT_EQ(r[1].as_int(), 0);
  EXPECT_TRUE(r[2].is_float());
  EXPECT_TRUE(std::signbit(r[2].as_double()));
  EXPECT_EQ(r[3].as_double(), 100000.0);
  EXPECT_EQ(r[4].type(), JsonType::kBigInt);
  EXPECT_EQ(r[4].bigint_text(), "123456789012345678901234567890");
  EXPECT_TRUE(std::isnan(r[5].as_double()));
  EXPECT_EQ(r[7].as_string(), "\xf0\x9f\x98\x80");
  EXPECT_EQ(r[8].Get("a").as_int(), 2);  // last duplicate wins
  EXPECT_EQ(r[8].Keys().size(), 1u);
}

TEST(PyJson, DumpsLikeJsonDumps) {
  JsonDoc d;
  ASSERT_FALSE(d.Parse("[\"\x7f\xc3\xa9\xf0\x9f\x98\x80\\\"\\\\\\n\\u0000\", 1e16, 1e-5, 0.0001, 123456789012345.6, "
                       "1.5e300, -0.0, NaN, Infinity, {\"k\": [true, null]}]"));
  PyJsonWriter w;
  w.Value(d.root());
  EXPECT_EQ(w.Take(),
            R"(["\u007f\u00e9\ud83d\ude00\"\\\n\u0000", 1e+16, 1e-05, 0.0001, 123456789012345.6, 1.5e+300, -0.0, NaN, Infinity, {"k": [true, null]}])");
}

TEST(PyJson, FloatRepr) {
  EXPECT_EQ(PyFloatRepr(0.1), "0.1");
  EXPECT_EQ(PyFloatRepr(1.0), "1.0");
  EXPECT_EQ(PyFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PyFloatRepr(9999999999999998.0), "9999999999999998.0");
  EXPECT_EQ(PyFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PyFloatRepr(0.00001), "1e-05");
  EXPECT_EQ(PyFloatRepr(static_cast<double>(0.1f)), "0.10000000149011612");
  EXPECT_EQ(PyFloatRepr(-2.5e-7), "-2.5e-07");
  EXPECT_EQ(PyFloatRepr(123456789.0), "123456789.0");
}

TEST(PyJson, Reprs) {
  EXPECT_EQ(PyBytesRepr("a'b\"c\xff\n"), "b'a\\'b\"c\\xff\\n'");
  EXPECT_EQ(PyBytesRepr("a'b"), "b\"a'b\"");
  EXPECT_EQ(PyStrRepr("it's"), "\"it's\"");
  EXPECT_EQ(PyStrRepr("caf\xc3\xa9"), "'caf\xc3\xa9'");
}

}  // namespace
}  // namespace mlflow::models
