#include "models/py_json.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/unicode.h"

namespace mlflow::models {
namespace {

// Deeper documents are refused (no recursion can blow the stack). Python's parser gives up at about
// the same depth (its recursion limit, 1000 frames less the server's own).
constexpr int kMaxDepth = 960;

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Parsing

class JsonParser {
 public:
  JsonParser(JsonDoc& doc) : doc_(doc) {
    begin_ = doc.text_.data();
    p_ = begin_;
    end_ = begin_ + doc.text_.size();
  }

  std::optional<JsonError> Run() {
    doc_.nodes_.clear();
    scratch_.resize(kMaxDepth + 2);
    SkipWs();
    JsonNode root;
    if (!ParseValue(root, 0)) return Error();
    SkipWs();
    if (p_ != end_) return MakeError("Extra data", p_);
    doc_.nodes_.push_back(root);
    doc_.root_ = static_cast<uint32_t>(doc_.nodes_.size() - 1);
    return std::nullopt;
  }

 private:
  void SkipWs() {
    while (p_ < end_ && IsWs(*p_)) ++p_;
  }
  bool Fail(const char* msg, const char* at) {
    err_msg_ = msg;
    err_at_ = at;
    return false;
  }
  std::optional<JsonError> Error() { return MakeError(err_msg_, err_at_); }
  std::optional<JsonError> MakeError(const char* msg, const char* at) {
    JsonError e;
    e.msg = msg;
    size_t chars = 0, line = 1;
    const char* last_nl = nullptr;
    size_t chars_at_nl = 0;
    for (const char* q = begin_; q < at; ++q) {
      unsigned char c = static_cast<unsigned char>(*q);
      if ((c & 0xC0) != 0x80) ++chars;  // count code points, not bytes
      if (c == '\n') {
        ++line;
        last_nl = q;
        chars_at_nl = chars;
      }
    }
    e.pos = chars;
    e.line = line;
    // Python: colno = pos - doc.rfind('\n', 0, pos); the newline is character chars_at_nl - 1.
    e.column = last_nl ? chars - chars_at_nl + 1 : chars + 1;
    return e;
  }

  bool Literal(const char* word, size_t n) {
    if (static_cast<size_t>(end_ - p_) >= n && std::memcmp(p_, word, n) == 0) {
      p_ += n;
      return true;
    }
    return false;
  }

  bool ParseValue(JsonNode& out, int depth) {
    if (p_ >= end_) return Fail("Expecting value", p_);
    switch (*p_) {
      case '"': return ParseString(out);
      case '{': return ParseObject(out, depth);
      case '[': return ParseArray(out, depth);
      case 'n':
        if (Literal("null", 4)) return out.type = JsonType::kNull, true;
        break;
      case 't':
        if (Literal("true", 4)) return out.type = JsonType::kTrue, true;
        break;
      case 'f':
        if (Literal("false", 5)) return out.type = JsonType::kFalse, true;
        break;
      case 'N':
        if (Literal("NaN", 3)) return out.type = JsonType::kFloat, out.d = std::nan(""), true;
        break;
      case 'I':
        if (Literal("Infinity", 8)) return out.type = JsonType::kFloat, out.d = HUGE_VAL, true;
        break;
      case '-':
        if (Literal("-Infinity", 9)) return out.type = JsonType::kFloat, out.d = -HUGE_VAL, true;
        return ParseNumber(out);
      default:
        if (IsDigit(*p_)) return ParseNumber(out);
    }
    return Fail("Expecting value", p_);
  }

  bool ParseNumber(JsonNode& out) {
    const char* start = p_;
    const char* q = p_;
    if (*q == '-') ++q;
    if (q >= end_ || !IsDigit(*q)) return Fail("Expecting value", start);
    if (*q == '0') {
      ++q;
    } else {
      while (q < end_ && IsDigit(*q)) ++q;
    }
    const char* int_end = q;
    bool is_float = false;
    if (q + 1 < end_ && *q == '.' && IsDigit(q[1])) {
      is_float = true;
      q += 2;
      while (q < end_ && IsDigit(*q)) ++q;
    }
    if (q < end_ && (*q == 'e' || *q == 'E')) {
      const char* e = q + 1;
      if (e < end_ && (*e == '+' || *e == '-')) ++e;
      if (e < end_ && IsDigit(*e)) {
        is_float = true;
        while (e < end_ && IsDigit(*e)) ++e;
        q = e;
      }
    }
    p_ = q;
    if (is_float) {
      out.type = JsonType::kFloat;
      const char* s = start;
      double v = 0;
      auto r = std::from_chars(s, q, v);
      if (r.ec != std::errc() || r.ptr != q) {
        // Overflow/underflow: Python gives inf / 0.0 / a subnormal, as strtod does.
        std::string tmp(start, q);
        v = std::strtod(tmp.c_str(), nullptr);
      }
      out.d = v;
      return true;
    }
    (void)int_end;
    int64_t v = 0;
    auto r = std::from_chars(start, q, v);
    if (r.ec == std::errc() && r.ptr == q) {
      out.type = JsonType::kInt;
      out.i = v;
    } else {  // beyond int64: Python keeps an exact int; we keep its text
      out.type = JsonType::kBigInt;
      out.s = start;
      out.len = static_cast<uint32_t>(q - start);
    }
    return true;
  }

  bool ParseString(JsonNode& out) {
    const char* open = p_;
    const char* q = p_ + 1;
    // Fast path: no escapes.
    while (q < end_) {
      unsigned char c = static_cast<unsigned char>(*q);
      if (c == '"' || c == '\\' || c < 0x20) break;
      ++q;
    }
    if (q >= end_) return Fail("Unterminated string starting at", open);
    if (*q == '"') {
      out.type = JsonType::kString;
      out.s = open + 1;
      out.len = static_cast<uint32_t>(q - open - 1);
      p_ = q + 1;
      return true;
    }
    std::string buf(open + 1, q);
    while (true) {
      if (q >= end_) return Fail("Unterminated string starting at", open);
      unsigned char c = static_cast<unsigned char>(*q);
      if (c == '"') break;
      if (c < 0x20) return Fail("Invalid control character at", q);
      if (c != '\\') {
        buf += static_cast<char>(c);
        ++q;
        continue;
      }
      const char* esc = q;
      if (q + 1 >= end_) return Fail("Unterminated string starting at", open);
      char e = q[1];
      q += 2;
      switch (e) {
        case '"': buf += '"'; break;
        case '\\': buf += '\\'; break;
        case '/': buf += '/'; break;
        case 'b': buf += '\b'; break;
        case 'f': buf += '\f'; break;
        case 'n': buf += '\n'; break;
        case 'r': buf += '\r'; break;
        case 't': buf += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(q, &cp)) return Fail("Invalid \\uXXXX escape", esc + 1);
          q += 4;
          // A high surrogate followed by an escaped low one makes one code point.
          if (cp >= 0xD800 && cp <= 0xDBFF && q + 1 < end_ && q[0] == '\\' && q[1] == 'u') {
            uint32_t lo = 0;
            if (!Hex4(q + 2, &lo)) return Fail("Invalid \\uXXXX escape", q + 1);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              q += 6;
            }
          }
          AppendUtf8(buf, cp);
          break;
        }
        default: return Fail("Invalid \\escape", esc);
      }
    }
    p_ = q + 1;
    doc_.unescaped_.push_back(std::move(buf));
    const std::string& stored = doc_.unescaped_.back();
    out.type = JsonType::kString;
    out.s = stored.data();
    out.len = static_cast<uint32_t>(stored.size());
    return true;
  }

  bool Hex4(const char* q, uint32_t* out) {
    if (end_ - q < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      int h = HexVal(q[i]);
      if (h < 0) return false;
      v = v * 16 + static_cast<uint32_t>(h);
    }
    *out = v;
    return true;
  }

  bool ParseArray(JsonNode& out, int depth) {
    if (depth >= kMaxDepth) return Fail("Document nested too deeply", p_);
    ++p_;
    auto& kids = scratch_[depth];
    kids.clear();
    SkipWs();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return Finish(out, JsonType::kArray, kids, 0);
    }
    while (true) {
      SkipWs();
      JsonNode v;
      if (!ParseValue(v, depth + 1)) return false;
      kids.push_back(v);
      SkipWs();
      if (p_ < end_ && *p_ == ']') {
        ++p_;
        return Finish(out, JsonType::kArray, kids, kids.size());
      }
      if (p_ >= end_ || *p_ != ',') return Fail("Expecting ',' delimiter", p_);
      ++p_;
    }
  }

  bool ParseObject(JsonNode& out, int depth) {
    if (depth >= kMaxDepth) return Fail("Document nested too deeply", p_);
    ++p_;
    auto& kids = scratch_[depth];
    kids.clear();
    SkipWs();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return Finish(out, JsonType::kObject, kids, 0);
    }
    while (true) {
      SkipWs();
      if (p_ >= end_ || *p_ != '"') return Fail("Expecting property name enclosed in double quotes", p_);
      JsonNode k;
      if (!ParseString(k)) return false;
      SkipWs();
      if (p_ >= end_ || *p_ != ':') return Fail("Expecting ':' delimiter", p_);
      ++p_;
      SkipWs();
      JsonNode v;
      if (!ParseValue(v, depth + 1)) return false;
      kids.push_back(k);
      kids.push_back(v);
      SkipWs();
      if (p_ < end_ && *p_ == '}') {
        ++p_;
        return Finish(out, JsonType::kObject, kids, kids.size() / 2);
      }
      if (p_ >= end_ || *p_ != ',') return Fail("Expecting ',' delimiter", p_);
      ++p_;
    }
  }

  bool Finish(JsonNode& out, JsonType type, std::vector<JsonNode>& kids, size_t count) {
    out.type = type;
    out.len = static_cast<uint32_t>(count);
    out.first = static_cast<uint32_t>(doc_.nodes_.size());
    doc_.nodes_.insert(doc_.nodes_.end(), kids.begin(), kids.end());
    kids.clear();
    return true;
  }

  JsonDoc& doc_;
  const char* begin_;
  const char* p_;
  const char* end_;
  std::vector<std::vector<JsonNode>> scratch_;
  const char* err_msg_ = "Expecting value";
  const char* err_at_ = nullptr;
};

std::optional<JsonError> JsonDoc::Parse(std::string text) {
  text_ = std::move(text);
  unescaped_.clear();
  if (text_.size() >= 3 && static_cast<unsigned char>(text_[0]) == 0xEF &&
      static_cast<unsigned char>(text_[1]) == 0xBB && static_cast<unsigned char>(text_[2]) == 0xBF) {
    text_.erase(0, 3);
  }
  JsonParser p(*this);
  return p.Run();
}

std::string JsonError::Message() const {
  return msg + ": line " + std::to_string(line) + " column " + std::to_string(column) + " (char " +
         std::to_string(pos) + ")";
}

std::string JsonError::Repr() const { return "JSONDecodeError(" + PyStrRepr(Message()) + ")"; }

// ---------------------------------------------------------------------------------------------
// JsonRef

double JsonRef::as_double() const {
  switch (node_->type) {
    case JsonType::kInt: return static_cast<double>(node_->i);
    case JsonType::kFloat: return node_->d;
    case JsonType::kBigInt: {
      std::string t(node_->s, node_->len);
      return std::strtod(t.c_str(), nullptr);
    }
    case JsonType::kTrue: return 1;
    default: return 0;
  }
}

JsonRef JsonRef::operator[](size_t i) const { return JsonRef(doc_, doc_->node(node_->first + static_cast<uint32_t>(i))); }
JsonRef JsonRef::key_at(size_t i) const { return JsonRef(doc_, doc_->node(node_->first + static_cast<uint32_t>(2 * i))); }
JsonRef JsonRef::value_at(size_t i) const {
  return JsonRef(doc_, doc_->node(node_->first + static_cast<uint32_t>(2 * i + 1)));
}

JsonRef JsonRef::Get(std::string_view key) const {
  if (!is_object()) return {};
  for (size_t i = node_->len; i-- > 0;) {
    if (key_at(i).as_string() == key) return value_at(i);
  }
  return {};
}

std::vector<std::string_view> JsonRef::Keys() const {
  std::vector<std::string_view> keys;
  if (!is_object()) return keys;
  keys.reserve(node_->len);
  for (size_t i = 0; i < node_->len; ++i) {
    std::string_view k = key_at(i).as_string();
    bool seen = false;
    for (auto& s : keys) {
      if (s == k) {
        seen = true;
        break;
      }
    }
    if (!seen) keys.push_back(k);
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Writing

void PyJsonWriter::Int(int64_t v) {
  Sep();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, r.ptr);
}

void PyJsonWriter::UInt(uint64_t v) {
  Sep();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, r.ptr);
}

void PyJsonWriter::Value(JsonRef v) {
  switch (v.type()) {
    case JsonType::kNull: Null(); break;
    case JsonType::kTrue: Bool(true); break;
    case JsonType::kFalse: Bool(false); break;
    case JsonType::kInt: Int(v.as_int()); break;
    case JsonType::kBigInt: Raw(v.bigint_text()); break;
    case JsonType::kFloat: Float(v.as_double()); break;
    case JsonType::kString: String(v.as_string()); break;
    case JsonType::kArray:
      BeginArray();
      for (size_t i = 0; i < v.size(); ++i) Value(v[i]);
      EndArray();
      break;
    case JsonType::kObject: {
      BeginObject();
      // A Python dict: first position of a key, last value.
      for (std::string_view k : v.Keys()) {
        Key(k);
        Value(v.Get(k));
      }
      EndObject();
      break;
    }
  }
}

}  // namespace mlflow::models
