// Python's json.loads / json.dumps behaviour, byte for byte where MLflow stores the text.
#include "tracing/py_json.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mlflow::tracing {
namespace {

TEST(PyJson, DumpsLikePython) {
  Json v = Json::object();
  v["b"] = 1;
  v["a"] = Json::array({1.5, true, nullptr, "x"});
  v["n"] = Json::object({{"k", 1e-05}});
  EXPECT_EQ(PyJsonDumps(v), R"({"b": 1, "a": [1.5, true, null, "x"], "n": {"k": 1e-05}})");
  EXPECT_EQ(PyJsonDumps(v, true, /*compact=*/true), R"({"b":1,"a":[1.5,true,null,"x"],"n":{"k":1e-05}})");
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
  EXPECT_EQ(PyJsonDumps(Json("é😀"), /*ensure_ascii=*/false), "\"é😀\"");
  EXPECT_EQ(PyJsonDumps(Json("😀")), R"("\ud83d\ude00")");
}

TEST(PyJson, LoadsKeepsOrderAndPythonExtensions) {
  auto v = PyJsonLoads(R"( {"z": 1, "a": NaN, "m": [Infinity, -Infinity], "z": 2, "s": "\ud83d\ude00"} )");
  ASSERT_TRUE(v);
  EXPECT_EQ(PyJsonDumps(*v, false), R"({"z": 2, "a": NaN, "m": [Infinity, -Infinity], "s": "😀"})");
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

TEST(PyJson, Truthiness) {
  EXPECT_FALSE(PyTruthy(Json(nullptr)));
  EXPECT_FALSE(PyTruthy(Json("")));
  EXPECT_FALSE(PyTruthy(Json::object()));
  EXPECT_FALSE(PyTruthy(Json(0.0)));
  EXPECT_TRUE(PyTruthy(Json("0")));
  EXPECT_TRUE(PyTruthy(Json::array({0})));
}

}  // namespace
}  // namespace mlflow::tracing
