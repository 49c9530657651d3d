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

// What a message's field handler did with one field.
enum class FieldResult { kRead, kMalformed, kUnknown };

// Reads a whole message body, handing each field to on_field(reader, number, wire type). Fields it
// leaves kUnknown (unknown numbers, or known numbers with an unexpected wire type) are skipped, as
// protobuf keeps them as unknown fields.
template <class OnField>
bool ReadFields(std::string_view body, OnField&& on_field) {
  Reader r(body);
  while (!r.done()) {
    uint32_t f;
    int w;
    if (!r.Tag(f, w)) return false;
    const FieldResult got = on_field(r, f, w);
    if (got == FieldResult::kMalformed || (got == FieldResult::kUnknown && !r.Skip(w, f))) return false;
  }
  return true;
}

FieldResult ReadOk(bool ok) { return ok ? FieldResult::kRead : FieldResult::kMalformed; }

// A length-delimited string, which must be UTF-8; `out` may be null (read, checked, dropped).
FieldResult ReadString(Reader& r, std::string* out) {
  std::string_view s;
  if (!r.Bytes(s) || !IsValidUtf8(s)) return FieldResult::kMalformed;
  if (out) out->assign(s);
  return FieldResult::kRead;
}

FieldResult ReadBytes(Reader& r, std::string& out) {
  std::string_view s;
  if (!r.Bytes(s)) return FieldResult::kMalformed;
  out.assign(s);
  return FieldResult::kRead;
}

// A length-delimited sub-message, read by parse(body) -> bool.
template <class Parse>
FieldResult ReadMessage(Reader& r, Parse&& parse) {
  std::string_view s;
  return ReadOk(r.Bytes(s) && parse(s));
}

bool ParseAnyValue(std::string_view b, Json& out, int depth, std::optional<std::string>* raw_bytes = nullptr);

bool ParseKeyValue(std::string_view b, OtlpKeyValue& kv, int depth) {
  kv.value = nullptr;
  return ReadFields(b, [&](Reader& r, uint32_t f, int w) {
    if (w != kLen) return FieldResult::kUnknown;
    if (f == 1) return ReadString(r, &kv.key);
    if (f == 2) {
      return ReadMessage(r, [&](std::string_view s) { return ParseAnyValue(s, kv.value, depth + 1, &kv.raw_bytes); });
    }
    return FieldResult::kUnknown;
  });
}

// An attribute (field of KeyValue messages) appended to attrs.
FieldResult ReadAttribute(Reader& r, std::vector<OtlpKeyValue>& attrs) {
  return ReadMessage(r, [&](std::string_view s) { return ParseKeyValue(s, attrs.emplace_back(), 0); });
}

bool ParseKeyValues(std::string_view b, Json& obj, int depth) {  // KeyValueList / ArrayValue
  return ReadFields(b, [&](Reader& r, uint32_t f, int w) {
    if (f != 1 || w != kLen) return FieldResult::kUnknown;
    return ReadMessage(r, [&](std::string_view s) {
      if (obj.is_object()) {
        OtlpKeyValue kv;
        if (!ParseKeyValue(s, kv, depth + 1)) return false;
        obj[kv.key] = std::move(kv.value);
        return true;
      }
      Json v;
      if (!ParseAnyValue(s, v, depth + 1)) return false;
      obj.push_back(std::move(v));
      return true;
    });
  });
}

bool ParseAnyValue(std::string_view b, Json& out, int depth, std::optional<std::string>* raw_bytes) {
  if (depth > kMaxNesting) return false;
  out = nullptr;
  if (raw_bytes) raw_bytes->reset();
  return ReadFields(b, [&](Reader& r, uint32_t f, int w) {
    // oneof: the last field on the wire wins, as in protobuf.
    if (raw_bytes && f >= 1 && f <= 8 && f != 7) raw_bytes->reset();
    uint64_t v = 0;
    std::string s;
    FieldResult got = FieldResult::kUnknown;
    if (f == 1 && w == kLen) {
      got = ReadString(r, &s);
      out = std::move(s);
    } else if (f == 2 && w == kVarint) {
      got = ReadOk(r.Varint(v));
      out = v != 0;
    } else if (f == 3 && w == kVarint) {
      got = ReadOk(r.Varint(v));
      out = static_cast<int64_t>(v);
    } else if (f == 4 && w == kFixed64) {
      got = ReadOk(r.Fixed64(v));
      double d;
      std::memcpy(&d, &v, sizeof d);
      out = d;
    } else if ((f == 5 || f == 6) && w == kLen) {  // array_value, kvlist_value
      Json nested = f == 5 ? Json::array() : Json::object();
      got = ReadMessage(r, [&](std::string_view body) { return ParseKeyValues(body, nested, depth); });
      out = std::move(nested);
    } else if (f == 7 && w == kLen) {
      got = ReadBytes(r, s);
      out = PyBytesRepr(s);
      if (raw_bytes) *raw_bytes = std::move(s);
    } else if (f == 8 && w == kVarint) {  // string_value_strindex (int32)
      got = ReadOk(r.Varint(v));
      out = static_cast<int64_t>(static_cast<int32_t>(v));
    }
    return got;
  });
}

bool ParseEvent(std::string_view b, OtlpEvent& e) {
  return ReadFields(b, [&](Reader& r, uint32_t f, int w) {
    if (f == 1 && w == kFixed64) return ReadOk(r.Fixed64(e.time_unix_nano));
    if (f == 2 && w == kLen) return ReadString(r, &e.name);
    if (f == 3 && w == kLen) return ReadAttribute(r, e.attributes);
    return FieldResult::kUnknown;
  });
}

bool ParseLink(std::string_view b, OtlpLink& l) {
  return ReadFields(b, [&](Reader& r, uint32_t f, int w) {
    if (w != kLen) return FieldResult::kUnknown;
    switch (f) {
      case 1: return ReadBytes(r, l.trace_id);
      case 2: return ReadBytes(r, l.span_id);
      case 3: return ReadString(r, nullptr);  // trace_state: a string, validated
      case 4: return ReadAttribute(r, l.attributes);
      default: return FieldResult::kUnknown;
    }
  });
}

bool ParseStatus(std::string_view b, OtlpSpan& span) {
  return ReadFields(b, [&](Reader& r, uint32_t f, int w) {
    if (f == 2 && w == kLen) return ReadString(r, &span.status_message);
    if (f == 3 && w == kVarint) {
      uint64_t v = 0;
      const FieldResult got = ReadOk(r.Varint(v));
      span.status_code = static_cast<int>(static_cast<int32_t>(v));
      return got;
    }
    return FieldResult::kUnknown;
  });
}

bool ParseSpan(std::string_view b, OtlpSpan& span) {
  return ReadFields(b, [&](Reader& r, uint32_t f, int w) {
    if (w == kFixed64 && f == 7) return ReadOk(r.Fixed64(span.start_time_unix_nano));
    if (w == kFixed64 && f == 8) return ReadOk(r.Fixed64(span.end_time_unix_nano));
    if (w != kLen) return FieldResult::kUnknown;
    switch (f) {
      case 1: return ReadBytes(r, span.trace_id);
      case 2: return ReadBytes(r, span.span_id);
      case 3: return ReadString(r, nullptr);  // trace_state
      case 4: return ReadBytes(r, span.parent_span_id);
      case 5: return ReadString(r, &span.name);
      case 9: return ReadAttribute(r, span.attributes);
      case 11: return ReadMessage(r, [&](std::string_view s) { return ParseEvent(s, span.events.emplace_back()); });
      case 13: return ReadMessage(r, [&](std::string_view s) { return ParseLink(s, span.links.emplace_back()); });
      // A repeated message field merges; status fields set later win.
      case 15: return ReadMessage(r, [&](std::string_view s) { return ParseStatus(s, span); });
      default: return FieldResult::kUnknown;
    }
  });
}

bool ParseScopeSpans(std::string_view b, OtlpResourceSpans& rs) {
  return ReadFields(b, [&](Reader& r, uint32_t f, int w) {
    if (w != kLen) return FieldResult::kUnknown;
    if (f == 2) return ReadMessage(r, [&](std::string_view s) { return ParseSpan(s, rs.spans.emplace_back()); });
    if (f == 3) return ReadString(r, nullptr);  // schema_url
    return FieldResult::kUnknown;               // scope (InstrumentationScope): not used
  });
}

bool ParseResource(std::string_view b, OtlpResourceSpans& rs) {
  return ReadFields(b, [&](Reader& r, uint32_t f, int w) {
    if (f == 1 && w == kLen) return ReadAttribute(r, rs.resource_attributes);
    return FieldResult::kUnknown;
  });
}

bool ParseResourceSpans(std::string_view b, OtlpResourceSpans& rs) {
  return ReadFields(b, [&](Reader& r, uint32_t f, int w) {
    if (w != kLen) return FieldResult::kUnknown;
    if (f == 1) return ReadMessage(r, [&](std::string_view s) { return ParseResource(s, rs); });
    if (f == 2) return ReadMessage(r, [&](std::string_view s) { return ParseScopeSpans(s, rs); });
    if (f == 3) return ReadString(r, nullptr);  // schema_url
    return FieldResult::kUnknown;
  });
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
  const bool ok = ReadFields(bytes, [&](Reader& r, uint32_t f, int w) {
    if (f != 1 || w != kLen) return FieldResult::kUnknown;
    return ReadMessage(r,
                       [&](std::string_view s) { return ParseResourceSpans(s, req.resource_spans.emplace_back()); });
  });
  if (!ok) return Bad();
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
