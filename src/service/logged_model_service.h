#pragma once
// LoggedModelService: MLflow 3 logged models, with MLflow's rules applied before the store:
// defaults of a new model, and the error classes of a bad search (an order_by attribute that
// does not exist is ATTRIBUTE_NOT_FOUND, as MLflow classifies it). The store checks names and
// experiments (store/logged_model_store.h).
//
//   service::LoggedModelService models(logged_model_store);
//   store::CreateLoggedModelRequest create;
//   create.experiment_id = "0";
//   create.name = "classifier";
//   MLFLOW_ASSIGN_OR_RETURN(store::LoggedModel model, models.CreateLoggedModel(create));
//   MLFLOW_ASSIGN_OR_RETURN(model, models.FinalizeLoggedModel(model.model_id, store::LoggedModelStatus::kReady));
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/status.h"
#include "store/logged_model_store.h"

namespace mlflow::service {

class LoggedModelService {
 public:
  explicit LoggedModelService(store::LoggedModelStore& store) : store_(store) {}

  // An empty name means "generate one", as an unset one does.
  Result<store::LoggedModel> CreateLoggedModel(store::CreateLoggedModelRequest request);
  Result<store::LoggedModel> GetLoggedModel(const std::string& model_id);
  Result<store::LoggedModel> FinalizeLoggedModel(const std::string& model_id, store::LoggedModelStatus status);
  Status DeleteLoggedModel(const std::string& model_id);
  Result<store::LoggedModelPage> SearchLoggedModels(const store::LoggedModelSearchRequest& request);
  Status SetLoggedModelTags(const std::string& model_id, const std::vector<KeyValue>& tags);
  Status DeleteLoggedModelTag(const std::string& model_id, const std::string& key);
  Status LogLoggedModelParams(const std::string& model_id, const std::vector<KeyValue>& params);

 private:
  store::LoggedModelStore& store_;
};

}  // namespace mlflow::service
