// Trace entities <-> MLflow's JSON (docs/reference/tracing.md section 2).
#include "server/handlers/trace_json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/ids.h"
#include "core/limits.h"
#include "core/validation.h"
#include "server/handlers/request_fields.h"
#include "tracing/json.h"
#include "tracing/span_convert.h"
#include "tracing/trace_rules.h"

namespace mlflow::server {
namespace {

using nlohmann::json;
using tracing::Json;

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Status BadTime(std::string_view what, std::string_view text) {
  return Status::InvalidParameter("Failed to parse " + std::string(what) + " value '" + std::string(text) + "'");
}

// Digits of a fixed-width-or-shorter field; false when none or not digits.
bool Digits(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 9) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

// A JSON value of google.protobuf.Value as MLflow decodes it (MessageToDict): numbers are floats.
Json Floatify(const Json& v) {
  if (v.is_number()) return Json(v.get<double>());
  if (v.is_array()) {
    Json out = Json::array();
    for (const auto& e : v) out.push_back(Floatify(e));
    return out;
  }
  if (v.is_object()) {
    Json out = Json::object();
    for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = Floatify(it.value());
    return out;
  }
  return v;
}

Json ToOrdered(const json& v) { return Json::parse(v.dump()); }

void Key(std::string& out, bool& first, const char* key) {
  if (!first) out += ',';
  first = false;
  out += '"';
  out += key;
  out += "\":";
}

void StringField(std::string& out, bool& first, const char* key, std::string_view value) {
  Key(out, first, key);
  AppendPyJsonString(out, value);
}

void MapField(std::string& out, bool& first, const char* key, const std::vector<KeyValue>& kvs, size_t key_max,
              size_t value_max) {
  if (kvs.empty()) return;
  Key(out, first, key);
  out += '{';
  bool f = true;
  for (const auto& kv : kvs) {
    if (!f) out += ',';
    f = false;
    AppendPyJsonString(out, validation::TruncateChars(kv.key, key_max));
    out += ':';
    AppendPyJsonString(out, validation::TruncateChars(kv.value, value_max));
  }
  out += '}';
}

Result<std::string> StringOf(const json& v, const char* field) {
  if (v.is_string()) return v.get<std::string>();
  return TypeError(field, v);
}

const json* Get(const json& obj, const char* name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::vector<KeyValue>> StringMap(const json* v, const char* field) {
  std::vector<KeyValue> out;
  if (!v) return out;
  if (!v->is_object()) return TypeError(field, *v);
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (!it->is_string()) return TypeError(field, *it);
    out.push_back({it.key(), it->get<std::string>()});
  }
  return out;
}

const char* kSourceTypes[] = {"SOURCE_TYPE_UNSPECIFIED", "HUMAN", "LLM_JUDGE", "CODE"};
const char* kStates[] = {"STATE_UNSPECIFIED", "OK", "ERROR", "IN_PROGRESS"};

// An enum field given by name or number.
Result<std::string> EnumName(const json& v, const char* const* names, size_t n, const char* field) {
  if (v.is_string()) {
    for (size_t i = 0; i < n; ++i)
      if (v.get<std::string>() == names[i]) return std::string(names[i]);
  } else if (v.is_number_integer() || v.is_number_unsigned()) {
    int64_t i = v.get<int64_t>();
    if (i >= 0 && static_cast<size_t>(i) < n) return std::string(names[i]);
  }
  return TypeError(field, v);
}

// The value of an assessment as MLflow stores it: json.dumps of the decoded Value.
std::string StoredValue(const json* v) {
  if (!v) return "null";
  return PyJsonDumps(Floatify(ToOrdered(*v)));
}

Result<std::optional<std::string>> ErrorJson(const json* err) {
  if (!err) return std::optional<std::string>();
  if (!err->is_object()) return TypeError("error", *err);
  Json e = Json::object();
  auto str_or_null = [&](const char* k) -> Result<Json> {
    const json* x = Get(*err, k);
    if (!x) return Json(nullptr);
    if (!x->is_string()) return TypeError(k, *x);
    if (x->get<std::string>().empty()) return Json(nullptr);
    return Json(x->get<std::string>());
  };
  const json* code = Get(*err, "error_code");
  if (code && !code->is_string()) return TypeError("error_code", *code);
  e["error_code"] = code ? code->get<std::string>() : "";
  MLFLOW_ASSIGN_OR_RETURN(e["error_message"], str_or_null("error_message"));
  MLFLOW_ASSIGN_OR_RETURN(e["stack_trace"], str_or_null("stack_trace"));
  return std::optional<std::string>(PyJsonDumps(e));
}

void AppendErrorJson(std::string& out, const std::string& error_json) {
  std::optional<Json> e = PyJsonLoads(error_json);
  out += '{';
  bool f = true;
  std::string code;
  if (e && e->is_object()) {
    auto get = [&](const char* k) -> std::string {
      auto it = e->find(k);
      return it != e->end() && it->is_string() ? it->get<std::string>() : "";
    };
    StringField(out, f, "error_code", get("error_code"));
    if (std::string m = get("error_message"); !m.empty()) StringField(out, f, "error_message", m);
    if (std::string t = get("stack_trace"); !t.empty()) {
      // MLflow keeps the last 1000 characters of a long stack trace.
      constexpr size_t kMax = 1000;
      const std::string prefix = "[Stack trace is truncated]\n...\n";
      if (validation::CharLength(t) > kMax) {
        size_t keep = kMax - prefix.size();
        size_t total = validation::CharLength(t);
        // Drop leading characters until `keep` remain.
        size_t drop = total - keep, i = 0, seen = 0;
        while (i < t.size() && seen < drop) {
          ++i;
          while (i < t.size() && (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80) ++i;
          ++seen;
        }
        t = prefix + t.substr(i);
      }
      StringField(out, f, "stack_trace", t);
    }
  } else {
    StringField(out, f, "error_code", "");
  }
  out += '}';
}

}  // namespace

std::string TimestampJson(int64_t millis) {
  int64_t secs = FloorDiv(millis, 1000);
  int64_t ms = millis - secs * 1000;
  int64_t days = FloorDiv(secs, 86400);
  int64_t sod = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(y), m, d,
                static_cast<long long>(sod / 3600), static_cast<long long>((sod / 60) % 60),
                static_cast<long long>(sod % 60));
  std::string out = buf;
  if (ms) {
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(ms));
    out += buf;
  }
  return out + "Z";
}

std::string DurationJson(int64_t millis) {
  std::string out = millis < 0 ? "-" : "";
  uint64_t a = millis < 0 ? static_cast<uint64_t>(-(millis + 1)) + 1 : static_cast<uint64_t>(millis);
  out += std::to_string(a / 1000);
  if (a % 1000) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03llu", static_cast<unsigned long long>(a % 1000));
    out += buf;
  }
  return out + "s";
}

Result<int64_t> ParseTimestampJson(std::string_view v) {
  size_t tz = v.find('Z');
  if (tz == std::string_view::npos) tz = v.find('+');
  if (tz == std::string_view::npos) tz = v.rfind('-');
  if (tz == std::string_view::npos || tz < 19) return BadTime("Timestamp", v);
  std::string_view time = v.substr(0, tz);
  std::string_view frac;
  if (size_t dot = time.find('.'); dot != std::string_view::npos) {
    frac = time.substr(dot + 1);
    time = time.substr(0, dot);
  }
  // YYYY-MM-DDTHH:MM:SS
  if (time.size() != 19 || time[4] != '-' || time[7] != '-' || time[10] != 'T' || time[13] != ':' || time[16] != ':') {
    return BadTime("Timestamp", v);
  }
  int64_t Y, M, D, h, mi, s;
  if (!Digits(time.substr(0, 4), Y) || !Digits(time.substr(5, 2), M) || !Digits(time.substr(8, 2), D) ||
      !Digits(time.substr(11, 2), h) || !Digits(time.substr(14, 2), mi) || !Digits(time.substr(17, 2), s)) {
    return BadTime("Timestamp", v);
  }
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
  if (Y < 1 || M < 1 || M > 12 || D < 1 || D > kDays[M - 1] || (M == 2 && D == 29 && !leap) || h > 23 || mi > 59 ||
      s > 59) {
    return BadTime("Timestamp", v);
  }
  int64_t secs = DaysFromCivil(Y, static_cast<unsigned>(M), static_cast<unsigned>(D)) * 86400 + h * 3600 + mi * 60 + s;
  int64_t nanos = 0;
  if (!frac.empty()) {
    int64_t digits;
    if (frac.size() > 9 || !Digits(frac, digits)) return BadTime("Timestamp", v);
    nanos = digits;
    for (size_t i = frac.size(); i < 9; ++i) nanos *= 10;
  }
  if (v[tz] == 'Z') {
    if (tz + 1 != v.size()) return BadTime("Timestamp", v);
  } else {
    std::string_view zone = v.substr(tz + 1);
    size_t colon = zone.find(':');
    int64_t zh, zm;
    if (colon == std::string_view::npos || !Digits(zone.substr(0, colon), zh) || !Digits(zone.substr(colon + 1), zm)) {
      return BadTime("Timestamp", v);
    }
    int64_t off = (zh * 60 + zm) * 60;
    secs += v[tz] == '+' ? -off : off;
  }
  return secs * 1000 + nanos / 1000000;
}

Result<int64_t> ParseDurationJson(std::string_view v) {
  if (v.size() < 2 || v.back() != 's') return BadTime("Duration", v);
  std::string_view body = v.substr(0, v.size() - 1);
  bool neg = !body.empty() && body[0] == '-';
  if (neg) body = body.substr(1);
  std::string_view whole = body, frac;
  if (size_t dot = body.find('.'); dot != std::string_view::npos) {
    whole = body.substr(0, dot);
    frac = body.substr(dot + 1);
  }
  int64_t secs = 0;
  if (whole.size() > 12 || !Digits(whole.size() > 9 ? whole.substr(whole.size() - 9) : whole, secs)) {
    return BadTime("Duration", v);
  }
  if (whole.size() > 9) {
    int64_t hi;
    if (!Digits(whole.substr(0, whole.size() - 9), hi)) return BadTime("Duration", v);
    secs += hi * 1000000000;
  }
  int64_t ms = 0;
  if (!frac.empty()) {
    int64_t digits;
    if (frac.size() > 9 || !Digits(frac, digits)) return BadTime("Duration", v);
    for (size_t i = frac.size(); i < 9; ++i) digits *= 10;
    ms = digits / 1000000;
  }
  int64_t total = secs * 1000 + ms;
  return neg ? -total : total;
}

std::string StateFromV2Status(std::string_view status) {
  if (status == "OK" || status == "ERROR" || status == "IN_PROGRESS") return std::string(status);
  return kTraceStateUnspecified;
}

std::string V2StatusFromState(std::string_view state) {
  if (state == "OK" || state == "ERROR" || state == "IN_PROGRESS") return std::string(state);
  return "TRACE_STATUS_UNSPECIFIED";
}

void AppendAssessmentJson(std::string& out, const Assessment& a) {
  out += '{';
  bool f = true;
  StringField(out, f, "assessment_id", a.assessment_id);
  StringField(out, f, "assessment_name", a.name);
  StringField(out, f, "trace_id", a.trace_id);
  if (a.span_id) StringField(out, f, "span_id", *a.span_id);
  Key(out, f, "source");
  out += '{';
  bool sf = true;
  StringField(out, sf, "source_type", a.source_type);
  if (a.source_id) StringField(out, sf, "source_id", *a.source_id);
  out += '}';
  Key(out, f, "create_time");
  AppendPyJsonString(out, TimestampJson(a.created_timestamp));
  Key(out, f, "last_update_time");
  AppendPyJsonString(out, TimestampJson(a.last_updated_timestamp));
  std::optional<Json> value = PyJsonLoads(a.value_json);
  Json v = value ? *value : Json(nullptr);
  if (a.assessment_type == "feedback") {
    Key(out, f, "feedback");
    out += "{\"value\":";
    AppendPyJson(out, Floatify(v), PyJsonStyle::Compact());
    if (a.error_json) {
      out += ",\"error\":";
      AppendErrorJson(out, *a.error_json);
    }
    out += '}';
  } else if (a.assessment_type == "expectation") {
    Key(out, f, "expectation");
    const bool scalar = v.is_null() || v.is_number() || v.is_boolean() || v.is_string();
    if (scalar) {
      out += "{\"value\":";
      AppendPyJson(out, Floatify(v), PyJsonStyle::Compact());
      out += '}';
    } else {
      out += "{\"serialized_value\":{\"serialization_format\":\"JSON_FORMAT\",\"value\":";
      AppendPyJsonString(out, PyJsonDumps(v));
      out += "}}";
    }
  } else if (a.assessment_type == "issue") {
    Key(out, f, "issue");
    out += '{';
    bool isf = true;
    if (v.is_object() && v.contains("issue_name") && v["issue_name"].is_string()) {
      StringField(out, isf, "issue_name", v["issue_name"].get<std::string>());
    }
    out += '}';
  }
  if (a.rationale) StringField(out, f, "rationale", *a.rationale);
  if (a.metadata_json) {
    std::optional<Json> m = PyJsonLoads(*a.metadata_json);
    if (m && m->is_object() && !m->empty()) {
      Key(out, f, "metadata");
      out += '{';
      bool mf = true;
      for (auto it = m->begin(); it != m->end(); ++it) {
        if (!mf) out += ',';
        mf = false;
        AppendPyJsonString(out, it.key());
        out += ':';
        AppendPyJsonString(out, it->is_string() ? it->get<std::string>() : PyJsonDumps(*it));
      }
      out += '}';
    }
  }
  if (a.overrides && !a.overrides->empty()) StringField(out, f, "overrides", *a.overrides);
  Key(out, f, "valid");
  out += a.valid ? "true" : "false";
  out += '}';
}

void AppendTraceInfoV3Json(std::string& out, const TraceInfo& info) {
  out += '{';
  bool f = true;
  StringField(out, f, "trace_id", info.trace_id);
  if (info.client_request_id) StringField(out, f, "client_request_id", *info.client_request_id);
  Key(out, f, "trace_location");
  out += "{\"type\":\"MLFLOW_EXPERIMENT\",\"mlflow_experiment\":{\"experiment_id\":";
  AppendPyJsonString(out, info.experiment_id);
  out += "}}";
  Key(out, f, "request_time");
  AppendPyJsonString(out, TimestampJson(info.request_time_ms));
  if (info.execution_duration_ms) {
    Key(out, f, "execution_duration");
    AppendPyJsonString(out, DurationJson(*info.execution_duration_ms));
  }
  StringField(out, f, "state", info.state);
  MapField(out, f, "trace_metadata", info.trace_metadata, limits::kMaxTraceMetadataChars,
           limits::kMaxTraceMetadataChars);
  if (!info.assessments.empty()) {
    Key(out, f, "assessments");
    out += '[';
    for (size_t i = 0; i < info.assessments.size(); ++i) {
      if (i) out += ',';
      AppendAssessmentJson(out, info.assessments[i]);
    }
    out += ']';
  }
  MapField(out, f, "tags", info.tags, limits::kMaxTraceTagKeyChars, limits::kMaxTraceTagValueChars);
  if (info.request_preview) StringField(out, f, "request_preview", *info.request_preview);
  if (info.response_preview) StringField(out, f, "response_preview", *info.response_preview);
  out += '}';
}

void AppendTraceInfoV2Json(std::string& out, const TraceInfo& info) {
  out += '{';
  bool f = true;
  StringField(out, f, "request_id", info.trace_id);
  StringField(out, f, "experiment_id", info.experiment_id);
  Key(out, f, "timestamp_ms");
  out += std::to_string(info.request_time_ms);
  Key(out, f, "execution_time_ms");
  out += std::to_string(info.execution_duration_ms.value_or(0));
  StringField(out, f, "status", V2StatusFromState(info.state));
  auto list = [&](const char* key, const std::vector<KeyValue>& kvs, size_t key_max, size_t value_max) {
    if (kvs.empty()) return;
    Key(out, f, key);
    out += '[';
    for (size_t i = 0; i < kvs.size(); ++i) {
      if (i) out += ',';
      out += "{\"key\":";
      AppendPyJsonString(out, validation::TruncateChars(kvs[i].key, key_max));
      out += ",\"value\":";
      AppendPyJsonString(out, validation::TruncateChars(kvs[i].value, value_max));
      out += '}';
    }
    out += ']';
  };
  list("request_metadata", info.trace_metadata, limits::kMaxTraceMetadataChars, limits::kMaxTraceMetadataChars);
  list("tags", info.tags, limits::kMaxTraceTagKeyChars, limits::kMaxTraceTagValueChars);
  out += '}';
}

Status AppendTraceJson(std::string& out, const store::TraceData& trace) {
  out += "{\"trace_info\":";
  AppendTraceInfoV3Json(out, trace.info);
  if (!trace.span_contents.empty()) {
    out += ",\"spans\":[";
    for (size_t i = 0; i < trace.span_contents.size(); ++i) {
      if (i) out += ',';
      MLFLOW_RETURN_IF_ERROR(tracing::AppendSpanProtoJson(out, trace.span_contents[i]));
    }
    out += ']';
  }
  out += '}';
  return Status();
}

Result<TraceInfo> ParseTraceInfoV3(const json& j) {
  if (!j.is_object()) return TypeError("trace_info", j);
  TraceInfo t;
  if (const json* v = Get(j, "trace_id")) {
    MLFLOW_ASSIGN_OR_RETURN(t.trace_id, StringOf(*v, "trace_id"));
  }
  if (const json* v = Get(j, "client_request_id")) {
    MLFLOW_ASSIGN_OR_RETURN(t.client_request_id, StringOf(*v, "client_request_id"));
  }
  if (const json* loc = Get(j, "trace_location")) {
    if (!loc->is_object()) return TypeError("trace_location", *loc);
    if (const json* exp = Get(*loc, "mlflow_experiment")) {
      if (!exp->is_object()) return TypeError("mlflow_experiment", *exp);
      if (const json* id = Get(*exp, "experiment_id")) {
        MLFLOW_ASSIGN_OR_RETURN(t.experiment_id, StringOf(*id, "experiment_id"));
      }
    }
  }
  if (const json* v = Get(j, "request_preview")) {
    MLFLOW_ASSIGN_OR_RETURN(t.request_preview, StringOf(*v, "request_preview"));
  }
  if (const json* v = Get(j, "response_preview")) {
    MLFLOW_ASSIGN_OR_RETURN(t.response_preview, StringOf(*v, "response_preview"));
  }
  if (const json* v = Get(j, "request_time")) {
    MLFLOW_ASSIGN_OR_RETURN(std::string s, StringOf(*v, "request_time"));
    MLFLOW_ASSIGN_OR_RETURN(t.request_time_ms, ParseTimestampJson(s));
  }
  if (const json* v = Get(j, "execution_duration")) {
    MLFLOW_ASSIGN_OR_RETURN(std::string s, StringOf(*v, "execution_duration"));
    MLFLOW_ASSIGN_OR_RETURN(t.execution_duration_ms, ParseDurationJson(s));
  }
  if (const json* v = Get(j, "state")) {
    MLFLOW_ASSIGN_OR_RETURN(t.state, EnumName(*v, kStates, 4, "state"));
  }
  MLFLOW_ASSIGN_OR_RETURN(t.trace_metadata, StringMap(Get(j, "trace_metadata"), "trace_metadata"));
  MLFLOW_ASSIGN_OR_RETURN(t.tags, StringMap(Get(j, "tags"), "tags"));
  if (const json* as = Get(j, "assessments")) {
    if (!as->is_array()) return TypeError("assessments", *as);
    for (const auto& a : *as) {
      MLFLOW_ASSIGN_OR_RETURN(Assessment parsed, ParseAssessment(a));
      t.assessments.push_back(std::move(parsed));
    }
  }
  return t;
}

Result<Assessment> ParseAssessment(const json& j) {
  if (!j.is_object()) return TypeError("assessment", j);
  Assessment a;
  auto opt_string = [&](const char* k) -> Result<std::optional<std::string>> {
    const json* v = Get(j, k);
    if (!v) return std::optional<std::string>();
    if (!v->is_string()) return TypeError(k, *v);
    if (v->get<std::string>().empty()) return std::optional<std::string>();  // proto "" reads as unset
    return std::optional<std::string>(v->get<std::string>());
  };
  MLFLOW_ASSIGN_OR_RETURN(auto id, opt_string("assessment_id"));
  a.assessment_id = id.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(auto name, opt_string("assessment_name"));
  a.name = name.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(auto trace_id, opt_string("trace_id"));
  a.trace_id = trace_id.value_or("");
  MLFLOW_ASSIGN_OR_RETURN(a.span_id, opt_string("span_id"));
  MLFLOW_ASSIGN_OR_RETURN(a.rationale, opt_string("rationale"));
  MLFLOW_ASSIGN_OR_RETURN(a.overrides, opt_string("overrides"));
  a.source_type = "SOURCE_TYPE_UNSPECIFIED";
  if (const json* src = Get(j, "source")) {
    if (!src->is_object()) return TypeError("source", *src);
    if (const json* st = Get(*src, "source_type")) {
      MLFLOW_ASSIGN_OR_RETURN(a.source_type, EnumName(*st, kSourceTypes, 4, "source_type"));
    }
    if (const json* sid = Get(*src, "source_id")) {
      MLFLOW_ASSIGN_OR_RETURN(std::string s, StringOf(*sid, "source_id"));
      if (!s.empty()) a.source_id = s;
    }
  }
  int64_t now = NowMillis();
  a.created_timestamp = now;
  a.last_updated_timestamp = now;
  if (const json* ct = Get(j, "create_time")) {
    MLFLOW_ASSIGN_OR_RETURN(std::string s, StringOf(*ct, "create_time"));
    MLFLOW_ASSIGN_OR_RETURN(int64_t ms, ParseTimestampJson(s));
    if (ms) a.created_timestamp = ms;
  }
  if (const json* ut = Get(j, "last_update_time")) {
    MLFLOW_ASSIGN_OR_RETURN(std::string s, StringOf(*ut, "last_update_time"));
    MLFLOW_ASSIGN_OR_RETURN(int64_t ms, ParseTimestampJson(s));
    if (ms) a.last_updated_timestamp = ms;
  }
  if (const json* md = Get(j, "metadata")) {
    MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> kvs, StringMap(md, "metadata"));
    if (!kvs.empty()) {
      Json m = Json::object();
      for (const auto& kv : kvs) {
        m[kv.key] = kv.value;
        if (kv.key == "mlflow.assessment.sourceRunId") a.run_id = kv.value;
      }
      a.metadata_json = PyJsonDumps(m);
    }
  }
  const json* feedback = Get(j, "feedback");
  const json* expectation = Get(j, "expectation");
  const json* issue = Get(j, "issue");
  const int kinds = (feedback != nullptr) + (expectation != nullptr) + (issue != nullptr);
  if (kinds == 0) return Status::InvalidParameter("Unknown assessment type: None");
  if (kinds > 1) return Status::InvalidParameter("Exactly one of `expectation`, `feedback`, or `issue` should be specified.");
  if (feedback) {
    if (!feedback->is_object()) return TypeError("feedback", *feedback);
    a.assessment_type = "feedback";
    a.value_json = StoredValue(Get(*feedback, "value"));
    MLFLOW_ASSIGN_OR_RETURN(a.error_json, ErrorJson(Get(*feedback, "error")));
    if (!a.error_json) {
      MLFLOW_ASSIGN_OR_RETURN(a.error_json, ErrorJson(Get(j, "error")));  // the deprecated top-level error
    }
  } else if (expectation) {
    if (!expectation->is_object()) return TypeError("expectation", *expectation);
    if (Get(j, "error")) return Status::InvalidParameter("Cannot set `error` when `expectation` is specified.");
    a.assessment_type = "expectation";
    a.rationale.reset();
    a.overrides.reset();
    if (const json* sv = Get(*expectation, "serialized_value")) {
      if (!sv->is_object()) return TypeError("serialized_value", *sv);
      const json* fmt = Get(*sv, "serialization_format");
      std::string format = fmt && fmt->is_string() ? fmt->get<std::string>() : "";
      if (format != "JSON_FORMAT") {
        return Status::InvalidParameter("Unknown serialization format: " + format + ". Only JSON_FORMAT is supported.");
      }
      const json* val = Get(*sv, "value");
      std::optional<Json> parsed = val && val->is_string() ? PyJsonLoads(val->get<std::string>()) : std::nullopt;
      if (!parsed) return Status::InvalidParameter("The serialized expectation value is not valid JSON.");
      a.value_json = PyJsonDumps(*parsed);
    } else {
      a.value_json = StoredValue(Get(*expectation, "value"));
    }
  } else {
    if (!issue->is_object()) return TypeError("issue", *issue);
    a.assessment_type = "issue";
    a.overrides.reset();
    Json v = Json::object();
    const json* in = Get(*issue, "issue_name");
    v["issue_name"] = in && in->is_string() ? in->get<std::string>() : "";
    a.value_json = PyJsonDumps(v);
  }
  return a;
}

Result<store::AssessmentUpdate> ParseAssessmentUpdate(const json& assessment, const json& mask) {
  store::AssessmentUpdate u;
  std::vector<std::string> paths;
  auto add_path = [&](const std::string& p) {
    std::string snake;
    for (char c : p) {
      if (std::isupper(static_cast<unsigned char>(c))) {
        snake += '_';
        snake += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else {
        snake += c;
      }
    }
    paths.push_back(snake);
  };
  if (mask.is_string()) {
    std::string m = mask.get<std::string>();
    size_t i = 0;
    while (i <= m.size()) {
      size_t j = m.find(',', i);
      if (j == std::string::npos) j = m.size();
      if (j > i) add_path(m.substr(i, j - i));
      i = j + 1;
    }
  } else if (mask.is_object() && mask.contains("paths") && mask["paths"].is_array()) {
    for (const auto& p : mask["paths"]) {
      if (!p.is_string()) return TypeError("update_mask", mask);
      add_path(p.get<std::string>());
    }
  } else {
    return TypeError("update_mask", mask);
  }
  if (!assessment.is_object()) return TypeError("assessment", assessment);
  for (const auto& p : paths) {
    if (p == "assessment_name") {
      const json* v = Get(assessment, "assessment_name");
      u.name = v && v->is_string() ? v->get<std::string>() : "";
    } else if (p == "expectation" || p == "feedback") {
      const json* v = Get(assessment, p.c_str());
      if (p == "expectation") {
        json wrapper = {{"expectation", v ? *v : json::object()}};
        MLFLOW_ASSIGN_OR_RETURN(Assessment parsed, ParseAssessment(wrapper));
        u.expectation_value_json = parsed.value_json;
      } else {
        json wrapper = {{"feedback", v ? *v : json::object()}};
        MLFLOW_ASSIGN_OR_RETURN(Assessment parsed, ParseAssessment(wrapper));
        u.feedback_value_json = parsed.value_json;
        u.feedback_error_json = parsed.error_json;
      }
    } else if (p == "rationale") {
      const json* v = Get(assessment, "rationale");
      u.rationale = v && v->is_string() ? v->get<std::string>() : "";
    } else if (p == "metadata") {
      MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> kvs, StringMap(Get(assessment, "metadata"), "metadata"));
      std::map<std::string, std::string> m;
      for (auto& kv : kvs) m[kv.key] = kv.value;
      u.metadata = std::move(m);
    }
  }
  return u;
}

}  // namespace mlflow::server
