#pragma once
// Loads whole runs (info, latest metrics, params, tags, inputs, outputs) by id, in a few set-based
// queries, for GetRun and for a page of search results.
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/status.h"
#include "store/sql/connection.h"

namespace mlflow::store::sql {

// NotFound ("Run with id=X not found") when the run does not exist.
Result<RunInfo> LoadRunInfo(Connection& c, const std::string& run_id);

// Runs in the order of `run_ids`; unknown ids are skipped. with_model_inputs: also fill
// model_inputs (GetRun does, SearchRuns does not, like MLflow).
Result<std::vector<Run>> LoadRuns(Connection& c, const std::vector<std::string>& run_ids, bool with_model_inputs);

}  // namespace mlflow::store::sql
