// The differential scenario, C++ side (test_client_differential.py runs the same calls through the
// Python MlflowClient and compares what both read back). Prints the ids it made as JSON.
//   client_scenario <tracking uri> <experiment name>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "mlflow/mlflow.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: client_scenario <tracking uri> <experiment name>\n");
    return 2;
  }
  try {
    mlflow::Client c(argv[1]);
    std::string exp = c.create_experiment(argv[2], "", {{"team", "robotics"}, {"unicode", "ünïcødé ✓"}});
    auto run = c.create_run(exp, {{"mlflow.user", "scenario-user"}, {"stage", "train"}}, "main-run", 1700000000000);
    const std::string id = run.info.run_id;
    c.log_param(id, "lr", "0.001");
    c.log_param(id, "optimizer", "adam");
    c.log_metric(id, "loss", 1.5, 0, 1700000000100);
    c.log_metric(id, "loss", 0.75, 1, 1700000000200);
    c.log_metric(id, "loss", 0.25, 2, 1700000000300);
    c.log_metric(id, "nan_metric", std::numeric_limits<double>::quiet_NaN(), 0, 1700000000100);
    c.log_metric(id, "inf_metric", std::numeric_limits<double>::infinity(), 0, 1700000000100);
    c.log_metric(id, "tiny", 1e-300, 0, 1700000000100);
    c.log_metric(id, "big_step", 3.0, 9007199254740993LL, 1700000000100);
    std::vector<mlflow::entities::Metric> batch;
    for (int i = 0; i < 1500; ++i) batch.push_back({"batch_metric", i * 0.5, 1700000001000 + i, i});
    std::vector<mlflow::entities::Param> params;
    for (int i = 0; i < 120; ++i) params.push_back({"p" + std::to_string(i), "v" + std::to_string(i)});
    c.log_batch(id, batch, params, {{"batch_tag", "yes"}});
    for (int i = 0; i < 3000; ++i) c.log_metric_async(id, "async_metric", i * 0.25, i, 1700000002000 + i);
    c.set_tag(id, "note", "line1\nline2 \"quoted\"");
    c.set_tag(id, "to_delete", "x");
    c.delete_tag(id, "to_delete");
    c.log_text(id, "hello from the scenario", "notes/hello.txt");
    c.log_text(id, "artifact_path: model\nflavors: {}\n", "model/MLmodel");

    auto child = c.create_run(exp, {{"mlflow.parentRunId", id}, {"mlflow.user", "scenario-user"}}, "child-run",
                              1700000000500);
    c.log_metric(child.info.run_id, "child_metric", 42, 0, 1700000000600);
    c.set_terminated(child.info.run_id, mlflow::entities::RunStatus::kFinished, 1700000000700);
    c.set_terminated(id, mlflow::entities::RunStatus::kFinished, 1700000009000);

    std::string model_name = std::string(argv[2]) + "-model";
    c.create_registered_model(model_name, {{"owner", "scenario"}}, "scenario model");
    c.create_model_version(model_name, run.info.artifact_uri + "/model", id, {{"v", "1"}}, "first version");
    c.set_registered_model_alias(model_name, "champion", "1");

    std::printf("{\"experiment_id\": \"%s\", \"run_id\": \"%s\", \"child_run_id\": \"%s\", \"model\": \"%s\"}\n",
                exp.c_str(), id.c_str(), child.info.run_id.c_str(), model_name.c_str());
  } catch (const mlflow::MlflowError& e) {
    std::fprintf(stderr, "mlflow error %s: %s\n", e.error_code().c_str(), e.what());
    return 1;
  }
  return 0;
}
