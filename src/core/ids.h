#pragma once
// Identifiers and names as MLflow makes them.
#include <cstdint>
#include <string>

namespace mlflow {

// uuid4().hex: 32 lowercase hex chars (run ids, dataset and input uuids).
std::string NewUuidHex();
// "m-" + 32 hex (logged model ids).
std::string NewLoggedModelId();
// MLflow-style generated run name: "<adjective>-<noun>-<number>".
std::string GenerateRunName();
// Current time in milliseconds since the Unix epoch.
int64_t NowMillis();

}  // namespace mlflow
