#include "models/py_yaml.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/unicode.h"
#include "models/py_json.h"

namespace mlflow::models {
namespace {

using ojson = nlohmann::ordered_json;

// --- PyYAML's implicit resolvers (YAML 1.1), keyed on the first character -----------------------

const std::regex& BoolRe() {
  static const std::regex re("^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$");
  return re;
}
const std::regex& FloatRe() {
  static const std::regex re(
      "^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
      "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
      "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
      "|[-+]?\\.(?:inf|Inf|INF)"
      "|\\.(?:nan|NaN|NAN))$");
  return re;
}
const std::regex& IntRe() {
  static const std::regex re(
      "^(?:[-+]?0b[0-1_]+"
      "|[-+]?0[0-7_]+"
      "|[-+]?(?:0|[1-9][0-9_]*)"
      "|[-+]?0x[0-9a-fA-F_]+"
      "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$");
  return re;
}
const std::regex& NullRe() {
  static const std::regex re("^(?:~|null|Null|NULL|)$");
  return re;
}
const std::regex& TimestampRe() {
  static const std::regex re(
      "^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
      "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
      "(?:[Tt]|[ \\t]+)[0-9][0-9]?"
      ":[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?"
      "(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$");
  return re;
}

enum class Implicit { kStr, kBool, kInt, kFloat, kNull, kTimestamp, kOther };

// What a plain scalar with this text resolves to (Resolver.resolve for a ScalarNode).
Implicit Resolve(const std::string& v) {
  char c = v.empty() ? '\0' : v[0];
  if (v.empty()) return Implicit::kNull;
  if (std::string("yYnNtTfFoO").find(c) != std::string::npos && std::regex_match(v, BoolRe())) return Implicit::kBool;
  if (std::string("-+0123456789.").find(c) != std::string::npos && std::regex_match(v, FloatRe())) {
    return Implicit::kFloat;
  }
  if (std::string("-+0123456789").find(c) != std::string::npos && std::regex_match(v, IntRe())) return Implicit::kInt;
  if (c == '<' && v == "<<") return Implicit::kOther;
  if (std::string("~nN").find(c) != std::string::npos && std::regex_match(v, NullRe())) return Implicit::kNull;
  if (c >= '0' && c <= '9' && std::regex_match(v, TimestampRe())) return Implicit::kTimestamp;
  if (c == '=' && v == "=") return Implicit::kOther;
  return Implicit::kStr;
}

std::string Strip(std::string s, char ch) {
  s.erase(std::remove(s.begin(), s.end(), ch), s.end());
  return s;
}

ojson ConstructInt(const std::string& text) {
  std::string v = Strip(text, '_');
  int sign = 1;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    if (v[0] == '-') sign = -1;
    v.erase(0, 1);
  }
  long long n = 0;
  if (v == "0") {
    n = 0;
  } else if (v.rfind("0b", 0) == 0) {
    n = std::strtoll(v.c_str() + 2, nullptr, 2);
  } else if (v.rfind("0x", 0) == 0) {
    n = std::strtoll(v.c_str() + 2, nullptr, 16);
  } else if (v[0] == '0') {
    n = std::strtoll(v.c_str(), nullptr, 8);
  } else if (v.find(':') != std::string::npos) {
    long long base = 1;
    std::vector<long long> digits;
    size_t start = 0;
    while (true) {
      size_t colon = v.find(':', start);
      digits.push_back(std::strtoll(v.substr(start, colon - start).c_str(), nullptr, 10));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      n += *it * base;
      base *= 60;
    }
  } else {
    n = std::strtoll(v.c_str(), nullptr, 10);
  }
  return ojson(static_cast<int64_t>(sign * n));
}

ojson ConstructFloat(const std::string& text) {
  std::string v = Strip(text, '_');
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  double sign = 1;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    if (v[0] == '-') sign = -1;
    v.erase(0, 1);
  }
  if (v == ".inf") return ojson(sign * HUGE_VAL);
  if (v == ".nan") return ojson(std::nan(""));
  if (v.find(':') != std::string::npos) {
    double n = 0, base = 1;
    std::vector<double> parts;
    size_t start = 0;
    while (true) {
      size_t colon = v.find(':', start);
      parts.push_back(std::strtod(v.substr(start, colon - start).c_str(), nullptr));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      n += *it * base;
      base *= 60;
    }
    return ojson(sign * n);
  }
  return ojson(sign * std::strtod(v.c_str(), nullptr));
}

// yaml-cpp turns the double-quoted escapes \N (U+0085) and \_ (U+00A0) into the single bytes 0x85
// and 0xA0 instead of their UTF-8 forms. The text it read was valid UTF-8 (ParseYaml checks), so
// a lone such byte can only come from those escapes: put the code point back in UTF-8.
std::string ScalarText(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (IsValidUtf8(s)) return s;
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) {
    size_t j = i;
    char32_t cp = 0;
    NextCodePoint(s, j, cp);
    const auto byte = static_cast<unsigned char>(s[i]);
    if (cp == 0xFFFD && j == i + 1 && (byte == 0x85 || byte == 0xA0)) {
      AppendUtf8(out, byte);
    } else {
      out.append(s, i, j - i);
    }
    i = j;
  }
  return out;
}

ojson ToJson(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar: {
      const std::string s = ScalarText(n);
      if (n.Tag() != "?") return s;  // quoted or explicitly tagged: a string
      switch (Resolve(s)) {
        case Implicit::kBool: {
          char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
          return c == 'y' || c == 't' || (c == 'o' && (s == "on" || s == "On" || s == "ON"));
        }
        case Implicit::kInt: return ConstructInt(s);
        case Implicit::kFloat: return ConstructFloat(s);
        case Implicit::kNull: return nullptr;
        default: return s;
      }
    }
    case YAML::NodeType::Sequence: {
      ojson arr = ojson::array();
      for (const auto& item : n) arr.push_back(ToJson(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      ojson obj = ojson::object();
      for (const auto& kv : n) obj[ScalarText(kv.first)] = ToJson(kv.second);
      return obj;
    }
    default: return nullptr;
  }
}

// --- The emitter: PyYAML's block-style output, column by column ---------------------------------

constexpr int kBestIndent = 2;
constexpr int kBestWidth = 80;

struct Analysis {
  bool empty = false;
  bool multiline = false;
  bool allow_block_plain = true;
  bool allow_single_quoted = true;
};

bool IsBreak(uint32_t c) { return c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029; }
bool IsSpaceOrEnd(uint32_t c) { return c == 0 || c == ' ' || c == '\t' || c == '\r' || IsBreak(c); }

std::vector<uint32_t> CodePoints(const std::string& s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c, len = 1;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
      cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu), len = 2;
    } else if ((c & 0xF0) == 0xE0 && i + 2 < s.size()) {
      cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
      len = 3;
    } else if (i + 3 < s.size()) {
      cp = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
           ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) | (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
      len = 4;
    } else {
      cp = c, len = 1;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string Utf8(const std::vector<uint32_t>& cps, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    AppendUtf8(out, cps[i]);
  }
  return out;
}

// The scalar analysis PyYAML makes (allow_unicode=False: non-ASCII forces double quotes).
Analysis Analyze(const std::vector<uint32_t>& s) {
  Analysis a;
  if (s.empty()) {
    a.empty = true;
    a.allow_block_plain = true;
    a.allow_single_quoted = true;
    return a;
  }
  bool block_indicators = false, line_breaks = false, special = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
  bool break_space = false, space_break = false;
  auto starts = [&](const char* p) {
    for (size_t i = 0; i < 3; ++i) {
      if (i >= s.size() || s[i] != static_cast<uint32_t>(p[i])) return false;
    }
    return true;
  };
  if (starts("---") || starts("...")) block_indicators = true;
  bool preceded_ws = true;
  bool followed_ws = s.size() == 1 || IsSpaceOrEnd(s[1]);
  bool prev_space = false, prev_break = false;
  for (size_t i = 0; i < s.size(); ++i) {
    uint32_t ch = s[i];
    if (i == 0) {
      if (std::string("#,[]{}&*!|>'\"%@`").find(static_cast<char>(ch < 128 ? ch : 0)) != std::string::npos && ch < 128 &&
          ch != 0) {
        block_indicators = true;
      }
      if ((ch == '?' || ch == ':') && followed_ws) block_indicators = true;
      if (ch == '-' && followed_ws) block_indicators = true;
    } else {
      if (ch == ':' && followed_ws) block_indicators = true;
      if (ch == '#' && preceded_ws) block_indicators = true;
    }
    if (IsBreak(ch)) line_breaks = true;
    if (!(ch == '\n' || (ch >= 0x20 && ch <= 0x7E))) special = true;  // non-ASCII too (no allow_unicode)
    if (ch == ' ') {
      if (i == 0) leading_space = true;
      if (i == s.size() - 1) trailing_space = true;
      if (prev_break) break_space = true;
      prev_space = true;
      prev_break = false;
    } else if (IsBreak(ch)) {
      if (i == 0) leading_break = true;
      if (i == s.size() - 1) trailing_break = true;
      if (prev_space) space_break = true;
      prev_space = false;
      prev_break = true;
    } else {
      prev_space = prev_break = false;
    }
    preceded_ws = IsSpaceOrEnd(ch);
    followed_ws = i + 2 >= s.size() || IsSpaceOrEnd(s[i + 2]);
  }
  if (leading_space || leading_break || trailing_space || trailing_break) a.allow_block_plain = false;
  if (break_space) a.allow_block_plain = a.allow_single_quoted = false;
  if (space_break || special) a.allow_block_plain = a.allow_single_quoted = false;
  if (line_breaks) a.allow_block_plain = false;
  if (block_indicators) a.allow_block_plain = false;
  a.multiline = line_breaks;
  return a;
}

class Emitter {
 public:
  explicit Emitter(bool sort_keys) : sort_keys_(sort_keys) {}
  std::string Run(const ojson& root) {
    Node(root, /*root=*/true, /*sequence=*/false, /*mapping=*/false, /*simple_key=*/false);
    if (open_ended_) {
      WriteIndent();
      out_ += "...";
      column_ += 3;
    }
    WriteIndent();  // document end: finish the last line
    return out_;
  }

 private:
  void WriteLineBreak() {
    out_ += '\n';
    whitespace_ = true;
    indention_ = true;
    column_ = 0;
  }
  void WriteIndent() {
    int indent = indent_ < 0 ? 0 : indent_;
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) WriteLineBreak();
    if (column_ < indent) {
      whitespace_ = true;
      out_.append(static_cast<size_t>(indent - column_), ' ');
      column_ = indent;
    }
  }
  void WriteIndicator(const std::string& ind, bool need_ws, bool ws = false, bool indention = false) {
    std::string data = (whitespace_ || !need_ws) ? ind : " " + ind;
    whitespace_ = ws;
    indention_ = indention_ && indention;
    column_ += static_cast<int>(data.size());
    open_ended_ = false;
    out_ += data;
  }
  void Push(int new_indent) {
    indents_.push_back(indent_);
    indent_ = new_indent;
  }
  void IncreaseIndent(bool flow, bool indentless = false) {
    indents_.push_back(indent_);
    if (indent_ < 0) {
      indent_ = flow ? kBestIndent : 0;
    } else if (!indentless) {
      indent_ += kBestIndent;
    }
  }
  void Pop() {
    indent_ = indents_.back();
    indents_.pop_back();
  }

  // PyYAML's check_simple_key for a string key: not empty, one line, and shorter than 128
  // characters counting its tag as PyYAML prepares it ("!!str", 5 characters), so at most 122.
  static bool IsSimpleKey(const std::string& key) {
    const auto cps = CodePoints(key);
    const Analysis a = Analyze(cps);
    constexpr size_t kStrTagLength = 5;
    return cps.size() + kStrTagLength < 128 && !a.empty && !a.multiline;
  }

  void Node(const ojson& v, bool root, bool sequence, bool mapping, bool simple_key) {
    (void)sequence;
    if (v.is_object()) {
      if (v.empty()) {
        WriteIndicator("{", true, true);
        IncreaseIndent(true);
        Pop();
        WriteIndicator("}", false);
        return;
      }
      IncreaseIndent(false);
      std::vector<std::string> keys;
      for (auto it = v.begin(); it != v.end(); ++it) keys.push_back(it.key());
      // Python sorts str by code point, which is UTF-8 byte order.
      if (sort_keys_) std::sort(keys.begin(), keys.end());
      for (const auto& k : keys) {
        WriteIndent();
        if (IsSimpleKey(k)) {
          Node(ojson(k), false, false, true, true);
          WriteIndicator(":", false);
        } else {
          // An explicit key ("? key" then ": value" on the next line), as PyYAML writes keys that
          // are empty, multi-line or longer than 122 characters. A long simple key is not only
          // unlike PyYAML: once escaped it can exceed YAML's 1024-character limit for implicit
          // keys, and yaml-cpp then refuses to read the file back (found by fuzz/mlmodel_fuzz.cc).
          WriteIndicator("?", true, false, true);
          Node(ojson(k), false, false, true, false);
          WriteIndent();
          WriteIndicator(":", true, false, true);
        }
        Node(v.at(k), false, false, true, false);
      }
      Pop();
      return;
    }
    if (v.is_array()) {
      if (v.empty()) {
        WriteIndicator("[", true, true);
        IncreaseIndent(true);
        Pop();
        WriteIndicator("]", false);
        return;
      }
      bool indentless = mapping && !indention_;
      IncreaseIndent(false, indentless);
      for (const auto& item : v) {
        WriteIndent();
        WriteIndicator("-", true, false, true);
        Node(item, false, true, false, false);
      }
      Pop();
      return;
    }
    Scalar(v, root, simple_key);
  }

  void Scalar(const ojson& v, bool root, bool simple_key) {
    IncreaseIndent(true);
    std::string text;
    bool is_str = v.is_string();
    if (v.is_null()) {
      text = "null";
    } else if (v.is_boolean()) {
      text = v.get<bool>() ? "true" : "false";
    } else if (v.is_number_float()) {
      double d = v.get<double>();
      if (std::isnan(d)) {
        text = ".nan";
      } else if (std::isinf(d)) {
        text = d > 0 ? ".inf" : "-.inf";
      } else {
        text = PyFloatRepr(d);
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
        if (text.find('.') == std::string::npos && text.find('e') != std::string::npos) {
          text.replace(text.find('e'), 1, ".0e");
        }
      }
    } else if (v.is_number_unsigned()) {
      text = std::to_string(v.get<uint64_t>());
    } else if (v.is_number_integer()) {
      text = std::to_string(v.get<int64_t>());
    } else {
      text = v.get<std::string>();
    }
    auto cps = CodePoints(text);
    Analysis a = Analyze(cps);
    // Non-strings are written plain; a string is plain only if it would read back as a string.
    bool implicit_plain = !is_str || Resolve(text) == Implicit::kStr;
    char style;
    if (implicit_plain && !(simple_key && (a.empty || a.multiline)) && a.allow_block_plain) {
      style = 'p';
    } else if (a.allow_single_quoted && !(simple_key && a.multiline)) {
      style = '\'';
    } else {
      style = '"';
    }
    bool split = !simple_key;
    if (style == 'p') {
      if (root) open_ended_ = true;
      WritePlain(cps, split);
    } else if (style == '\'') {
      WriteSingleQuoted(cps, split);
    } else {
      WriteDoubleQuoted(cps, split);
    }
    Pop();
  }

  void WriteRaw(const std::vector<uint32_t>& cps, size_t from, size_t to) {
    out_ += Utf8(cps, from, to);
    column_ += static_cast<int>(to - from);
  }

  void WritePlain(const std::vector<uint32_t>& t, bool split) {
    if (t.empty()) return;
    if (!whitespace_) {
      out_ += ' ';
      column_ += 1;
    }
    whitespace_ = false;
    indention_ = false;
    bool spaces = false, breaks = false;
    size_t start = 0, end = 0;
    while (end <= t.size()) {
      uint32_t ch = end < t.size() ? t[end] : 0;
      bool at_end = end >= t.size();
      if (spaces) {
        if (at_end || ch != ' ') {
          if (start + 1 == end && column_ > kBestWidth && split) {
            WriteIndent();
            whitespace_ = false;
            indention_ = false;
          } else {
            WriteRaw(t, start, end);
          }
          start = end;
        }
      } else if (breaks) {
        if (at_end || !IsBreak(ch)) {
          if (t[start] == '\n') WriteLineBreak();
          for (size_t i = start; i < end; ++i) WriteLineBreak();
          WriteIndent();
          whitespace_ = false;
          indention_ = false;
          start = end;
        }
      } else if (at_end || ch == ' ' || IsBreak(ch)) {
        WriteRaw(t, start, end);
        start = end;
      }
      if (!at_end) {
        spaces = ch == ' ';
        breaks = IsBreak(ch);
      }
      ++end;
    }
  }

  void WriteSingleQuoted(const std::vector<uint32_t>& t, bool split) {
    WriteIndicator("'", true);
    bool spaces = false, breaks = false;
    size_t start = 0, end = 0;
    while (end <= t.size()) {
      bool at_end = end >= t.size();
      uint32_t ch = at_end ? 0 : t[end];
      if (spaces) {
        if (at_end || ch != ' ') {
          if (start + 1 == end && column_ > kBestWidth && split && start != 0 && end != t.size()) {
            WriteIndent();
          } else {
            WriteRaw(t, start, end);
          }
          start = end;
        }
      } else if (breaks) {
        if (at_end || !IsBreak(ch)) {
          if (t[start] == '\n') WriteLineBreak();
          for (size_t i = start; i < end; ++i) WriteLineBreak();
          WriteIndent();
          start = end;
        }
      } else if (at_end || ch == ' ' || IsBreak(ch) || ch == '\'') {
        if (start < end) {
          WriteRaw(t, start, end);
          start = end;
        }
      }
      if (!at_end && ch == '\'') {
        out_ += "''";
        column_ += 2;
        start = end + 1;
      }
      if (!at_end) {
        spaces = ch == ' ';
        breaks = IsBreak(ch);
      }
      ++end;
    }
    WriteIndicator("'", false);
  }

  static std::string Escape(uint32_t ch) {
    switch (ch) {
      case 0: return "\\0";
      case 0x07: return "\\a";
      case 0x08: return "\\b";
      case 0x09: return "\\t";
      case 0x0A: return "\\n";
      case 0x0B: return "\\v";
      case 0x0C: return "\\f";
      case 0x0D: return "\\r";
      case 0x1B: return "\\e";
      case '"': return "\\\"";
      case '\\': return "\\\\";
      case 0x85: return "\\N";
      case 0xA0: return "\\_";
      case 0x2028: return "\\L";
      case 0x2029: return "\\P";
      default: break;
    }
    char buf[16];
    if (ch <= 0xFF) {
      std::snprintf(buf, sizeof(buf), "\\x%02X", ch);
    } else if (ch <= 0xFFFF) {
      std::snprintf(buf, sizeof(buf), "\\u%04X", ch);
    } else {
      std::snprintf(buf, sizeof(buf), "\\U%08X", ch);
    }
    return buf;
  }

  void WriteDoubleQuoted(const std::vector<uint32_t>& t, bool split) {
    WriteIndicator("\"", true);
    size_t start = 0, end = 0;
    while (end <= t.size()) {
      bool at_end = end >= t.size();
      uint32_t ch = at_end ? 0 : t[end];
      bool escape = !at_end && (ch == '"' || ch == '\\' || ch == 0x85 || ch == 0x2028 || ch == 0x2029 ||
                                ch == 0xFEFF || !(ch >= 0x20 && ch <= 0x7E));
      if (at_end || escape) {
        if (start < end) {
          WriteRaw(t, start, end);
          start = end;
        }
        if (!at_end) {
          std::string data = Escape(ch);
          column_ += static_cast<int>(data.size());
          out_ += data;
          start = end + 1;
        }
      }
      if (end > 0 && end + 1 < t.size() && (ch == ' ' || start >= end) &&
          column_ + static_cast<int>(end - start) > kBestWidth && split) {
        std::string data = Utf8(t, start, end) + "\\";
        if (start < end) start = end;
        column_ += static_cast<int>(data.size());
        out_ += data;
        WriteIndent();
        whitespace_ = false;
        indention_ = false;
        if (t[start] == ' ') {
          out_ += "\\";
          column_ += 1;
        }
      }
      ++end;
    }
    WriteIndicator("\"", false);
  }

  std::string out_;
  int column_ = 0;
  int indent_ = -1;  // None
  std::vector<int> indents_;
  bool whitespace_ = true;
  bool indention_ = true;
  bool open_ended_ = false;
  bool sort_keys_ = true;
};

}  // namespace

Result<nlohmann::ordered_json> ParseYaml(const std::string& text) {
  // MLflow reads its YAML files as UTF-8 text: other bytes fail there (and could not be written back).
  if (!IsValidUtf8(text)) return Status::InvalidParameter("malformed YAML: the text is not valid UTF-8");
  try {
    YAML::Node n = YAML::Load(text);
    return ToJson(n);
  } catch (const YAML::Exception& e) {
    return Status::InvalidParameter(std::string("malformed YAML: ") + e.what());
  }
}

std::string DumpYaml(const nlohmann::ordered_json& value, bool sort_keys) {
  Emitter e(sort_keys);
  return e.Run(value);
}

}  // namespace mlflow::models
