#include "core/py_json.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

#include "core/py_text.h"
#include "core/unicode.h"

namespace mlflow {
namespace {

using Json = PyJson;

// Deep nesting is refused rather than recursed into (Python raises RecursionError near 1000).
constexpr int kMaxDepth = 512;

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::optional<Json> Document() {
    SkipWs();
    Json v;
    if (!Value(v, 0)) return std::nullopt;
    SkipWs();
    if (p_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  void SkipWs() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) ++p_;
  }
  bool Lit(std::string_view w) {
    if (s_.substr(p_, w.size()) != w) return false;
    p_ += w.size();
    return true;
  }

  bool Value(Json& out, int depth) {
    if (depth > kMaxDepth || p_ >= s_.size()) return false;
    char c = s_[p_];
    switch (c) {
      case '{': return Object(out, depth);
      case '[': return Array(out, depth);
      case '"': {
        std::string str;
        if (!String(str)) return false;
        out = std::move(str);
        return true;
      }
      case 't':
        if (!Lit("true")) return false;
        out = true;
        return true;
      case 'f':
        if (!Lit("false")) return false;
        out = false;
        return true;
      case 'n':
        if (!Lit("null")) return false;
        out = nullptr;
        return true;
      case 'N':
        if (!Lit("NaN")) return false;
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
      case 'I':
        if (!Lit("Infinity")) return false;
        out = std::numeric_limits<double>::infinity();
        return true;
      default:
        if (c == '-' && s_.substr(p_, 9) == "-Infinity") {
          p_ += 9;
          out = -std::numeric_limits<double>::infinity();
          return true;
        }
        return Number(out);
    }
  }

  bool Object(Json& out, int depth) {
    ++p_;  // '{'
    out = Json::object();
    SkipWs();
    if (p_ < s_.size() && s_[p_] == '}') {
      ++p_;
      return true;
    }
    while (true) {
      SkipWs();
      if (p_ >= s_.size() || s_[p_] != '"') return false;
      std::string key;
      if (!String(key)) return false;
      SkipWs();
      if (p_ >= s_.size() || s_[p_] != ':') return false;
      ++p_;
      SkipWs();
      Json v;
      if (!Value(v, depth + 1)) return false;
      out[key] = std::move(v);  // a repeated key keeps its place and takes the new value
      SkipWs();
      if (p_ >= s_.size()) return false;
      if (s_[p_] == ',') {
        ++p_;
        continue;
      }
      if (s_[p_] == '}') {
        ++p_;
        return true;
      }
      return false;
    }
  }

  bool Array(Json& out, int depth) {
    ++p_;  // '['
    out = Json::array();
    SkipWs();
    if (p_ < s_.size() && s_[p_] == ']') {
      ++p_;
      return true;
    }
    while (true) {
      SkipWs();
      Json v;
      if (!Value(v, depth + 1)) return false;
      out.push_back(std::move(v));
      SkipWs();
      if (p_ >= s_.size()) return false;
      if (s_[p_] == ',') {
        ++p_;
        continue;
      }
      if (s_[p_] == ']') {
        ++p_;
        return true;
      }
      return false;
    }
  }

  bool Hex4(uint32_t& v) {
    if (p_ + 4 > s_.size()) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[p_ + i];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
      else return false;
    }
    p_ += 4;
    return true;
  }

  bool String(std::string& out) {
    ++p_;  // opening quote
    while (p_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[p_]);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;  // strict: raw control characters are invalid
      if (c != '\\') {
        out += static_cast<char>(c);
        ++p_;
        continue;
      }
      ++p_;
      if (p_ >= s_.size()) return false;
      char e = s_[p_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(p_, 2) == "\\u") {
            size_t save = p_;
            p_ += 2;
            uint32_t lo = 0;
            if (Hex4(lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              p_ = save;
            }
          }
          // A lone surrogate has no UTF-8 form; it becomes U+FFFD.
          if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
          AppendUtf8(out, cp);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  bool Number(Json& out) {
    size_t start = p_;
    if (p_ < s_.size() && s_[p_] == '-') ++p_;
    if (p_ >= s_.size()) return false;
    if (s_[p_] == '0') {
      ++p_;
    } else if (s_[p_] >= '1' && s_[p_] <= '9') {
      while (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) ++p_;
    } else {
      return false;
    }
    bool is_float = false;
    if (p_ < s_.size() && s_[p_] == '.') {
      size_t d = p_ + 1;
      if (d < s_.size() && std::isdigit(static_cast<unsigned char>(s_[d]))) {
        is_float = true;
        p_ = d;
        while (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) ++p_;
      }
    }
    if (p_ < s_.size() && (s_[p_] == 'e' || s_[p_] == 'E')) {
      size_t d = p_ + 1;
      if (d < s_.size() && (s_[d] == '+' || s_[d] == '-')) ++d;
      if (d < s_.size() && std::isdigit(static_cast<unsigned char>(s_[d]))) {
        is_float = true;
        p_ = d;
        while (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) ++p_;
      }
    }
    std::string text(s_.substr(start, p_ - start));
    if (!is_float) {
      if (text[0] == '-') {
        int64_t v = 0;
        auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec == std::errc() && r.ptr == text.data() + text.size()) {
          out = v;
          return true;
        }
      } else {
        uint64_t u = 0;
        auto r = std::from_chars(text.data(), text.data() + text.size(), u);
        if (r.ec == std::errc() && r.ptr == text.data() + text.size()) {
          if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            out = static_cast<int64_t>(u);
          } else {
            out = u;
          }
          return true;
        }
      }
    }
    out = std::strtod(text.c_str(), nullptr);
    return true;
  }

  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

std::optional<PyJson> PyJsonLoads(std::string_view text) { return Parser(text).Document(); }

void AppendPyJson(std::string& out, const PyJson& v, PyJsonStyle style) {
  const char* item_sep = style.compact ? "," : ", ";
  const char* key_sep = style.compact ? ":" : ": ";
  switch (v.type()) {
    case Json::value_t::null: out += "null"; break;
    case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
    case Json::value_t::number_integer: out += std::to_string(v.get<int64_t>()); break;
    case Json::value_t::number_unsigned: out += std::to_string(v.get<uint64_t>()); break;
    case Json::value_t::number_float: AppendPyJsonFloat(out, v.get<double>()); break;
    case Json::value_t::string: AppendPyJsonString(out, v.get_ref<const std::string&>(), style.ensure_ascii); break;
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v) {
        if (!first) out += item_sep;
        first = false;
        AppendPyJson(out, e, style);
      }
      out += ']';
      break;
    }
    case Json::value_t::object: {
      std::vector<std::pair<const std::string*, const Json*>> members;
      members.reserve(v.size());
      for (auto it = v.begin(); it != v.end(); ++it) members.emplace_back(&it.key(), &it.value());
      if (style.sort_keys) {
        std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return *a.first < *b.first; });
      }
      out += '{';
      bool first = true;
      for (const auto& [key, value] : members) {
        if (!first) out += item_sep;
        first = false;
        AppendPyJsonString(out, *key, style.ensure_ascii);
        out += key_sep;
        AppendPyJson(out, *value, style);
      }
      out += '}';
      break;
    }
    default: out += "null"; break;  // binary / discarded: never produced by PyJsonLoads
  }
}

std::string PyJsonDumps(const PyJson& v, PyJsonStyle style) {
  std::string out;
  AppendPyJson(out, v, style);
  return out;
}

bool PyTruthy(const PyJson& v) {
  switch (v.type()) {
    case Json::value_t::null: return false;
    case Json::value_t::boolean: return v.get<bool>();
    case Json::value_t::number_integer: return v.get<int64_t>() != 0;
    case Json::value_t::number_unsigned: return v.get<uint64_t>() != 0;
    case Json::value_t::number_float: return v.get<double>() != 0;
    case Json::value_t::string: return !v.get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object: return !v.empty();
    default: return false;
  }
}

}  // namespace mlflow
