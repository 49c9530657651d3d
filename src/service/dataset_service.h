#pragma once
// DatasetService: MLflow 3 evaluation datasets (mlflow.genai.datasets) with MLflow 3.17.2's rules
// (docs/reference/datasets.md): tags and records arrive as JSON text and are checked here
// (MLflow answers a malformed one with a 500; we answer INVALID_PARAMETER_VALUE and write
// nothing), records are keyed by the sha256 of their inputs, search validates max_results,
// filter and order_by, record pages use MLflow's cursor tokens.
//
//   service::DatasetService datasets(dataset_store);
//   MLFLOW_ASSIGN_OR_RETURN(store::EvaluationDataset d, datasets.CreateDataset("qa", {"0"}, R"({"team": "a"})"));
//   MLFLOW_ASSIGN_OR_RETURN(store::DatasetUpsertResult n,
//                           datasets.UpsertRecords(d.dataset_id, R"([{"inputs": {"q": "hi"}}])"));
//   MLFLOW_ASSIGN_OR_RETURN(service::RecordsPage page, datasets.GetRecords(d.dataset_id, 0, ""));
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "store/dataset_store.h"

namespace mlflow::service {

struct DatasetSearch {
  std::vector<std::string> experiment_ids;
  std::string filter;
  std::optional<int64_t> max_results;  // nullopt: 1000; 0 is refused as MLflow refuses it
  std::vector<std::string> order_by;
  std::string page_token;
};

struct DatasetSearchPage {
  std::vector<store::EvaluationDataset> datasets;
  std::string next_page_token;
};

struct RecordsPage {
  std::string records_json;  // json.dumps of the records' dicts, as MLflow answers
  std::string next_page_token;
};

class DatasetService {
 public:
  explicit DatasetService(store::DatasetStore& store) : store_(store) {}

  // tags_json: a JSON object text or "" (none).
  Result<store::EvaluationDataset> CreateDataset(const std::string& name, const std::vector<std::string>& experiment_ids,
                                                 const std::string& tags_json);
  Result<store::EvaluationDataset> GetDataset(const std::string& dataset_id);
  Status DeleteDataset(const std::string& dataset_id);
  Result<DatasetSearchPage> SearchDatasets(const DatasetSearch& request);
  Status SetTags(const std::string& dataset_id, const std::string& tags_json);
  Status DeleteTag(const std::string& dataset_id, const std::string& key);
  Result<store::DatasetUpsertResult> UpsertRecords(const std::string& dataset_id, const std::string& records_json);
  // max_results 0: 1000.
  Result<RecordsPage> GetRecords(const std::string& dataset_id, int64_t max_results, const std::string& page_token);
  Result<int64_t> DeleteRecords(const std::string& dataset_id, const std::vector<std::string>& record_ids);
  Result<std::vector<std::string>> GetExperimentIds(const std::string& dataset_id);
  Result<store::EvaluationDataset> AddToExperiments(const std::string& dataset_id,
                                                    const std::vector<std::string>& experiment_ids);
  Result<store::EvaluationDataset> RemoveFromExperiments(const std::string& dataset_id,
                                                         const std::vector<std::string>& experiment_ids);

  // A record's dict as MLflow's DatasetRecord.to_dict() gives it (the fields of the record
  // proto, in proto order, JSON columns decoded).
  static nlohmann::ordered_json RecordToJson(const store::DatasetRecord& r);

 private:
  store::DatasetStore& store_;
};

}  // namespace mlflow::service
