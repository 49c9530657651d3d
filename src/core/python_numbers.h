#pragma once
// Numbers written as text, read the way MLflow's Python server reads them (int() and float() of
// ASCII text; docs/reference/limits.md 3 and 16).
//
//   std::optional<int64_t> id = ParsePythonInt(" +1_000 ");  // 1000
//   std::optional<double> value = ParsePythonFloat("-inf");  // -infinity
#include <cstdint>
#include <optional>
#include <string_view>

namespace mlflow {

// Python's int(text): surrounding whitespace, an optional sign, decimal digits with single '_'
// between them. nullopt when text is not such an integer; when it is one beyond int64,
// *out_of_range is set (if given) and nullopt returned.
std::optional<int64_t> ParsePythonInt(std::string_view text, bool* out_of_range = nullptr);

// Python's float(text): surrounding whitespace, an optional sign, then "inf", "infinity" or "nan"
// in any case, or a decimal number (digits with single '_' between them, optional fraction and
// exponent). No hexadecimal, no "nan(...)". Values beyond the double range become +/-infinity.
std::optional<double> ParsePythonFloat(std::string_view text);

}  // namespace mlflow
