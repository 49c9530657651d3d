#pragma once
// JSON as Python's `json` module reads and writes it, on nlohmann::ordered_json. MLflow stores
// JSON text it made with json.dumps (span contents and attributes, assessment values, dataset
// records and digests, a logged model's version list), and filters and hashes see those bytes,
// so ours must be the same: ", " and ": " separators, float repr, NaN / Infinity, \uXXXX escapes
// (lower-case hex) when ensure_ascii, keys in insertion order (Python dicts) or sorted.
//
//   std::optional<PyJson> v = PyJsonLoads(R"({"x": 3, "y": NaN})");  // keys keep their order
//   PyJsonDumps(*v)                                  // {"x": 3, "y": NaN}
//   PyJsonDumps(*v, PyJsonStyle::Compact())          // {"x":3,"y":NaN}
//   PyJsonDumps(*v, PyJsonStyle::SortedKeys())       // json.dumps(v, sort_keys=True)
//
// models/py_json.h is the scoring server's own reader (an immutable arena document with
// json.decoder's error messages, built for speed); it writes through the same primitives
// (core/py_text.h).
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mlflow {

// Objects keep insertion order, as Python dicts do.
using PyJson = nlohmann::ordered_json;

// The json.dumps arguments we need; the defaults are json.dumps' own.
struct PyJsonStyle {
  bool ensure_ascii = true;
  bool compact = false;    // separators=(",", ":")
  bool sort_keys = false;  // objects' keys in code-point order (byte order of UTF-8)

  static PyJsonStyle Compact() {
    PyJsonStyle s;
    s.compact = true;
    return s;
  }
  static PyJsonStyle SortedKeys() {
    PyJsonStyle s;
    s.sort_keys = true;
    return s;
  }
  static PyJsonStyle Unicode() {  // ensure_ascii=False
    PyJsonStyle s;
    s.ensure_ascii = false;
    return s;
  }
};

// json.loads: RFC 8259 plus NaN, Infinity and -Infinity; a duplicate key keeps its first position
// and takes the last value; control characters inside strings are refused (strict mode). Integers
// that fit int64/uint64 stay integers, larger ones become doubles. nullopt when the text is not
// one JSON document (leading/trailing whitespace allowed) or nests deeper than 512 levels.
std::optional<PyJson> PyJsonLoads(std::string_view text);

// json.dumps(v, ...). Accepts nlohmann::json too (converted; its keys are already sorted).
std::string PyJsonDumps(const PyJson& v, PyJsonStyle style = {});
void AppendPyJson(std::string& out, const PyJson& v, PyJsonStyle style = {});

// Python's bool(value) for a decoded JSON value: null, false, 0, "", [] and {} are false.
bool PyTruthy(const PyJson& v);

}  // namespace mlflow
