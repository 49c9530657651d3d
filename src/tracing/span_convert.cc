#include "tracing/span_convert.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "core/limits.h"
#include "core/validation.h"
#include "search/page_token.h"
#include "tracing/otel_translation.h"

namespace mlflow::tracing {
namespace {

constexpr const char* kCannotConvert = "Cannot convert OpenTelemetry span to MLflow span";
constexpr const char* kFailedToLog = "Failed to log OpenTelemetry spans";

// Service names MLflow's OTLP endpoint copies onto root spans (its allowlist of OTel clients).
bool KnownServiceName(const std::string& s) {
  return s == "claude-code" || s == "codex_cli_rs" || s == "codex_vscode" || s == "gemini-cli" || s == "qwen-code";
}

std::string_view StripLeadingZeroBytes(std::string_view b) {
  size_t i = 0;
  while (i < b.size() && b[i] == '\0') ++i;
  return b.substr(i);
}

std::string Hex(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

std::string IdHex(std::string_view bytes, size_t width) {
  std::string h = Hex(StripLeadingZeroBytes(bytes));
  size_t nz = h.find_first_not_of('0');
  h = nz == std::string::npos ? "" : h.substr(nz);
  if (h.size() < width) h.insert(0, width - h.size(), '0');
  return h;
}

// int.to_bytes(width, "big") of the id; nullopt when it does not fit (OverflowError in MLflow).
std::optional<std::string> FixedBytes(std::string_view bytes, size_t width) {
  std::string_view v = StripLeadingZeroBytes(bytes);
  if (v.size() > width) return std::nullopt;
  std::string out(width - v.size(), '\0');
  out.append(v);
  return out;
}

// MLflow's sanitize_attributes for one value: a string whose text is itself JSON text of a
// string, object or array is stored as that inner text (one layer of encoding removed).
std::string StoredAttributeText(const Json& decoded) {
  if (decoded.is_string()) {
    const std::string& s = decoded.get_ref<const std::string&>();
    if (std::optional<Json> inner = PyJsonLoads(s)) {
      if (inner->is_string() || inner->is_object() || inner->is_array()) return s;
    }
  }
  return PyJsonDumps(decoded, PyJsonStyle::Unicode());
}

// OTel's resource attribute cleaning: empty keys are dropped, recursively.
Json CleanResourceValue(const Json& v) {
  if (v.is_object()) {
    Json out = Json::object();
    for (auto it = v.begin(); it != v.end(); ++it)
      if (!it.key().empty()) out[it.key()] = CleanResourceValue(it.value());
    return out;
  }
  if (v.is_array()) {
    Json out = Json::array();
    for (const auto& e : v) out.push_back(CleanResourceValue(e));
    return out;
  }
  return v;
}

Json DecodedAttributeObject(const std::vector<OtlpKeyValue>& kvs) {
  Json out = Json::object();
  for (const auto& kv : kvs) out[kv.key] = kv.value;
  return out;
}

// The loaded value of a stored attribute text, as Python's json.loads (the text itself if it is
// not JSON, as MLflow's attribute registry falls back).
Json LoadAttribute(const std::string& text) {
  if (std::optional<Json> v = PyJsonLoads(text)) return std::move(*v);
  return text;
}

// _try_parse_json_string: the decoded string when the text is a JSON string, else the text.
std::string ParseJsonString(const std::string& text) {
  std::optional<Json> v = PyJsonLoads(text);
  if (v && v->is_string()) return v->get<std::string>();
  return text;
}

const std::string* AttrText(const Json& attrs, const char* key) {
  auto it = attrs.find(key);
  if (it == attrs.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

// MLflow's _validate_trace_tag for tags derived from spans: a bad key skips the tag; a long value
// is cut to 8000 characters (MLFLOW_TRUNCATE_LONG_VALUES, on by default) or skips it.
std::optional<KeyValue> ValidTraceTag(const std::string& key, const std::string& value) {
  if (!validation::ValidateKey(key, "key", "key").ok()) return std::nullopt;
  if (validation::CharLength(value) > limits::kMaxTraceTagStoredValueChars) {
    if (!validation::TruncateLongValues()) return std::nullopt;
    return KeyValue{key, validation::TruncateChars(value, limits::kMaxTraceTagStoredValueChars)};
  }
  return KeyValue{key, value};
}

void SetTag(std::vector<KeyValue>& tags, KeyValue kv) {
  for (auto& t : tags) {
    if (t.key == kv.key) {
      t.value = std::move(kv.value);
      return;
    }
  }
  tags.push_back(std::move(kv));
}

}  // namespace

std::string TraceIdHex(std::string_view bytes) { return IdHex(bytes, 32); }
std::string SpanIdHex(std::string_view bytes) { return IdHex(bytes, 16); }

Result<std::vector<ConvertedSpan>> ConvertOtlpRequest(const OtlpRequest& request) {
  std::vector<ConvertedSpan> out;
  std::optional<Status> store_error;  // reported only when every span converted
  for (size_t r = 0; r < request.resource_spans.size(); ++r) {
    const OtlpResourceSpans& rs = request.resource_spans[r];
    std::optional<std::string> service_name;
    for (const auto& kv : rs.resource_attributes) {
      if (kv.key != "service.name") continue;
      if (kv.value.is_string() && KnownServiceName(kv.value.get<std::string>())) {
        service_name = kv.value.get<std::string>();
      }
      break;
    }
    for (const OtlpSpan& s : rs.spans) {
      if (s.trace_id.empty() || s.span_id.empty()) return Status::InvalidParameter(kCannotConvert);
      ConvertedSpan c;
      c.resource_index = r;
      c.root = s.parent_span_id.empty();
      SpanRecord& rec = c.record;
      rec.trace_id = "tr-" + TraceIdHex(s.trace_id);
      rec.span_id = SpanIdHex(s.span_id);
      if (!c.root) rec.parent_span_id = SpanIdHex(s.parent_span_id);
      rec.name = s.name;

      // Attributes: each value JSON-dumped, the trace id replaced by the server's own.
      Json raw = Json::object();
      for (const auto& kv : s.attributes) raw[kv.key] = PyJsonDumps(kv.value, PyJsonStyle::Unicode());
      raw["mlflow.traceRequestId"] = PyJsonDumps(Json(rec.trace_id), PyJsonStyle::Unicode());
      if (c.root && service_name) raw["service.name"] = PyJsonDumps(Json(*service_name), PyJsonStyle::Unicode());
      if (auto type = raw.find("mlflow.spanType"); type != raw.end()) {
        Json loaded = LoadAttribute(type->get<std::string>());
        if (loaded.is_string()) {
          rec.type = loaded.get<std::string>();
        } else if (!loaded.is_null()) {
          rec.type = PyJsonDumps(loaded);
        }
      }
      c.attributes = Json::object();
      for (auto it = raw.begin(); it != raw.end(); ++it) {
        const std::string& text = it.value().get_ref<const std::string&>();
        std::optional<Json> decoded = PyJsonLoads(text);
        c.attributes[it.key()] = decoded ? StoredAttributeText(*decoded) : text;
      }

      Json events = Json::array();
      for (const auto& e : s.events) {
        Json ev = Json::object();
        ev["name"] = e.name;
        ev["time_unix_nano"] = e.time_unix_nano;
        ev["attributes"] = DecodedAttributeObject(e.attributes);
        events.push_back(std::move(ev));
      }
      TranslateOtelAttributes(c.attributes, events);

      const char* code = s.status_code == kStatusOk      ? "STATUS_CODE_OK"
                         : s.status_code == kStatusError ? "STATUS_CODE_ERROR"
                                                         : "STATUS_CODE_UNSET";
      rec.status = s.status_code == kStatusOk ? "OK" : s.status_code == kStatusError ? "ERROR" : "UNSET";
      // OTel keeps a status description only on ERROR.
      std::string message = s.status_code == kStatusError ? s.status_message : "";

      std::optional<std::string> trace_bytes = FixedBytes(s.trace_id, 16);
      std::optional<std::string> span_bytes = FixedBytes(s.span_id, 8);
      std::optional<std::string> parent_bytes = c.root ? std::optional<std::string>("") : FixedBytes(s.parent_span_id, 8);
      const uint64_t kMaxBigint = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
      if (!trace_bytes || !span_bytes || !parent_bytes || s.start_time_unix_nano > kMaxBigint ||
          s.end_time_unix_nano > kMaxBigint) {
        if (!store_error) store_error = Status::InvalidParameter(kFailedToLog);
        continue;
      }
      rec.start_time_unix_nano = static_cast<int64_t>(s.start_time_unix_nano);
      rec.end_time_unix_nano = static_cast<int64_t>(s.end_time_unix_nano);

      Json content = Json::object();
      content["trace_id"] = search::Base64Encode(*trace_bytes);
      content["span_id"] = search::Base64Encode(*span_bytes);
      content["parent_span_id"] = c.root ? Json(nullptr) : Json(search::Base64Encode(*parent_bytes));
      content["name"] = s.name;
      content["start_time_unix_nano"] = s.start_time_unix_nano;
      content["end_time_unix_nano"] = s.end_time_unix_nano;
      content["events"] = std::move(events);
      content["status"] = Json{{"code", code}, {"message", message}};
      content["attributes"] = c.attributes;
      Json links = Json::array();
      for (const auto& l : s.links) {
        Json lj = Json::object();
        lj["trace_id"] = "tr-" + TraceIdHex(l.trace_id);
        lj["span_id"] = SpanIdHex(l.span_id);
        Json attrs = Json::object();
        for (const auto& kv : l.attributes) {
          // A bytes value is kept base64-encoded on links.
          attrs[kv.key] = kv.raw_bytes ? Json(search::Base64Encode(*kv.raw_bytes)) : kv.value;
        }
        lj["attributes"] = attrs.empty() ? Json(nullptr) : std::move(attrs);
        links.push_back(std::move(lj));
      }
      content["links"] = std::move(links);
      rec.content = PyJsonDumps(content, PyJsonStyle::Unicode());

      // Span-level cost and model columns (MLflow 3.17's analytics columns).
      SpanAnalytics an = SpanAnalyticsOf(c.attributes);
      rec.input_cost = an.input_cost;
      rec.output_cost = an.output_cost;
      rec.total_cost = an.total_cost;
      rec.model_name = std::move(an.model_name);
      rec.model_provider = std::move(an.model_provider);
      out.push_back(std::move(c));
    }
  }
  if (store_error) return *store_error;
  return out;
}

Result<std::vector<TraceSpanBatch>> GroupSpansByTrace(std::vector<ConvertedSpan> spans, const OtlpRequest& request) {
  std::vector<TraceSpanBatch> batches;
  std::unordered_map<std::string, size_t> index;
  // Per trace: the first resource (in span order) that has attributes.
  std::vector<std::optional<size_t>> resource_of;
  for (ConvertedSpan& c : spans) {
    auto [it, inserted] = index.emplace(c.record.trace_id, batches.size());
    if (inserted) {
      batches.emplace_back();
      batches.back().trace_id = c.record.trace_id;
      resource_of.emplace_back();
    }
    size_t bi = it->second;
    TraceSpanBatch& b = batches[bi];
    const SpanRecord& rec = c.record;
    int64_t start_ms = rec.start_time_unix_nano / 1000000;
    int64_t end_ms = rec.end_time_unix_nano / 1000000;
    b.min_start_ms = b.spans.empty() ? start_ms : std::min(b.min_start_ms, start_ms);
    b.max_end_ms = b.max_end_ms ? std::max(*b.max_end_ms, end_ms) : end_ms;
    if (c.root && !b.has_root) {
      b.root_state = rec.status == "ERROR" ? kTraceStateError : kTraceStateOk;
    }
    auto text = [&](const char* key) -> std::optional<std::string> {
      const std::string* t = AttrText(c.attributes, key);
      return t ? std::optional<std::string>(*t) : std::nullopt;
    };
    b.usage_nodes.push_back(MakeAggregationNode(rec.span_id, rec.parent_span_id, text("mlflow.chat.tokenUsage")));
    b.cost_nodes.push_back(MakeAggregationNode(rec.span_id, rec.parent_span_id, text("mlflow.llm.cost")));
    if (!c.attributes.empty()) {
      if (!b.session_id) {
        std::optional<std::string> sid = text("session.id");
        if (!sid || sid->empty()) sid = text("gen_ai.conversation.id");
        if (sid && !sid->empty()) {
          std::string parsed = ParseJsonString(*sid);
          MLFLOW_RETURN_IF_ERROR(ValidateSessionId(parsed));
          b.session_id = parsed;
        }
      }
      if (!b.user_id) {
        std::optional<std::string> uid = text("user.id");
        if (uid && !uid->empty()) b.user_id = ParseJsonString(*uid);
      }
    }
    if (c.root) {
      b.has_root = true;
      // The last root of the batch wins, as MLflow keeps the last root's dict.
      b.request_preview.reset();
      b.response_preview.reset();
      b.root_tags.clear();
      if (std::optional<std::string> in = text("mlflow.spanInputs"); in && !in->empty()) {
        b.request_preview = TruncatedPreview(*in, "user");
      }
      if (std::optional<std::string> outp = text("mlflow.spanOutputs"); outp && !outp->empty()) {
        b.response_preview = TruncatedPreview(*outp, "assistant");
      }
      static const std::string kPrefix = "mlflow.traceTag.";
      for (auto a = c.attributes.begin(); a != c.attributes.end(); ++a) {
        if (a.key().compare(0, kPrefix.size(), kPrefix) != 0 || !a.value().is_string()) continue;
        std::string key = a.key().substr(kPrefix.size());
        std::optional<KeyValue> tag = ValidTraceTag(key, ParseJsonString(a.value().get<std::string>()));
        if (!tag) continue;
        if (tag->key == kTagTraceName) MLFLOW_RETURN_IF_ERROR(ValidateTraceName(tag->value));
        SetTag(b.root_tags, std::move(*tag));
      }
    }
    if (!resource_of[bi] && !request.resource_spans[c.resource_index].resource_attributes.empty()) {
      bool any = false;
      for (const auto& kv : request.resource_spans[c.resource_index].resource_attributes) any |= !kv.key.empty();
      if (any) resource_of[bi] = c.resource_index;
    }
    b.spans.push_back(std::move(c.record));
  }
  for (size_t i = 0; i < batches.size(); ++i) {
    TraceSpanBatch& b = batches[i];
    MLFLOW_ASSIGN_OR_RETURN(b.usage, AggregateUsage(b.usage_nodes));
    MLFLOW_ASSIGN_OR_RETURN(b.cost, AggregateCost(b.cost_nodes));
    if (!resource_of[i]) continue;
    for (const auto& kv : request.resource_spans[*resource_of[i]].resource_attributes) {
      if (kv.key.empty() || kv.key.rfind("telemetry.sdk.", 0) == 0 || kv.key.rfind("mlflow.", 0) == 0) continue;
      Json v = CleanResourceValue(kv.value);
      std::string value = v.is_string() ? v.get<std::string>() : PyJsonDumps(v);
      if (std::optional<KeyValue> tag = ValidTraceTag(kv.key, value)) SetTag(b.resource_tags, std::move(*tag));
    }
  }
  return batches;
}

// ---------------------------------------------------------------------------------------------
// Stored span JSON -> OTLP Span JSON (Trace proto, MessageToDict with int64 as numbers).

namespace {

void AppendKey(std::string& out, bool& first, const char* key) {
  if (!first) out += ',';
  first = false;
  out += '"';
  out += key;
  out += "\":";
}

void AppendAnyValue(std::string& out, const Json& v);

void AppendKeyValues(std::string& out, const Json& obj) {
  out += '[';
  bool first = true;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!first) out += ',';
    first = false;
    out += "{\"key\":";
    AppendPyJsonString(out, it.key());
    out += ",\"value\":";
    AppendAnyValue(out, it.value());
    out += '}';
  }
  out += ']';
}

// _set_otel_proto_anyvalue, then MessageToDict.
void AppendAnyValue(std::string& out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: out += "{}"; break;
    case Json::value_t::boolean: out += v.get<bool>() ? "{\"bool_value\":true}" : "{\"bool_value\":false}"; break;
    case Json::value_t::string:
      out += "{\"string_value\":";
      AppendPyJsonString(out, v.get_ref<const std::string&>());
      out += '}';
      break;
    case Json::value_t::number_integer: out += "{\"int_value\":" + std::to_string(v.get<int64_t>()) + "}"; break;
    case Json::value_t::number_unsigned: out += "{\"int_value\":" + std::to_string(v.get<uint64_t>()) + "}"; break;
    case Json::value_t::number_float: {
      double d = v.get<double>();
      out += "{\"double_value\":";
      if (std::isnan(d)) out += "\"NaN\"";
      else if (std::isinf(d)) out += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      else out += PyFloatRepr(d);
      out += '}';
      break;
    }
    case Json::value_t::array: {
      out += "{\"array_value\":{";
      if (!v.empty()) {
        out += "\"values\":[";
        bool first = true;
        for (const auto& e : v) {
          if (!first) out += ',';
          first = false;
          AppendAnyValue(out, e);
        }
        out += ']';
      }
      out += "}}";
      break;
    }
    case Json::value_t::object:
      out += "{\"kvlist_value\":{";
      if (!v.empty()) {
        out += "\"values\":";
        AppendKeyValues(out, v);
      }
      out += "}}";
      break;
    default: out += "{}"; break;
  }
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A hex id (optionally "tr-" / "trace:/<loc>/" prefixed) as `width` big-endian bytes.
std::optional<std::string> HexIdBytes(std::string s, size_t width) {
  if (s.rfind("trace:/", 0) == 0) {
    size_t slash = s.rfind('/');
    s = s.substr(slash + 1);
  }
  if (s.rfind("tr-", 0) == 0) s = s.substr(3);
  size_t nz = s.find_first_not_of('0');
  s = nz == std::string::npos ? "" : s.substr(nz);
  if (s.size() > width * 2) return std::nullopt;
  s.insert(0, width * 2 - s.size(), '0');
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    int a = HexVal(s[i]), b = HexVal(s[i + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    out += static_cast<char>(a * 16 + b);
  }
  return out;
}

// Span ids of a stored span: base64 (3.6+), or hex as MLflow 3.5 wrote them.
std::optional<std::string> StoredIdBytes(const Json& v, size_t width) {
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  bool looks_hex = s.rfind("tr-", 0) == 0 || s.rfind("trace:/", 0) == 0 ||
                   (s.size() == width * 2 && s.find_first_not_of("0123456789abcdef") == std::string::npos);
  if (looks_hex) return HexIdBytes(s, width);
  std::optional<std::string> raw = search::Base64Decode(s);
  if (!raw) return std::nullopt;
  return FixedBytes(*raw, width);
}

std::optional<uint64_t> StoredInt(const Json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) return static_cast<uint64_t>(v.get<int64_t>());
  if (v.is_string()) {
    uint64_t u = 0;
    const std::string& s = v.get_ref<const std::string&>();
    auto r = std::from_chars(s.data(), s.data() + s.size(), u);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return u;
  }
  if (v.is_number_float()) return static_cast<uint64_t>(v.get<double>());
  return std::nullopt;
}

// The attribute registry's view of a stored attribute: JSON-decoded, the raw text when it is not
// JSON, nothing (None) for an empty or missing value.
Json RegistryValue(const Json& stored) {
  if (!stored.is_string()) return PyTruthy(stored) ? stored : Json(nullptr);
  const std::string& s = stored.get_ref<const std::string&>();
  if (s.empty()) return nullptr;
  return LoadAttribute(s);
}

}  // namespace

Status AppendSpanProtoJson(std::string& out, std::string_view stored) {
  const Status corrupt = Status::InvalidState("Failed to create a Span object from the given dictionary");
  std::optional<Json> span = PyJsonLoads(stored);
  if (!span || !span->is_object()) return corrupt;
  const Json& d = *span;
  const bool v2 = d.contains("context");  // MLflow 2.x span schema
  auto get = [&](const char* k) -> const Json& {
    static const Json kNull;
    auto it = d.find(k);
    return it == d.end() ? kNull : *it;
  };
  std::optional<std::string> trace_id, span_id, parent_id;
  if (v2) {
    const Json& ctx = get("context");
    if (!ctx.is_object()) return corrupt;
    trace_id = HexIdBytes(ctx.value("trace_id", std::string()), 16);
    span_id = HexIdBytes(ctx.value("span_id", std::string()), 8);
    const Json& p = get("parent_id");
    if (p.is_string() && !p.get<std::string>().empty()) parent_id = HexIdBytes(p.get<std::string>(), 8);
  } else {
    trace_id = StoredIdBytes(get("trace_id"), 16);
    span_id = StoredIdBytes(get("span_id"), 8);
    const Json& p = get("parent_span_id");
    if (p.is_string() && !p.get<std::string>().empty()) {
      parent_id = StoredIdBytes(p, 8);
      if (!parent_id) return corrupt;
    }
  }
  if (!trace_id || !span_id) return corrupt;
  const Json& attrs = get("attributes");
  if (!attrs.is_object() || !attrs.contains("mlflow.traceRequestId")) return corrupt;

  out += '{';
  bool first = true;
  AppendKey(out, first, "trace_id");
  AppendPyJsonString(out, search::Base64Encode(*trace_id));
  AppendKey(out, first, "span_id");
  AppendPyJsonString(out, search::Base64Encode(*span_id));
  if (parent_id) {
    AppendKey(out, first, "parent_span_id");
    AppendPyJsonString(out, search::Base64Encode(*parent_id));
  }
  const Json& name = get("name");
  if (name.is_string() && !name.get<std::string>().empty()) {
    AppendKey(out, first, "name");
    AppendPyJsonString(out, name.get<std::string>());
  }
  std::optional<uint64_t> start = StoredInt(get(v2 ? "start_time" : "start_time_unix_nano"));
  std::optional<uint64_t> end = StoredInt(get(v2 ? "end_time" : "end_time_unix_nano"));
  if (start && *start) {
    AppendKey(out, first, "start_time_unix_nano");
    out += std::to_string(*start);
  }
  if (end && *end) {
    AppendKey(out, first, "end_time_unix_nano");
    out += std::to_string(*end);
  }
  if (!attrs.empty()) {
    AppendKey(out, first, "attributes");
    Json loaded = Json::object();
    for (auto it = attrs.begin(); it != attrs.end(); ++it) loaded[it.key()] = RegistryValue(it.value());
    AppendKeyValues(out, loaded);
  }
  const Json& events = get("events");
  if (events.is_array() && !events.empty()) {
    AppendKey(out, first, "events");
    out += '[';
    bool efirst = true;
    for (const auto& e : events) {
      if (!e.is_object()) return corrupt;
      if (!efirst) out += ',';
      efirst = false;
      out += '{';
      bool f = true;
      std::optional<uint64_t> t = StoredInt(e.value(v2 ? "timestamp" : "time_unix_nano", Json(nullptr)));
      if (t && *t) {
        AppendKey(out, f, "time_unix_nano");
        out += std::to_string(*t);
      }
      auto en = e.find("name");
      if (en != e.end() && en->is_string() && !en->get<std::string>().empty()) {
        AppendKey(out, f, "name");
        AppendPyJsonString(out, en->get<std::string>());
      }
      auto ea = e.find("attributes");
      if (ea != e.end() && ea->is_object() && !ea->empty()) {
        AppendKey(out, f, "attributes");
        AppendKeyValues(out, *ea);
      }
      out += '}';
    }
    out += ']';
  }
  const Json& links = get("links");
  if (links.is_array()) {
    std::string lout;
    bool lfirst = true;
    for (const auto& l : links) {
      if (!l.is_object()) return corrupt;
      std::optional<std::string> lt = HexIdBytes(l.value("trace_id", std::string()), 16);
      std::optional<std::string> ls = HexIdBytes(l.value("span_id", std::string()), 8);
      if (!lt || !ls) continue;  // MLflow drops links with out-of-range ids
      if (!lfirst) lout += ',';
      lfirst = false;
      lout += '{';
      bool f = true;
      AppendKey(lout, f, "trace_id");
      AppendPyJsonString(lout, search::Base64Encode(*lt));
      AppendKey(lout, f, "span_id");
      AppendPyJsonString(lout, search::Base64Encode(*ls));
      auto la = l.find("attributes");
      if (la != l.end() && la->is_object() && !la->empty()) {
        AppendKey(lout, f, "attributes");
        AppendKeyValues(lout, *la);
      }
      lout += '}';
    }
    if (!lfirst) {
      AppendKey(out, first, "links");
      out += '[' + lout + ']';
    }
  }
  // Status: always present (code UNSET is the proto default and is left out).
  std::string code = "STATUS_CODE_UNSET";
  std::string message;
  if (v2) {
    code = d.value("status_code", std::string("UNSET"));
    code = "STATUS_CODE_" + code;
    if (d.contains("status_message") && d["status_message"].is_string()) message = d["status_message"].get<std::string>();
  } else if (const Json& st = get("status"); st.is_object()) {
    code = st.value("code", std::string("STATUS_CODE_UNSET"));
    if (code == "OK" || code == "ERROR" || code == "UNSET") code = "STATUS_CODE_" + code;  // MLflow 3.5's form
    auto m = st.find("message");
    if (m != st.end() && m->is_string()) message = m->get<std::string>();
  }
  if (code != "STATUS_CODE_OK" && code != "STATUS_CODE_ERROR" && code != "STATUS_CODE_UNSET") return corrupt;
  if (code != "STATUS_CODE_ERROR") message.clear();  // OTel drops a description unless ERROR
  AppendKey(out, first, "status");
  out += '{';
  bool sf = true;
  if (!message.empty()) {
    AppendKey(out, sf, "message");
    AppendPyJsonString(out, message);
  }
  if (code != "STATUS_CODE_UNSET") {
    AppendKey(out, sf, "code");
    out += '"' + code + '"';
  }
  out += "}}";
  return Status();
}

SpanAnalytics SpanAnalyticsOf(const Json& attributes) {
  SpanAnalytics an;
  if (const std::string* cost_text = AttrText(attributes, "mlflow.llm.cost")) {
    std::optional<Json> cost = PyJsonLoads(*cost_text);
    if (cost && cost->is_object()) {
      auto get = [&](const char* k) -> std::optional<double> {
        auto it = cost->find(k);
        return it == cost->end() ? std::nullopt : FiniteFloat(*it);
      };
      an.input_cost = get("input_cost");
      an.output_cost = get("output_cost");
      an.total_cost = get("total_cost");
    }
  }
  auto model_dimension = [&](const char* key) -> std::optional<std::string> {
    const std::string* text = AttrText(attributes, key);
    if (!text) return std::nullopt;
    std::optional<Json> v = PyJsonLoads(*text);
    std::string s = v && v->is_string() ? v->get<std::string>() : *text;
    if (v && !v->is_string()) return std::nullopt;
    return validation::TruncateChars(s, 500);
  };
  an.model_name = model_dimension("mlflow.llm.model");
  an.model_provider = model_dimension("mlflow.llm.provider");
  return an;
}

SpanAnalytics StoredSpanAnalytics(std::string_view stored) {
  std::optional<Json> span = PyJsonLoads(stored);
  if (!span || !span->is_object()) return SpanAnalytics{};
  auto attrs = span->find("attributes");
  if (attrs == span->end() || !attrs->is_object()) return SpanAnalytics{};
  return SpanAnalyticsOf(*attrs);
}

std::optional<std::string> StoredAttribute(std::string_view stored, std::string_view key) {
  std::optional<Json> span = PyJsonLoads(stored);
  if (!span || !span->is_object()) return std::nullopt;
  auto attrs = span->find("attributes");
  if (attrs == span->end() || !attrs->is_object()) return std::nullopt;
  auto it = attrs->find(std::string(key));
  if (it == attrs->end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace mlflow::tracing
