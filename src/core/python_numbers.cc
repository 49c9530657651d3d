#include "core/python_numbers.h"

#include <cstdlib>
#include <limits>
#include <string>

namespace mlflow {
namespace {

// str.isspace() for ASCII: space, \t \n \v \f \r and the separators \x1c..\x1f.
bool IsPySpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Strip(std::string_view s) {
  while (!s.empty() && IsPySpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsPySpace(s.back())) s.remove_suffix(1);
  return s;
}

// Consumes digits with single underscores between them ("1_000"); appends the digits to out.
// Returns false when there is no digit at s[i] or an underscore is misplaced.
bool ConsumeDigits(std::string_view s, size_t& i, std::string& out) {
  if (i >= s.size() || !IsDigit(s[i])) return false;
  while (i < s.size()) {
    if (IsDigit(s[i])) {
      out += s[i++];
    } else if (s[i] == '_' && i + 1 < s.size() && IsDigit(s[i + 1])) {
      ++i;
    } else {
      break;
    }
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<int64_t> ParsePythonInt(std::string_view text, bool* out_of_range) {
  if (out_of_range) *out_of_range = false;
  std::string_view s = Strip(text);
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  std::string digits;
  size_t i = 0;
  if (!ConsumeDigits(s, i, digits) || i != s.size()) return std::nullopt;
  // Accumulate negatively so that INT64_MIN fits.
  int64_t value = 0;
  for (char c : digits) {
    int d = c - '0';
    if (value < (std::numeric_limits<int64_t>::min() + d) / 10) {
      if (out_of_range) *out_of_range = true;
      return std::nullopt;
    }
    value = value * 10 - d;
  }
  if (!negative) {
    if (value == std::numeric_limits<int64_t>::min()) {
      if (out_of_range) *out_of_range = true;
      return std::nullopt;
    }
    value = -value;
  }
  return value;
}

std::optional<double> ParsePythonFloat(std::string_view text) {
  std::string_view s = Strip(text);
  std::string clean;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    clean += s.front();
    s.remove_prefix(1);
  }
  const bool negative = !clean.empty() && clean[0] == '-';
  if (EqualsIgnoreCase(s, "inf") || EqualsIgnoreCase(s, "infinity")) {
    return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (EqualsIgnoreCase(s, "nan")) return std::numeric_limits<double>::quiet_NaN();
  size_t i = 0;
  bool int_part = ConsumeDigits(s, i, clean);
  bool frac_part = false;
  if (i < s.size() && s[i] == '.') {
    clean += s[i++];
    frac_part = ConsumeDigits(s, i, clean);
  }
  if (!int_part && !frac_part) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    clean += s[i++];
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean += s[i++];
    if (!ConsumeDigits(s, i, clean)) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  // The text is now a plain decimal number: strtod (C locale) reads it exactly, with HUGE_VAL
  // (infinity) for values beyond the double range, as Python does.
  return std::strtod(clean.c_str(), nullptr);
}

}  // namespace mlflow
