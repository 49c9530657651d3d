#pragma once
// Values written as text the way Python writes them. MLflow's server is Python, so its messages
// quote values with repr() and its stored JSON is json.dumps' output; where a client or a database
// sees those bytes, ours must be the same. One implementation for every area (models' scoring
// output, tracing's span JSON, search and validation messages, datasets).
//
//   PyFloatRepr(1e-5) == "1e-05";   PyFloatRepr(1000.0) == "1000.0"
//   PyStrRepr("it's") == "\"it's\"";   PyBytesRepr("\x01a") == "b'\\x01a'"
//   std::string s; AppendPyJsonString(s, "é");  // "\u00e9" (with the quotes)
#include <string>
#include <string_view>

namespace mlflow {

// repr(float): shortest round-trip digits; fixed notation when 1e-4 <= |v| < 1e16 (with ".0" on
// integral values), else "d.ddde+XX"; "nan", "inf", "-inf", "-0.0". Append* allocates nothing of
// its own: it runs for every number of a scoring response.
std::string PyFloatRepr(double v);
void AppendPyFloatRepr(std::string& out, double v);

// json.dumps of a float: its repr, or NaN / Infinity / -Infinity.
void AppendPyJsonFloat(std::string& out, double v);

// json.dumps of a str, with the quotes: \" \\ \n \r \t \b \f, other control characters as \u00XX
// (lower-case hex); with ensure_ascii every non-ASCII character as \uXXXX (astral ones as a
// surrogate pair), without it the UTF-8 kept. Invalid UTF-8 bytes become U+FFFD.
void AppendPyJsonString(std::string& out, std::string_view utf8, bool ensure_ascii = true);

// repr(str): '...' (or "..." when the text has ' and no "), escapes as Python's (\n, \xNN for
// control characters and C1 controls), printable non-ASCII kept.
std::string PyStrRepr(std::string_view utf8);

// repr(bytes): b'...', every byte outside printable ASCII as \xNN.
std::string PyBytesRepr(std::string_view bytes);

}  // namespace mlflow
