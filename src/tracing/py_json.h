#pragma once
// JSON as Python's `json` module reads and writes it. MLflow stores span content, span attribute
// values and assessment values as `json.dumps` text, and filters (`span.attributes.k LIKE ...`)
// match that text, so the bytes we write must be the ones Python writes: ", " and ": "
// separators, float repr, NaN / Infinity, \uXXXX escapes (lower-case hex) when ensure_ascii.
//
//   std::optional<Json> v = PyJsonLoads(R"({"x": 3, "y": NaN})");   // keys keep their order
//   std::string s = PyJsonDumps(*v, /*ensure_ascii=*/false);         // {"x": 3, "y": NaN}
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/py_float.h"

namespace mlflow::tracing {

// Objects keep insertion order, as Python dicts do.
using Json = nlohmann::ordered_json;

// json.loads: RFC 8259 plus NaN, Infinity and -Infinity; a duplicate key keeps its first position
// and takes the last value; control characters inside strings are refused (strict mode). Integers
// that fit int64/uint64 stay integers, larger ones become doubles. nullopt when the text is not
// one JSON document (leading/trailing whitespace allowed).
std::optional<Json> PyJsonLoads(std::string_view text);

// json.dumps(v, ensure_ascii=...): separators ", " / ": ", or "," / ":" when compact.
std::string PyJsonDumps(const Json& v, bool ensure_ascii = true, bool compact = false);
void AppendPyJson(std::string& out, const Json& v, bool ensure_ascii = true, bool compact = false);
// A JSON string literal as json.dumps writes it.
void AppendPyJsonString(std::string& out, std::string_view s, bool ensure_ascii = true);

using ::mlflow::PyFloatRepr;  // core/py_float.h

// Python's bool(value) for a decoded JSON value: null, false, 0, "", [] and {} are false.
bool PyTruthy(const Json& v);

}  // namespace mlflow::tracing
