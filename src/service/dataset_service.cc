#include "service/dataset_service.h"

#include <algorithm>
#include <cctype>

#include "core/digest.h"
#include "core/py_json.h"
#include "search/dataset_search.h"
#include "search/page_token.h"

namespace mlflow::service {
namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t kSearchMaxResultsLimit = 50000;  // MLflow's SEARCH_MAX_RESULTS_THRESHOLD
constexpr int64_t kRecordsPageDefault = 1000;      // LOAD_DATASET_RECORDS_MAX_RESULTS
constexpr const char* kUserTag = "mlflow.user";

Result<Json> ParseJsonText(const std::string& text, const std::string& field) {
  Json v = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) return Status::InvalidParameter("Invalid JSON in '" + field + "'");
  return v;
}

bool Truthy(const Json& v) {
  if (v.is_null()) return false;
  if (v.is_object() || v.is_array() || v.is_string()) return !v.empty();
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<int64_t>() != 0;
  if (v.is_number_float()) return v.get<double>() != 0;
  return true;
}

// A tag value as MLflow's store ends up keeping it: text as given, numbers as their text
// (str(value) for SetDatasetTags; the database's conversion at creation), null kept as NULL.
Result<std::optional<std::string>> TagValue(const std::string& key, const Json& v, bool python_str) {
  if (v.is_null()) return std::optional<std::string>();
  if (v.is_string()) return std::optional<std::string>(v.get<std::string>());
  if (v.is_boolean()) {
    if (python_str) return std::optional<std::string>(v.get<bool>() ? "True" : "False");
    return std::optional<std::string>(v.get<bool>() ? "1" : "0");
  }
  if (v.is_number()) return std::optional<std::string>(PyJsonDumps(v));
  return Status::InvalidParameter("Invalid value for tag '" + key + "': tag values must be strings");
}

Result<std::vector<store::DatasetTag>> ParseTags(const std::string& text, bool python_str) {
  MLFLOW_ASSIGN_OR_RETURN(Json v, ParseJsonText(text, "tags"));
  if (!v.is_object()) return Status::InvalidParameter("'tags' must be a JSON object");
  std::vector<store::DatasetTag> tags;
  for (auto it = v.begin(); it != v.end(); ++it) {
    MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> value, TagValue(it.key(), it.value(), python_str));
    tags.push_back({it.key(), std::move(value)});
  }
  return tags;
}

// MLflow's DatasetRecordSource: source_type upper-cased and checked; source_data a dict.
Result<store::DatasetRecordUpsert> PrepareSource(const Json& source, store::DatasetRecordUpsert r) {
  if (source.is_null()) return r;
  if (!source.is_object()) return Status::InvalidParameter("A record's 'source' must be a JSON object");
  for (auto it = source.begin(); it != source.end(); ++it) {
    if (it.key() != "source_type" && it.key() != "source_data") {
      return Status::InvalidParameter("Unexpected field '" + it.key() + "' in a record's 'source'");
    }
  }
  auto type_it = source.find("source_type");
  if (type_it == source.end() || !type_it->is_string()) {
    return Status::InvalidParameter("A record's 'source' needs a 'source_type' string");
  }
  std::string type = type_it->get<std::string>();
  for (char& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const char* kTypes[] = {"UNSPECIFIED", "TRACE", "HUMAN", "DOCUMENT", "CODE"};
  if (std::none_of(std::begin(kTypes), std::end(kTypes), [&](const char* t) { return type == t; })) {
    return Status::InvalidParameter("Invalid dataset record source type: " + type +
                                    ". Valid source types: ['UNSPECIFIED', 'TRACE', 'HUMAN', 'DOCUMENT', 'CODE']");
  }
  Json data = Json::object();
  if (auto d = source.find("source_data"); d != source.end() && !d->is_null()) {
    if (!d->is_object()) return Status::InvalidParameter("A record's 'source_data' must be a JSON object");
    data = *d;
  }
  const char* id_key = type == "TRACE" ? "trace_id" : "source_id";
  if (auto id = data.find(id_key); id != data.end() && !id->is_null()) {
    if (!id->is_string()) return Status::InvalidParameter(std::string("A record's '") + id_key + "' must be a string");
    r.source_id = id->get<std::string>();
  }
  r.source_type = type;
  r.source = Json{{"source_type", type}, {"source_data", std::move(data)}};
  return r;
}

Result<store::DatasetRecordUpsert> PrepareRecord(const Json& rec) {
  if (!rec.is_object()) return Status::InvalidParameter("Each record must be a JSON object");
  store::DatasetRecordUpsert r;
  r.inputs = Json::object();
  if (auto it = rec.find("inputs"); it != rec.end()) {
    if (!it->is_object()) return Status::InvalidParameter("A record's 'inputs' must be a JSON object");
    r.inputs = *it;
  }
  if (auto it = rec.find("outputs"); it != rec.end()) {
    r.has_outputs = true;
    r.outputs = *it;
  }
  if (auto it = rec.find("expectations"); it != rec.end()) {
    if (Truthy(*it) && !it->is_object()) {
      return Status::InvalidParameter("A record's 'expectations' must be a JSON object");
    }
    r.expectations = *it;
  }
  if (auto it = rec.find("tags"); it != rec.end()) {
    if (Truthy(*it) && !it->is_object()) return Status::InvalidParameter("A record's 'tags' must be a JSON object");
    r.tags = Truthy(*it) ? *it : Json(nullptr);
    if (r.tags.is_object()) {
      if (auto u = r.tags.find(kUserTag); u != r.tags.end() && u->is_string()) r.user = u->get<std::string>();
    }
  }
  Json source = nullptr;
  if (auto it = rec.find("source"); it != rec.end()) source = *it;
  r.input_hash = Sha256Hex(PyJsonDumps(r.inputs, PyJsonStyle::SortedKeys()));
  return PrepareSource(source, std::move(r));
}

// MLflow's record cursor: base64("created_time:record_id"); an old-style integer offset also works.
Status DecodeRecordToken(const std::string& token, std::optional<std::pair<int64_t, std::string>>& after,
                         int64_t& offset) {
  if (token.empty()) return Status();
  if (std::optional<std::string> decoded = search::Base64Decode(token)) {
    const size_t colon = decoded->find(':');
    if (colon != std::string::npos && colon > 0) {
      const std::string ts = decoded->substr(0, colon);
      if (std::all_of(ts.begin(), ts.end(), [](unsigned char c) { return std::isdigit(c); }) && ts.size() < 19) {
        after = std::make_pair(std::stoll(ts), decoded->substr(colon + 1));
        return Status();
      }
    }
  }
  if (!token.empty() && token.size() < 19 &&
      std::all_of(token.begin(), token.end(), [](unsigned char c) { return std::isdigit(c); })) {
    offset = std::stoll(token);
    return Status();
  }
  return Status::InvalidParameter("Invalid page token '" + token + "'");
}

}  // namespace

Result<store::EvaluationDataset> DatasetService::CreateDataset(const std::string& name,
                                                               const std::vector<std::string>& experiment_ids,
                                                               const std::string& tags_json) {
  std::vector<store::DatasetTag> tags;
  if (!tags_json.empty()) {
    MLFLOW_ASSIGN_OR_RETURN(tags, ParseTags(tags_json, /*python_str=*/false));
  }
  std::optional<std::string> user;
  for (const auto& t : tags) {
    if (t.key == kUserTag) user = t.value;
  }
  return store_.CreateDataset(name, tags, experiment_ids, user);
}

Result<store::EvaluationDataset> DatasetService::GetDataset(const std::string& dataset_id) {
  return store_.GetDataset(dataset_id);
}

Status DatasetService::DeleteDataset(const std::string& dataset_id) { return store_.DeleteDataset(dataset_id); }

Result<DatasetSearchPage> DatasetService::SearchDatasets(const DatasetSearch& request) {
  store::DatasetSearchRequest r;
  r.experiment_ids = request.experiment_ids;
  const int64_t max_results = request.max_results.value_or(1000);
  if (max_results < 1) {
    // MLflow's handler turns 0 into None before this check, and prints it so.
    const std::string shown = max_results == 0 ? "None" : std::to_string(max_results);
    return Status::InvalidParameter("Invalid value " + shown +
                                    " for parameter 'max_results' supplied. It must be a positive integer");
  }
  if (max_results > kSearchMaxResultsLimit) {
    return Status::InvalidParameter("Invalid value " + std::to_string(max_results) +
                                    " for parameter 'max_results' supplied. It must be at most 50000");
  }
  r.max_results = max_results;
  MLFLOW_ASSIGN_OR_RETURN(r.offset, search::DecodeOffsetToken(request.page_token));
  MLFLOW_ASSIGN_OR_RETURN(r.filter, search::ParseDatasetFilter(request.filter));
  std::vector<std::string> order_by = request.order_by;
  if (order_by.empty()) order_by = {"created_time DESC"};
  for (const auto& clause : order_by) {
    MLFLOW_ASSIGN_OR_RETURN(search::OrderBy ob, search::ParseDatasetOrderBy(clause));
    r.order_by.emplace_back(ob.key, ob.ascending);
  }
  MLFLOW_ASSIGN_OR_RETURN(store::DatasetPage page, store_.SearchDatasets(r));
  DatasetSearchPage out;
  out.datasets = std::move(page.datasets);
  if (page.has_more) out.next_page_token = search::EncodeOffsetToken(r.offset + max_results);
  return out;
}

Status DatasetService::SetTags(const std::string& dataset_id, const std::string& tags_json) {
  MLFLOW_ASSIGN_OR_RETURN(std::vector<store::DatasetTag> tags, ParseTags(tags_json, /*python_str=*/true));
  return store_.SetDatasetTags(dataset_id, tags);
}

Status DatasetService::DeleteTag(const std::string& dataset_id, const std::string& key) {
  return store_.DeleteDatasetTag(dataset_id, key);
}

Result<store::DatasetUpsertResult> DatasetService::UpsertRecords(const std::string& dataset_id,
                                                                 const std::string& records_json) {
  MLFLOW_ASSIGN_OR_RETURN(Json parsed, ParseJsonText(records_json, "records"));
  if (!parsed.is_array()) return Status::InvalidParameter("'records' must be a JSON list of records");
  std::vector<store::DatasetRecordUpsert> records;
  records.reserve(parsed.size());
  for (const Json& rec : parsed) {
    MLFLOW_ASSIGN_OR_RETURN(store::DatasetRecordUpsert r, PrepareRecord(rec));
    records.push_back(std::move(r));
  }
  return store_.UpsertDatasetRecords(dataset_id, records);
}

Result<RecordsPage> DatasetService::GetRecords(const std::string& dataset_id, int64_t max_results,
                                               const std::string& page_token) {
  if (max_results == 0) max_results = kRecordsPageDefault;
  if (max_results < 0) {
    return Status::InvalidParameter("Invalid value " + std::to_string(max_results) +
                                    " for parameter 'max_results' supplied. It must be a positive integer");
  }
  std::optional<std::pair<int64_t, std::string>> after;
  int64_t offset = 0;
  MLFLOW_RETURN_IF_ERROR(DecodeRecordToken(page_token, after, offset));
  MLFLOW_ASSIGN_OR_RETURN(store::DatasetRecordPage page, store_.GetDatasetRecords(dataset_id, max_results, after, offset));
  Json list = Json::array();
  for (const auto& r : page.records) list.push_back(RecordToJson(r));
  RecordsPage out;
  out.records_json = PyJsonDumps(list);
  if (page.next) {
    out.next_page_token = search::Base64Encode(std::to_string(page.next->first) + ":" + page.next->second);
  }
  return out;
}

Result<int64_t> DatasetService::DeleteRecords(const std::string& dataset_id, const std::vector<std::string>& record_ids) {
  return store_.DeleteDatasetRecords(dataset_id, record_ids);
}

Result<std::vector<std::string>> DatasetService::GetExperimentIds(const std::string& dataset_id) {
  return store_.GetDatasetExperimentIds(dataset_id);
}

Result<store::EvaluationDataset> DatasetService::AddToExperiments(const std::string& dataset_id,
                                                                  const std::vector<std::string>& experiment_ids) {
  return store_.AddDatasetToExperiments(dataset_id, experiment_ids);
}

Result<store::EvaluationDataset> DatasetService::RemoveFromExperiments(const std::string& dataset_id,
                                                                       const std::vector<std::string>& experiment_ids) {
  return store_.RemoveDatasetFromExperiments(dataset_id, experiment_ids);
}

Json DatasetService::RecordToJson(const store::DatasetRecord& r) {
  Json d = Json::object();
  d["dataset_record_id"] = r.dataset_record_id;
  d["dataset_id"] = r.dataset_id;
  d["inputs"] = r.inputs.is_null() ? Json::object() : r.inputs;
  if (!r.expectations.is_null()) d["expectations"] = r.expectations;
  d["tags"] = r.tags.is_null() ? Json::object() : r.tags;
  if (r.source.is_object()) {
    Json data = r.source.contains("source_data") && r.source["source_data"].is_object() ? r.source["source_data"]
                                                                                          : Json::object();
    Json type = r.source.contains("source_type") ? r.source["source_type"] : Json("UNSPECIFIED");
    d["source"] = Json{{"source_type", type}, {"source_data", std::move(data)}};
  }
  if (r.source_id) d["source_id"] = *r.source_id;
  if (r.source_type) d["source_type"] = *r.source_type;
  d["created_time"] = r.created_time;
  d["last_update_time"] = r.last_update_time;
  if (r.created_by) d["created_by"] = *r.created_by;
  if (r.last_updated_by) d["last_updated_by"] = *r.last_updated_by;
  // Stored outputs are {"mlflow_wrapped": value}; an empty or missing wrapper reads as no outputs.
  if (r.outputs.is_object() && !r.outputs.empty()) {
    auto it = r.outputs.find("mlflow_wrapped");
    if (it != r.outputs.end() && !it->is_null()) d["outputs"] = *it;
  }
  return d;
}

}  // namespace mlflow::service
