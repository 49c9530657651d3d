#include "core/unicode.h"

#include <algorithm>

namespace mlflow {
namespace unicode_internal {
extern const char32_t kAlnumRanges[][2];
extern const size_t kAlnumRangeCount;
}  // namespace unicode_internal

namespace {

// Decodes the well-formed UTF-8 sequence at s[i] into cp; returns its length, or 0 if the bytes
// there are malformed (a bad lead or continuation byte, a truncated sequence, an overlong form, a
// surrogate, a value past U+10FFFF).
size_t DecodeStrict(std::string_view s, size_t i, char32_t& cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t len = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  }
  bool ok = len > 0 && i + len <= s.size();
  for (size_t k = 1; ok && k < len; ++k) {
    ok = (byte(i + k) & 0xC0) == 0x80;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

std::string ReplaceInvalidUtf8(std::string_view s) {
  if (IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  size_t i = 0;
  char32_t cp = 0;
  while (NextCodePoint(s, i, cp)) AppendUtf8(out, cp);
  return out;
}

bool NextCodePoint(std::string_view s, size_t& i, char32_t& cp) {
  if (i >= s.size()) return false;
  size_t len = DecodeStrict(s, i, cp);
  if (len == 0) {
    cp = 0xFFFD;
    len = 1;
  }
  i += len;
  return true;
}

bool IsValidUtf8(std::string_view s) {
  char32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = DecodeStrict(s, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

bool IsPythonWordChar(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
  }
  using unicode_internal::kAlnumRangeCount;
  using unicode_internal::kAlnumRanges;
  // First range whose end is >= cp; cp is a word character when that range starts at or before it.
  const auto* end = kAlnumRanges + kAlnumRangeCount;
  const auto* it = std::lower_bound(kAlnumRanges, end, cp,
                                    [](const char32_t (&range)[2], char32_t value) { return range[1] < value; });
  return it != end && (*it)[0] <= cp;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace mlflow
