#pragma once
// MLflow's REST JSON (docs/reference/rest-api.md) to the client's entities, and the few
// request fragments the hot path writes by hand.
#include <string>

#include <nlohmann/json.hpp>

#include "mlflow/types.h"

namespace mlflow::client_internal {

entities::Experiment ExperimentFromJson(const nlohmann::json& j);
entities::RunInfo RunInfoFromJson(const nlohmann::json& j);
entities::Run RunFromJson(const nlohmann::json& j);
entities::Metric MetricFromJson(const nlohmann::json& j);
entities::ModelVersion ModelVersionFromJson(const nlohmann::json& j);
entities::RegisteredModel RegisteredModelFromJson(const nlohmann::json& j);
entities::LoggedModel LoggedModelFromJson(const nlohmann::json& j);

// A double as the Python client's protobuf JSON writes it: shortest round-trip text, or the
// strings "NaN", "Infinity", "-Infinity".
void AppendDouble(std::string& out, double v);
// A JSON string literal (quotes included).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace mlflow::client_internal
