#pragma once
// The SQL RegistryStore over MLflow's registry tables (docs/reference/database.md section 5), SQLite and
// PostgreSQL, on both the plain layout and the newer one with `workspace` key columns: inserts
// omit `workspace` (its default 'default' applies) and upserts are UPDATE-then-INSERT, so no
// statement names a key that differs between the two layouts.
#include <memory>

#include "store/registry_store.h"
#include "store/sql/database.h"

namespace mlflow::store::sql {

class SqlRegistryStore : public RegistryStore {
 public:
  explicit SqlRegistryStore(std::shared_ptr<sql::Database> db);

  Result<RegisteredModel> CreateRegisteredModel(const std::string& name, const std::vector<KeyValue>& tags,
                                                const std::optional<std::string>& description) override;
  Result<RegisteredModel> GetRegisteredModel(const std::string& name) override;
  Result<RegisteredModel> RenameRegisteredModel(const std::string& name, const std::string& new_name) override;
  Result<RegisteredModel> UpdateRegisteredModel(const std::string& name,
                                                const std::optional<std::string>& description) override;
  Status DeleteRegisteredModel(const std::string& name) override;
  Result<RegisteredModelPage> SearchRegisteredModels(const RegistrySearchRequest& request) override;
  Result<std::vector<ModelVersion>> GetLatestVersions(const std::string& name,
                                                      const std::vector<std::string>& stages) override;
  Status SetRegisteredModelTag(const std::string& name, const KeyValue& tag) override;
  Status DeleteRegisteredModelTag(const std::string& name, const std::string& key) override;

  Result<ModelVersion> CreateModelVersion(const CreateModelVersionRequest& request) override;
  Result<ModelVersion> GetModelVersion(const std::string& name, const std::string& version) override;
  Result<ModelVersion> UpdateModelVersion(const std::string& name, const std::string& version,
                                          const std::optional<std::string>& description) override;
  Result<ModelVersion> TransitionModelVersionStage(const std::string& name, const std::string& version,
                                                   const std::string& stage, bool archive_existing_versions) override;
  Status DeleteModelVersion(const std::string& name, const std::string& version) override;
  Result<std::string> GetModelVersionDownloadUri(const std::string& name, const std::string& version) override;
  Result<ModelVersionPage> SearchModelVersions(const RegistrySearchRequest& request) override;
  Status SetModelVersionTag(const std::string& name, const std::string& version, const KeyValue& tag) override;
  Status DeleteModelVersionTag(const std::string& name, const std::string& version, const std::string& key) override;

  Status SetRegisteredModelAlias(const std::string& name, const std::string& alias,
                                 const std::string& version) override;
  Status DeleteRegisteredModelAlias(const std::string& name, const std::string& alias) override;
  Result<ModelVersion> GetModelVersionByAlias(const std::string& name, const std::string& alias) override;

 private:
  std::shared_ptr<sql::Database> db_;
};

}  // namespace mlflow::store::sql
