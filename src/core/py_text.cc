#include "core/py_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "core/unicode.h"

namespace mlflow {
namespace {

constexpr const char* kHex = "0123456789abcdef";

// Decodes the UTF-8 sequence at s[i] and advances i past it. A byte that starts no valid
// sequence is taken alone as U+FFFD. Surrogates encoded in three bytes (how a parsed lone "\ud800"
// is kept) decode to their code point, so they are written back as Python writes them.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + static_cast<size_t>(len) > s.size()) {
    ++i;
    return 0xFFFD;
  }
  uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (int k = 1; k < len; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
    if ((d & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  i += static_cast<size_t>(len);
  return cp;
}

void AppendU4(std::string& out, uint32_t v) {
  out += "\\u";
  out += kHex[(v >> 12) & 0xF];
  out += kHex[(v >> 8) & 0xF];
  out += kHex[(v >> 4) & 0xF];
  out += kHex[v & 0xF];
}

void AppendX2(std::string& out, uint32_t v) {
  out += "\\x";
  out += kHex[(v >> 4) & 0xF];
  out += kHex[v & 0xF];
}

// The quote repr() picks: ' unless the text has ' and no ".
char ReprQuote(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  return (has_single && !has_double) ? '"' : '\'';
}

// The escape repr() uses for an ASCII byte, or false when the byte stands for itself.
bool AppendReprEscape(std::string& out, unsigned char c, char quote) {
  if (c == static_cast<unsigned char>(quote) || c == '\\') {
    out += '\\';
    out += static_cast<char>(c);
  } else if (c == '\n') {
    out += "\\n";
  } else if (c == '\r') {
    out += "\\r";
  } else if (c == '\t') {
    out += "\\t";
  } else if (c < 0x20 || c == 0x7f) {
    AppendX2(out, c);
  } else {
    return false;
  }
  return true;
}

}  // namespace

void AppendPyFloatRepr(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "nan";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "inf" : "-inf";
    return;
  }
  if (v == 0) {
    out += std::signbit(v) ? "-0.0" : "0.0";
    return;
  }
  // Shortest round-trip digits and the decimal exponent, then Python's layout
  // (float_repr_style 'short').
  char sci[40];
  char* end = std::to_chars(sci, sci + sizeof(sci), v, std::chars_format::scientific).ptr;
  const char* p = sci;
  char buf[48];
  char* o = buf;
  if (*p == '-') *o++ = '-', ++p;
  char digits[24];
  int n = 0;
  digits[n++] = *p++;
  if (*p == '.') {
    ++p;
    while (*p != 'e') digits[n++] = *p++;
  }
  ++p;  // 'e'
  bool eneg = *p == '-';
  ++p;  // sign
  int exp = 0;
  while (p < end) exp = exp * 10 + (*p++ - '0');
  if (eneg) exp = -exp;
  while (n > 1 && digits[n - 1] == '0') --n;
  if (exp >= -4 && exp < 16) {
    if (exp < 0) {
      *o++ = '0', *o++ = '.';
      for (int i = 0; i < -exp - 1; ++i) *o++ = '0';
      for (int i = 0; i < n; ++i) *o++ = digits[i];
    } else if (exp + 1 >= n) {
      for (int i = 0; i < n; ++i) *o++ = digits[i];
      for (int i = n; i < exp + 1; ++i) *o++ = '0';
      *o++ = '.', *o++ = '0';
    } else {
      for (int i = 0; i <= exp; ++i) *o++ = digits[i];
      *o++ = '.';
      for (int i = exp + 1; i < n; ++i) *o++ = digits[i];
    }
  } else {
    *o++ = digits[0];
    if (n > 1) {
      *o++ = '.';
      for (int i = 1; i < n; ++i) *o++ = digits[i];
    }
    *o++ = 'e';
    *o++ = exp < 0 ? '-' : '+';
    int a = exp < 0 ? -exp : exp;
    if (a >= 100) *o++ = static_cast<char>('0' + a / 100);
    *o++ = static_cast<char>('0' + (a / 10) % 10);
    *o++ = static_cast<char>('0' + a % 10);
  }
  out.append(buf, o);
}

std::string PyFloatRepr(double v) {
  std::string s;
  AppendPyFloatRepr(s, v);
  return s;
}

void AppendPyJsonFloat(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "Infinity" : "-Infinity";
  } else {
    AppendPyFloatRepr(out, v);
  }
}

void AppendPyJsonString(std::string& out, std::string_view s, bool ensure_ascii) {
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    // Runs of printable ASCII are copied at once (DEL too, unless ensure_ascii: Python escapes
    // everything outside ' '..'~' then).
    const unsigned char ascii_end = ensure_ascii ? 0x7f : 0x80;
    size_t j = i;
    while (j < s.size() && p[j] >= 0x20 && p[j] < ascii_end && p[j] != '"' && p[j] != '\\') ++j;
    if (j > i) out.append(s.data() + i, j - i);
    if (j >= s.size()) break;
    i = j;
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default: AppendU4(out, c);  // control characters, and DEL under ensure_ascii
      }
      continue;
    }
    size_t start = i;
    uint32_t cp = NextCodePoint(s, i);
    if (!ensure_ascii) {
      // An invalid byte is written as the replacement character, never as raw junk.
      bool real_fffd = i - start == 3 && p[start] == 0xEF;
      if (cp == 0xFFFD && !real_fffd) {
        AppendUtf8(out, cp);
      } else {
        out.append(s.substr(start, i - start));
      }
    } else if (cp >= 0x10000) {
      uint32_t v = cp - 0x10000;
      AppendU4(out, 0xD800 + (v >> 10));
      AppendU4(out, 0xDC00 + (v & 0x3FF));
    } else {
      AppendU4(out, cp);
    }
  }
  out += '"';
}

std::string PyStrRepr(std::string_view s) {
  const char q = ReprQuote(s);
  std::string out(1, q);
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (!AppendReprEscape(out, c, q)) out += static_cast<char>(c);
      ++i;
      continue;
    }
    size_t start = i;
    uint32_t cp = NextCodePoint(s, i);
    if (cp >= 0x80 && cp < 0xA0) {
      AppendX2(out, cp);  // C1 controls are not printable
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  out += q;
  return out;
}

std::string PyBytesRepr(std::string_view bytes) {
  const char q = ReprQuote(bytes);
  std::string out = "b";
  out += q;
  for (unsigned char c : bytes) {
    if (AppendReprEscape(out, c, q)) continue;
    if (c >= 0x80) {
      AppendX2(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += q;
  return out;
}

}  // namespace mlflow
