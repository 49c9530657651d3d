#pragma once
// JSON as Python's `json` module reads and writes it, because the scoring protocol is defined by
// what MLflow's server does with json.loads / json.dumps:
//   - reading accepts NaN, Infinity, -Infinity and integers of any size (kept as text), rejects
//     control characters in strings, and reports errors with json.decoder's messages and
//     "line L column C (char N)" positions (N counted in characters);
//   - writing uses json.dumps' defaults: ", " and ": " separators, ensure_ascii escapes, floats as
//     Python's repr (shortest round-trip: 0.1, 1e-05, 1e+16), NaN/Infinity literals.
//
//   JsonDoc doc;
//   if (auto err = doc.Parse(body); err) return Error(err->Message());
//   JsonRef root = doc.root();
//   if (JsonRef data = root.Get("data"); data.is_array()) ...
//   PyJsonWriter w; w.Float(0.5); std::string s = w.Take();
//
// A parsed document is immutable; JsonRef is a cheap pointer into it, valid while the doc lives.
// The scoring server's own reader rather than core/py_json.h's (nlohmann-based, for stored JSON):
// an arena of nodes parses large inputs several times faster, and only this one reports
// json.decoder's messages. Both write through core/py_text.h.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/py_text.h"  // the writing primitives: PyFloatRepr, AppendPyJsonString, PyStrRepr, ...

namespace mlflow::models {

enum class JsonType : uint8_t { kNull, kFalse, kTrue, kInt, kBigInt, kFloat, kString, kArray, kObject };

struct JsonNode {
  JsonType type = JsonType::kNull;
  uint32_t len = 0;  // string bytes, array items, object members
  union {
    int64_t i;
    double d;
    const char* s;   // kString and kBigInt (digits, with sign); not NUL-terminated
    uint32_t first;  // kArray: first item; kObject: first key (key, value alternate)
  };
  JsonNode() : i(0) {}
};

class JsonDoc;

// A view of one value in a JsonDoc. Default-constructed = absent (is_absent()).
class JsonRef {
 public:
  JsonRef() = default;
  JsonRef(const JsonDoc* doc, const JsonNode* node) : doc_(doc), node_(node) {}

  bool is_absent() const { return node_ == nullptr; }
  JsonType type() const { return node_->type; }
  bool is_null() const { return node_ && node_->type == JsonType::kNull; }
  bool is_bool() const { return node_ && (node_->type == JsonType::kTrue || node_->type == JsonType::kFalse); }
  bool is_int() const { return node_ && (node_->type == JsonType::kInt || node_->type == JsonType::kBigInt); }
  bool is_float() const { return node_ && node_->type == JsonType::kFloat; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return node_ && node_->type == JsonType::kString; }
  bool is_array() const { return node_ && node_->type == JsonType::kArray; }
  bool is_object() const { return node_ && node_->type == JsonType::kObject; }
  // Python: a scalar (not list/dict), None included.
  bool is_scalar() const { return node_ && !is_array() && !is_object(); }

  bool as_bool() const { return node_->type == JsonType::kTrue; }
  int64_t as_int() const { return node_->i; }  // kInt only
  // int or float as a double (big ints: correctly rounded).
  double as_double() const;
  std::string_view as_string() const { return {node_->s, node_->len}; }
  std::string_view bigint_text() const { return {node_->s, node_->len}; }

  // Arrays.
  size_t size() const { return node_->len; }
  JsonRef operator[](size_t i) const;
  // Objects: member count (duplicates included), i-th key and value in document order.
  JsonRef key_at(size_t i) const;
  JsonRef value_at(size_t i) const;
  // Python dict semantics: the last duplicate wins. Absent when missing.
  JsonRef Get(std::string_view key) const;
  // Keys in first-occurrence order, duplicates removed (what a Python dict iterates).
  std::vector<std::string_view> Keys() const;

  const JsonNode* node() const { return node_; }
  const JsonDoc* doc() const { return doc_; }

 private:
  const JsonDoc* doc_ = nullptr;
  const JsonNode* node_ = nullptr;
};

// A json.loads failure: Python's message and the character offset.
struct JsonError {
  std::string msg;  // "Expecting value"
  size_t pos = 0;   // characters from the start
  size_t line = 1;
  size_t column = 1;
  // "Expecting value: line 1 column 1 (char 0)"
  std::string Message() const;
  // Python's repr of the exception: JSONDecodeError('...')
  std::string Repr() const;
};

class JsonDoc {
 public:
  JsonDoc() = default;
  JsonDoc(const JsonDoc&) = delete;
  JsonDoc& operator=(const JsonDoc&) = delete;

  // Parses `text` (UTF-8; a leading BOM is skipped as json.loads does for bytes). The doc keeps
  // its own copy. Returns the error when the text is not JSON.
  std::optional<JsonError> Parse(std::string text);
  JsonRef root() const { return JsonRef(this, nodes_.empty() ? nullptr : &nodes_[root_]); }
  // The text as parsed (a leading BOM removed).
  const std::string& text() const { return text_; }
  const JsonNode* node(uint32_t i) const { return &nodes_[i]; }

 private:
  friend class JsonParser;
  std::string text_;
  std::vector<JsonNode> nodes_;
  std::deque<std::string> unescaped_;  // decoded strings that had escapes
  uint32_t root_ = 0;
};

// Writes one JSON value in json.dumps' default format.
class PyJsonWriter {
 public:
  void Null() { Sep(), out_ += "null"; }
  void Bool(bool b) { Sep(), out_ += b ? "true" : "false"; }
  void Int(int64_t v);
  void UInt(uint64_t v);
  void Float(double v) { Sep(), AppendPyJsonFloat(out_, v); }
  void String(std::string_view s) { Sep(), AppendPyJsonString(out_, s); }
  void Raw(std::string_view json) { Sep(), out_.append(json); }
  void BeginArray() { Sep(), out_ += '[', first_ = true; }
  void EndArray() { out_ += ']', first_ = false; }
  void BeginObject() { Sep(), out_ += '{', first_ = true; }
  void EndObject() { out_ += '}', first_ = false; }
  // The next value is this member's.
  void Key(std::string_view k) {
    Sep();
    AppendPyJsonString(out_, k);
    out_ += ": ";
    first_ = true;
  }
  // Re-serializes a parsed value.
  void Value(JsonRef v);

  std::string& out() { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Sep() {
    if (!first_) out_ += ", ";
    first_ = false;
  }
  std::string out_;
  bool first_ = true;
};

}  // namespace mlflow::models
