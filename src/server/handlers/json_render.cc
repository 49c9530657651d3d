#include "server/handlers/json_render.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace mlflow::server {

using nlohmann::json;

json DoubleToJson(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

json KeyValuesToJson(const std::vector<KeyValue>& kvs) {
  json arr = json::array();
  for (const auto& kv : kvs) arr.push_back({{"key", kv.key}, {"value", kv.value}});
  return arr;
}

json ToJson(const Experiment& e) {
  json j = {{"experiment_id", e.experiment_id}, {"name", e.name}, {"lifecycle_stage", e.lifecycle_stage}};
  if (!e.artifact_location.empty()) j["artifact_location"] = e.artifact_location;
  if (e.last_update_time) j["last_update_time"] = *e.last_update_time;
  if (e.creation_time) j["creation_time"] = *e.creation_time;
  if (!e.tags.empty()) j["tags"] = KeyValuesToJson(e.tags);
  j["workspace"] = "default";  // MLflow 3.x names the (single) workspace of every experiment
  return j;
}

json ToJson(const RunInfo& info) {
  json j = {{"run_id", info.run_id},
            {"run_uuid", info.run_id},
            {"run_name", info.run_name},
            {"experiment_id", info.experiment_id},
            {"user_id", info.user_id},
            {"status", info.status},
            {"lifecycle_stage", info.lifecycle_stage}};
  if (info.start_time) j["start_time"] = *info.start_time;
  if (info.end_time) j["end_time"] = *info.end_time;
  if (!info.artifact_uri.empty()) j["artifact_uri"] = info.artifact_uri;
  return j;
}

json ToJson(const Metric& m, bool with_run_id) {
  json j = {{"key", m.key}, {"value", DoubleToJson(m.value)}, {"timestamp", m.timestamp}, {"step", m.step}};
  if (with_run_id && !m.run_id.empty()) j["run_id"] = m.run_id;
  if (!m.model_id.empty()) j["model_id"] = m.model_id;
  if (!m.dataset_name.empty()) j["dataset_name"] = m.dataset_name;
  if (!m.dataset_digest.empty()) j["dataset_digest"] = m.dataset_digest;
  return j;
}

json ToJson(const Run& run) {
  json data = json::object();
  if (!run.metrics.empty()) {
    json arr = json::array();
    for (const auto& m : run.metrics) arr.push_back(ToJson(m));
    data["metrics"] = std::move(arr);
  }
  if (!run.params.empty()) data["params"] = KeyValuesToJson(run.params);
  if (!run.tags.empty()) data["tags"] = KeyValuesToJson(run.tags);
  json inputs = json::object();
  if (!run.dataset_inputs.empty()) {
    json arr = json::array();
    for (const auto& di : run.dataset_inputs) {
      json d = {{"name", di.dataset.name},
                {"digest", di.dataset.digest},
                {"source_type", di.dataset.source_type},
                {"source", di.dataset.source}};
      if (di.dataset.schema) d["schema"] = *di.dataset.schema;
      if (di.dataset.profile) d["profile"] = *di.dataset.profile;
      json item = {{"dataset", std::move(d)}};
      if (!di.tags.empty()) item["tags"] = KeyValuesToJson(di.tags);
      arr.push_back(std::move(item));
    }
    inputs["dataset_inputs"] = std::move(arr);
  }
  if (!run.model_inputs.empty()) {
    json arr = json::array();
    for (const auto& mi : run.model_inputs) arr.push_back({{"model_id", mi.model_id}});
    inputs["model_inputs"] = std::move(arr);
  }
  json outputs = json::object();
  if (!run.model_outputs.empty()) {
    json arr = json::array();
    for (const auto& mo : run.model_outputs) arr.push_back({{"model_id", mo.model_id}, {"step", mo.step}});
    outputs["model_outputs"] = std::move(arr);
  }
  return {{"info", ToJson(run.info)}, {"data", std::move(data)}, {"inputs", std::move(inputs)},
          {"outputs", std::move(outputs)}};
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  size_t done = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + done, i - done);  // the plain run before this character, at once
    done = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s.data() + done, s.size() - done);
  out += '"';
}

void AppendJsonDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "\"NaN\"";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";  // 2 -> 2.0, like Python
}

std::string MetricListJson(const std::vector<Metric>& metrics, const std::string& next_page_token,
                           bool with_run_id) {
  std::string out;
  out.reserve(32 + metrics.size() * (64 + (metrics.empty() ? 0 : metrics.front().key.size())));
  out += '{';
  if (!metrics.empty()) {
    out += "\"metrics\":[";
    char num[24];
    for (size_t i = 0; i < metrics.size(); ++i) {
      const Metric& m = metrics[i];
      if (i) out += ',';
      out += "{\"key\":";
      AppendJsonString(out, m.key);
      out += ",\"value\":";
      AppendJsonDouble(out, m.value);
      out += ",\"timestamp\":";
      out.append(num, static_cast<size_t>(std::to_chars(num, num + sizeof(num), m.timestamp).ptr - num));
      out += ",\"step\":";
      out.append(num, static_cast<size_t>(std::to_chars(num, num + sizeof(num), m.step).ptr - num));
      if (with_run_id && !m.run_id.empty()) {
        out += ",\"run_id\":";
        AppendJsonString(out, m.run_id);
      }
      out += '}';
    }
    out += ']';
  }
  if (!next_page_token.empty()) {
    if (!metrics.empty()) out += ',';
    out += "\"next_page_token\":";
    AppendJsonString(out, next_page_token);
  }
  out += '}';
  return out;
}

namespace {

void AppendInt(std::string& out, int64_t v) {
  char num[24];
  out.append(num, static_cast<size_t>(std::to_chars(num, num + sizeof(num), v).ptr - num));
}

// ,"name":"value"  (or without the comma for the first field)
void AppendField(std::string& out, std::string_view name, std::string_view value, bool first = false) {
  if (!first) out += ',';
  AppendJsonString(out, name);
  out += ':';
  AppendJsonString(out, value);
}

// "name":[{"key":..,"value":..},...], preceded by a comma unless it is the object's first field.
void AppendKeyValues(std::string& out, std::string_view name, const std::vector<KeyValue>& kvs, bool* first) {
  if (!*first) out += ',';
  *first = false;
  AppendJsonString(out, name);
  out += ":[";
  for (size_t i = 0; i < kvs.size(); ++i) {
    if (i) out += ',';
    out += '{';
    AppendField(out, "key", kvs[i].key, true);
    AppendField(out, "value", kvs[i].value);
    out += '}';
  }
  out += ']';
}

}  // namespace

void AppendRunJson(std::string& out, const Run& run, bool with_outputs) {
  const RunInfo& info = run.info;
  out += "{\"info\":{";
  AppendField(out, "run_id", info.run_id, true);
  AppendField(out, "run_uuid", info.run_id);
  AppendField(out, "run_name", info.run_name);
  AppendField(out, "experiment_id", info.experiment_id);
  AppendField(out, "user_id", info.user_id);
  AppendField(out, "status", info.status);
  AppendField(out, "lifecycle_stage", info.lifecycle_stage);
  if (info.start_time) {
    out += ",\"start_time\":";
    AppendInt(out, *info.start_time);
  }
  if (info.end_time) {
    out += ",\"end_time\":";
    AppendInt(out, *info.end_time);
  }
  if (!info.artifact_uri.empty()) AppendField(out, "artifact_uri", info.artifact_uri);
  out += "},\"data\":{";
  bool first = true;
  if (!run.metrics.empty()) {
    out += "\"metrics\":[";
    for (size_t i = 0; i < run.metrics.size(); ++i) {
      const Metric& m = run.metrics[i];
      if (i) out += ',';
      out += '{';
      AppendField(out, "key", m.key, true);
      out += ",\"value\":";
      AppendJsonDouble(out, m.value);
      out += ",\"timestamp\":";
      AppendInt(out, m.timestamp);
      out += ",\"step\":";
      AppendInt(out, m.step);
      out += '}';
    }
    out += ']';
    first = false;
  }
  if (!run.params.empty()) AppendKeyValues(out, "params", run.params, &first);
  if (!run.tags.empty()) AppendKeyValues(out, "tags", run.tags, &first);
  out += "},\"inputs\":{";
  if (!run.dataset_inputs.empty() || !run.model_inputs.empty()) {
    // Rare and small: reuse the DOM renderer for these parts.
    json full = ToJson(run);
    std::string inputs = full["inputs"].dump();
    out.append(inputs, 1, inputs.size() - 2);
  }
  out += '}';
  if (!with_outputs) {
    out += '}';
    return;
  }
  out += ",\"outputs\":{";
  if (!run.model_outputs.empty()) {
    json full = ToJson(run);
    std::string outputs = full["outputs"].dump();
    out.append(outputs, 1, outputs.size() - 2);
  }
  out += "}}";
}

std::string RunListJson(const std::vector<Run>& runs, const std::string& next_page_token) {
  std::string out;
  out.reserve(64 + runs.size() * 2048);
  out += '{';
  if (!runs.empty()) {
    out += "\"runs\":[";
    for (size_t i = 0; i < runs.size(); ++i) {
      if (i) out += ',';
      AppendRunJson(out, runs[i]);
    }
    out += ']';
  }
  if (!next_page_token.empty()) {
    if (!runs.empty()) out += ',';
    out += "\"next_page_token\":";
    AppendJsonString(out, next_page_token);
  }
  out += '}';
  return out;
}

HttpResponse JsonResponse(const json& body) {
  HttpResponse r;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

namespace {

// MLflow 3.x also classifies every error (docs/reference/rest-api.md 1.4): (sqlstate, error_class)
// from the error code, or from a finer class the error names.
std::pair<const char*, const char*> Classify(const Status& status) {
  if (status.error_class() == ErrorClass::kAttributeNotFound) return {"KAM04", "ATTRIBUTE_NOT_FOUND"};
  switch (status.code()) {
    case ErrorCode::kBadRequest:
    case ErrorCode::kInvalidParameterValue: return {"KAM00", "INVALID_PARAMETER_VALUE"};
    case ErrorCode::kEndpointNotFound:
    case ErrorCode::kResourceDoesNotExist: return {"KAM00", "RESOURCE_NOT_FOUND"};
    case ErrorCode::kFeatureDisabled: return {"KAM00", "FEATURE_DISABLED"};
    case ErrorCode::kPermissionDenied: return {"KAM00", "PERMISSION_DENIED"};
    case ErrorCode::kResourceAlreadyExists: return {"KAM00", "RESOURCE_ALREADY_EXISTS"};
    case ErrorCode::kInternalError:
    case ErrorCode::kInvalidState:
    case ErrorCode::kTemporarilyUnavailable: return {"XXM00", "CLIENT_INTERNAL_ERROR"};
    default: return {nullptr, nullptr};
  }
}

}  // namespace

HttpResponse ErrorResponse(const Status& status) {
  HttpResponse r;
  r.status = HttpStatusFor(status.code());
  json body = {{"error_code", std::string(ErrorCodeName(status.code()))}, {"message", status.message()}};
  auto [sqlstate, error_class] = Classify(status);
  if (sqlstate) {
    body["sqlstate"] = sqlstate;
    body["error_class"] = error_class;
  }
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

}  // namespace mlflow::server
