#pragma once
// RegistryService: registered models, model versions, tags and aliases, with MLflow's rules
// applied before the registry store: model names (every call that names a model), the checks on
// a new version's source (path shape, lineage, proxied roots, MLFLOW_CREATE_MODEL_VERSION_SOURCE_
// VALIDATION_REGEX), models:/ sources resolved to their files, and the sequence that tags the
// logged model a version was registered from. The store keeps the checks MLflow's registry store
// makes on tags, aliases, stages and version numbers (store/registry_store.h).
//
//   service::RegistryService registry(registry_store, tracking_store, logged_model_store);
//   MLFLOW_ASSIGN_OR_RETURN(store::RegisteredModel model, registry.CreateRegisteredModel("churn", {}, ""));
//   service::CreateModelVersionRequest version;
//   version.name = model.name;
//   version.source = "s3://bucket/churn/model";
//   MLFLOW_ASSIGN_OR_RETURN(store::ModelVersion mv, registry.CreateModelVersion(version));
//
// Errors: INVALID_PARAMETER_VALUE for rule violations (docs/reference/limits.md 8,
// docs/reference/rest-api.md 3.4), plus the store's (unknown names and versions, duplicates).
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/status.h"
#include "store/logged_model_store.h"
#include "store/registry_store.h"
#include "store/tracking_store.h"

namespace mlflow::service {

struct CreateModelVersionRequest {
  std::string name;
  std::string source;
  std::optional<std::string> run_id;  // the run the files come from (lineage and local sources)
  std::optional<std::string> run_link;
  std::optional<std::string> description;
  std::optional<std::string> model_id;  // the logged model the files come from
  std::vector<KeyValue> tags;
};

class RegistryService {
 public:
  // tracking and logged_models: runs and logged models named by model version sources.
  RegistryService(store::RegistryStore& registry, store::TrackingStore& tracking,
                  store::LoggedModelStore& logged_models)
      : registry_(registry), tracking_(tracking), logged_models_(logged_models) {}

  // --- registered models ---
  Result<store::RegisteredModel> CreateRegisteredModel(const std::string& name, const std::vector<KeyValue>& tags,
                                                       const std::optional<std::string>& description);
  Result<store::RegisteredModel> GetRegisteredModel(const std::string& name);
  Result<store::RegisteredModel> RenameRegisteredModel(const std::string& name, const std::string& new_name);
  Result<store::RegisteredModel> UpdateRegisteredModel(const std::string& name,
                                                       const std::optional<std::string>& description);
  Status DeleteRegisteredModel(const std::string& name);
  Result<store::RegisteredModelPage> SearchRegisteredModels(const store::RegistrySearchRequest& request);
  Result<std::vector<store::ModelVersion>> GetLatestVersions(const std::string& name,
                                                             const std::vector<std::string>& stages);
  Status SetRegisteredModelTag(const std::string& name, const KeyValue& tag);
  Status DeleteRegisteredModelTag(const std::string& name, const std::string& key);

  // --- model versions (version: the request's decimal string) ---
  // Validates the source (unless the version is a prompt), resolves models:/ sources to the files
  // they name, creates the version, and records it on the logged model it came from.
  Result<store::ModelVersion> CreateModelVersion(const CreateModelVersionRequest& request);
  Result<store::ModelVersion> GetModelVersion(const std::string& name, const std::string& version);
  Result<store::ModelVersion> UpdateModelVersion(const std::string& name, const std::string& version,
                                                 const std::optional<std::string>& description);
  Result<store::ModelVersion> TransitionModelVersionStage(const std::string& name, const std::string& version,
                                                          const std::string& stage, bool archive_existing_versions);
  Status DeleteModelVersion(const std::string& name, const std::string& version);
  Result<std::string> GetModelVersionDownloadUri(const std::string& name, const std::string& version);
  Result<store::ModelVersionPage> SearchModelVersions(const store::RegistrySearchRequest& request);
  Status SetModelVersionTag(const std::string& name, const std::string& version, const KeyValue& tag);
  Status DeleteModelVersionTag(const std::string& name, const std::string& version, const std::string& key);

  // --- aliases ---
  Status SetRegisteredModelAlias(const std::string& name, const std::string& alias, const std::string& version);
  Status DeleteRegisteredModelAlias(const std::string& name, const std::string& alias);
  Result<store::ModelVersion> GetModelVersionByAlias(const std::string& name, const std::string& alias);

 private:
  Status ValidateSource(const std::string& source, const std::string& run_id, const std::string& model_id);
  Status ResolveStorageLocation(const std::string& source, std::string* storage, std::optional<std::string>* run_id);

  store::RegistryStore& registry_;
  store::TrackingStore& tracking_;
  store::LoggedModelStore& logged_models_;
};

}  // namespace mlflow::service
