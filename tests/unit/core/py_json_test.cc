// Python's json.loads / json.dumps behaviour, byte for byte where MLflow stores the text.
#include "core/py_json.h"
#include "core/py_text.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mlflow {
namespace {

using Json = PyJson;

TEST(PyJson, DumpsLikePython) {
  Json v = Json::object();
  v["b"] = 1;
  v["a"] = Json::array({1.5, true, nullptr, "x"});
  v["n"] = Json::object({{"k", 1e-05}});
  EXPECT_EQ(PyJsonDumps(v), R"({"b": 1, "a": [1.5, true, null, "x"], "n": {"k": 1e-05}})");
  EXPECT_EQ(PyJsonDumps(v, PyJsonStyle::Compact()), R"({"b":1,"a":[1.5,true,null,"x"],"n":{"k":1e-05}})");
}

TEST(PyJson, FloatRepr) {
  EXPECT_EQ(PyFloatRepr(1.0), "1.0");
  EXPECT_EQ(PyFloatRepr(0.1), "0.1");
  EXPECT_EQ(PyFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PyFloatRepr(1e15), "1000000000000000.0");
  EXPECT_EQ(PyFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PyFloatRepr(0.00001), "1e-05");
  EXPECT_EQ(PyFloatRepr(-2.5e-7), "-2.5e-07");
  EXPECT_EQ(PyFloatRepr(123456.789), "123456.789");
  EXPECT_EQ(PyFloatRepr(-0.0), "-0.0");
  EXPECT_EQ(PyJsonDumps(Json(std::nan(""))), "NaN");
  EXPECT_EQ(PyJsonDumps(Json(-INFINITY)), "-Infinity");
}

TEST(PyJson, StringEscapes) {
  EXPECT_EQ(PyJsonDumps(Json("é\"\n\x01/")), R"("\u00e9\"\n\u0001/")");
  EXPECT_EQ(PyJsonDumps(Json("é😀"), PyJsonStyle::Unicode()), "\"é😀\"");
  EXPECT_EQ(PyJsonDumps(Json("😀")), R"("\ud83d\ude00")");
}

TEST(PyJson, LoadsKeepsOrderAndPythonExtensions) {
  auto v = PyJsonLoads(R"( {"z": 1, "a": NaN, "m": [Infinity, -Infinity], "z": 2, "s": "\ud83d\ude00"} )");
  ASSERT_TRUE(v);
  EXPECT_EQ(PyJsonDumps(*v, PyJsonStyle::Unicode()), R"({"z": 2, "a": NaN, "m": [Infinity, -Infinity], "s": "😀"})");
  EXPECT_TRUE(PyJsonLoads("5")->is_number_integer());
  EXPECT_TRUE(PyJsonLoads("5.0")->is_number_float());
  EXPECT_TRUE(PyJsonLoads("18446744073709551615")->is_number_unsigned());
}

TEST(PyJson, LoadsRefusesWhatPythonRefuses) {
  for (const char* bad : {"", "{", "[1,]", "{'a': 1}", "\"a\nb\"", "01", "1 2", "nan", "tru", "\"\\x\""}) {
    EXPECT_FALSE(PyJsonLoads(bad)) << bad;
  }
  std::string deep(2000, '[');
  EXPECT_FALSE(PyJsonLoads(deep + std::string(2000, ']')));  // too deep: refused, not a crash
}

TEST(PyJson, SortedKeysLikeSortKeysTrue) {
  Json v = Json::object();
  v["b"] = 1;
  v["é"] = 2;
  v["a"] = Json::object({{"z", 1}, {"c", 2}});
  EXPECT_EQ(PyJsonDumps(v, PyJsonStyle::SortedKeys()), R"({"a": {"c": 2, "z": 1}, "b": 1, "\u00e9": 2})");
}

TEST(PyJson, AcceptsNlohmannJson) {
  nlohmann::json list = nlohmann::json::array({{{"version", 2}, {"name", "m"}}});
  EXPECT_EQ(PyJsonDumps(PyJson(list)), R"([{"name": "m", "version": 2}])");
}

TEST(PyText, JsonStringEscapesAsJsonDumps) {
  std::string s;
  AppendPyJsonString(s, std::string("a\x7f\x01\b\f", 5));
  EXPECT_EQ(s, R"("a\u007f\u0001\b\f")");  // json.dumps("a\x7f\x01\b\f")
  s.clear();
  AppendPyJsonString(s, "a\x7f", /*ensure_ascii=*/false);
  EXPECT_EQ(s, "\"a\x7f\"");  // DEL is only escaped under ensure_ascii
  s.clear();
  AppendPyJsonString(s, "x\xff", /*ensure_ascii=*/false);
  EXPECT_EQ(s, "\"x\xef\xbf\xbd\"");  // an invalid byte becomes U+FFFD
  s.clear();
  AppendPyJsonString(s, "\xed\xa0\x80");  // a kept lone surrogate goes back as Python writes it
  EXPECT_EQ(s, R"("\ud800")");
}

TEST(PyText, Reprs) {
  EXPECT_EQ(PyStrRepr("it's"), "\"it's\"");
  EXPECT_EQ(PyStrRepr("a'b\"c"), R"('a\'b"c')");
  EXPECT_EQ(PyStrRepr("\t\x7f\xc2\x85\xc3\xa9"), "'\\t\\x7f\\x85\xc3\xa9'");  // C1 control escaped, é kept
  EXPECT_EQ(PyBytesRepr(std::string("\x00\xff" "a'", 4)), "b\"\\x00\\xffa'\"");
  EXPECT_EQ(PyBytesRepr("abc"), "b'abc'");
  EXPECT_EQ(PyBytesRepr("it's"), "b\"it's\"");
  EXPECT_EQ(PyBytesRepr(std::string("\x00\n\xff\\", 4)), "b'\\x00\\n\\xff\\\\'");
  EXPECT_EQ(PyFloatRepr(1e22), "1e+22");
  EXPECT_EQ(PyFloatRepr(5e-324), "5e-324");
  EXPECT_EQ(PyFloatRepr(1e-100), "1e-100");
}

TEST(PyJson, Truthiness) {
  EXPECT_FALSE(PyTruthy(Json(nullptr)));
  EXPECT_FALSE(PyTruthy(Json("")));
  EXPECT_FALSE(PyTruthy(Json::object()));
  EXPECT_FALSE(PyTruthy(Json(0.0)));
  EXPECT_TRUE(PyTruthy(Json("0")));
  EXPECT_TRUE(PyTruthy(Json::array({0})));
}

}  // namespace
}  // namespace mlflow
