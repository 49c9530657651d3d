#pragma once
// RunsCsv: the CSV `mlflow experiments csv` prints (MLflow 3.17.2, mlflow/experiments.py): the
// pandas frame of mlflow.search_runs written by DataFrame.to_csv(index=False). Columns run_id,
// experiment_id, status, artifact_uri, start_time, end_time (pandas' UTC datetimes), then
// metrics.<key>, params.<key>, tags.<key>, each group in the order the runs bring new keys in
// (sorted within a run: MLflow walks a Python set there, whose order varies from process to
// process). Runs in the order given (the store's default: start_time DESC, run_id). A value a run
// lacks is empty; fields are quoted as Python's csv module quotes them.
//
//   std::string text = RunsCsv(runs);
#include <string>
#include <vector>

#include "core/entities.h"

namespace mlflow::cli {

std::string RunsCsv(const std::vector<Run>& runs);

// str() of the pandas UTC Timestamp of an epoch-milliseconds time, as to_csv writes a tz-aware
// datetime: "2020-09-13 12:26:40.123000+00:00", "2020-09-13 12:26:40+00:00" on a whole second.
std::string PandasUtcTime(int64_t millis);

}  // namespace mlflow::cli
