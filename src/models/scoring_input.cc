#include "models/scoring_input.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

namespace mlflow::models {
namespace {

constexpr const char* kFormats[] = {"dataframe_split", "dataframe_records", "instances", "inputs"};

// MLflow's REQUIRED_INPUT_FORMAT prints a Python set, whose order varies between processes; this
// is one of its orders.
const std::string& RequiredInputFormat() {
  static const std::string s =
      "The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', "
      "'dataframe_records', 'instances', 'inputs'}";
  return s;
}

const std::string& ProtocolChangeInfo() {
  static const std::string s =
      "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, "
      "you are likely using an outdated scoring request format. To resolve the error, either update your request "
      "format or adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, "
      "change the 'mlflow' requirement specifier to 'mlflow==1.30.0'). If you are making a request using the MLflow "
      "client (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in order to use "
      "the new request format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, "
      "see https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.";
  return s;
}

// Python's type(x) as printed: <class 'dict'>.
std::string PyTypeOf(JsonRef v) {
  switch (v.type()) {
    case JsonType::kNull: return "<class 'NoneType'>";
    case JsonType::kTrue:
    case JsonType::kFalse: return "<class 'bool'>";
    case JsonType::kInt:
    case JsonType::kBigInt: return "<class 'int'>";
    case JsonType::kFloat: return "<class 'float'>";
    case JsonType::kString: return "<class 'str'>";
    case JsonType::kArray: return "<class 'list'>";
    case JsonType::kObject: return "<class 'dict'>";
  }
  return "<class 'object'>";
}

std::string PyTypeName(JsonRef v) {
  std::string t = PyTypeOf(v);
  return t.substr(8, t.size() - 10);
}

std::string PyList(const std::vector<std::string>& reprs) {
  std::string s = "[";
  for (size_t i = 0; i < reprs.size(); ++i) {
    if (i) s += ", ";
    s += reprs[i];
  }
  return s + "]";
}

// --- Python's float(str) and int(str) ------------------------------------------------------------

std::string_view StripWs(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

// Removes PEP 515 underscores (only between digits); false when they are misplaced.
bool RemoveUnderscores(std::string_view s, std::string* out) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (i == 0 || i + 1 >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i - 1])) ||
          !std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
        return false;
      }
      continue;
    }
    out->push_back(s[i]);
  }
  return true;
}

std::optional<double> PyFloatFromStr(std::string_view raw) {
  std::string_view s = StripWs(raw);
  std::string t;
  if (s.empty() || !RemoveUnderscores(s, &t)) return std::nullopt;
  std::string lower = t;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view body = lower;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "inf" || body == "infinity") return neg ? -HUGE_VAL : HUGE_VAL;
  if (body == "nan") return std::nan("");
  // Digits with an optional point and exponent; no hex, no leading '+' after sign.
  size_t i = 0, digits = 0;
  while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i, ++digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < body.size() && body[i] == 'e') {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    size_t e0 = i;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i;
    if (i == e0) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  std::string num(body);
  double v = std::strtod(num.c_str(), nullptr);
  return neg ? -v : v;
}

enum class IntParse { kOk, kInvalid, kOverflow };
IntParse PyIntFromStr(std::string_view raw, int64_t* out) {
  std::string_view s = StripWs(raw);
  std::string t;
  if (s.empty() || !RemoveUnderscores(s, &t)) return IntParse::kInvalid;
  std::string_view b = t;
  bool neg = false;
  if (!b.empty() && (b[0] == '+' || b[0] == '-')) {
    neg = b[0] == '-';
    b.remove_prefix(1);
  }
  if (b.empty()) return IntParse::kInvalid;
  for (char c : b) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return IntParse::kInvalid;
  }
  uint64_t v = 0;
  auto r = std::from_chars(b.data(), b.data() + b.size(), v);
  if (r.ec != std::errc()) return IntParse::kOverflow;
  if (neg) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return IntParse::kOverflow;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return IntParse::kOverflow;
    *out = static_cast<int64_t>(v);
  }
  return IntParse::kOk;
}

// Python truthiness of a cell (numpy astype(bool) on object values).
bool Truthy(const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::kNone: return false;
    case Cell::Kind::kNaN: return true;
    case Cell::Kind::kFloat: return c.d != 0;
    case Cell::Kind::kInt:
    case Cell::Kind::kUInt:
    case Cell::Kind::kBool: return c.i != 0;
    case Cell::Kind::kValue: break;
  }
  JsonRef v = c.value;
  switch (v.type()) {
    case JsonType::kTrue: return true;
    case JsonType::kFalse:
    case JsonType::kNull: return false;
    case JsonType::kInt: return v.as_int() != 0;
    case JsonType::kBigInt: return true;
    case JsonType::kFloat: return v.as_double() != 0;
    case JsonType::kString:
    case JsonType::kArray:
    case JsonType::kObject: return v.size() > 0;
  }
  return false;
}

std::string CellPyTypeName(const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::kNone: return "NoneType";
    case Cell::Kind::kNaN:
    case Cell::Kind::kFloat: return "float";
    case Cell::Kind::kInt:
    case Cell::Kind::kUInt: return "int";
    case Cell::Kind::kBool: return "bool";
    case Cell::Kind::kValue: return PyTypeName(c.value);
  }
  return "object";
}

// A conversion failure: the Python exception type and message.
struct ConvError {
  std::string type;
  std::string message;
};

// float(x) for an object value (numpy astype(float64) from object, np.array(x, dtype=float)).
std::optional<ConvError> CellToDouble(const Cell& c, double* out) {
  switch (c.kind) {
    case Cell::Kind::kNone:
    case Cell::Kind::kNaN: *out = std::nan(""); return std::nullopt;
    case Cell::Kind::kFloat: *out = c.d; return std::nullopt;
    case Cell::Kind::kInt:
    case Cell::Kind::kBool: *out = static_cast<double>(c.i); return std::nullopt;
    case Cell::Kind::kUInt: *out = static_cast<double>(static_cast<uint64_t>(c.i)); return std::nullopt;
    case Cell::Kind::kValue: break;
  }
  JsonRef v = c.value;
  switch (v.type()) {
    case JsonType::kTrue: *out = 1; return std::nullopt;
    case JsonType::kFalse: *out = 0; return std::nullopt;
    case JsonType::kInt:
    case JsonType::kBigInt:
    case JsonType::kFloat: *out = v.as_double(); return std::nullopt;
    case JsonType::kString: {
      auto d = PyFloatFromStr(v.as_string());
      if (!d) return ConvError{"ValueError", "could not convert string to float: " + PyStrRepr(v.as_string())};
      *out = *d;
      return std::nullopt;
    }
    case JsonType::kArray: return ConvError{"ValueError", "setting an array element with a sequence."};
    default:
      return ConvError{"TypeError", "float() argument must be a string or a real number, not '" + PyTypeName(v) + "'"};
  }
}

// int(x) for an object value.
std::optional<ConvError> CellToInt(const Cell& c, int64_t* out) {
  auto type_error = [&] {
    return ConvError{"TypeError", "int() argument must be a string, a bytes-like object or a real number, not '" +
                                      CellPyTypeName(c) + "'"};
  };
  switch (c.kind) {
    case Cell::Kind::kNone: return type_error();
    case Cell::Kind::kNaN: return ConvError{"ValueError", "cannot convert float NaN to integer"};
    case Cell::Kind::kFloat:
      if (std::isnan(c.d)) return ConvError{"ValueError", "cannot convert float NaN to integer"};
      if (std::isinf(c.d)) return ConvError{"OverflowError", "cannot convert float infinity to integer"};
      *out = static_cast<int64_t>(std::trunc(c.d));
      return std::nullopt;
    case Cell::Kind::kInt:
    case Cell::Kind::kBool: *out = c.i; return std::nullopt;
    case Cell::Kind::kUInt:
      if (c.i < 0) return ConvError{"OverflowError", "Python int too large to convert to C long"};
      *out = c.i;
      return std::nullopt;
    case Cell::Kind::kValue: break;
  }
  JsonRef v = c.value;
  switch (v.type()) {
    case JsonType::kTrue: *out = 1; return std::nullopt;
    case JsonType::kFalse: *out = 0; return std::nullopt;
    case JsonType::kInt: *out = v.as_int(); return std::nullopt;
    case JsonType::kBigInt: return ConvError{"OverflowError", "Python int too large to convert to C long"};
    case JsonType::kFloat: {
      double d = v.as_double();
      if (std::isnan(d)) return ConvError{"ValueError", "cannot convert float NaN to integer"};
      if (std::isinf(d)) return ConvError{"OverflowError", "cannot convert float infinity to integer"};
      *out = static_cast<int64_t>(std::trunc(d));
      return std::nullopt;
    }
    case JsonType::kString: {
      IntParse r = PyIntFromStr(v.as_string(), out);
      if (r == IntParse::kOk) return std::nullopt;
      if (r == IntParse::kOverflow) return ConvError{"OverflowError", "Python int too large to convert to C long"};
      return ConvError{"ValueError", "invalid literal for int() with base 10: " + PyStrRepr(v.as_string())};
    }
    default: return type_error();
  }
}

// --- pandas' dtype inference for a column of Python objects (maybe_convert_objects) ---------------

Column InferColumn(ColumnLabel label, std::vector<Cell> cells) {
  Column c;
  c.label = std::move(label);
  bool none = false, nan = false, boolean = false, ints = false, big = false, huge = false, floats = false, str = false,
       other = false, negative = false;
  for (const Cell& cell : cells) {
    switch (cell.kind) {
      case Cell::Kind::kNone: none = true; break;
      case Cell::Kind::kNaN: nan = true; break;
      case Cell::Kind::kFloat: floats = true; break;
      case Cell::Kind::kInt:
        ints = true;
        negative |= cell.i < 0;
        break;
      case Cell::Kind::kUInt: big = true; break;
      case Cell::Kind::kBool: boolean = true; break;
      case Cell::Kind::kValue:
        switch (cell.value.type()) {
          case JsonType::kTrue:
          case JsonType::kFalse: boolean = true; break;
          case JsonType::kInt:
            ints = true;
            negative |= cell.value.as_int() < 0;
            break;
          case JsonType::kBigInt: {
            std::string_view t = cell.value.bigint_text();
            uint64_t u = 0;
            auto r = std::from_chars(t.data(), t.data() + t.size(), u);
            if (t[0] != '-' && r.ec == std::errc()) {
              big = true;
            } else {
              huge = true;
            }
            break;
          }
          case JsonType::kFloat: floats = true; break;
          case JsonType::kString: str = true; break;
          default: other = true;
        }
        break;
    }
  }
  auto as_object = [&] {
    c.dtype = DType::kObject;
    c.cells = std::move(cells);
    return c;
  };
  if (cells.empty() || other || huge) return as_object();
  if (boolean) {
    if (none || nan || ints || big || floats || str) return as_object();
    c.dtype = DType::kBool;
    for (const Cell& cell : cells) c.b.push_back(Truthy(cell) ? 1 : 0);
    return c;
  }
  if (str) {
    if (ints || big || floats) return as_object();
    c.dtype = DType::kStr;
    for (Cell& cell : cells) {
      if (cell.missing()) cell = Cell::NaN();
    }
    c.cells = std::move(cells);
    return c;
  }
  if (floats || none || nan) {
    if (!(ints || big || floats || nan)) return as_object();  // only None
    c.dtype = DType::kFloat64;
    for (const Cell& cell : cells) {
      double d = 0;
      (void)CellToDouble(cell, &d);
      c.f64.push_back(d);
    }
    return c;
  }
  if (big) {
    if (negative) return as_object();
    c.dtype = DType::kUInt64;
    for (const Cell& cell : cells) {
      uint64_t u = 0;
      if (cell.kind == Cell::Kind::kValue && cell.value.type() == JsonType::kBigInt) {
        std::string_view t = cell.value.bigint_text();
        std::from_chars(t.data(), t.data() + t.size(), u);
      } else {
        u = static_cast<uint64_t>(cell.kind == Cell::Kind::kInt || cell.kind == Cell::Kind::kUInt ? cell.i : cell.value.as_int());
      }
      c.i64.push_back(static_cast<int64_t>(u));
    }
    return c;
  }
  c.dtype = DType::kInt64;
  for (const Cell& cell : cells) c.i64.push_back(cell.kind == Cell::Kind::kInt ? cell.i : cell.value.as_int());
  return c;
}

// A column's values as Python objects (for astype(object) and conversions from object).
Cell CellAt(const Column& c, size_t i) {
  switch (c.dtype) {
    case DType::kBool: return Cell::Bool(c.b[i]);
    case DType::kInt32: return Cell::Int(c.i32[i]);
    case DType::kInt64: return Cell::Int(c.i64[i]);
    case DType::kUInt64: return Cell::UInt(static_cast<uint64_t>(c.i64[i]));
    case DType::kFloat32: return Cell::Float(c.f32[i]);
    case DType::kFloat64: return Cell::Float(c.f64[i]);
    default: return c.cells[i];
  }
}

// --- astype(), as pandas/numpy convert a column ------------------------------------------------

// Converts `c` to the numpy dtype of `t` (a simple DataType). Errors: the Python exception.
// The numpy dtype of a simple DataType.
DType TargetDType(MlType t) {
  switch (t) {
    case MlType::kBoolean: return DType::kBool;
    case MlType::kInteger: return DType::kInt32;
    case MlType::kLong: return DType::kInt64;
    case MlType::kFloat: return DType::kFloat32;
    case MlType::kDouble: return DType::kFloat64;
    default: return DType::kObject;
  }
}

std::optional<ConvError> AsType(Column& c, MlType t) {
  if (t != MlType::kString && c.dtype == TargetDType(t)) return std::nullopt;  // already that dtype
  size_t n = c.size();
  Column out;
  out.label = c.label;
  switch (t) {
    case MlType::kString: {  // astype(object); the str dtype is left as it is
      if (c.dtype == DType::kStr || c.dtype == DType::kObject) return std::nullopt;
      out.dtype = DType::kObject;
      for (size_t i = 0; i < n; ++i) out.cells.push_back(CellAt(c, i));
      break;
    }
    case MlType::kBoolean: {
      out.dtype = DType::kBool;
      for (size_t i = 0; i < n; ++i) {
        bool v;
        if (c.dtype == DType::kStr || c.dtype == DType::kObject) {
          v = Truthy(c.cells[i]);
        } else {
          double d = c.AsDouble(i);
          v = std::isnan(d) || d != 0;
        }
        out.b.push_back(v ? 1 : 0);
      }
      break;
    }
    case MlType::kInteger:
    case MlType::kLong: {
      std::vector<int64_t> vals;
      if (c.dtype == DType::kFloat32 || c.dtype == DType::kFloat64) {
        for (size_t i = 0; i < n; ++i) {
          if (!std::isfinite(c.AsDouble(i))) {
            return ConvError{"IntCastingNaNError",
                             "Cannot convert non-finite values (NA or inf) to integer. Replace or remove non-finite "
                             "values or cast to an integer type that supports these values (e.g. 'Int64')"};
          }
        }
        // The C cast numpy uses: out-of-range values become the type's minimum (x86's
        // "integer indefinite"), for int32 and int64 alike.
        double lo = t == MlType::kInteger ? -2147483648.0 : -9223372036854775808.0;
        int64_t indefinite = t == MlType::kInteger ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int64_t>::min();
        for (size_t i = 0; i < n; ++i) {
          double v = std::trunc(c.AsDouble(i));
          vals.push_back(v >= lo && v < -lo ? static_cast<int64_t>(v) : indefinite);
        }
      } else if (c.dtype == DType::kStr || c.dtype == DType::kObject) {
        if (c.dtype == DType::kStr) {
          for (size_t i = 0; i < n; ++i) {
            if (c.cells[i].missing()) return ConvError{"ValueError", "cannot convert float NaN to integer"};
          }
        }
        for (size_t i = 0; i < n; ++i) {
          int64_t v = 0;
          if (auto e = CellToInt(c.cells[i], &v)) return e;
          vals.push_back(v);
        }
      } else {
        for (size_t i = 0; i < n; ++i) {
          vals.push_back(c.dtype == DType::kBool ? c.b[i] : c.dtype == DType::kInt32 ? c.i32[i] : c.i64[i]);
        }
      }
      if (t == MlType::kInteger) {
        out.dtype = DType::kInt32;
        for (int64_t v : vals) out.i32.push_back(static_cast<int32_t>(v));  // numpy wraps
      } else {
        out.dtype = DType::kInt64;
        out.i64 = std::move(vals);
      }
      break;
    }
    case MlType::kFloat:
    case MlType::kDouble: {
      std::vector<double> vals;
      for (size_t i = 0; i < n; ++i) {
        double v = 0;
        if (c.dtype == DType::kStr || c.dtype == DType::kObject) {
          if (auto e = CellToDouble(c.cells[i], &v)) return e;
        } else {
          v = c.AsDouble(i);
        }
        vals.push_back(v);
      }
      if (t == MlType::kFloat) {
        out.dtype = DType::kFloat32;
        for (double v : vals) out.f32.push_back(static_cast<float>(v));
      } else {
        out.dtype = DType::kFloat64;
        out.f64 = std::move(vals);
      }
      break;
    }
    default: return ConvError{"TypeError", "unsupported conversion"};
  }
  c = std::move(out);
  return std::nullopt;
}

const char* PandasTypeStr(MlType t) {
  // str() of DataType.to_pandas(): string/binary map to `object`.
  switch (t) {
    case MlType::kString:
    case MlType::kBinary: return "<class 'object'>";
    default: return MlTypeNumpyName(t);
  }
}

// cast_df_types_according_to_schema for the simple DataTypes this module handles.
std::optional<ScoringError> CastFrame(Frame& f, const Schema& schema) {
  if (schema.is_tensor) return std::nullopt;  // tensor casts happen at enforcement
  std::vector<std::pair<ColumnLabel, const ColSpec*>> pairs;
  if (schema.has_names()) {
    for (const auto& c : schema.cols) pairs.push_back({ColumnLabel::Named(*c.name), &c});
  } else {
    size_t n = std::min(schema.cols.size(), f.columns.size());
    for (size_t i = 0; i < n; ++i) pairs.push_back({f.columns[i].label, &schema.cols[i]});
  }
  for (auto& [label, spec] : pairs) {
    for (auto& col : f.columns) {
      if (!(col.label == label)) continue;
      if (!spec->type.is_datatype() || spec->type.type == MlType::kBinary || spec->type.type == MlType::kDatetime) {
        return ScoringError::Unsupported("column type " + spec->type.Repr() + " is not handled natively");
      }
      if (auto e = AsType(col, spec->type.type)) {
        return ScoringError::InvalidInput("Data is not compatible with model signature. Failed to convert column " +
                                          label.Str() + " to type '" + PandasTypeStr(spec->type.type) +
                                          "'. Error: '" + PyExceptionRepr(e->type, e->message) + "'");
      }
      break;
    }
  }
  return std::nullopt;
}

// --- Building frames from JSON ------------------------------------------------------------------

bool IsScalarJson(JsonRef v) { return !v.is_array() && !v.is_object(); }

std::optional<ColumnLabel> LabelFromJson(JsonRef v) {
  if (v.is_string()) return ColumnLabel::Named(std::string(v.as_string()));
  if (v.type() == JsonType::kInt) return ColumnLabel::Index(v.as_int());
  return std::nullopt;
}

// Fast path for the common case: a column of JSON numbers only. ints -> int64, any float -> float64
// (the same dtypes InferColumn gives), without building cells.
template <typename Get>
bool NumericColumn(size_t n, Get get, Column* out) {
  bool any_float = false;
  for (size_t i = 0; i < n; ++i) {
    JsonRef v = get(i);
    if (v.is_absent()) return false;
    JsonType t = v.type();
    if (t == JsonType::kFloat) {
      any_float = true;
    } else if (t != JsonType::kInt) {
      return false;
    }
  }
  if (any_float) {
    out->dtype = DType::kFloat64;
    out->f64.resize(n);
    for (size_t i = 0; i < n; ++i) {
      JsonRef v = get(i);
      out->f64[i] = v.type() == JsonType::kFloat ? v.node()->d : static_cast<double>(v.node()->i);
    }
  } else {
    out->dtype = DType::kInt64;
    out->i64.resize(n);
    for (size_t i = 0; i < n; ++i) out->i64[i] = get(i).node()->i;
  }
  return true;
}

// pd.DataFrame(data=rows, columns=columns) for a list of row lists or a list of scalars.
std::optional<ScoringError> FrameFromRows(JsonRef data, JsonRef columns, Frame* f, const char* orient) {
  auto not_valid = [&](const std::string& err) {
    return ScoringError::InvalidInput(std::string("Provided dataframe_") + orient +
                                      " field is not a valid dataframe representation in '" + orient +
                                      "' format. Error: '" + err + "'");
  };
  std::vector<ColumnLabel> labels;
  bool have_columns = !columns.is_absent() && !columns.is_null();
  if (have_columns) {
    if (!columns.is_array()) return ScoringError::Unsupported("'columns' is not a list");
    for (size_t i = 0; i < columns.size(); ++i) {
      auto l = LabelFromJson(columns[i]);
      if (!l) return ScoringError::Unsupported("unsupported column label");
      for (const auto& prev : labels) {
        if (prev == *l) return ScoringError::Unsupported("duplicate column labels");
      }
      labels.push_back(*l);
    }
  }
  size_t n = data.size();
  bool all_lists = true, all_scalars = true;
  for (size_t i = 0; i < n; ++i) {
    all_lists &= data[i].is_array();
    all_scalars &= IsScalarJson(data[i]);
  }
  if (n == 0) {
    for (auto& l : labels) f->AddColumn(l, DType::kObject);
    f->rows = 0;
    return std::nullopt;
  }
  if (all_scalars) {
    if (have_columns && labels.size() != 1) return ScoringError::Unsupported("1-D data with several columns");
    std::vector<Cell> cells;
    cells.reserve(n);
    for (size_t i = 0; i < n; ++i) cells.push_back(Cell::Of(data[i]));
    f->columns.push_back(InferColumn(have_columns ? labels[0] : ColumnLabel::Index(0), std::move(cells)));
    f->rows = n;
    return std::nullopt;
  }
  if (!all_lists) return ScoringError::Unsupported("rows mix lists and other values");
  size_t width = 0;
  for (size_t i = 0; i < n; ++i) width = std::max(width, data[i].size());
  if (have_columns && labels.size() != width) {
    return not_valid(std::to_string(labels.size()) + " columns passed, passed data had " + std::to_string(width) +
                     " columns");
  }
  // The common case first: every row complete and every value a number. One pass over the rows
  // classifies the columns (any float -> float64, else int64), a second fills them.
  {
    std::vector<uint8_t> any_float(width, 0);
    bool numeric = width > 0;
    for (size_t i = 0; i < n && numeric; ++i) {
      JsonRef r = data[i];
      if (r.size() != width) {
        numeric = false;
        break;
      }
      const JsonNode* cell = r.doc()->node(r.node()->first);
      for (size_t j = 0; j < width; ++j) {
        JsonType t = cell[j].type;
        if (t == JsonType::kFloat) {
          any_float[j] = 1;
        } else if (t != JsonType::kInt) {
          numeric = false;
          break;
        }
      }
    }
    if (numeric) {
      size_t base = f->columns.size();
      for (size_t j = 0; j < width; ++j) {
        Column c;
        c.label = have_columns ? labels[j] : ColumnLabel::Index(static_cast<int64_t>(j));
        c.dtype = any_float[j] ? DType::kFloat64 : DType::kInt64;
        if (any_float[j]) {
          c.f64.resize(n);
        } else {
          c.i64.resize(n);
        }
        f->columns.push_back(std::move(c));
      }
      for (size_t i = 0; i < n; ++i) {
        JsonRef r = data[i];
        const JsonNode* cell = r.doc()->node(r.node()->first);
        for (size_t j = 0; j < width; ++j) {
          Column& c = f->columns[base + j];
          if (any_float[j]) {
            c.f64[i] = cell[j].type == JsonType::kFloat ? cell[j].d : static_cast<double>(cell[j].i);
          } else {
            c.i64[i] = cell[j].i;
          }
        }
      }
      f->rows = n;
      return std::nullopt;
    }
  }
  for (size_t j = 0; j < width; ++j) {
    Column fast;
    fast.label = have_columns ? labels[j] : ColumnLabel::Index(static_cast<int64_t>(j));
    if (NumericColumn(
            n, [&](size_t i) { return j < data[i].size() ? data[i][j] : JsonRef(); }, &fast)) {
      f->columns.push_back(std::move(fast));
      continue;
    }
    std::vector<Cell> cells;
    cells.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      JsonRef row = data[i];
      cells.push_back(j < row.size() ? Cell::Of(row[j]) : Cell::NaN());  // short rows are padded with NaN
    }
    f->columns.push_back(InferColumn(have_columns ? labels[j] : ColumnLabel::Index(static_cast<int64_t>(j)),
                                     std::move(cells)));
  }
  f->rows = n;
  return std::nullopt;
}

// pd.DataFrame(data=[{...}, ...]): columns in order of first appearance, missing values NaN.
std::optional<ScoringError> FrameFromRecords(JsonRef data, Frame* f) {
  std::vector<std::string_view> names;
  for (size_t i = 0; i < data.size(); ++i) {
    for (auto k : data[i].Keys()) {
      if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
    }
  }
  for (auto name : names) {
    Column fast;
    fast.label = ColumnLabel::Named(std::string(name));
    if (NumericColumn(data.size(), [&](size_t i) { return data[i].Get(name); }, &fast)) {
      f->columns.push_back(std::move(fast));
      continue;
    }
    std::vector<Cell> cells;
    cells.reserve(data.size());
    for (size_t i = 0; i < data.size(); ++i) {
      JsonRef v = data[i].Get(name);
      cells.push_back(v.is_absent() ? Cell::NaN() : Cell::Of(v));
    }
    f->columns.push_back(InferColumn(ColumnLabel::Named(std::string(name)), std::move(cells)));
  }
  f->rows = data.size();
  return std::nullopt;
}

// --- numpy arrays from JSON (np.array(data, dtype)) ---------------------------------------------

// Shape of a nested list; false when ragged (numpy's inhomogeneous shape error).
bool NestedShape(JsonRef v, std::vector<int64_t>* shape, std::string* err) {
  shape->clear();
  JsonRef cur = v;
  while (cur.is_array()) {
    shape->push_back(static_cast<int64_t>(cur.size()));
    if (cur.size() == 0) break;
    cur = cur[0];
  }
  // Verify every element agrees with the first one's shape.
  std::vector<std::pair<JsonRef, size_t>> stack = {{v, 0}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (depth < shape->size()) {
      if (!node.is_array() || static_cast<int64_t>(node.size()) != (*shape)[depth]) {
        std::string detected = "(";
        for (size_t i = 0; i < depth; ++i) {
          if (i) detected += ", ";
          detected += std::to_string((*shape)[i]);
        }
        detected += depth == 1 ? ",)" : ")";
        *err = "setting an array element with a sequence. The requested array has an inhomogeneous shape after " +
               std::to_string(depth) + " dimensions. The detected shape was " + detected + " + inhomogeneous part.";
        return false;
      }
      for (size_t i = 0; i < node.size(); ++i) stack.push_back({node[i], depth + 1});
    } else if (node.is_array()) {
      *err = "setting an array element with a sequence.";
      return false;
    }
  }
  return true;
}

void FlattenLeaves(JsonRef v, std::vector<Cell>* out) {
  if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) FlattenLeaves(v[i], out);
  } else {
    out->push_back(Cell::Of(v));
  }
}

// np.array(leaves) without a dtype: numpy's promotion of Python scalars.
std::optional<ScoringError> InferArray(const std::vector<Cell>& leaves, Column* out) {
  bool none = false, boolean = false, ints = false, floats = false, str = false, other = false, big = false;
  for (const Cell& c : leaves) {
    if (c.kind == Cell::Kind::kNone) {
      none = true;
      continue;
    }
    switch (c.value.type()) {
      case JsonType::kTrue:
      case JsonType::kFalse: boolean = true; break;
      case JsonType::kInt: ints = true; break;
      case JsonType::kBigInt: big = true; break;
      case JsonType::kFloat: floats = true; break;
      case JsonType::kString: str = true; break;
      default: other = true;
    }
  }
  if (none || other || big || (str && (boolean || ints || floats))) {
    return ScoringError::Unsupported("object arrays are not handled natively");
  }
  if (str) {
    out->dtype = DType::kStr;
    out->cells = leaves;
    return std::nullopt;
  }
  if (floats) {
    out->dtype = DType::kFloat64;
    for (const Cell& c : leaves) out->f64.push_back(c.value.as_double());
  } else if (ints) {
    out->dtype = DType::kInt64;
    for (const Cell& c : leaves) out->i64.push_back(c.value.is_bool() ? c.value.as_bool() : c.value.as_int());
  } else {
    out->dtype = DType::kBool;
    for (const Cell& c : leaves) out->b.push_back(c.value.as_bool() ? 1 : 0);
  }
  return std::nullopt;
}

// np.array(leaves, dtype=<numpy type of t>).
std::optional<ConvError> ConvertLeaves(const std::vector<Cell>& leaves, MlType t, Column* out) {
  Column tmp;
  tmp.dtype = DType::kObject;
  tmp.cells = leaves;
  if (t == MlType::kString) {
    out->dtype = DType::kStr;
    for (const Cell& c : leaves) {
      (void)c;
    }
    out->cells = leaves;  // numpy str() of each value; strings stay strings
    return std::nullopt;
  }
  if (t == MlType::kFloat || t == MlType::kDouble) {
    for (const Cell& c : leaves) {
      if (c.kind == Cell::Kind::kValue && c.value.is_string()) {
        double d;
        if (auto e = CellToDouble(c, &d)) return e;
      }
    }
  }
  if (auto e = AsType(tmp, t)) return e;
  *out = std::move(tmp);
  return std::nullopt;
}

NdArray MakeArray(std::vector<int64_t> shape, Column data) {
  NdArray a;
  a.shape = std::move(shape);
  a.data = std::move(data);
  return a;
}

// convert_data_type(data, spec) for a column spec (or none): a numpy array, or a numpy scalar
// (a 0-d array) for a scalar value.
std::optional<ScoringError> ConvertData(JsonRef data, const ColSpec* spec, NdArray* out) {
  if (spec && (!spec->type.is_datatype() || spec->type.type == MlType::kBinary || spec->type.type == MlType::kDatetime)) {
    return ScoringError::Unsupported("column type " + spec->type.Repr() + " is not handled natively");
  }
  std::vector<int64_t> shape;
  std::string err;
  if (data.is_object() || (data.is_array() && !NestedShape(data, &shape, &err))) {
    if (data.is_object()) return ScoringError::Unsupported("dict values are not handled natively");
    return ScoringError::InvalidInput(err);
  }
  std::vector<Cell> leaves;
  FlattenLeaves(data, &leaves);
  for (const Cell& c : leaves) {
    if (c.kind == Cell::Kind::kValue && c.value.is_object()) return ScoringError::Unsupported("nested objects");
  }
  Column col;
  if (spec) {
    if (auto e = ConvertLeaves(leaves, spec->type.type, &col)) return ScoringError::InvalidInput(e->message);
  } else if (auto e = InferArray(leaves, &col)) {
    return e;
  }
  *out = MakeArray(shape, std::move(col));
  return std::nullopt;
}

// pd.DataFrame(dict of arrays) / pd.DataFrame([dict of scalars]), as _enforce_schema builds it.
std::optional<ScoringError> FrameFromArrays(const std::vector<std::pair<std::string, NdArray>>& arrays, Frame* f) {
  bool all_scalar = true;
  for (const auto& [name, a] : arrays) all_scalar &= a.ndim() == 0;
  size_t rows = 0;
  bool first = true;
  for (const auto& [name, a] : arrays) {
    if (a.ndim() > 1) return ScoringError::Unsupported("multi-dimensional column values");
    size_t len = a.ndim() == 0 ? 1 : static_cast<size_t>(a.shape[0]);
    if (!all_scalar && a.ndim() == 0) return ScoringError::Unsupported("mixed scalars and arrays");
    if (first) {
      rows = len;
      first = false;
    } else if (len != rows) {
      return ScoringError::InvalidParameter(
          "This model contains a column-based signature, which suggests a DataFrame input. There was an error "
          "casting the input data to a DataFrame: All arrays must be of the same length");
    }
    Column c = a.data;
    c.label = ColumnLabel::Named(name);
    f->columns.push_back(std::move(c));
  }
  f->rows = rows;
  return std::nullopt;
}

// pd.DataFrame(ndarray): columns 0..n-1.
std::optional<ScoringError> FrameFromArray(const NdArray& a, Frame* f) {
  if (a.ndim() == 1) {
    Column c = a.data;
    c.label = ColumnLabel::Index(0);
    f->columns.push_back(std::move(c));
    f->rows = static_cast<size_t>(a.shape[0]);
    return std::nullopt;
  }
  if (a.ndim() != 2) return ScoringError::Unsupported("arrays with other than 1 or 2 dimensions");
  size_t rows = static_cast<size_t>(a.shape[0]), cols = static_cast<size_t>(a.shape[1]);
  for (size_t j = 0; j < cols; ++j) {
    Column c;
    c.label = ColumnLabel::Index(static_cast<int64_t>(j));
    c.dtype = a.data.dtype;
    for (size_t i = 0; i < rows; ++i) {
      size_t k = i * cols + j;
      switch (c.dtype) {
        case DType::kBool: c.b.push_back(a.data.b[k]); break;
        case DType::kInt32: c.i32.push_back(a.data.i32[k]); break;
        case DType::kInt64:
        case DType::kUInt64: c.i64.push_back(a.data.i64[k]); break;
        case DType::kFloat32: c.f32.push_back(a.data.f32[k]); break;
        case DType::kFloat64: c.f64.push_back(a.data.f64[k]); break;
        default: c.cells.push_back(a.data.cells[k]);
      }
    }
    f->columns.push_back(std::move(c));
  }
  f->rows = rows;
  return std::nullopt;
}

const ColSpec* FindSpec(const Schema* schema, std::string_view name) {
  if (!schema || schema->is_tensor || !schema->has_names()) return nullptr;
  for (const auto& c : schema->cols) {
    if (*c.name == name) return &c;
  }
  return nullptr;
}

std::optional<ScoringError> ParseInstances(JsonRef data, const Schema* schema, ScoringRequest* out);
std::optional<ScoringError> ParseInputs(JsonRef data, const Schema* schema, ScoringRequest* out);

// parse_instances_data
std::optional<ScoringError> ParseInstances(JsonRef data, const Schema* schema, ScoringRequest* out) {
  if (!(data.is_array() && data.size() > 0 && data[0].is_object())) return ParseInputs(data, schema, out);
  std::vector<std::string_view> cols;
  std::vector<std::vector<NdArray>> values;
  for (size_t i = 0; i < data.size(); ++i) {
    JsonRef item = data[i];
    if (!item.is_object()) {
      return ScoringError::InvalidInput("Ensure that the input is a valid JSON-formatted string.\nError: " +
                                        PyExceptionRepr("AttributeError", "'" + PyTypeName(item) +
                                                                              "' object has no attribute 'items'"));
    }
    for (auto k : item.Keys()) {
      auto it = std::find(cols.begin(), cols.end(), k);
      size_t idx = static_cast<size_t>(it - cols.begin());
      if (it == cols.end()) {
        cols.push_back(k);
        values.emplace_back();
      }
      NdArray v;
      if (auto e = ConvertData(item.Get(k), FindSpec(schema, k), &v)) return e;
      if (v.ndim() != 0) return ScoringError::Unsupported("list values in instances");
      values[idx].push_back(std::move(v));
    }
  }
  out->kind = InputKind::kArrayDict;
  for (size_t j = 0; j < cols.size(); ++j) {
    // np.array(list of numpy scalars): one dtype for all (they share the spec's dtype; without a
    // spec, numpy promotes).
    std::vector<Cell> leaves;
    Column merged;
    merged.dtype = values[j][0].data.dtype;
    bool same = true;
    for (auto& v : values[j]) same &= v.data.dtype == merged.dtype;
    if (!same) return ScoringError::Unsupported("mixed value types in an instances column");
    for (auto& v : values[j]) {
      const Column& c = v.data;
      merged.b.insert(merged.b.end(), c.b.begin(), c.b.end());
      merged.i32.insert(merged.i32.end(), c.i32.begin(), c.i32.end());
      merged.i64.insert(merged.i64.end(), c.i64.begin(), c.i64.end());
      merged.f32.insert(merged.f32.end(), c.f32.begin(), c.f32.end());
      merged.f64.insert(merged.f64.end(), c.f64.begin(), c.f64.end());
      merged.cells.insert(merged.cells.end(), c.cells.begin(), c.cells.end());
    }
    out->arrays.push_back({std::string(cols[j]), MakeArray({static_cast<int64_t>(values[j].size())}, std::move(merged))});
  }
  // All required (or all, without a schema) columns must have the same length.
  std::vector<size_t> lens;
  for (auto& [name, a] : out->arrays) {
    bool check = !schema || !schema->has_names() || schema->is_tensor;
    if (!check) {
      const ColSpec* s = FindSpec(schema, name);
      check = s && s->required;
    }
    if (check) lens.push_back(static_cast<size_t>(a.shape[0]));
  }
  for (size_t l : lens) {
    if (l != lens[0]) return ScoringError::InvalidInput("The length of values for each input/column name are not the same");
  }
  return std::nullopt;
}

// _cast_schema_type(inputs, schema)
std::optional<ScoringError> ParseInputs(JsonRef data, const Schema* schema, ScoringRequest* out) {
  if (schema && schema->is_tensor) {
    if (schema->tensors.size() != 1 || schema->tensors[0].name) {
      return ScoringError::Unsupported("tensor signatures with names are not handled natively");
    }
    if (data.is_object()) {
      return ScoringError::InvalidInput(
          "Failed to parse input data. This model contains an un-named  model signature which expects a single "
          "n-dimensional array or a single value as input, however, an input of type <class 'dict'> was found.");
    }
    const std::string& dt = schema->tensors[0].dtype;
    MlType t = dt == "float64"   ? MlType::kDouble
               : dt == "float32" ? MlType::kFloat
               : dt == "int64"   ? MlType::kLong
               : dt == "int32"   ? MlType::kInteger
               : dt == "bool"    ? MlType::kBoolean
                                 : MlType::kAny;
    if (t == MlType::kAny) return ScoringError::Unsupported("tensor dtype " + dt + " is not handled natively");
    ColSpec pseudo;
    pseudo.type.type = t;
    out->kind = InputKind::kArray;
    return ConvertData(data, &pseudo, &out->array);
  }
  bool named = schema && schema->has_names();
  if (schema && named && schema->cols.size() == 1 && data.is_array()) {
    bool any_dict = false;
    for (size_t i = 0; i < data.size(); ++i) any_dict |= data[i].is_object();
    if (!any_dict) {
      out->kind = InputKind::kArrayDict;
      NdArray a;
      if (auto e = ConvertData(data, &schema->cols[0], &a)) return e;
      out->arrays.push_back({*schema->cols[0].name, std::move(a)});
      return std::nullopt;
    }
  }
  if (schema && !named && !(data.is_array() || IsScalarJson(data))) {
    return ScoringError::InvalidInput(
        "Failed to parse input data. This model contains an un-named  model signature which expects a single "
        "n-dimensional array or a single value as input, however, an input of type " +
        PyTypeOf(data) + " was found.");
  }
  if (data.is_object()) {
    out->kind = InputKind::kArrayDict;
    for (auto k : data.Keys()) {
      NdArray a;
      if (auto e = ConvertData(data.Get(k), FindSpec(schema, k), &a)) return e;
      out->arrays.push_back({std::string(k), std::move(a)});
    }
    return std::nullopt;
  }
  if (data.is_array()) {
    bool all_dicts = data.size() > 0;
    for (size_t i = 0; i < data.size(); ++i) all_dicts &= data[i].is_object();
    if (all_dicts) {
      // A list of records: values converted one by one, then pd.DataFrame(list of dicts).
      out->kind = InputKind::kFrame;
      if (auto e = FrameFromRecords(data, &out->frame)) return e;
      for (auto& col : out->frame.columns) {
        const ColSpec* s = FindSpec(schema, col.label.s);
        if (!s) continue;
        if (!s->type.is_datatype() || s->type.type == MlType::kBinary || s->type.type == MlType::kDatetime) {
          return ScoringError::Unsupported("column type not handled natively");
        }
        if (auto e = AsType(col, s->type.type)) return ScoringError::InvalidInput(e->message);
      }
      return std::nullopt;
    }
    out->kind = InputKind::kArray;
    const ColSpec* first = schema && !schema->cols.empty() ? &schema->cols[0] : nullptr;
    return ConvertData(data, first, &out->array);
  }
  return ScoringError::Unsupported("scalar inputs are not handled natively");
}

}  // namespace

std::string PyExceptionRepr(const std::string& type, const std::string& message) {
  return type + "(" + PyStrRepr(message) + ")";
}

std::string ScoringError::Body() const {
  if (error_code.empty()) return message;
  std::string cls = error_class, sqlstate;
  if (cls.empty()) {
    if (error_code == "BAD_REQUEST" || error_code == "INVALID_PARAMETER_VALUE") {
      cls = "INVALID_PARAMETER_VALUE";
    } else if (error_code == "RESOURCE_DOES_NOT_EXIST" || error_code == "ENDPOINT_NOT_FOUND" || error_code == "NOT_FOUND") {
      cls = "RESOURCE_NOT_FOUND";
    } else {
      cls = "CLIENT_INTERNAL_ERROR";
    }
  }
  if (cls == "SCHEMA_ENFORCEMENT_FAILED") {
    sqlstate = "KAM01";
  } else if (cls == "PREDICTION_FUNCTION_FAILED") {
    sqlstate = "KAM02";
  } else if (error_code == "INTERNAL_ERROR" || error_code == "INVALID_STATE" || error_code == "TEMPORARILY_UNAVAILABLE") {
    sqlstate = "XXM00";
  } else {
    sqlstate = "KAM00";
  }
  PyJsonWriter w;
  w.BeginObject();
  w.Key("error_code");
  w.String(error_code);
  w.Key("message");
  w.String(message);
  w.Key("sqlstate");
  w.String(sqlstate);
  w.Key("error_class");
  w.String(cls);
  if (!stack_trace.empty()) {
    w.Key("stack_trace");
    w.String(stack_trace);
  }
  w.EndObject();
  return w.Take();
}

std::string ScoringRequest::DataStr() const {
  switch (kind) {
    case InputKind::kFrame: return FrameRepr(frame);
    case InputKind::kArray: return NdArrayStr(array);
    case InputKind::kArrayDict: {
      std::string s = "{";
      for (size_t i = 0; i < arrays.size(); ++i) {
        if (i) s += ", ";
        s += PyStrRepr(arrays[i].first) + ": " + NdArrayRepr(arrays[i].second);
      }
      return s + "}";
    }
  }
  return "";
}

std::string FailedToPredict(const ScoringRequest& req, const std::string& message) {
  return "Failed to predict data '" + req.DataStr() + "'. \nError: " + message;
}

std::optional<ScoringError> ParseJsonRequest(std::string body, const Schema* schema, ScoringRequest* out) {
  out->doc = std::make_unique<JsonDoc>();
  if (auto err = out->doc->Parse(std::move(body))) {
    if (err->msg == "Document nested too deeply") {
      // Python's json.loads raises RecursionError there, which MLflow does not handle: a bare 500.
      return ScoringError{500, "", "Internal Server Error", "", "", false};
    }
    return ScoringError::InvalidInput("Ensure that input is a valid JSON formatted string. Error: '" + err->Repr() +
                                      "'\nInput: \n" + PyBytesRepr(out->doc->text()) + "\n");
  }
  JsonRef root = out->doc->root();
  if (root.is_array()) return ScoringError::InvalidInput(RequiredInputFormat() + ". Received a list.");
  if (!root.is_object()) {
    return ScoringError::InvalidInput(RequiredInputFormat() + ". Received unexpected input type '" + PyTypeOf(root) + ".");
  }
  for (const char* llm : {"messages", "prompt", "input"}) {
    if (!root.Get(llm).is_absent()) return ScoringError::Unsupported("unified LLM input");
  }
  out->params = root.Get("params");
  std::vector<std::string_view> present;
  for (auto k : root.Keys()) {
    for (const char* f : kFormats) {
      if (k == f) present.push_back(k);
    }
  }
  if (present.size() != 1) {
    std::vector<std::string> reprs;
    for (auto k : present) reprs.push_back(PyStrRepr(k));
    return ScoringError::BadRequest(RequiredInputFormat() + ". Received dictionary with input fields: " + PyList(reprs) +
                                    ". " + ProtocolChangeInfo());
  }
  out->format = std::string(present[0]);
  JsonRef data = root.Get(out->format);
  if (out->format == "dataframe_split" || out->format == "dataframe_records") {
    out->kind = InputKind::kFrame;
    if (out->format == "dataframe_records") {
      if (!data.is_array()) {
        return ScoringError::InvalidInput(std::string("Dataframe records format must be a list of records. Got ") +
                                          (data.is_object() ? "dictionary" : "type " + PyTypeOf(data)) + ".");
      }
      bool all_dicts = true, any_dict = false;
      for (size_t i = 0; i < data.size(); ++i) {
        all_dicts &= data[i].is_object();
        any_dict |= data[i].is_object();
      }
      if (data.size() > 0 && all_dicts) {
        if (auto e = FrameFromRecords(data, &out->frame)) return e;
      } else if (any_dict) {
        return ScoringError::Unsupported("records mixing dicts and other values");
      } else if (auto e = FrameFromRows(data, JsonRef(), &out->frame, "records")) {
        return e;
      }
    } else {
      if (!data.is_object()) {
        return ScoringError::InvalidInput(std::string("Dataframe split format must be a dictionary. Got ") +
                                          (data.is_array() ? "list" : "type " + PyTypeOf(data)) + ".");
      }
      auto keys = data.Keys();
      bool has_data = false, extra = false;
      for (auto k : keys) {
        if (k == "data") has_data = true;
        if (k != "data" && k != "columns" && k != "index") extra = true;
      }
      if (!has_data || extra) {
        std::string set = "{";
        for (size_t i = 0; i < keys.size(); ++i) {
          if (i) set += ", ";
          set += PyStrRepr(keys[i]);
        }
        set += keys.empty() ? "" : "}";
        if (keys.empty()) set = "set()";
        return ScoringError::InvalidInput(
            "Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields. Got " + set +
            ".'");
      }
      JsonRef rows = data.Get("data");
      if (!rows.is_array()) return ScoringError::Unsupported("'data' is not a list");
      if (auto e = FrameFromRows(rows, data.Get("columns"), &out->frame, "split")) return e;
      JsonRef index = data.Get("index");
      if (!index.is_absent() && !index.is_null()) {
        if (!index.is_array() || index.size() != out->frame.rows) return ScoringError::Unsupported("index shape");
        for (size_t i = 0; i < index.size(); ++i) {
          if (!IsScalarJson(index[i])) return ScoringError::Unsupported("index labels");
          out->frame.index.labels.push_back(index[i]);
        }
      }
    }
    if (schema) return CastFrame(out->frame, *schema);
    return std::nullopt;
  }
  if (out->format == "instances") return ParseInstances(data, schema, out);
  return ParseInputs(data, schema, out);
}

// --- CSV -----------------------------------------------------------------------------------------

namespace {

bool IsNaString(std::string_view s) {
  static const std::set<std::string_view> kNa = {"",     "#N/A", "#N/A N/A", "#NA",  "-1.#IND", "-1.#QNAN",
                                                 "-NaN", "-nan", "1.#IND",   "1.#QNAN", "<NA>", "N/A",
                                                 "NA",   "NULL", "NaN",      "None", "n/a",  "nan", "null"};
  return kNa.count(s) > 0;
}

// RFC 4180 fields; false on an unterminated quote.
bool SplitCsv(const std::string& text, std::vector<std::vector<std::string>>* rows) {
  std::vector<std::string> row;
  std::string field;
  bool in_quotes = false, field_started = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      in_quotes = true;
      field_started = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      field_started = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (!row.empty() || !field.empty() || field_started) {
        row.push_back(std::move(field));
        rows->push_back(std::move(row));
      }
      row.clear();
      field.clear();
      field_started = false;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (in_quotes) return false;
  if (!row.empty() || !field.empty() || field_started) {
    row.push_back(std::move(field));
    rows->push_back(std::move(row));
  }
  return true;
}

}  // namespace

std::optional<ScoringError> ParseCsvRequest(const std::string& body, const Schema* schema, ScoringRequest* out) {
  out->format = "csv";
  out->kind = InputKind::kFrame;
  out->doc = std::make_unique<JsonDoc>();
  std::vector<std::vector<std::string>> rows;
  auto csv_error = [](const std::string& err) {
    ScoringError e = ScoringError::BadRequest(
        "Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame "
        "produced using the `pandas.DataFrame.to_csv()` method. Error: '" +
        err + "'");
    return e;
  };
  if (!SplitCsv(body, &rows)) return csv_error("Error tokenizing data. C error: EOF inside string");
  if (rows.empty()) return csv_error("No columns to parse from file");
  const auto& header = rows[0];
  size_t ncols = header.size();
  for (size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() > ncols) {
      return csv_error("Error tokenizing data. C error: Expected " + std::to_string(ncols) + " fields in line " +
                       std::to_string(r + 1) + ", saw " + std::to_string(rows[r].size()));
    }
  }
  // The values become JSON strings held by the request's doc, so cells can point at them.
  std::string json = "[";
  for (size_t r = 1; r < rows.size(); ++r) {
    for (size_t j = 0; j < ncols; ++j) {
      std::string v = j < rows[r].size() ? rows[r][j] : "";
      json += (r == 1 && j == 0) ? "" : ",";
      AppendPyJsonString(json, v);
    }
  }
  json += "]";
  if (out->doc->Parse(json)) return ScoringError::Internal("CSV conversion failed");
  JsonRef all = out->doc->root();
  size_t nrows = rows.size() - 1;
  for (size_t j = 0; j < ncols; ++j) {
    ColumnLabel label = ColumnLabel::Named(header[j]);
    const ColSpec* spec = nullptr;
    if (schema && !schema->is_tensor && schema->has_names()) spec = FindSpec(schema, header[j]);
    std::vector<Cell> cells;
    for (size_t r = 0; r < nrows; ++r) {
      JsonRef v = all[r * ncols + j];
      cells.push_back(IsNaString(v.as_string()) ? Cell::NaN() : Cell::Of(v));
    }
    Column col;
    if (spec && spec->type.is_datatype() && spec->type.type != MlType::kBinary && spec->type.type != MlType::kDatetime) {
      Column raw;
      raw.label = label;
      raw.dtype = DType::kObject;
      raw.cells = cells;
      if (spec->type.type == MlType::kString) {
        raw.dtype = DType::kStr;
      } else if (auto e = AsType(raw, spec->type.type)) {
        return csv_error(e->message);
      }
      col = std::move(raw);
    } else if (spec) {
      return ScoringError::Unsupported("column type not handled natively");
    } else {
      // pandas' inference for text: int64, float64, bool, else strings.
      bool all_int = true, all_num = true, all_bool = true, any_missing = false, any_value = false;
      for (const Cell& c : cells) {
        if (c.missing()) {
          any_missing = true;
          continue;
        }
        any_value = true;
        std::string_view s = c.value.as_string();
        int64_t iv;
        if (PyIntFromStr(s, &iv) != IntParse::kOk || s.find('_') != std::string_view::npos) all_int = false;
        if (!PyFloatFromStr(s) || s.find('_') != std::string_view::npos) all_num = false;
        if (!(s == "True" || s == "False" || s == "TRUE" || s == "FALSE" || s == "true" || s == "false")) all_bool = false;
      }
      col.label = label;
      if (!any_value) {
        col.dtype = DType::kFloat64;
        col.f64.assign(nrows, std::nan(""));
      } else if (all_int && !any_missing) {
        col.dtype = DType::kInt64;
        for (const Cell& c : cells) {
          int64_t v = 0;
          PyIntFromStr(c.value.as_string(), &v);
          col.i64.push_back(v);
        }
      } else if (all_num) {
        col.dtype = DType::kFloat64;
        for (const Cell& c : cells) col.f64.push_back(c.missing() ? std::nan("") : *PyFloatFromStr(c.value.as_string()));
      } else if (all_bool && !any_missing) {
        col.dtype = DType::kBool;
        for (const Cell& c : cells) {
          char f = c.value.as_string()[0];
          col.b.push_back(f == 'T' || f == 't' ? 1 : 0);
        }
      } else {
        col.dtype = DType::kStr;
        col.cells = std::move(cells);
      }
    }
    out->frame.columns.push_back(std::move(col));
  }
  out->frame.rows = nrows;
  return std::nullopt;
}

// --- _enforce_schema -------------------------------------------------------------------------------

namespace {

ScoringError SchemaError(const ScoringRequest& req, const Schema& schema, const std::string& detail) {
  ScoringError e = ScoringError::InvalidParameter(FailedToPredict(
      req, "Failed to enforce schema of data '" + req.DataStr() + "' with schema '" + schema.Repr() + "'. Error: " + detail));
  e.error_class = "SCHEMA_ENFORCEMENT_FAILED";
  return e;
}

bool IsIntDType(DType t) { return t == DType::kInt32 || t == DType::kInt64 || t == DType::kUInt64; }
bool IsFloatDType(DType t) { return t == DType::kFloat32 || t == DType::kFloat64; }
size_t ItemSize(DType t) {
  switch (t) {
    case DType::kBool: return 1;
    case DType::kInt32:
    case DType::kFloat32: return 4;
    default: return 8;
  }
}

// infer_objects() on an object column: re-run the inference when values allow a better dtype.
void InferObjects(Column& c) {
  if (c.dtype != DType::kObject) return;
  bool numeric_only = true;
  for (const Cell& cell : c.cells) {
    bool num = cell.kind == Cell::Kind::kFloat || cell.kind == Cell::Kind::kInt || cell.kind == Cell::Kind::kUInt ||
               cell.kind == Cell::Kind::kBool ||
               cell.kind == Cell::Kind::kNaN ||
               (cell.kind == Cell::Kind::kValue && (cell.value.is_number() || cell.value.is_bool()));
    numeric_only &= num;
  }
  if (!numeric_only || c.cells.empty()) return;
  // Python floats/ints/bools: the same rules as construction, except None is not a number here.
  bool any_float = false, any_int = false, any_bool = false;
  for (const Cell& cell : c.cells) {
    if (cell.kind == Cell::Kind::kFloat || cell.kind == Cell::Kind::kNaN ||
        (cell.kind == Cell::Kind::kValue && cell.value.is_float())) {
      any_float = true;
    } else if (cell.kind == Cell::Kind::kBool || (cell.kind == Cell::Kind::kValue && cell.value.is_bool())) {
      any_bool = true;
    } else {
      any_int = true;
    }
  }
  if (any_bool && (any_float || any_int)) return;
  Column out;
  out.label = c.label;
  if (any_bool) {
    out.dtype = DType::kBool;
    for (const Cell& cell : c.cells) out.b.push_back(Truthy(cell) ? 1 : 0);
  } else if (any_float) {
    out.dtype = DType::kFloat64;
    for (size_t i = 0; i < c.cells.size(); ++i) out.f64.push_back(c.AsDouble(i));
  } else {
    out.dtype = DType::kInt64;
    for (const Cell& cell : c.cells) {
      int64_t v = 0;
      (void)CellToInt(cell, &v);
      out.i64.push_back(v);
    }
  }
  c = std::move(out);
}

// _enforce_mlflow_datatype: the column as the model receives it, or the mismatch message.
std::optional<std::string> EnforceColumnType(const ColumnLabel& name, Column& c, MlType t) {
  if (c.dtype == DType::kObject && t != MlType::kBinary && t != MlType::kString) InferObjects(c);
  if (t == MlType::kString && (c.dtype == DType::kObject || c.dtype == DType::kStr)) return std::nullopt;
  DType target = TargetDType(t);
  if (target != DType::kObject && c.dtype == target) return std::nullopt;
  if (t == MlType::kBoolean && c.dtype == DType::kObject) return std::nullopt;
  bool upcast = false;
  if ((IsIntDType(c.dtype) && IsIntDType(target) && c.dtype != DType::kUInt64) ||
      (IsFloatDType(c.dtype) && IsFloatDType(target))) {
    upcast = ItemSize(c.dtype) <= ItemSize(target);
  } else if (c.dtype == DType::kUInt64 && IsIntDType(target)) {
    upcast = false;
  } else if (IsIntDType(c.dtype) && target == DType::kFloat64) {
    upcast = ItemSize(c.dtype) <= 6;
  }
  bool zero_one = false;
  if (!upcast && c.dtype == DType::kInt64 && IsFloatDType(target)) {
    zero_one = std::all_of(c.i64.begin(), c.i64.end(), [](int64_t v) { return v == 0 || v == 1; });
  }
  if (upcast || zero_one) {
    (void)AsType(c, t);
    return std::nullopt;
  }
  std::string target_name = t == MlType::kString ? "<U0" : MlTypeNumpyName(t);
  std::string hint;
  if (c.dtype == DType::kFloat64 && IsIntDType(target)) {
    bool has_nan = false, all_ints = true;
    for (double v : c.f64) {
      if (std::isnan(v)) {
        has_nan = true;
      } else if (std::trunc(v) != v) {
        all_ints = false;
      }
    }
    if (has_nan && all_ints) {
      hint =
          " Hint: the type mismatch is likely caused by missing values. Integer columns in python can not represent "
          "missing values and are therefore encoded as floats. The best way to avoid this problem is to infer the "
          "model schema based on a realistic data sample (training dataset) that includes missing values. "
          "Alternatively, you can declare integer columns as doubles (float64) whenever these columns may have "
          "missing values. See `Handling Integers With Missing Values "
          "<https://www.mlflow.org/docs/latest/models.html#handling-integers-with-missing-values>`_ for more details.";
    }
  }
  return "Incompatible input types for column " + name.Str() + ". Can not safely convert " +
         std::string(DTypeName(c.dtype)) + " to " + target_name + "." + hint;
}

}  // namespace

std::optional<ScoringError> EnforceSchema(const Schema* schema, ScoringRequest* req, bool keep_parsed) {
  // The data as _enforce_schema turns it into a DataFrame.
  Frame built;
  Frame* frame = &built;
  bool movable = true;  // columns of *frame may be moved into the enforced frame
  if (req->kind == InputKind::kFrame) {
    frame = &req->frame;
    movable = !keep_parsed;
  } else if (schema && schema->is_tensor) {
    // One unnamed numeric tensor: shape and dtype are checked; the array is the model's input.
    const TensorSpec& spec = schema->tensors[0];
    const NdArray& a = req->array;
    auto shape_str = [](const std::vector<int64_t>& s) {
      std::string out = "(";
      for (size_t i = 0; i < s.size(); ++i) {
        if (i) out += ", ";
        out += std::to_string(s[i]);
      }
      return out + (s.size() == 1 ? ",)" : ")");
    };
    bool ok = a.shape.size() == spec.shape.size();
    for (size_t i = 0; ok && i < a.shape.size(); ++i) ok = spec.shape[i] == -1 || spec.shape[i] == a.shape[i];
    if (!ok) {
      return SchemaError(*req, *schema,
                         "Shape of input " + shape_str(a.shape) + " does not match expected shape " +
                             shape_str(spec.shape) + ".");
    }
    if (auto e = FrameFromArray(a, &req->enforced); e) return e;
    req->has_enforced = true;
    return std::nullopt;
  } else if (req->kind == InputKind::kArray) {
    if (auto e = FrameFromArray(req->array, &built)) return e;
  } else if (auto e = FrameFromArrays(req->arrays, &built)) {
    e->message = FailedToPredict(*req, "Failed to enforce schema of data '" + req->DataStr() + "' with schema '" +
                                           (schema ? schema->Repr() : "") + "'. Error: " + e->message);
    e->error_class = "SCHEMA_ENFORCEMENT_FAILED";
    return e;
  }
  if (!schema) {
    req->enforced = movable ? std::move(*frame) : *frame;
    req->has_enforced = true;
    return std::nullopt;
  }
  if (schema->is_tensor) return ScoringError::Unsupported("tensor signature with a DataFrame input");
  if (!schema->all_simple_columns()) return ScoringError::Unsupported("column types not handled natively");
  // Which frame column feeds each schema column.
  std::vector<long> source(schema->cols.size(), -1);
  if (schema->has_names()) {
    std::vector<std::string> missing, extra;
    for (size_t i = 0; i < schema->cols.size(); ++i) {
      const auto& c = schema->cols[i];
      for (size_t k = 0; k < frame->columns.size(); ++k) {
        if (!frame->columns[k].label.is_int && frame->columns[k].label.s == *c.name) source[i] = static_cast<long>(k);
      }
      if (c.required && source[i] < 0) missing.push_back(PyStrRepr(*c.name));
    }
    for (const auto& col : frame->columns) {
      bool known = false;
      for (const auto& c : schema->cols) known |= !col.label.is_int && col.label.s == *c.name;
      if (!known) extra.push_back(col.label.Repr());
    }
    if (!missing.empty()) {
      std::string msg = "Model is missing inputs " + PyList(missing) + ".";
      if (!extra.empty()) msg += " Note that there were extra inputs: " + PyList(extra) + ".";
      return SchemaError(*req, *schema, msg);
    }
  } else {
    if (frame->columns.size() < schema->cols.size()) {
      return SchemaError(*req, *schema,
                         "Model inference is missing inputs. The model signature declares " +
                             std::to_string(schema->cols.size()) + " inputs  but the provided value only has " +
                             std::to_string(frame->columns.size()) +
                             " inputs. Note: the inputs were not named in the signature so we can only verify their "
                             "count.");
    }
    for (size_t i = 0; i < schema->cols.size(); ++i) source[i] = static_cast<long>(i);
  }
  // Check (and convert copies of) the columns whose dtype differs from the schema's; the frame is
  // left untouched until every check passed, since error messages print it.
  std::vector<std::optional<Column>> converted(schema->cols.size());
  for (size_t i = 0; i < schema->cols.size(); ++i) {
    if (source[i] < 0) continue;
    const Column& src = frame->columns[static_cast<size_t>(source[i])];
    MlType t = schema->cols[i].type.type;
    bool as_is = (t == MlType::kString && (src.dtype == DType::kObject || src.dtype == DType::kStr)) ||
                 (t != MlType::kString && src.dtype == TargetDType(t)) ||
                 (t == MlType::kBoolean && src.dtype == DType::kObject);
    if (as_is) continue;
    Column c = src;
    if (auto err = EnforceColumnType(c.label, c, t)) return SchemaError(*req, *schema, *err);
    converted[i] = std::move(c);
  }
  Frame enforced;
  enforced.rows = frame->rows;
  enforced.index = frame->index;
  for (size_t i = 0; i < schema->cols.size(); ++i) {
    if (source[i] < 0) continue;
    Column& src = frame->columns[static_cast<size_t>(source[i])];
    if (converted[i]) {
      enforced.columns.push_back(std::move(*converted[i]));
    } else if (movable) {
      enforced.columns.push_back(std::move(src));
    } else {
      enforced.columns.push_back(src);
    }
  }
  req->enforced = std::move(enforced);
  req->has_enforced = true;
  return std::nullopt;
}

// --- params ---------------------------------------------------------------------------------------

namespace {

std::string PyStrOf(JsonRef v) {
  if (v.is_string()) return std::string(v.as_string());
  return PyValueRepr(v);
}

std::optional<std::string> CheckParamValue(JsonRef v, const ParamSpec& spec) {
  if (v.is_null()) return std::nullopt;
  std::string dtype = spec.type.Str();
  if (!IsScalarJson(v)) return "Value must be a scalar for type `" + dtype + "`, got `" + PyStrOf(v) + "`";
  MlType t = spec.type.type;
  bool ok = false;
  switch (t) {
    case MlType::kBoolean: ok = v.is_bool(); break;
    case MlType::kInteger:
    case MlType::kLong: ok = v.is_int(); break;
    case MlType::kFloat:
    case MlType::kDouble: ok = v.is_int() || v.is_float(); break;
    case MlType::kString: ok = v.is_string(); break;
    case MlType::kDatetime: ok = v.is_string(); break;
    default: ok = true;
  }
  if (ok) return std::nullopt;
  return "Can not safely convert `" + PyTypeOf(v) + "` to `" + dtype + "` for value `" + PyStrOf(v) + "`";
}

}  // namespace

std::optional<ScoringError> EnforceParams(const std::vector<ParamSpec>* specs, const ScoringRequest& req) {
  if (!specs || req.params.is_absent() || req.params.is_null()) return std::nullopt;
  JsonRef params = req.params;
  if (!params.is_object()) {
    return ScoringError::InvalidParameter("Parameters must be a dictionary. Got type '" + PyTypeName(params) + "'.");
  }
  std::vector<std::pair<std::string, std::string>> invalid;
  for (const auto& spec : *specs) {
    JsonRef v = params.Get(spec.name);
    if (v.is_absent()) continue;
    std::string spec_repr = spec.Repr();
    if (spec.is_list) {
      if (!v.is_array()) {
        invalid.push_back({spec.name, "Value must be a 1D array with shape (-1,) for param " + spec_repr + ", received " +
                                          PyTypeName(v) + " with ndim 0"});
        continue;
      }
      for (size_t i = 0; i < v.size(); ++i) {
        if (auto e = CheckParamValue(v[i], spec)) {
          invalid.push_back({spec.name, "Failed to validate type and shape for " + spec_repr + ", error: " + *e});
          break;
        }
      }
    } else if (auto e = CheckParamValue(v, spec)) {
      invalid.push_back({spec.name, "Failed to validate type and shape for " + spec_repr + ", error: " + *e});
    }
  }
  if (invalid.empty()) return std::nullopt;
  std::string set = "{";
  for (size_t i = 0; i < invalid.size(); ++i) {
    if (i) set += ", ";
    set += "(" + PyStrRepr(invalid[i].first) + ", " + PyStrRepr(invalid[i].second) + ")";
  }
  set += "}";
  return ScoringError::InvalidParameter("Invalid parameters found: " + set);
}

}  // namespace mlflow::models
