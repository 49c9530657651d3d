#pragma once
// RegistryStore: registered models, model versions, their tags and aliases (MLflow's model
// registry). One SQL implementation (store/sql/sql_registry_store.h) over MLflow's own tables.
// Every method is thread-safe and blocking.
//
// Errors follow MLflow's SQL registry store (docs/reference/rest-api.md 3.4): RESOURCE_DOES_NOT_EXIST
// "Registered Model with name=X not found" / "Model Version (name=X, version=N) not found",
// RESOURCE_ALREADY_EXISTS for duplicate names, INVALID_PARAMETER_VALUE for a non-integer version
// ("Parameter 'version' must be an integer, got 'V'."), bad stages and alias names. The store runs
// MLflow's store-level checks (names, versions, stages, aliases, tag limits); request decoding and
// source validation are the handler's job.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/status.h"

namespace mlflow::store {

struct ModelVersion {
  std::string name;
  int64_t version = 0;
  int64_t creation_timestamp = 0;
  std::optional<int64_t> last_updated_timestamp;
  // Columns as stored; nullopt = NULL (omitted from JSON), "" is kept and rendered.
  std::optional<std::string> description;
  std::optional<std::string> user_id;
  std::optional<std::string> current_stage;
  std::optional<std::string> source;
  std::optional<std::string> run_id;
  std::optional<std::string> run_link;
  std::optional<std::string> status;  // READY, PENDING_REGISTRATION, FAILED_REGISTRATION
  std::optional<std::string> status_message;
  std::optional<std::string> storage_location;  // not rendered; download URI
  std::vector<KeyValue> tags;
  std::vector<std::string> aliases;  // filled only where MLflow fills them (not by search)
};

struct RegisteredModelAlias {
  std::string alias;
  int64_t version = 0;
};

struct RegisteredModel {
  std::string name;
  std::optional<int64_t> creation_timestamp;
  std::optional<int64_t> last_updated_timestamp;
  std::optional<std::string> description;
  std::vector<ModelVersion> latest_versions;  // one per stage, highest version, no aliases
  std::vector<KeyValue> tags;
  std::vector<RegisteredModelAlias> aliases;
};

struct CreateModelVersionRequest {
  std::string name;
  std::string source;
  // Where the files really are (models:/ sources resolved by the caller); empty = source.
  std::string storage_location;
  std::optional<std::string> run_id;
  std::optional<std::string> run_link;
  std::optional<std::string> description;
  std::vector<KeyValue> tags;
};

struct RegistrySearchRequest {
  std::string filter;
  std::vector<std::string> order_by;
  std::optional<int64_t> max_results;  // nullopt = the entity's REST default
  std::string page_token;
};

struct RegisteredModelPage {
  std::vector<RegisteredModel> models;
  std::string next_page_token;
};

struct ModelVersionPage {
  std::vector<ModelVersion> versions;
  std::string next_page_token;
};

// Canonical stage names; "Deleted_Internal" marks soft-deleted versions and is never returned.
inline constexpr const char* kStageNone = "None";
inline constexpr const char* kStageStaging = "Staging";
inline constexpr const char* kStageProduction = "Production";
inline constexpr const char* kStageArchived = "Archived";
inline constexpr const char* kStageDeletedInternal = "Deleted_Internal";
inline constexpr const char* kPromptTag = "mlflow.prompt.is_prompt";

// "staging" -> "Staging"; unknown -> INVALID_PARAMETER_VALUE "Invalid Model Version stage: X. ...".
Result<std::string> CanonicalStage(const std::string& stage);
// Python int() of a version string ("1", " 2 ", "+3"); else "Parameter 'version' must be ...".
Result<int64_t> ParseModelVersion(const std::string& version);

class RegistryStore {
 public:
  virtual ~RegistryStore() = default;

  // --- registered models ---
  virtual Result<RegisteredModel> CreateRegisteredModel(const std::string& name, const std::vector<KeyValue>& tags,
                                                        const std::optional<std::string>& description) = 0;
  virtual Result<RegisteredModel> GetRegisteredModel(const std::string& name) = 0;
  virtual Result<RegisteredModel> RenameRegisteredModel(const std::string& name, const std::string& new_name) = 0;
  // description nullopt clears it (MLflow stores what the request message held).
  virtual Result<RegisteredModel> UpdateRegisteredModel(const std::string& name,
                                                        const std::optional<std::string>& description) = 0;
  virtual Status DeleteRegisteredModel(const std::string& name) = 0;
  virtual Result<RegisteredModelPage> SearchRegisteredModels(const RegistrySearchRequest& request) = 0;
  // Highest non-deleted version per requested stage (all stages when empty), with aliases.
  virtual Result<std::vector<ModelVersion>> GetLatestVersions(const std::string& name,
                                                              const std::vector<std::string>& stages) = 0;
  virtual Status SetRegisteredModelTag(const std::string& name, const KeyValue& tag) = 0;
  virtual Status DeleteRegisteredModelTag(const std::string& name, const std::string& key) = 0;

  // --- model versions (version: the request's decimal string) ---
  virtual Result<ModelVersion> CreateModelVersion(const CreateModelVersionRequest& request) = 0;
  virtual Result<ModelVersion> GetModelVersion(const std::string& name, const std::string& version) = 0;
  virtual Result<ModelVersion> UpdateModelVersion(const std::string& name, const std::string& version,
                                                  const std::optional<std::string>& description) = 0;
  virtual Result<ModelVersion> TransitionModelVersionStage(const std::string& name, const std::string& version,
                                                           const std::string& stage,
                                                           bool archive_existing_versions) = 0;
  virtual Status DeleteModelVersion(const std::string& name, const std::string& version) = 0;
  virtual Result<std::string> GetModelVersionDownloadUri(const std::string& name, const std::string& version) = 0;
  virtual Result<ModelVersionPage> SearchModelVersions(const RegistrySearchRequest& request) = 0;
  virtual Status SetModelVersionTag(const std::string& name, const std::string& version, const KeyValue& tag) = 0;
  virtual Status DeleteModelVersionTag(const std::string& name, const std::string& version,
                                       const std::string& key) = 0;

  // --- aliases ---
  virtual Status SetRegisteredModelAlias(const std::string& name, const std::string& alias,
                                         const std::string& version) = 0;
  virtual Status DeleteRegisteredModelAlias(const std::string& name, const std::string& alias) = 0;
  // Alias "latest" (any case) = first entry of GetLatestVersions(name, {}).
  virtual Result<ModelVersion> GetModelVersionByAlias(const std::string& name, const std::string& alias) = 0;
};

}  // namespace mlflow::store
