#include "tracing/otlp.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "core/py_text.h"
#include "core/unicode.h"

namespace mlflow::tracing {
namespace {

Status Bad() { return Status::InvalidParameter("Invalid OpenTelemetry format"); }

// protobuf's default recursion limit; AnyValue nests through arrays and kvlists.
constexpr int kMaxNesting = 100;

// ---------------------------------------------------------------------------------------------
// Protobuf wire format.

enum WireType { kVarint = 0, kFixed64 = 1, kLen = 2, kStartGroup = 3, kEndGroup = 4, kFixed32 = 5 };

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool done() const { return p_ >= b_.size(); }

  bool Varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= b_.size()) return false;
      uint8_t c = static_cast<uint8_t>(b_[p_++]);
      v |= static_cast<uint64_t>(c & 0x7F) << shift;
      if (!(c & 0x80)) return true;
    }
    return false;
  }
  bool Fixed64(uint64_t& v) {
    if (b_.size() - p_ < 8) return false;
    v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b_[p_ + static_cast<size_t>(i)]);
    p_ += 8;
    return true;
  }
  bool Fixed32(uint32_t& v) {
    if (b_.size() - p_ < 4) return false;
    v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b_[p_ + static_cast<size_t>(i)]);
    p_ += 4;
    return true;
  }
  bool Bytes(std::string_view& out) {
    uint64_t n = 0;
    if (!Varint(n) || n > b_.size() - p_) return false;
    out = b_.substr(p_, static_cast<size_t>(n));
    p_ += static_cast<size_t>(n);
    return true;
  }
  // Reads a tag; false at a malformed one (field 0, unknown wire type).
  bool Tag(uint32_t& field, int& wire) {
    uint64_t t = 0;
    if (!Varint(t)) return false;
    field = static_cast<uint32_t>(t >> 3);
    wire = static_cast<int>(t & 7);
    return field != 0 && t >> 3 <= 0x1FFFFFFF;
  }
  // Skips a field of the given wire type (groups included, as protobuf keeps them as unknown).
  bool Skip(int wire, uint32_t field, int depth = 0) {
    uint64_t v;
    uint32_t v32;
    std::string_view s;
    switch (wire) {
      case kVarint: return Varint(v);
      case kFixed64: return Fixed64(v);
      case kLen: return Bytes(s);
      case kFixed32: return Fixed32(v32);
      case kStartGroup: {
        if (depth >= kMaxNesting) return false;
        while (true) {
          uint32_t f;
          int w;
          if (!Tag(f, w)) return false;
          if (w == kEndGroup) return f == field;
          if (!Skip(w, f, depth + 1)) return false;
        }
      }
      default: return false;
    }
  }

 private:
  std::string_view b_;
  size_t p_ = 0;
};

// Each Parse* reads a whole message body; unknown fields and known fields with an unexpected
// wire type are skipped (protobuf keeps them as unknown fields).

bool ParseAnyValue(std::string_view b, Json& out, int depth, std::optional<std::string>* raw_bytes = nullptr);

bool ParseKeyValue(std::string_view b, OtlpKeyValue& kv, int depth) {
  Reader r(b);
  kv.value = nullptr;
  while (!r.done()) {
    uint32_t f;
    int w;
    if (!r.Tag(f, w)) return false;
    std::string_view s;
    if (f == 1 && w == kLen) {
      if (!r.Bytes(s) || !IsValidUtf8(s)) return false;
      kv.key.assign(s);
    } else if (f == 2 && w == kLen) {
      if (!r.Bytes(s) || !ParseAnyValue(s, kv.value, depth + 1, &kv.raw_bytes)) return false;
    } else if (!r.Skip(w, f)) {
      return false;
    }
  }
  return true;
}

bool ParseKeyValues(std::string_view b, Json& obj, int depth) {  // KeyValueList / ArrayValue
  Reader r(b);
  while (!r.done()) {
    uint32_t f;
    int w;
    if (!r.Tag(f, w)) return false;
    std::string_view s;
    if (f == 1 && w == kLen) {
      if (!r.Bytes(s)) return false;
      if (obj.is_object()) {
        OtlpKeyValue kv;
        if (!ParseKeyValue(s, kv, depth + 1)) return false;
        obj[kv.key] = std::move(kv.value);
      } else {
        Json v;
        if (!ParseAnyValue(s, v, depth + 1)) return false;
        obj.push_back(std::move(v));
      }
    } else if (!r.Skip(w, f)) {
      return false;
    }
  }
  return true;
}

bool ParseAnyValue(std::string_view b, Json& out, int depth, std::optional<std::string>* raw_bytes) {
  if (depth > kMaxNesting) return false;
  Reader r(b);
  out = nullptr;
  if (raw_bytes) raw_bytes->reset();
  while (!r.done()) {
    uint32_t f;
    int w;
    if (!r.Tag(f, w)) return false;
    std::string_view s;
    uint64_t v;
    // oneof: the last field on the wire wins, as in protobuf.
    if (raw_bytes && f >= 1 && f <= 8 && f != 7) raw_bytes->reset();
    if (f == 1 && w == kLen) {
      if (!r.Bytes(s) || !IsValidUtf8(s)) return false;
      out = std::string(s);
    } else if (f == 2 && w == kVarint) {
      if (!r.Varint(v)) return false;
      out = v != 0;
    } else if (f == 3 && w == kVarint) {
      if (!r.Varint(v)) return false;
      out = static_cast<int64_t>(v);
    } else if (f == 4 && w == kFixed64) {
      if (!r.Fixed64(v)) return false;
      double d;
      std::memcpy(&d, &v, sizeof d);
      out = d;
    } else if (f == 5 && w == kLen) {
      if (!r.Bytes(s)) return false;
      Json arr = Json::array();
      if (!ParseKeyValues(s, arr, depth)) return false;
      out = std::move(arr);
    } else if (f == 6 && w == kLen) {
      if (!r.Bytes(s)) return false;
      Json obj = Json::object();
      if (!ParseKeyValues(s, obj, depth)) return false;
      out = std::move(obj);
    } else if (f == 7 && w == kLen) {
      if (!r.Bytes(s)) return false;
      out = PyBytesRepr(s);
      if (raw_bytes) *raw_bytes = std::string(s);
      continue;
    } else if (f == 8 && w == kVarint) {  // string_value_strindex (int32)
      if (!r.Varint(v)) return false;
      out = static_cast<int64_t>(static_cast<int32_t>(v));
    } else if (!r.Skip(w, f)) {
      return false;
    }
  }
  return true;
}

bool ParseAttributes(Reader& r, std::vector<OtlpKeyValue>& attrs) {
  std::string_view s;
  if (!r.Bytes(s)) return false;
  OtlpKeyValue kv;
  if (!ParseKeyValue(s, kv, 0)) return false;
  attrs.push_back(std::move(kv));
  return true;
}

bool ParseEvent(std::string_view b, OtlpEvent& e) {
  Reader r(b);
  while (!r.done()) {
    uint32_t f;
    int w;
    if (!r.Tag(f, w)) return false;
    std::string_view s;
    if (f == 1 && w == kFixed64) {
      if (!r.Fixed64(e.time_unix_nano)) return false;
    } else if (f == 2 && w == kLen) {
      if (!r.Bytes(s) || !IsValidUtf8(s)) return false;
      e.name.assign(s);
    } else if (f == 3 && w == kLen) {
      if (!ParseAttributes(r, e.attributes)) return false;
    } else if (!r.Skip(w, f)) {
      return false;
    }
  }
  return true;
}

bool ParseLink(std::string_view b, OtlpLink& l) {
  Reader r(b);
  while (!r.done()) {
    uint32_t f;
    int w;
    if (!r.Tag(f, w)) return false;
    std::string_view s;
    if (f == 1 && w == kLen) {
      if (!r.Bytes(s)) return false;
      l.trace_id.assign(s);
    } else if (f == 2 && w == kLen) {
      if (!r.Bytes(s)) return false;
      l.span_id.assign(s);
    } else if (f == 3 && w == kLen) {  // trace_state: a string, validated
      if (!r.Bytes(s) || !IsValidUtf8(s)) return false;
    } else if (f == 4 && w == kLen) {
      if (!ParseAttributes(r, l.attributes)) return false;
    } else if (!r.Skip(w, f)) {
      return false;
    }
  }
  return true;
}

bool ParseStatus(std::string_view b, OtlpSpan& span) {
  Reader r(b);
  while (!r.done()) {
    uint32_t f;
    int w;
    if (!r.Tag(f, w)) return false;
    std::string_view s;
    uint64_t v;
    if (f == 2 && w == kLen) {
      if (!r.Bytes(s) || !IsValidUtf8(s)) return false;
      span.status_message.assign(s);
    } else if (f == 3 && w == kVarint) {
      if (!r.Varint(v)) return false;
      span.status_code = static_cast<int>(static_cast<int32_t>(v));
    } else if (!r.Skip(w, f)) {
      return false;
    }
  }
  return true;
}

bool ParseSpan(std::string_view b, OtlpSpan& span) {
  Reader r(b);
  while (!r.done()) {
    uint32_t f;
    int w;
    if (!r.Tag(f, w)) return false;
    std::string_view s;
    if (w == kLen && (f == 1 || f == 2 || f == 4)) {
      if (!r.Bytes(s)) return false;
      (f == 1 ? span.trace_id : f == 2 ? span.span_id : span.parent_span_id).assign(s);
    } else if (w == kLen && f == 3) {  // trace_state
      if (!r.Bytes(s) || !IsValidUtf8(s)) return false;
    } else if (w == kLen && f == 5) {
      if (!r.Bytes(s) || !IsValidUtf8(s)) return false;
      span.name.assign(s);
    } else if (w == kFixed64 && f == 7) {
      if (!r.Fixed64(span.start_time_unix_nano)) return false;
    } else if (w == kFixed64 && f == 8) {
      if (!r.Fixed64(span.end_time_unix_nano)) return false;
    } else if (w == kLen && f == 9) {
      if (!ParseAttributes(r, span.attributes)) return false;
    } else if (w == kLen && f == 11) {
      if (!r.Bytes(s)) return false;
      OtlpEvent e;
      if (!ParseEvent(s, e)) return false;
      span.events.push_back(std::move(e));
    } else if (w == kLen && f == 13) {
      if (!r.Bytes(s)) return false;
      OtlpLink l;
      if (!ParseLink(s, l)) return false;
      span.links.push_back(std::move(l));
    } else if (w == kLen && f == 15) {
      if (!r.Bytes(s)) return false;
      // A repeated message field merges; status fields set later win.
      if (!ParseStatus(s, span)) return false;
    } else if (!r.Skip(w, f)) {
      return false;
    }
  }
  return true;
}

bool ParseScopeSpans(std::string_view b, OtlpResourceSpans& rs) {
  Reader r(b);
  while (!r.done()) {
    uint32_t f;
    int w;
    if (!r.Tag(f, w)) return false;
    std::string_view s;
    if (f == 2 && w == kLen) {
      if (!r.Bytes(s)) return false;
      OtlpSpan span;
      if (!ParseSpan(s, span)) return false;
      rs.spans.push_back(std::move(span));
    } else if (f == 3 && w == kLen) {  // schema_url
      if (!r.Bytes(s) || !IsValidUtf8(s)) return false;
    } else if (!r.Skip(w, f)) {  // scope (InstrumentationScope): not used
      return false;
    }
  }
  return true;
}

bool ParseResource(std::string_view b, OtlpResourceSpans& rs) {
  Reader r(b);
  while (!r.done()) {
    uint32_t f;
    int w;
    if (!r.Tag(f, w)) return false;
    if (f == 1 && w == kLen) {
      if (!ParseAttributes(r, rs.resource_attributes)) return false;
    } else if (!r.Skip(w, f)) {
      return false;
    }
  }
  return true;
}

bool ParseResourceSpans(std::string_view b, OtlpResourceSpans& rs) {
  Reader r(b);
  while (!r.done()) {
    uint32_t f;
    int w;
    if (!r.Tag(f, w)) return false;
    std::string_view s;
    if (f == 1 && w == kLen) {
      if (!r.Bytes(s) || !ParseResource(s, rs)) return false;
    } else if (f == 2 && w == kLen) {
      if (!r.Bytes(s) || !ParseScopeSpans(s, rs)) return false;
    } else if (f == 3 && w == kLen) {
      if (!r.Bytes(s) || !IsValidUtf8(s)) return false;
    } else if (!r.Skip(w, f)) {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// OTLP/JSON (protobuf's JSON mapping, as google.protobuf.json_format.ParseDict reads it).

using JsonCRef = const Json&;

// The field `proto_name` (or its camelCase JSON name) of a JSON object; nullptr when absent or null.
const Json* Field(JsonCRef obj, const char* proto_name, const char* json_name) {
  auto it = obj.find(proto_name);
  if (it == obj.end() && json_name) it = obj.find(json_name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

bool JsonString(const Json* v, std::string& out) {
  if (!v) return true;
  if (!v->is_string()) return false;
  out = v->get<std::string>();
  return true;
}

// int64 / uint64 / fixed64 fields: a JSON integer, an integral float, or a decimal string.
template <typename T>
bool JsonInteger(const Json* v, T& out) {
  if (!v) return true;
  if (v->is_number_integer() || v->is_number_unsigned()) {
    if (v->is_number_unsigned()) {
      uint64_t u = v->get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<T>::max())) return false;
      out = static_cast<T>(u);
    } else {
      int64_t i = v->get<int64_t>();
      if constexpr (std::is_unsigned_v<T>) {
        if (i < 0) return false;
      } else {
        if (i < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
            i > static_cast<int64_t>(std::numeric_limits<T>::max()))
          return false;
      }
      out = static_cast<T>(i);
    }
    return true;
  }
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (!std::isfinite(d) || std::floor(d) != d) return false;
    if (d < static_cast<double>(std::numeric_limits<T>::min()) || d >= static_cast<double>(std::numeric_limits<T>::max()))
      return false;
    out = static_cast<T>(d);
    return true;
  }
  if (v->is_string()) {
    const std::string s = v->get<std::string>();
    if (s.empty() || s.find(' ') != std::string::npos) return false;
    std::optional<Json> parsed = PyJsonLoads(s);
    if (!parsed || !(parsed->is_number_integer() || parsed->is_number_unsigned())) return false;
    return JsonInteger<T>(&*parsed, out);
  }
  return false;
}

bool JsonDouble(const Json* v, double& out) {
  if (!v) return true;
  if (v->is_number()) {
    out = v->get<double>();
    return true;
  }
  if (v->is_string()) {
    const std::string s = v->get<std::string>();
    if (s == "NaN") out = std::numeric_limits<double>::quiet_NaN();
    else if (s == "Infinity") out = std::numeric_limits<double>::infinity();
    else if (s == "-Infinity") out = -std::numeric_limits<double>::infinity();
    else {
      std::optional<Json> parsed = PyJsonLoads(s);
      if (!parsed || !parsed->is_number()) return false;
      out = parsed->get<double>();
    }
    return true;
  }
  return false;
}

int Base64Value(char c, bool& ok) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  ok = false;
  return 0;
}

// protobuf's JSON bytes: standard or URL-safe base64, padding optional.
bool JsonBytes(const Json* v, std::string& out) {
  if (!v) return true;
  if (!v->is_string()) return false;
  std::string s = v->get<std::string>();
  while (!s.empty() && s.back() == '=') s.pop_back();
  if (s.size() % 4 == 1) return false;
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  bool ok = true;
  for (char c : s) {
    acc = (acc << 6) | static_cast<uint32_t>(Base64Value(c, ok));
    if (!ok) return false;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return true;
}

bool JsonEnum(const Json* v, int& out, std::initializer_list<const char*> names) {
  if (!v) return true;
  if (v->is_number_integer() || v->is_number_unsigned()) {
    int64_t i = v->get<int64_t>();
    if (i < std::numeric_limits<int32_t>::min() || i > std::numeric_limits<int32_t>::max()) return false;
    out = static_cast<int>(i);
    return true;
  }
  if (v->is_string()) {
    int k = 0;
    for (const char* n : names) {
      if (v->get<std::string>() == n) {
        out = k;
        return true;
      }
      ++k;
    }
  }
  return false;
}

bool JsonAnyValue(const Json* v, Json& out, int depth, std::optional<std::string>* raw_bytes = nullptr);

bool JsonKeyValue(JsonCRef j, OtlpKeyValue& kv, int depth) {
  if (!j.is_object()) return false;
  if (!JsonString(Field(j, "key", nullptr), kv.key)) return false;
  kv.value = nullptr;
  return JsonAnyValue(Field(j, "value", nullptr), kv.value, depth + 1, &kv.raw_bytes);
}

bool JsonKeyValueList(const Json* v, std::vector<OtlpKeyValue>& out, int depth) {
  if (!v) return true;
  if (!v->is_array()) return false;
  for (const auto& e : *v) {
    if (e.is_null()) return false;
    OtlpKeyValue kv;
    if (!JsonKeyValue(e, kv, depth)) return false;
    out.push_back(std::move(kv));
  }
  return true;
}

bool JsonAnyValue(const Json* v, Json& out, int depth, std::optional<std::string>* raw_bytes) {
  out = nullptr;
  if (!v) return true;
  if (depth > kMaxNesting || !v->is_object()) return false;
  const Json* x;
  // A oneof set twice is an error in protobuf's JSON parser.
  int set = 0;
  if ((x = Field(*v, "string_value", "stringValue"))) {
    std::string s;
    if (!JsonString(x, s)) return false;
    out = std::move(s);
    ++set;
  }
  if ((x = Field(*v, "bool_value", "boolValue"))) {
    if (!x->is_boolean()) return false;
    out = x->get<bool>();
    ++set;
  }
  if ((x = Field(*v, "int_value", "intValue"))) {
    int64_t i = 0;
    if (!JsonInteger(x, i)) return false;
    out = i;
    ++set;
  }
  if ((x = Field(*v, "double_value", "doubleValue"))) {
    double d = 0;
    if (!JsonDouble(x, d)) return false;
    out = d;
    ++set;
  }
  if ((x = Field(*v, "array_value", "arrayValue"))) {
    if (!x->is_object()) return false;
    Json arr = Json::array();
    if (const Json* vals = Field(*x, "values", nullptr)) {
      if (!vals->is_array()) return false;
      for (const auto& e : *vals) {
        Json item;
        if (!JsonAnyValue(&e, item, depth + 1)) return false;
        arr.push_back(std::move(item));
      }
    }
    out = std::move(arr);
    ++set;
  }
  if ((x = Field(*v, "kvlist_value", "kvlistValue"))) {
    if (!x->is_object()) return false;
    Json obj = Json::object();
    std::vector<OtlpKeyValue> kvs;
    if (!JsonKeyValueList(Field(*x, "values", nullptr), kvs, depth + 1)) return false;
    for (auto& kv : kvs) obj[kv.key] = std::move(kv.value);
    out = std::move(obj);
    ++set;
  }
  if ((x = Field(*v, "bytes_value", "bytesValue"))) {
    std::string b;
    if (!JsonBytes(x, b)) return false;
    out = PyBytesRepr(b);
    if (raw_bytes) *raw_bytes = b;
    ++set;
  }
  if ((x = Field(*v, "string_value_strindex", "stringValueStrindex"))) {
    int32_t i = 0;
    if (!JsonInteger(x, i)) return false;
    out = static_cast<int64_t>(i);
    ++set;
  }
  return set <= 1;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Python's bytes.fromhex: pairs of hex digits, whitespace allowed between pairs.
bool FromHex(const std::string& s, std::string& out) {
  out.clear();
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v') {
      ++i;
      continue;
    }
    if (i + 1 >= s.size()) return false;
    int a = HexDigit(s[i]);
    int b = HexDigit(s[i + 1]);
    if (a < 0 || b < 0) return false;
    out += static_cast<char>(a * 16 + b);
    i += 2;
  }
  return true;
}

// Span ids: MLflow's server turns hex into bytes before protobuf parsing (camelCase names only);
// an empty string is left alone (an empty bytes field).
bool SpanId(JsonCRef span, const char* proto_name, const char* json_name, std::string& out) {
  auto camel = span.find(json_name);
  if (camel != span.end() && camel->is_string() && !camel->get<std::string>().empty()) {
    if (!FromHex(camel->get<std::string>(), out)) return false;
    if (span.contains(proto_name) && !span.at(proto_name).is_null()) return false;  // two spellings
    return true;
  }
  if (camel != span.end() && !camel->is_null() && !camel->is_string()) return false;
  return JsonBytes(Field(span, proto_name, json_name), out);
}

bool JsonSpan(JsonCRef j, OtlpSpan& span) {
  if (!j.is_object()) return false;
  if (!SpanId(j, "trace_id", "traceId", span.trace_id)) return false;
  if (!SpanId(j, "span_id", "spanId", span.span_id)) return false;
  if (!SpanId(j, "parent_span_id", "parentSpanId", span.parent_span_id)) return false;
  std::string ignored;
  if (!JsonString(Field(j, "trace_state", "traceState"), ignored)) return false;
  if (!JsonString(Field(j, "name", nullptr), span.name)) return false;
  if (!JsonInteger(Field(j, "start_time_unix_nano", "startTimeUnixNano"), span.start_time_unix_nano)) return false;
  if (!JsonInteger(Field(j, "end_time_unix_nano", "endTimeUnixNano"), span.end_time_unix_nano)) return false;
  if (!JsonKeyValueList(Field(j, "attributes", nullptr), span.attributes, 0)) return false;
  if (const Json* events = Field(j, "events", nullptr)) {
    if (!events->is_array()) return false;
    for (const auto& e : *events) {
      if (!e.is_object()) return false;
      OtlpEvent ev;
      if (!JsonInteger(Field(e, "time_unix_nano", "timeUnixNano"), ev.time_unix_nano)) return false;
      if (!JsonString(Field(e, "name", nullptr), ev.name)) return false;
      if (!JsonKeyValueList(Field(e, "attributes", nullptr), ev.attributes, 0)) return false;
      span.events.push_back(std::move(ev));
    }
  }
  if (const Json* links = Field(j, "links", nullptr)) {
    if (!links->is_array()) return false;
    for (const auto& l : *links) {
      if (!l.is_object()) return false;
      OtlpLink link;
      if (!JsonBytes(Field(l, "trace_id", "traceId"), link.trace_id)) return false;
      if (!JsonBytes(Field(l, "span_id", "spanId"), link.span_id)) return false;
      if (!JsonKeyValueList(Field(l, "attributes", nullptr), link.attributes, 0)) return false;
      span.links.push_back(std::move(link));
    }
  }
  int kind = 0;
  if (!JsonEnum(Field(j, "kind", nullptr), kind,
                {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
                 "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"}))
    return false;
  if (const Json* status = Field(j, "status", nullptr)) {
    if (!status->is_object()) return false;
    if (!JsonString(Field(*status, "message", nullptr), span.status_message)) return false;
    if (!JsonEnum(Field(*status, "code", nullptr), span.status_code,
                  {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"}))
      return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Encoder.

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
void PutTag(std::string& out, uint32_t field, int wire) { PutVarint(out, (static_cast<uint64_t>(field) << 3) | wire); }
void PutLen(std::string& out, uint32_t field, std::string_view bytes) {
  PutTag(out, field, kLen);
  PutVarint(out, bytes.size());
  out.append(bytes);
}
void PutFixed64(std::string& out, uint32_t field, uint64_t v) {
  PutTag(out, field, kFixed64);
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

std::string EncodeAnyValue(const Json& v);

std::string EncodeKeyValue(const std::string& key, const Json& value) {
  std::string out;
  PutLen(out, 1, key);
  PutLen(out, 2, EncodeAnyValue(value));
  return out;
}

std::string EncodeAnyValue(const Json& v) {
  std::string out;
  switch (v.type()) {
    case Json::value_t::string: PutLen(out, 1, v.get_ref<const std::string&>()); break;
    case Json::value_t::boolean:
      PutTag(out, 2, kVarint);
      PutVarint(out, v.get<bool>() ? 1 : 0);
      break;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      PutTag(out, 3, kVarint);
      PutVarint(out, static_cast<uint64_t>(v.get<int64_t>()));
      break;
    case Json::value_t::number_float: {
      double d = v.get<double>();
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      PutFixed64(out, 4, bits);
      break;
    }
    case Json::value_t::array: {
      std::string arr;
      for (const auto& e : v) PutLen(arr, 1, EncodeAnyValue(e));
      PutLen(out, 5, arr);
      break;
    }
    case Json::value_t::object: {
      std::string kvs;
      for (auto it = v.begin(); it != v.end(); ++it) PutLen(kvs, 1, EncodeKeyValue(it.key(), it.value()));
      PutLen(out, 6, kvs);
      break;
    }
    default: break;  // null: unset
  }
  return out;
}

}  // namespace

Result<OtlpRequest> DecodeOtlpProtobuf(std::string_view bytes) {
  OtlpRequest req;
  Reader r(bytes);
  while (!r.done()) {
    uint32_t f;
    int w;
    if (!r.Tag(f, w)) return Bad();
    if (f == 1 && w == kLen) {
      std::string_view s;
      if (!r.Bytes(s)) return Bad();
      OtlpResourceSpans rs;
      if (!ParseResourceSpans(s, rs)) return Bad();
      req.resource_spans.push_back(std::move(rs));
    } else if (!r.Skip(w, f)) {
      return Bad();
    }
  }
  return req;
}

Result<OtlpRequest> DecodeOtlpJson(std::string_view text) {
  // protobuf's JSON parser refuses text that is not UTF-8; PyJsonLoads would keep such bytes in
  // strings, which the protobuf form then could not carry (found by fuzz/otlp_fuzz.cc).
  if (!IsValidUtf8(text)) return Bad();
  std::optional<Json> doc = PyJsonLoads(text);
  if (!doc || !doc->is_object()) return Bad();
  OtlpRequest req;
  const Json* rss = Field(*doc, "resource_spans", "resourceSpans");
  if (!rss) return req;
  if (!rss->is_array()) return Bad();
  for (const auto& rsj : *rss) {
    if (!rsj.is_object()) return Bad();
    OtlpResourceSpans rs;
    if (const Json* res = Field(rsj, "resource", nullptr)) {
      if (!res->is_object()) return Bad();
      if (!JsonKeyValueList(Field(*res, "attributes", nullptr), rs.resource_attributes, 0)) return Bad();
    }
    if (const Json* scopes = Field(rsj, "scope_spans", "scopeSpans")) {
      if (!scopes->is_array()) return Bad();
      for (const auto& sc : *scopes) {
        if (!sc.is_object()) return Bad();
        const Json* spans = Field(sc, "spans", nullptr);
        if (!spans) continue;
        if (!spans->is_array()) return Bad();
        for (const auto& sj : *spans) {
          OtlpSpan span;
          if (!JsonSpan(sj, span)) return Bad();
          rs.spans.push_back(std::move(span));
        }
      }
    }
    req.resource_spans.push_back(std::move(rs));
  }
  return req;
}

std::string EncodeOtlpProtobuf(const OtlpRequest& request) {
  std::string out;
  for (const auto& rs : request.resource_spans) {
    std::string rsb;
    std::string res;
    for (const auto& kv : rs.resource_attributes) PutLen(res, 1, EncodeKeyValue(kv.key, kv.value));
    PutLen(rsb, 1, res);
    std::string scope;
    for (const auto& s : rs.spans) {
      std::string sb;
      PutLen(sb, 1, s.trace_id);
      PutLen(sb, 2, s.span_id);
      if (!s.parent_span_id.empty()) PutLen(sb, 4, s.parent_span_id);
      PutLen(sb, 5, s.name);
      PutFixed64(sb, 7, s.start_time_unix_nano);
      if (s.end_time_unix_nano) PutFixed64(sb, 8, s.end_time_unix_nano);
      for (const auto& kv : s.attributes) PutLen(sb, 9, EncodeKeyValue(kv.key, kv.value));
      for (const auto& e : s.events) {
        std::string eb;
        PutFixed64(eb, 1, e.time_unix_nano);
        PutLen(eb, 2, e.name);
        for (const auto& kv : e.attributes) PutLen(eb, 3, EncodeKeyValue(kv.key, kv.value));
        PutLen(sb, 11, eb);
      }
      for (const auto& l : s.links) {
        std::string lb;
        PutLen(lb, 1, l.trace_id);
        PutLen(lb, 2, l.span_id);
        for (const auto& kv : l.attributes) PutLen(lb, 4, EncodeKeyValue(kv.key, kv.value));
        PutLen(sb, 13, lb);
      }
      std::string st;
      if (!s.status_message.empty()) PutLen(st, 2, s.status_message);
      if (s.status_code) {
        PutTag(st, 3, kVarint);
        PutVarint(st, static_cast<uint64_t>(s.status_code));
      }
      PutLen(sb, 15, st);
      PutLen(scope, 2, sb);
    }
    PutLen(rsb, 2, scope);
    PutLen(out, 1, rsb);
  }
  return out;
}

}  // namespace mlflow::tracing
