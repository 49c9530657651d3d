#include "auth/request_aliases.h"

namespace mlflow::auth {

Status RejectConflictingAliases(const nlohmann::json& body, const std::vector<AliasedField>& fields) {
  if (!body.is_object()) return Status();
  for (const AliasedField& f : fields) {
    if (f.name != f.json_name && body.contains(f.name) && body.contains(f.json_name)) {
      return Status::InvalidParameter("Request specifies both '" + f.name + "' and '" + f.json_name +
                                      "'; provide only one of them.");
    }
    if (f.fields.empty()) continue;
    const nlohmann::json* value = AliasedValue(body, f);
    if (value == nullptr) continue;
    if (value->is_array()) {
      for (const nlohmann::json& item : *value) MLFLOW_RETURN_IF_ERROR(RejectConflictingAliases(item, f.fields));
    } else {
      MLFLOW_RETURN_IF_ERROR(RejectConflictingAliases(*value, f.fields));
    }
  }
  return Status();
}

const nlohmann::json* AliasedValue(const nlohmann::json& object, const AliasedField& field) {
  if (!object.is_object()) return nullptr;
  if (auto it = object.find(field.name); it != object.end()) return &*it;
  if (auto it = object.find(field.json_name); it != object.end()) return &*it;
  return nullptr;
}

namespace {

bool NamesField(const std::string& key, const std::vector<AliasedField>& fields) {
  for (const AliasedField& f : fields) {
    if (key == f.name || key == f.json_name) return true;
  }
  return false;
}

// Whether protobuf's parser reads a non-object item as an empty message (iterating it yields only
// unknown field names) rather than failing on it.
bool ReadsAsEmptyMessage(const nlohmann::json& item, const std::vector<AliasedField>& fields) {
  if (item.is_string()) return true;  // one-character names: never a field
  if (!item.is_array()) return false;
  for (const nlohmann::json& e : item) {
    if (!e.is_string() || NamesField(e.get<std::string>(), fields)) return false;
  }
  return true;
}

}  // namespace

std::vector<const nlohmann::json*> ItemsParsedBeforeFailure(const nlohmann::json& list,
                                                            const std::vector<AliasedField>& fields) {
  std::vector<const nlohmann::json*> out;
  if (!list.is_array()) return out;
  for (const nlohmann::json& item : list) {
    if (item.is_object()) {
      out.push_back(&item);
    } else if (!ReadsAsEmptyMessage(item, fields)) {
      break;
    }
  }
  return out;
}

const std::vector<AliasedField>& SearchTracesV3Fields() {
  static const std::vector<AliasedField> kFields = {
      {"locations",
       "locations",
       {{"mlflow_experiment", "mlflowExperiment", {{"experiment_id", "experimentId", {}}}},
        {"inference_table", "inferenceTable", {{"full_table_name", "fullTableName", {}}}},
        {"type", "type", {}}}},
      {"max_results", "maxResults", {}},
      {"order_by", "orderBy", {}},
      {"page_token", "pageToken", {}},
  };
  return kFields;
}

const std::vector<AliasedField>& QueryTraceMetricsFields() {
  static const std::vector<AliasedField> kFields = {
      {"experiment_ids", "experimentIds", {}},
      {"view_type", "viewType", {}},
      {"metric_name", "metricName", {}},
      {"aggregations",
       "aggregations",
       {{"aggregation_type", "aggregationType", {}}, {"percentile_value", "percentileValue", {}}}},
      {"time_interval_seconds", "timeIntervalSeconds", {}},
      {"start_time_ms", "startTimeMs", {}},
      {"end_time_ms", "endTimeMs", {}},
      {"max_results", "maxResults", {}},
      {"page_token", "pageToken", {}},
  };
  return kFields;
}

}  // namespace mlflow::auth
