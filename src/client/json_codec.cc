#include "client/json_codec.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace mlflow::client_internal {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();  // numbers sent as numbers (versions, ids)
}

// int64 fields: protobuf JSON may send them as strings.
std::optional<int64_t> Int(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number()) return static_cast<int64_t>(it->get<double>());
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) return v;
  }
  return std::nullopt;
}

double Double(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return 0;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    return std::strtod(s.c_str(), nullptr);
  }
  return 0;
}

std::map<std::string, std::string> KeyValues(const json& j, const char* key) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& kv : *it) out[Str(kv, "key")] = Str(kv, "value");
  return out;
}

}  // namespace

entities::Experiment ExperimentFromJson(const json& j) {
  entities::Experiment e;
  e.experiment_id = Str(j, "experiment_id");
  e.name = Str(j, "name");
  e.artifact_location = Str(j, "artifact_location");
  e.lifecycle_stage = Str(j, "lifecycle_stage");
  e.creation_time = Int(j, "creation_time");
  e.last_update_time = Int(j, "last_update_time");
  e.tags = KeyValues(j, "tags");
  return e;
}

entities::RunInfo RunInfoFromJson(const json& j) {
  entities::RunInfo i;
  i.run_id = Str(j, "run_id");
  if (i.run_id.empty()) i.run_id = Str(j, "run_uuid");
  i.run_name = Str(j, "run_name");
  i.experiment_id = Str(j, "experiment_id");
  i.user_id = Str(j, "user_id");
  i.status = Str(j, "status");
  i.start_time = Int(j, "start_time");
  i.end_time = Int(j, "end_time");
  i.artifact_uri = Str(j, "artifact_uri");
  i.lifecycle_stage = Str(j, "lifecycle_stage");
  return i;
}

entities::Metric MetricFromJson(const json& j) {
  entities::Metric m;
  m.key = Str(j, "key");
  m.value = Double(j, "value");
  m.timestamp = Int(j, "timestamp").value_or(0);
  m.step = Int(j, "step").value_or(0);
  return m;
}

entities::Run RunFromJson(const json& j) {
  entities::Run r;
  if (auto it = j.find("info"); it != j.end()) r.info = RunInfoFromJson(*it);
  if (auto it = j.find("data"); it != j.end() && it->is_object()) {
    if (auto m = it->find("metrics"); m != it->end() && m->is_array()) {
      for (const auto& x : *m) r.data.metrics[Str(x, "key")] = Double(x, "value");
    }
    r.data.params = KeyValues(*it, "params");
    r.data.tags = KeyValues(*it, "tags");
  }
  return r;
}

entities::ModelVersion ModelVersionFromJson(const json& j) {
  entities::ModelVersion v;
  v.name = Str(j, "name");
  v.version = Str(j, "version");
  v.creation_timestamp = Int(j, "creation_timestamp").value_or(0);
  v.last_updated_timestamp = Int(j, "last_updated_timestamp");
  v.description = Str(j, "description");
  v.user_id = Str(j, "user_id");
  v.current_stage = Str(j, "current_stage");
  v.source = Str(j, "source");
  v.run_id = Str(j, "run_id");
  v.run_link = Str(j, "run_link");
  v.status = Str(j, "status");
  v.status_message = Str(j, "status_message");
  v.tags = KeyValues(j, "tags");
  if (auto it = j.find("aliases"); it != j.end() && it->is_array()) {
    for (const auto& a : *it) {
      if (a.is_string()) v.aliases.push_back(a.get<std::string>());
    }
  }
  return v;
}

entities::RegisteredModel RegisteredModelFromJson(const json& j) {
  entities::RegisteredModel m;
  m.name = Str(j, "name");
  m.creation_timestamp = Int(j, "creation_timestamp");
  m.last_updated_timestamp = Int(j, "last_updated_timestamp");
  m.description = Str(j, "description");
  if (auto it = j.find("latest_versions"); it != j.end() && it->is_array()) {
    for (const auto& v : *it) m.latest_versions.push_back(ModelVersionFromJson(v));
  }
  m.tags = KeyValues(j, "tags");
  if (auto it = j.find("aliases"); it != j.end() && it->is_array()) {
    for (const auto& a : *it) m.aliases[Str(a, "alias")] = Str(a, "version");
  }
  return m;
}

entities::LoggedModel LoggedModelFromJson(const json& j) {
  entities::LoggedModel m;
  const json empty = json::object();
  const json& info = j.contains("info") ? j["info"] : empty;
  m.model_id = Str(info, "model_id");
  m.experiment_id = Str(info, "experiment_id");
  m.name = Str(info, "name");
  m.artifact_location = Str(info, "artifact_uri");
  m.creation_timestamp = Int(info, "creation_timestamp_ms").value_or(0);
  m.last_updated_timestamp = Int(info, "last_updated_timestamp_ms").value_or(0);
  m.status = Str(info, "status");
  m.model_type = Str(info, "model_type");
  m.source_run_id = Str(info, "source_run_id");
  m.status_message = Str(info, "status_message");
  m.tags = KeyValues(info, "tags");
  if (auto it = j.find("data"); it != j.end() && it->is_object()) {
    m.params = KeyValues(*it, "params");
    if (auto ms = it->find("metrics"); ms != it->end() && ms->is_array()) {
      for (const auto& x : *ms) {
        entities::Metric metric;
        metric.key = Str(x, "key");
        metric.value = Double(x, "value");
        metric.timestamp = Int(x, "timestamp").value_or(0);
        metric.step = Int(x, "step").value_or(0);
        m.metrics.push_back(std::move(metric));
      }
    }
  }
  return m;
}

void AppendDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "\"NaN\"";
  } else if (std::isinf(v)) {
    out += v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, p);
  }
}

void AppendJsonString(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace mlflow::client_internal
