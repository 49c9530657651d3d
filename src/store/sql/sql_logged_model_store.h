#pragma once
// The SQL LoggedModelStore over MLflow's logged_models tables (docs/reference/database.md section 5).
#include <memory>

#include "store/logged_model_store.h"
#include "store/sql/database.h"

namespace mlflow::store::sql {

class SqlLoggedModelStore : public LoggedModelStore {
 public:
  explicit SqlLoggedModelStore(std::shared_ptr<sql::Database> db);

  Result<LoggedModel> CreateLoggedModel(const CreateLoggedModelRequest& request) override;
  Result<LoggedModel> GetLoggedModel(const std::string& model_id) override;
  Result<LoggedModel> FinalizeLoggedModel(const std::string& model_id, LoggedModelStatus status) override;
  Status DeleteLoggedModel(const std::string& model_id) override;
  Result<LoggedModelPage> SearchLoggedModels(const LoggedModelSearchRequest& request) override;
  Status SetLoggedModelTags(const std::string& model_id, const std::vector<KeyValue>& tags) override;
  Status DeleteLoggedModelTag(const std::string& model_id, const std::string& key) override;
  Status LogLoggedModelParams(const std::string& model_id, const std::vector<KeyValue>& params) override;
  Status AddModelVersionTag(const std::string& model_id, const std::string& name, int64_t version) override;

  Result<LoggedModel> GetLoggedModelAnyStage(const std::string& model_id) override;
  // In sql_hard_delete.cc.
  Result<std::vector<std::string>> GetDeletedLoggedModelIds(int64_t older_than_ms) override;
  Status HardDeleteLoggedModel(const std::string& model_id) override;

 private:
  std::shared_ptr<sql::Database> db_;
};

}  // namespace mlflow::store::sql
