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

// An epoch-milliseconds time as pandas (3.1, MLflow 3.17.2's) writes a UTC datetime column of
// millisecond resolution: "2020-09-13 12:26:40.123+00:00", the fraction on every value of the
// column when one value has one ("...40.000+00:00"), none when none has.
std::string PandasUtcTime(int64_t millis, bool with_fraction);

}  // namespace mlflow::cli
