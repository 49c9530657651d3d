#pragma once
// The logged models a run-logging request writes to, as MLflow 3.17.2's checks read them from the
// parsed request message (mlflow/server/auth/__init__.py: validate_can_log_metric,
// validate_can_log_batch, validate_can_log_inputs, validate_can_log_outputs): the caller must be
// able to update each of them as well as the run (auth_gate.cc).
//
//   for (const std::string& id : LoggedModelsWrittenBy("LogBatch", body)) ...
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mlflow::auth {

// LogMetric's model_id, LogBatch's metrics[].model_id, LogInputs' and LogOutputs'
// models[].model_id (either spelling; the list items MLflow's parser reads, request_aliases.h
// ItemsParsedBeforeFailure), empty ids skipped, sorted, each once. Another message: none.
std::vector<std::string> LoggedModelsWrittenBy(std::string_view message, const nlohmann::json& body);

}  // namespace mlflow::auth
