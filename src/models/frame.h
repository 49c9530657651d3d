#pragma once
// The in-memory form of scoring input: a column table that mirrors the pandas DataFrame MLflow's
// scoring server builds from a request (same column dtypes, same values), so that schema
// enforcement, error messages and the rows handed to a model match what MLflow does.
//
//   Frame f;
//   Column& c = f.AddColumn(ColumnLabel::Named("x"), DType::kFloat64);
//   c.f64 = {1.0, 2.5};
//   f.rows = 2;
//
// Object and string cells point into the parsed request (JsonDoc), which must outlive the frame.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/py_json.h"

namespace mlflow::models {

// pandas/numpy column dtypes that JSON input can produce. kStr is pandas 3's default string dtype
// (StringDtype with NaN as missing value); kObject holds arbitrary Python objects.
enum class DType : uint8_t { kBool, kInt32, kInt64, kUInt64, kFloat32, kFloat64, kStr, kObject };

// numpy's name: "float64", "int64", "bool", "object", "str", ...
std::string_view DTypeName(DType t);
bool IsNumeric(DType t);  // pandas is_numeric_dtype: ints, floats and bool

// One object/str cell: Python None, float NaN (pandas' missing marker), a JSON value from the
// request, or a Python float/int/bool made by a conversion (astype(object) of a numeric column).
struct Cell {
  enum class Kind : uint8_t { kNone, kNaN, kValue, kFloat, kInt, kUInt, kBool } kind = Kind::kNone;
  JsonRef value;  // kValue
  double d = 0;   // kFloat
  int64_t i = 0;  // kInt, kUInt (bit pattern), kBool (0/1)
  static Cell None() { return {}; }
  static Cell NaN() { return {Kind::kNaN, {}, 0, 0}; }
  static Cell Of(JsonRef v) {
    if (v.is_null()) return None();
    return {Kind::kValue, v, 0, 0};
  }
  static Cell Float(double v) { return {Kind::kFloat, {}, v, 0}; }
  static Cell Int(int64_t v) { return {Kind::kInt, {}, 0, v}; }
  static Cell UInt(uint64_t v) { return {Kind::kUInt, {}, 0, static_cast<int64_t>(v)}; }
  static Cell Bool(bool v) { return {Kind::kBool, {}, 0, v ? 1 : 0}; }
  bool missing() const { return kind == Kind::kNone || kind == Kind::kNaN; }
  bool is_string() const { return kind == Kind::kValue && value.is_string(); }
};

// A column label: a string, or an integer (pandas' default RangeIndex labels).
struct ColumnLabel {
  bool is_int = false;
  int64_t i = 0;
  std::string s;
  static ColumnLabel Named(std::string name) { return {false, 0, std::move(name)}; }
  static ColumnLabel Index(int64_t n) { return {true, n, {}}; }
  // str(label): "x" or "3"
  std::string Str() const { return is_int ? std::to_string(i) : s; }
  // repr(label): 'x' or 3
  std::string Repr() const;
  bool operator==(const ColumnLabel& o) const { return is_int == o.is_int && (is_int ? i == o.i : s == o.s); }
};

struct Column {
  ColumnLabel label;
  DType dtype = DType::kObject;
  std::vector<uint8_t> b;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;  // kInt64, and kUInt64 (bit pattern)
  std::vector<float> f32;
  std::vector<double> f64;
  std::vector<Cell> cells;  // kStr, kObject

  size_t size() const;
  // Value i as a double (numeric dtypes; bool 0/1).
  double AsDouble(size_t i) const;
  bool IsMissing(size_t i) const;  // NaN / None
};

// The row index: pandas' default RangeIndex, or labels given by dataframe_split's "index".
struct RowIndex {
  std::vector<JsonRef> labels;  // empty: RangeIndex(0..rows)
};

struct Frame {
  std::vector<Column> columns;
  size_t rows = 0;
  RowIndex index;

  Column& AddColumn(ColumnLabel label, DType dtype) {
    Column c;
    c.label = std::move(label);
    c.dtype = dtype;
    columns.push_back(std::move(c));
    return columns.back();
  }
  const Column* Find(const ColumnLabel& label) const;
  const Column* Find(std::string_view name) const;
};

// A numpy array: shape and flat C-order values (stored like a column).
struct NdArray {
  std::vector<int64_t> shape;
  Column data;
  size_t ndim() const { return shape.size(); }
};

// pandas' repr of a frame as MLflow's messages print it (str(df) in a non-terminal process:
// width 80, at most 60 rows else 5 + 5 with a footer, max_colwidth 50, precision 6).
std::string FrameRepr(const Frame& f);
// numpy's str() of an array (separator " ", linewidth 75, summarised above 1000 items).
std::string NdArrayStr(const NdArray& a);
// numpy's repr(): array([...]) / array([...], dtype=float32)
std::string NdArrayRepr(const NdArray& a);
// Python's str() / repr() of one cell.
std::string CellStr(const Cell& c);
std::string CellRepr(const Cell& c);
// Python's repr() of a JSON value read by json.loads: 'a', 1.5, None, [1, 2], {'a': 1}.
std::string PyValueRepr(JsonRef v);

}  // namespace mlflow::models
