#include "service/logged_model_service.h"

#include <utility>

#include "search/order_by.h"
#include "search/sql_compiler.h"

namespace mlflow::service {

Result<store::LoggedModel> LoggedModelService::CreateLoggedModel(store::CreateLoggedModelRequest request) {
  if (request.name && request.name->empty()) request.name.reset();
  return store_.CreateLoggedModel(request);
}

Result<store::LoggedModel> LoggedModelService::GetLoggedModel(const std::string& model_id) {
  return store_.GetLoggedModel(model_id);
}

Result<store::LoggedModel> LoggedModelService::FinalizeLoggedModel(const std::string& model_id,
                                                                   store::LoggedModelStatus status) {
  return store_.FinalizeLoggedModel(model_id, status);
}

Status LoggedModelService::DeleteLoggedModel(const std::string& model_id) { return store_.DeleteLoggedModel(model_id); }

Result<store::LoggedModelPage> LoggedModelService::SearchLoggedModels(const store::LoggedModelSearchRequest& request) {
  // The checks the search compiler makes first, in its order, so that an order_by naming no
  // attribute can carry MLflow's finer class (its sqlstate differs from other bad values).
  MLFLOW_RETURN_IF_ERROR(search::ValidateMaxResults(search::SearchEntity::kLoggedModels, request.max_results));
  for (const store::LoggedModelOrder& o : request.order_by) {
    Status st = search::ValidateLoggedModelOrderBy({o.field_name, o.ascending, o.dataset_name, o.dataset_digest});
    if (st.ok()) continue;
    const bool attribute = !o.field_name.empty() && o.field_name.find('.') == std::string::npos;
    return attribute ? std::move(st).With(ErrorClass::kAttributeNotFound) : st;
  }
  return store_.SearchLoggedModels(request);
}

Status LoggedModelService::SetLoggedModelTags(const std::string& model_id, const std::vector<KeyValue>& tags) {
  return store_.SetLoggedModelTags(model_id, tags);
}

Status LoggedModelService::DeleteLoggedModelTag(const std::string& model_id, const std::string& key) {
  return store_.DeleteLoggedModelTag(model_id, key);
}

Status LoggedModelService::LogLoggedModelParams(const std::string& model_id, const std::vector<KeyValue>& params) {
  return store_.LogLoggedModelParams(model_id, params);
}

}  // namespace mlflow::service
