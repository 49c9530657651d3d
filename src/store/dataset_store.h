#pragma once
// DatasetStore: MLflow 3 evaluation datasets (evaluation_datasets, evaluation_dataset_tags,
// evaluation_dataset_records, and their links to experiments in entity_associations), stored as
// MLflow 3.17.2's SQL store writes them (docs/reference/datasets.md). Every method is
// thread-safe and blocking; each is one transaction.
//
// JSON values of a record (inputs, outputs, expectations, tags, source) are stored as the text
// Python's json.dumps writes (core/py_json.h), so a database written by either server reads
// the same in the other.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "search/filter.h"

namespace mlflow::store {

struct DatasetTag {
  std::string key;
  std::optional<std::string> value;  // NULL is possible in MLflow's table
};

struct EvaluationDataset {
  std::string dataset_id;  // "d-" + 32 hex
  std::string name;
  std::vector<DatasetTag> tags;  // by key
  std::optional<std::string> schema;   // JSON text
  std::optional<std::string> profile;  // JSON text
  std::optional<std::string> digest;
  int64_t created_time = 0;
  int64_t last_update_time = 0;
  std::optional<std::string> created_by;
  std::optional<std::string> last_updated_by;
  // Only the answer of CreateDataset carries the experiment ids (MLflow loads them lazily).
  std::optional<std::vector<std::string>> experiment_ids;
};

// One record as stored; JSON columns parsed (insertion order kept).
struct DatasetRecord {
  std::string dataset_record_id;  // "dr-" + 32 hex
  std::string dataset_id;
  nlohmann::ordered_json inputs;
  nlohmann::ordered_json outputs;       // the stored {"mlflow_wrapped": v} or null
  nlohmann::ordered_json expectations;  // null when absent
  nlohmann::ordered_json tags;          // null when absent
  nlohmann::ordered_json source;        // null when absent
  std::optional<std::string> source_id;
  std::optional<std::string> source_type;
  int64_t created_time = 0;
  int64_t last_update_time = 0;
  std::optional<std::string> created_by;
  std::optional<std::string> last_updated_by;
};

// One record of an upsert, prepared by the service (validated, hashed).
struct DatasetRecordUpsert {
  std::string input_hash;               // sha256 of json.dumps(inputs, sort_keys=True)
  nlohmann::ordered_json inputs;        // an object
  bool has_outputs = false;             // "outputs" given (merging replaces outputs only then)
  nlohmann::ordered_json outputs;       // the value given (may be null), unwrapped
  nlohmann::ordered_json expectations;  // object or null
  nlohmann::ordered_json tags;          // object or null
  nlohmann::ordered_json source;        // {"source_type": ..., "source_data": {...}} or null
  std::optional<std::string> source_id;
  std::optional<std::string> source_type;
  std::optional<std::string> user;  // the record's mlflow.user tag
};

struct DatasetUpsertResult {
  int64_t inserted = 0;
  int64_t updated = 0;
};

struct DatasetSearchRequest {
  std::vector<std::string> experiment_ids;  // empty: every dataset
  search::Filter filter;                    // parsed by the service
  // (column, ascending); the service checks the columns. dataset_id DESC is appended when absent.
  std::vector<std::pair<std::string, bool>> order_by;
  int64_t max_results = 1000;
  int64_t offset = 0;
};

struct DatasetPage {
  std::vector<EvaluationDataset> datasets;
  bool has_more = false;  // the service makes the token
};

struct DatasetRecordPage {
  std::vector<DatasetRecord> records;
  std::optional<std::pair<int64_t, std::string>> next;  // (created_time, record id) of the last record
};

class DatasetStore {
 public:
  virtual ~DatasetStore() = default;

  // Tags as given (a value may be null); experiment ids are linked as given, unchecked (as MLflow).
  virtual Result<EvaluationDataset> CreateDataset(const std::string& name, const std::vector<DatasetTag>& tags,
                                                  const std::vector<std::string>& experiment_ids,
                                                  const std::optional<std::string>& user) = 0;
  // RESOURCE_DOES_NOT_EXIST "Evaluation dataset with id 'X' not found".
  virtual Result<EvaluationDataset> GetDataset(const std::string& dataset_id) = 0;
  // Unknown ids are not an error (MLflow logs and returns).
  virtual Status DeleteDataset(const std::string& dataset_id) = 0;
  virtual Result<DatasetPage> SearchDatasets(const DatasetSearchRequest& request) = 0;
  // Null values are skipped. RESOURCE_DOES_NOT_EXIST "Could not find evaluation dataset with ID X".
  virtual Status SetDatasetTags(const std::string& dataset_id, const std::vector<DatasetTag>& tags) = 0;
  // Idempotent, unknown dataset included.
  virtual Status DeleteDatasetTag(const std::string& dataset_id, const std::string& key) = 0;
  // Inserts new inputs, merges into records with the same inputs; updates the dataset's schema
  // (JSON text computed by the caller from the existing one: see `schema_update`), profile,
  // digest, last_update_time and last_updated_by.
  virtual Result<DatasetUpsertResult> UpsertDatasetRecords(const std::string& dataset_id,
                                                           const std::vector<DatasetRecordUpsert>& records) = 0;
  // Ordered by (created_time, dataset_record_id), after the cursor when given; max_results + 1
  // rows are read to know whether a next page exists.
  virtual Result<DatasetRecordPage> GetDatasetRecords(const std::string& dataset_id, int64_t max_results,
                                                      const std::optional<std::pair<int64_t, std::string>>& after,
                                                      int64_t offset) = 0;
  virtual Result<int64_t> DeleteDatasetRecords(const std::string& dataset_id,
                                               const std::vector<std::string>& record_ids) = 0;
  virtual Result<std::vector<std::string>> GetDatasetExperimentIds(const std::string& dataset_id) = 0;
  // RESOURCE_DOES_NOT_EXIST "Dataset 'X' not found" / "No Experiment with id=N".
  virtual Result<EvaluationDataset> AddDatasetToExperiments(const std::string& dataset_id,
                                                            const std::vector<std::string>& experiment_ids) = 0;
  virtual Result<EvaluationDataset> RemoveDatasetFromExperiments(const std::string& dataset_id,
                                                                 const std::vector<std::string>& experiment_ids) = 0;
};

}  // namespace mlflow::store
